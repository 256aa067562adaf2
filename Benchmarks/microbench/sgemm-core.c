/* One cblas_sgemm shape, timed three times, with the kernel set OpenBLAS chose (or was told to use).
 *
 *   gcc -O2 Benchmarks/microbench/sgemm-core.c -o /tmp/sgemm-core -lopenblas
 *   OPENBLAS_NUM_THREADS=2 /tmp/sgemm-core 1024 40981 4096                          # OpenBLAS's own choice
 *   OPENBLAS_NUM_THREADS=2 OPENBLAS_CORETYPE=SkylakeX /tmp/sgemm-core 1024 40981 4096
 *
 * C (M x N) = A (M x K) B (K x N), row-major; 1024 x 40,981 x 4,096 is the output product of a dense
 * ELSA batch on gowalla-lightgcn at d = 4096. Prints seconds, GFLOP/s and openblas_get_corename().
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s M N K\n", argv[0]); return 2; }
    long m = atol(argv[1]), n = atol(argv[2]), k = atol(argv[3]);
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
    if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); return 1; }
    for (long i = 0; i < m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < k * n; i++) b[i] = (float)(i % 5) * 0.1f;
    for (int round = 0; round < 3; round++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1, a, (int)k, b, (int)n, 0, c, (int)n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        printf("%.3f s  %.1f GFLOP/s  %s\n", s, 2.0 * m * n * k / s / 1e9, openblas_get_corename());
    }
    free(a); free(b); free(c);
    return 0;
}
