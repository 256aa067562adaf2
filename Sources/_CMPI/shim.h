// Open MPI's C interface (Debian: libopenmpi-dev). Its handles (MPI_COMM_WORLD, MPI_FLOAT, ...) are macros over
// global objects that Swift cannot import; the functions below hand them over.
#include <mpi.h>

static inline MPI_Comm elsa_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype elsa_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype elsa_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype elsa_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op elsa_mpi_sum(void) { return MPI_SUM; }
static inline void *elsa_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *elsa_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int elsa_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
