/// Number parsing straight from the bytes of a file (no `String` per field).
enum ByteParsing {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let zero = UInt8(ascii: "0")

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == carriageReturn }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

    /// The value of `start ..< end` if it is a canonical non-negative integer:
    /// only digits, 1 to 18 of them, no leading zero unless it is `0` itself.
    @inline(__always)
    static func canonicalInteger(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        let length = end - start
        guard length >= 1 && length <= 18 else { return nil }
        if length > 1 && base[start] == zero { return nil }
        var value: Int64 = 0
        var position = start
        while position < end {
            let digit = base[position] &- zero
            if digit >= 10 { return nil }
            value = value &* 10 &+ Int64(digit)
            position += 1
        }
        return value
    }

    /// A signed decimal integer (`-12`, `+7`, `0042`), at most 18 digits.
    static func integer(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var position = start
        var negative = false
        if position < end && (base[position] == UInt8(ascii: "-") || base[position] == UInt8(ascii: "+")) {
            negative = base[position] == UInt8(ascii: "-")
            position += 1
        }
        let digits = end - position
        guard digits >= 1 && digits <= 18 else { return nil }
        var value: Int64 = 0
        while position < end {
            let digit = base[position] &- zero
            if digit >= 10 { return nil }
            value = value &* 10 &+ Int64(digit)
            position += 1
        }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A decimal number: optional sign, digits with an optional fraction
    /// (`4`, `3.5`, `.5`, `4.`), optional exponent (`1e3`). At least one digit.
    /// `nan`, `inf`, hex and anything else give `nil`. Exact for the short
    /// decimals ratings use; at most one rounding step otherwise.
    static func number(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var position = start
        var negative = false
        if position < end && (base[position] == UInt8(ascii: "-") || base[position] == UInt8(ascii: "+")) {
            negative = base[position] == UInt8(ascii: "-")
            position += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0
        var digitCount = 0
        while position < end, isDigit(base[position]) {
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(base[position] &- zero)
                if mantissa > 0 { significantDigits += 1 }
            } else {
                decimalExponent += 1
            }
            digitCount += 1
            position += 1
        }
        if position < end && base[position] == UInt8(ascii: ".") {
            position += 1
            while position < end, isDigit(base[position]) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[position] &- zero)
                    if mantissa > 0 { significantDigits += 1 }
                    decimalExponent -= 1
                }
                digitCount += 1
                position += 1
            }
        }
        guard digitCount > 0 else { return nil }
        if position < end && (base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E")) {
            position += 1
            guard let exponent = integer(base, position, end), abs(exponent) < 10_000 else { return nil }
            decimalExponent += Int(exponent)
            position = end
        }
        guard position == end else { return nil }
        var value = Double(mantissa)
        if decimalExponent != 0 && mantissa != 0 {
            var remaining = decimalExponent
            while remaining > 22 { value *= 1e22; remaining -= 22 }
            while remaining < -22 { value /= 1e22; remaining += 22 }
            value = remaining >= 0 ? value * powersOfTen[remaining] : value / powersOfTen[-remaining]
        }
        return negative ? -value : value
    }

    /// `YYYY-MM-DD` as seconds since 1970-01-01 (proleptic Gregorian calendar, UTC).
    static func date(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        guard end - start == 10, base[start + 4] == UInt8(ascii: "-"), base[start + 7] == UInt8(ascii: "-"),
              let year = integer(base, start, start + 4), let month = integer(base, start + 5, start + 7),
              let day = integer(base, start + 8, start + 10),
              base[start] != UInt8(ascii: "-"), base[start + 5] != UInt8(ascii: "-"), base[start + 8] != UInt8(ascii: "-"),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400
    }

    /// An integer timestamp or a `YYYY-MM-DD` date, in seconds.
    static func timestamp(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        integer(base, start, end) ?? date(base, start, end)
    }

    /// The text of `start ..< end`, shortened for error messages. ASCII control bytes and bytes
    /// that are not UTF-8 show as `\xNN` (so a message never carries a terminal escape or a raw NUL).
    static func excerpt(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, limit: Int = 40) -> String {
        let shown = min(end - start, limit)
        var text = ""
        var position = start
        while position < start + shown {
            let byte = base[position]
            let length = byte < 0x20 || byte == 0x7F ? 0 : validCharacterLength(base, position, start + shown)
            if length == 0 {
                text += "\\x" + String(base[position], radix: 16, uppercase: true).leftPadded(to: 2)
                position += 1
            } else {
                text += String(decoding: UnsafeBufferPointer(start: base + position, count: length), as: UTF8.self)
                position += length
            }
        }
        return shown < end - start ? text + "..." : text
    }

    /// 3 when the `count` bytes at `base` begin with the UTF-8 byte-order mark `EF BB BF`
    /// (skipped at the start of text files), else 0.
    static func byteOrderMarkLength(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    /// Whether `start ..< end` is a valid id: at least one byte, well-formed UTF-8, and no
    /// control character (U+0000-U+001F, U+007F, U+0080-U+009F). The readers split on spaces
    /// and tabs (or on the csv separator, trimming spaces and tabs at both ends), so an id of a
    /// whitespace-separated format is printable text without spaces.
    @inline(__always)
    static func isValidID(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start else { return false }
        var position = start
        while position < end {
            let byte = base[position]
            if byte < 0x80 {  // ASCII: printable only
                if byte < 0x20 || byte == 0x7F { return false }
                position += 1
                continue
            }
            let length = validCharacterLength(base, position, end)
            if length == 0 { return false }
            if length == 2 && byte == 0xC2 && base[position + 1] < 0xA0 { return false }  // C1 controls
            position += length
        }
        return true
    }

    /// The length (1 to 4) of the well-formed UTF-8 character at `position` (before `end`), or 0
    /// when the bytes there are not one (a stray continuation byte, an overlong form, a surrogate,
    /// a code point above U+10FFFF, or a character cut off by `end`). Control characters count as valid.
    @inline(__always)
    static func validCharacterLength(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        let lead = base[position]
        if lead < 0x80 { return 1 }
        @inline(__always) func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            position + offset < end && base[position + offset] >= low && base[position + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
