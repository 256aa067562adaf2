import _ELSASupport

/// RFC 4180 records of a delimited text: fields separated by `separator`, records by LF or
/// CRLF. A field that starts with a double quote is quoted: it holds separators, line breaks
/// and doubled quotes (`""` stands for one `"`) up to its closing quote. A quote inside an
/// unquoted field is kept as text. Blank lines are skipped; a UTF-8 byte order mark is ignored.
public enum CSVRecords {
    /// The records of `text` with the 1-based line each starts on.
    /// - Throws: `DataError.malformedLine` naming `file` and the line for a quoted field that is
    ///   never closed, or a closing quote followed by something other than a separator or line end.
    /// - Precondition: `separator` is one ASCII character, not a quote or a line break.
    public static func parse(_ text: String, separator: Character = ",", file: String) throws -> [(line: Int, fields: [String])] {
        precondition(separator.isASCII && separator != "\"" && !separator.isNewline,
                     "the CSV separator must be one ASCII character other than a quote or a line break, got '\(separator)'")
        let separatorByte = separator.asciiValue!
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let count = bytes.count

        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var atFieldStart = true
        var recordHasContent = false
        var position = 0

        /// The length of the line break at `index` (1 for LF, 2 for CRLF, 1 for a CR ending the text), or 0.
        func lineBreak(at index: Int) -> Int {
            if bytes[index] == newline { return 1 }
            if bytes[index] == carriage { return index + 1 == count ? 1 : (bytes[index + 1] == newline ? 2 : 0) }
            return 0
        }
        while position < count {
            let byte = bytes[position]
            if atFieldStart && byte == quote {
                let openingLine = line
                position += 1
                var closed = false
                while position < count {
                    let inner = bytes[position]
                    if inner == quote {
                        if position + 1 < count && bytes[position + 1] == quote { field.append(quote); position += 2; continue }
                        closed = true
                        position += 1
                        break
                    }
                    if inner == newline { line += 1 }
                    field.append(inner)
                    position += 1
                }
                guard closed else {
                    throw DataError.malformedLine(file: file, line: openingLine, reason: "a quoted field is never closed")
                }
                guard position == count || bytes[position] == separatorByte || lineBreak(at: position) > 0 else {
                    throw DataError.malformedLine(file: file, line: line,
                                                  reason: "unexpected text after the closing quote of a field (quotes inside a quoted field must be doubled)")
                }
                atFieldStart = false
                recordHasContent = true
                continue
            }
            if byte == separatorByte {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
                recordHasContent = true
                position += 1
                continue
            }
            let breakLength = lineBreak(at: position)
            if breakLength > 0 {
                if recordHasContent {
                    fields.append(String(decoding: field, as: UTF8.self))
                    records.append((recordLine, fields))
                }
                fields.removeAll(keepingCapacity: true)
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
                recordHasContent = false
                position += breakLength
                line += 1
                recordLine = line
                continue
            }
            field.append(byte)
            atFieldStart = false
            recordHasContent = true
            position += 1
        }
        if recordHasContent {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append((recordLine, fields))
        }
        return records
    }
}
