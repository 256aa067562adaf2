import Foundation
import Testing
@testable import ELSASegments

@Suite struct ClusteringAgreementTests {
    @Test func handComputedCase() {
        // Clusters {0, 1}, {2, 3}; classes {0, 1, 2}, {3}.
        let clusters = [0, 0, 1, 1], classes = [5, 5, 5, 9]
        #expect(ClusteringAgreement.purity(clusters: clusters, classes: classes) == 0.75)
        // H(K) = ln 2; H(C) = −(¾ ln ¾ + ¼ ln ¼);
        // I = ½ ln(½ / (½·¾)) + ¼ ln(¼ / (½·¾)) + ¼ ln(¼ / (½·¼)) = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2.
        let clusterEntropy = log(2.0)
        let classEntropy = -(0.75 * log(0.75) + 0.25 * log(0.25))
        let information = 0.5 * log(4.0 / 3) + 0.25 * log(2.0 / 3) + 0.25 * log(2.0)
        let expected = information / ((clusterEntropy + classEntropy) / 2)
        #expect(abs(expected - 0.34371) < 1e-5)
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(clusters: clusters, classes: classes) - expected) < 1e-12)
    }

    @Test func edgeCases() {
        // Same partition under other names: 1. Independent partitions: 0.
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(clusters: [3, 3, 7, 7, 1], classes: [0, 0, 1, 1, 2]) - 1) < 1e-12)
        #expect(abs(ClusteringAgreement.normalizedMutualInformation(clusters: [0, 0, 1, 1], classes: [0, 1, 0, 1])) < 1e-12)
        #expect(ClusteringAgreement.normalizedMutualInformation(clusters: [1, 1], classes: [2, 2]) == 1)
        #expect(ClusteringAgreement.normalizedMutualInformation(clusters: [1, 2], classes: [2, 2]) == 0)
        #expect(ClusteringAgreement.normalizedMutualInformation(clusters: [], classes: []) == 0)
        // Over-splitting keeps purity at 1 but lowers NMI.
        #expect(ClusteringAgreement.purity(clusters: [0, 1, 2, 3], classes: [0, 0, 1, 1]) == 1)
        #expect(ClusteringAgreement.normalizedMutualInformation(clusters: [0, 1, 2, 3], classes: [0, 0, 1, 1]) < 0.7)
    }
}
