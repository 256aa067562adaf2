/// Numbers the distinct ids of one kind (users or items) as they are read.
///
/// Ids that are canonical non-negative integers (no sign, no leading zero,
/// at most 18 digits) never become a `String` on the hot path: values below
/// `denseLimit` are looked up in a flat table, larger ones in a dictionary.
/// Other ids go through a `String` dictionary. A canonical integer and a
/// non-canonical text never spell the same id, so the three lookups never
/// disagree.
struct IDTable {
    private(set) var ids: [String] = []
    /// The integer value of each id, or -1 when the id is not a canonical integer.
    private(set) var numericValues: [Int64] = []
    private var denseLookup: [Int32] = []
    private var sparseLookup: [Int64: Int32] = [:]
    private var textLookup: [String: Int32] = [:]
    static let denseLimit: Int64 = 1 << 24

    var count: Int { ids.count }

    /// The index of the id spelled by bytes `start ..< end` of `base` (non-empty), or `nil` when
    /// those bytes are not a valid id (`ByteParsing.isValidID`: invalid UTF-8 or a control character).
    @inline(__always)
    mutating func index(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
        if let value = ByteParsing.canonicalInteger(base, start, end) {
            return index(ofInteger: value)
        }
        guard ByteParsing.isValidID(base, start, end) else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        if let known = textLookup[text] { return known }
        let index = Int32(ids.count)
        ids.append(text)
        numericValues.append(-1)
        textLookup[text] = index
        return index
    }

    /// The index of the id spelled as the decimal `value` (`value >= 0`).
    @inline(__always)
    mutating func index(ofInteger value: Int64) -> Int32 {
        if value < IDTable.denseLimit {
            let slot = Int(value)
            if slot < denseLookup.count {
                let known = denseLookup[slot]
                if known >= 0 { return known }
            } else {
                let newCount = min(Int(IDTable.denseLimit), max(slot + 1, denseLookup.count * 2, 1024))
                denseLookup.append(contentsOf: repeatElement(-1, count: newCount - denseLookup.count))
            }
            let index = appendInteger(value)
            denseLookup[slot] = index
            return index
        }
        if let known = sparseLookup[value] { return known }
        let index = appendInteger(value)
        sparseLookup[value] = index
        return index
    }

    private mutating func appendInteger(_ value: Int64) -> Int32 {
        let index = Int32(ids.count)
        ids.append(String(value))
        numericValues.append(value)
        return index
    }

    /// `newIndex[old]` for `ReaderOptions.IDOrder.sorted`: canonical integers
    /// first in numeric order, then the other ids in `String` order.
    func sortedRenumbering() -> [Int32] {
        var order = Array(0..<ids.count)
        let values = numericValues
        let names = ids
        order.sort { left, right in
            let leftValue = values[left], rightValue = values[right]
            if leftValue >= 0 || rightValue >= 0 {
                if leftValue >= 0 && rightValue >= 0 { return leftValue < rightValue }
                return leftValue >= 0
            }
            return names[left] < names[right]
        }
        var newIndex = [Int32](repeating: 0, count: ids.count)
        for (position, old) in order.enumerated() { newIndex[old] = Int32(position) }
        return newIndex
    }

    /// Whether the ids are already in `sorted` order (then no renumbering is needed).
    func isSorted() -> Bool {
        var previous: Int64 = -1
        for value in numericValues {
            if value < 0 || value <= previous { return false }
            previous = value
        }
        return true
    }
}
