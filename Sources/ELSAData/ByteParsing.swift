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

    /// The text of `start ..< end`, shortened for error messages.
    static func excerpt(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, limit: Int = 40) -> String {
        let shown = min(end - start, limit)
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: shown), as: UTF8.self)
        return shown < end - start ? text + "..." : text
    }
}
