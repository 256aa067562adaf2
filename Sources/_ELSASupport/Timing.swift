/// Seconds from `start` to now.
public func seconds(since start: ContinuousClock.Instant) -> Double {
    seconds(ContinuousClock.now - start)
}

/// A duration in seconds.
public func seconds(_ elapsed: Duration) -> Double {
    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Seconds between successive `lap()` calls (the phase timings of the training steps).
public struct PhaseClock {
    private var last = ContinuousClock.now
    public init() {}
    public mutating func lap() -> Double {
        let now = ContinuousClock.now
        defer { last = now }
        return seconds(now - last)
    }
}
