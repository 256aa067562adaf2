// The AVX2 + FMA form of the output gradient's sampled dot, whose in-register reduction LLVM compiles poorly
// from Swift (see `Panel.dot` in PanelKernels.swift).
// Each function carries its own target attribute, so the package builds without CPU flags; callers check
// `elsa_kernels_have_avx2_fma()` first.
#include "_ELSAKernelsC.h"

#if defined(__x86_64__)
#include <immintrin.h>

int elsa_kernels_have_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// One entry's 32 products summed into eight lanes.
#define ELSA_ENTRY_LANES(row) \
    _mm256_fmadd_ps(g3, _mm256_load_ps((row) + 24), \
    _mm256_fmadd_ps(g2, _mm256_load_ps((row) + 16), \
    _mm256_fmadd_ps(g1, _mm256_load_ps((row) + 8), _mm256_mul_ps(g0, _mm256_load_ps(row)))))

// The eight lanes of each of v0 ... v7 summed: [Σv0, Σv1, ..., Σv7].
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 elsa_reduce8(__m256 v0, __m256 v1, __m256 v2, __m256 v3,
                                  __m256 v4, __m256 v5, __m256 v6, __m256 v7) {
    __m256 h01 = _mm256_hadd_ps(v0, v1), h23 = _mm256_hadd_ps(v2, v3);
    __m256 h45 = _mm256_hadd_ps(v4, v5), h67 = _mm256_hadd_ps(v6, v7);
    __m256 h0123 = _mm256_hadd_ps(h01, h23), h4567 = _mm256_hadd_ps(h45, h67);
    // h0123 = [s0 s1 s2 s3 (low 128-bit halves of v0..v3) | the same of the high halves]
    return _mm256_add_ps(_mm256_permute2f128_ps(h0123, h4567, 0x20), _mm256_permute2f128_ps(h0123, h4567, 0x31));
}

#define ELSA_PANEL_DOT(NAME, INDEX) \
__attribute__((target("avx2,fma"))) \
void NAME(const float *left, long count, const INDEX *rows, const float *panel, float *sums) { \
    const __m256 g0 = _mm256_load_ps(left), g1 = _mm256_load_ps(left + 8); \
    const __m256 g2 = _mm256_load_ps(left + 16), g3 = _mm256_load_ps(left + 24); \
    long e = 0; \
    for (; e + 8 <= count; e += 8) { \
        const INDEX *r = rows + e; \
        __m256 v0 = ELSA_ENTRY_LANES(panel + (long)r[0] * 32), v1 = ELSA_ENTRY_LANES(panel + (long)r[1] * 32); \
        __m256 v2 = ELSA_ENTRY_LANES(panel + (long)r[2] * 32), v3 = ELSA_ENTRY_LANES(panel + (long)r[3] * 32); \
        __m256 v4 = ELSA_ENTRY_LANES(panel + (long)r[4] * 32), v5 = ELSA_ENTRY_LANES(panel + (long)r[5] * 32); \
        __m256 v6 = ELSA_ENTRY_LANES(panel + (long)r[6] * 32), v7 = ELSA_ENTRY_LANES(panel + (long)r[7] * 32); \
        __m256 total = elsa_reduce8(v0, v1, v2, v3, v4, v5, v6, v7); \
        _mm256_storeu_ps(sums + e, _mm256_add_ps(_mm256_loadu_ps(sums + e), total)); \
    } \
    if (e < count) { \
        __m256 v[8]; \
        for (int j = 0; j < 8; j++) { \
            v[j] = e + j < count ? ELSA_ENTRY_LANES(panel + (long)rows[e + j] * 32) : _mm256_setzero_ps(); \
        } \
        float total[8]; \
        _mm256_storeu_ps(total, elsa_reduce8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])); \
        for (long j = 0; e + j < count; j++) sums[e + j] += total[j]; \
    } \
}

ELSA_PANEL_DOT(elsa_panel_dot_u16, uint16_t)
ELSA_PANEL_DOT(elsa_panel_dot_i32, int32_t)

#else

int elsa_kernels_have_avx2_fma(void) { return 0; }
void elsa_panel_dot_u16(const float *left, long count, const uint16_t *rows, const float *panel, float *sums) {
    (void)left; (void)count; (void)rows; (void)panel; (void)sums; __builtin_trap();
}
void elsa_panel_dot_i32(const float *left, long count, const int32_t *rows, const float *panel, float *sums) {
    (void)left; (void)count; (void)rows; (void)panel; (void)sums; __builtin_trap();
}

#endif
