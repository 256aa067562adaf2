#ifndef ELSA_COPENBLAS_SHIM_H
#define ELSA_COPENBLAS_SHIM_H
// CBLAS and openblas_set_num_threads come from libopenblas (pthread build);
// LAPACKE_* from netlib's liblapacke, which calls OpenBLAS's LAPACK.
#include <cblas.h>
#include <lapacke.h>
#endif
