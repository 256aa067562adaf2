import _CMPI
import ELSATraining
import Foundation

/// The processes of an `mpirun` job, as an item-sharded run's `ShardCommunicator` (Open MPI).
///
/// Every collective call is made from the thread that created the communicator (MPI_THREAD_FUNNELED): the
/// training steps call `sum` between their parallel phases, never from inside them. MPI's default error handler
/// ends the whole job on a communication error, and `mpirun` ends it when a process dies.
public final class MPICommunicator: ShardCommunicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    public private(set) var bytesSummed = 0
    private var finalized = false

    /// Whether this process was started by `mpirun` (Open MPI sets `OMPI_COMM_WORLD_SIZE` in each process it starts).
    /// A process started any other way trains alone and never initializes MPI.
    public static var launchedByMPIRun: Bool {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
    }

    /// Initializes MPI (once per process).
    public init() {
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, elsa_mpi_thread_funneled(), &provided)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(elsa_mpi_comm_world(), &rank)
        MPI_Comm_size(elsa_mpi_comm_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        allreduce(values.baseAddress, count: values.count, type: elsa_mpi_float(), width: 4)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        allreduce(values.baseAddress, count: values.count, type: elsa_mpi_double(), width: 8)
    }

    /// In place, in pieces of at most 2^30 elements (MPI counts are 32-bit).
    private func allreduce(_ base: UnsafeMutableRawPointer?, count: Int, type: MPI_Datatype?, width: Int) {
        guard let base, count > 0 else { return }
        var done = 0
        while done < count {
            let piece = min(count - done, 1 << 30)
            MPI_Allreduce(elsa_mpi_in_place(), base + done * width, Int32(piece), type, elsa_mpi_sum(), elsa_mpi_comm_world())
            done += piece
        }
        bytesSummed += count * width
    }

    /// Rank 0 receives every rank's `bytes` (its own first), in rank order; the other ranks receive nil.
    /// Sent in pieces of at most 1 GiB.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]]? {
        var lengths = [Double](repeating: 0, count: size)
        lengths[rank] = Double(bytes.count)
        lengths.withUnsafeMutableBufferPointer { sum($0) }
        let piece = 1 << 30
        if rank != 0 {
            bytes.withUnsafeBytes { raw in
                var sent = 0
                while sent < bytes.count {
                    let length = min(piece, bytes.count - sent)
                    MPI_Send(raw.baseAddress! + sent, Int32(length), elsa_mpi_byte(), 0, 7, elsa_mpi_comm_world())
                    sent += length
                }
            }
            return nil
        }
        var parts = [bytes]
        for source in 1..<size {
            var part = [UInt8](repeating: 0, count: Int(lengths[source]))
            part.withUnsafeMutableBytes { raw in
                var received = 0
                while received < raw.count {
                    let length = min(piece, raw.count - received)
                    MPI_Recv(raw.baseAddress! + received, Int32(length), elsa_mpi_byte(), Int32(source), 7, elsa_mpi_comm_world(),
                             elsa_mpi_status_ignore())
                    received += length
                }
            }
            parts.append(part)
        }
        return parts
    }

    /// Waits until every process gets here.
    public func barrier() {
        MPI_Barrier(elsa_mpi_comm_world())
    }

    /// Ends every process of the job with `code` (after a failure on this one: the others would wait for it forever).
    public func abort(code: Int32) -> Never {
        MPI_Abort(elsa_mpi_comm_world(), code)
        exit(code)
    }

    /// Ends MPI in this process (once; call before a normal exit).
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }
}
