/// Bad input at the evaluation boundary: split sizes, fold counts, metric names,
/// or a recommender whose item count does not match the data.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// A count, index or option was out of its allowed range; the text says which and why.
    case invalidArgument(String)
    /// Fewer users are eligible for evaluation (at least `minimumItems` interactions)
    /// than the split asked for.
    case notEnoughEligibleUsers(requested: Int, eligible: Int, minimumItems: Int)
    /// The recommender scores `recommenderItems` items but the data has `dataItems` item columns.
    case itemCountMismatch(recommenderItems: Int, dataItems: Int)
    /// A metric name that is not `recall@K` or `ndcg@K` with a positive integer K.
    case unknownMetric(String)
    /// There was no (user, fold) pair to evaluate.
    case nothingToEvaluate

    public var description: String {
        switch self {
        case .invalidArgument(let reason):
            return "invalid argument: \(reason)"
        case .notEnoughEligibleUsers(let requested, let eligible, let minimumItems):
            return "asked for \(requested) evaluation users but only \(eligible) users have at least \(minimumItems) interactions"
        case .itemCountMismatch(let recommenderItems, let dataItems):
            return "the recommender scores \(recommenderItems) items but the data has \(dataItems) item columns"
        case .unknownMetric(let name):
            return "unknown metric '\(name)': expected recall@K or ndcg@K with a positive integer K"
        case .nothingToEvaluate:
            return "nothing to evaluate: no (user, fold) pair has both an input and a target"
        }
    }
}
