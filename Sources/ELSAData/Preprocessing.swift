import ELSASparse
import _ELSASupport

/// Turns `RawInteractions` into the binary users x items `InteractionDataset`.
///
/// The steps, in order:
/// 1. rating threshold: records with rating < `minRating` are dropped (skipped
///    when the input has no ratings or `minRating` is `nil`);
/// 2. binarization and duplicate collapse: every remaining (user, item) pair
///    becomes one entry of value 1, however often it was read (a pair read
///    once below and once above the threshold is kept);
/// 3. support filtering, `.singlePass` (users, then items, once) or `.kCore`
///    (repeated to a fixed point), see `PreprocessingOptions.SupportFiltering`;
/// 4. users and items left without interactions are removed and the rest are
///    renumbered in their original order (so `ReaderOptions.idOrder` carries
///    over); rows are sorted by item.
/// Every dropped record is counted in the `PreprocessingReport`.
public enum Preprocessing {
    /// Applies `options` to `raw`.
    ///
    /// - Throws: `DataError.nothingLeftAfterFiltering` naming `raw.source` when
    ///   no interaction survives.
    /// - Precondition: the indices of `raw` are within its id lists (true for
    ///   everything `InteractionReader` returns).
    public static func apply(_ raw: RawInteractions, options: PreprocessingOptions = .paper) throws
        -> (dataset: InteractionDataset, report: PreprocessingReport) {
        let userCount = raw.userIDs.count
        let itemCount = raw.itemIDs.count
        let minUserSupport = max(1, options.minUserSupport)
        let minItemSupport = max(1, options.minItemSupport)
        let thresholdApplied = raw.ratings != nil && options.minRating != nil

        // 1. Threshold, counting the kept records per user.
        var keep = [Bool](repeating: true, count: raw.count)
        var rowCounts = [Int](repeating: 0, count: userCount + 1)
        var belowThreshold = 0
        raw.userIndices.withUnsafeBufferPointer { users in
            raw.itemIndices.withUnsafeBufferPointer { items in
                keep.withUnsafeMutableBufferPointer { keep in
                    rowCounts.withUnsafeMutableBufferPointer { rowCounts in
                        for record in 0..<users.count {
                            let user = Int(users[record])
                            let item = Int(items[record])
                            precondition(user >= 0 && user < userCount && item >= 0 && item < itemCount,
                                         "record \(record) is (user \(user), item \(item)) outside \(userCount) x \(itemCount)")
                        }
                        if thresholdApplied, let ratings = raw.ratings, let minRating = options.minRating {
                            ratings.withUnsafeBufferPointer { ratings in
                                for record in 0..<users.count where !(ratings[record] >= minRating) {
                                    keep[record] = false
                                    belowThreshold += 1
                                }
                            }
                        }
                        for record in 0..<users.count where keep[record] {
                            rowCounts[Int(users[record]) + 1] += 1
                        }
                    }
                }
            }
        }

        // 2. Bucket by user, sort each row, collapse duplicates.
        var rowOffsets = rowCounts
        for user in 0..<userCount { rowOffsets[user + 1] += rowOffsets[user] }
        let keptCount = rowOffsets[userCount]
        var columns = [Int32](repeating: 0, count: keptCount)
        var uniqueOffsets = [Int](repeating: 0, count: userCount + 1)
        var itemCounts = [Int](repeating: 0, count: itemCount)
        raw.userIndices.withUnsafeBufferPointer { users in
            raw.itemIndices.withUnsafeBufferPointer { items in
                keep.withUnsafeBufferPointer { keep in
                    columns.withUnsafeMutableBufferPointer { columns in
                        var next = rowOffsets
                        next.withUnsafeMutableBufferPointer { next in
                            for record in 0..<users.count where keep[record] {
                                let user = Int(users[record])
                                columns[next[user]] = items[record]
                                next[user] += 1
                            }
                        }
                        rowOffsets.withUnsafeBufferPointer { rowOffsets in
                            uniqueOffsets.withUnsafeMutableBufferPointer { uniqueOffsets in
                                itemCounts.withUnsafeMutableBufferPointer { itemCounts in
                                    var write = 0
                                    for user in 0..<userCount {
                                        let start = rowOffsets[user], end = rowOffsets[user + 1]
                                        sortRow(columns, start, end)
                                        var previous: Int32 = -1
                                        for position in start..<end where columns[position] != previous {
                                            previous = columns[position]
                                            columns[write] = previous
                                            itemCounts[Int(previous)] += 1
                                            write += 1
                                        }
                                        uniqueOffsets[user + 1] = write
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let uniqueCount = uniqueOffsets[userCount]
        columns.removeLast(keptCount - uniqueCount)

        // 3. Support filtering on alive masks.
        var userAlive = (0..<userCount).map { uniqueOffsets[$0 + 1] > uniqueOffsets[$0] }
        var itemAlive = itemCounts.map { $0 > 0 }
        let usersWithoutInteractions = userAlive.reduce(0) { $0 + ($1 ? 0 : 1) }
        let itemsWithoutInteractions = itemAlive.reduce(0) { $0 + ($1 ? 0 : 1) }
        var rounds: [PreprocessingReport.Round] = []
        var userLengths = (0..<userCount).map { uniqueOffsets[$0 + 1] - uniqueOffsets[$0] }
        repeat {
            var round = PreprocessingReport.Round()
            // Users first: userLengths counts each user's alive items.
            for user in 0..<userCount where userAlive[user] && userLengths[user] < minUserSupport {
                userAlive[user] = false
                round.usersRemoved += 1
                round.interactionsRemovedWithUsers += userLengths[user]
            }
            // Then items, counting only alive users.
            countAliveEntries(columns: columns, offsets: uniqueOffsets, userAlive: userAlive, itemAlive: itemAlive,
                              itemCounts: &itemCounts)
            var itemsRemovedNow = false
            for item in 0..<itemCount where itemAlive[item] && itemCounts[item] < minItemSupport {
                itemAlive[item] = false
                itemsRemovedNow = true
                round.itemsRemoved += 1
                round.interactionsRemovedWithItems += itemCounts[item]
            }
            if itemsRemovedNow {
                recountUsers(columns: columns, offsets: uniqueOffsets, userAlive: userAlive, itemAlive: itemAlive,
                             userLengths: &userLengths)
            }
            if options.supportFiltering == .singlePass {
                // Users the item step left empty go; others may stay below the minimum (the paper's single pass).
                for user in 0..<userCount where userAlive[user] && userLengths[user] == 0 {
                    userAlive[user] = false
                    round.usersRemoved += 1
                }
                rounds.append(round)
                break
            }
            rounds.append(round)
            if round.usersRemoved == 0 && round.itemsRemoved == 0 { break }
        } while true

        // 4. Renumber the survivors in their original order and build the CSR matrix.
        var newItemIndex = [Int32](repeating: -1, count: itemCount)
        var itemIDs: [String] = []
        for item in 0..<itemCount where itemAlive[item] {
            newItemIndex[item] = Int32(itemIDs.count)
            itemIDs.append(raw.itemIDs[item])
        }
        var userIDs: [String] = []
        var finalOffsets = [0]
        var finalColumns = [Int32]()
        finalColumns.reserveCapacity(uniqueCount)
        for user in 0..<userCount where userAlive[user] {
            for position in uniqueOffsets[user]..<uniqueOffsets[user + 1] {
                let mapped = newItemIndex[Int(columns[position])]
                if mapped >= 0 { finalColumns.append(mapped) }
            }
            userIDs.append(raw.userIDs[user])
            finalOffsets.append(finalColumns.count)
        }
        let interactions = CSRMatrix(rows: userIDs.count, columns: itemIDs.count, rowOffsets: finalOffsets,
                                     columnIndices: finalColumns,
                                     values: [Float](repeating: 1, count: finalColumns.count))
        let report = PreprocessingReport(
            source: raw.source, format: raw.format, options: options, linesRead: raw.linesRead,
            interactionsRead: raw.count, usersRead: userCount, itemsRead: itemCount,
            thresholdApplied: thresholdApplied, belowThreshold: belowThreshold,
            usersWithoutInteractions: usersWithoutInteractions, itemsWithoutInteractions: itemsWithoutInteractions,
            duplicatesCollapsed: keptCount - uniqueCount, rounds: rounds,
            userCount: userIDs.count, itemCount: itemIDs.count, interactionCount: finalColumns.count)
        guard report.interactionCount > 0 else {
            throw DataError.nothingLeftAfterFiltering(file: raw.source, reason: report.summary.replacingNewlines())
        }
        return (InteractionDataset(interactions: interactions, userIDs: userIDs, itemIDs: itemIDs), report)
    }

    /// Sorts `columns[start ..< end]` ascending (insertion sort for short rows).
    @inline(__always)
    private static func sortRow(_ columns: UnsafeMutableBufferPointer<Int32>, _ start: Int, _ end: Int) {
        if end - start <= 24 {
            var position = start + 1
            while position < end {
                let value = columns[position]
                var hole = position
                while hole > start && columns[hole - 1] > value {
                    columns[hole] = columns[hole - 1]
                    hole -= 1
                }
                columns[hole] = value
                position += 1
            }
        } else {
            var row = UnsafeMutableBufferPointer(rebasing: columns[start..<end])
            row.sort()
        }
    }

    /// `itemCounts[i]` = number of alive users holding alive item `i`.
    private static func countAliveEntries(columns: [Int32], offsets: [Int], userAlive: [Bool], itemAlive: [Bool],
                                          itemCounts: inout [Int]) {
        itemCounts.withUnsafeMutableBufferPointer { counts in
            for item in counts.indices { counts[item] = 0 }
            columns.withUnsafeBufferPointer { columns in
                itemAlive.withUnsafeBufferPointer { itemAlive in
                    for user in 0..<userAlive.count where userAlive[user] {
                        for position in offsets[user]..<offsets[user + 1] {
                            let item = Int(columns[position])
                            if itemAlive[item] { counts[item] += 1 }
                        }
                    }
                }
            }
        }
    }

    /// `userLengths[u]` = number of alive items of alive user `u`.
    private static func recountUsers(columns: [Int32], offsets: [Int], userAlive: [Bool], itemAlive: [Bool],
                                     userLengths: inout [Int]) {
        columns.withUnsafeBufferPointer { columns in
            itemAlive.withUnsafeBufferPointer { itemAlive in
                for user in 0..<userAlive.count where userAlive[user] {
                    var length = 0
                    for position in offsets[user]..<offsets[user + 1] where itemAlive[Int(columns[position])] {
                        length += 1
                    }
                    userLengths[user] = length
                }
            }
        }
    }
}

extension String {
    /// The string with its line breaks turned into "; " (for one-line error reasons).
    func replacingNewlines() -> String {
        split(separator: "\n").joined(separator: "; ")
    }
}
