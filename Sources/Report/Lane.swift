import Negotiation

/// One track across the time axis: the runs of days it spent in each status, and the events
/// that bear on it.
struct Lane: Sendable {
    /// Consecutive days a track spent in one status.
    struct Band: Sendable, Hashable {
        var status: TrackStatus
        var from: Day
        /// The last day of the run, inclusive.
        var through: Day
    }

    let track: Track
    /// Runs of days in one status other than `none`, oldest first.
    let bands: [Band]
    /// The events naming the track, in valid-time order.
    let events: [RecordedEvent]

    /// Collapses one status per day (`days` ascending, consecutive) into runs; `none` is left
    /// blank.
    static func bands(days: [Day], statuses: [TrackStatus]) -> [Band] {
        var bands: [Band] = []
        for (day, status) in zip(days, statuses) {
            if var last = bands.last, last.status == status, last.through.adding(days: 1) == day {
                last.through = day
                bands[bands.count - 1] = last
            } else if status != .none {
                bands.append(Band(status: status, from: day, through: day))
            }
        }
        return bands
    }
}
