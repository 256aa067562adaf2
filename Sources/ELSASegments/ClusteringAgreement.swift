import Foundation

/// Agreement between a clustering and known classes of the same elements (e.g. recovered
/// segments against planted ones). Elements are positions `0 ..< n`; labels are any integers.
public enum ClusteringAgreement {
    /// Purity: (1/n) Σ over clusters of the size of the cluster's most common class.
    /// 1 when every cluster holds one class (also when clusters are over-split); 0 for no elements.
    /// - Precondition: `clusters.count == classes.count`.
    public static func purity(clusters: [Int], classes: [Int]) -> Double {
        precondition(clusters.count == classes.count, "\(clusters.count) cluster labels for \(classes.count) class labels")
        guard !clusters.isEmpty else { return 0 }
        var counts = [Int: [Int: Int]]()
        for (cluster, label) in zip(clusters, classes) { counts[cluster, default: [:]][label, default: 0] += 1 }
        let majority = counts.values.reduce(0) { $0 + ($1.values.max() ?? 0) }
        return Double(majority) / Double(clusters.count)
    }

    /// Normalized mutual information with the arithmetic-mean normalization,
    /// NMI = I(K; C) / ((H(K) + H(C)) / 2), natural logarithms (the base cancels).
    ///
    /// 1 for identical partitions (up to renaming), 0 for independent ones. When both
    /// partitions have a single block (both entropies 0) it is 1; when only one of them does,
    /// 0. 0 for no elements.
    /// - Precondition: `clusters.count == classes.count`.
    public static func normalizedMutualInformation(clusters: [Int], classes: [Int]) -> Double {
        precondition(clusters.count == classes.count, "\(clusters.count) cluster labels for \(classes.count) class labels")
        let n = Double(clusters.count)
        guard n > 0 else { return 0 }
        var joint = [Int: [Int: Int]](), clusterSizes = [Int: Int](), classSizes = [Int: Int]()
        for (cluster, label) in zip(clusters, classes) {
            joint[cluster, default: [:]][label, default: 0] += 1
            clusterSizes[cluster, default: 0] += 1
            classSizes[label, default: 0] += 1
        }
        func entropy(_ sizes: [Int: Int]) -> Double {
            sizes.values.reduce(0) { total, size in let p = Double(size) / n; return total - p * log(p) }
        }
        let clusterEntropy = entropy(clusterSizes), classEntropy = entropy(classSizes)
        if clusterEntropy == 0 && classEntropy == 0 { return 1 }
        var information = 0.0
        for (cluster, row) in joint {
            for (label, count) in row {
                let pJoint = Double(count) / n
                information += pJoint * log(pJoint * n * n / (Double(clusterSizes[cluster]!) * Double(classSizes[label]!)))
            }
        }
        return max(0, information / ((clusterEntropy + classEntropy) / 2))
    }
}
