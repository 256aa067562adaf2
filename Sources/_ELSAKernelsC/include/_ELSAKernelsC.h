#ifndef ELSA_KERNELS_C_H
#define ELSA_KERNELS_C_H

#include <stdint.h>

/// Whether this CPU runs the AVX2 + FMA kernels below (they must not be called otherwise).
int elsa_kernels_have_avx2_fma(void);

/// The sampled dot of the output gradient over one 32-user panel:
/// `sums[e] += Σ_lanes left[lane] · panel[rows[e] · 32 + lane]` for `e` in `0 ..< count`.
/// `left` (32 floats) and `panel` (rows x 32 floats) are 32-byte aligned. Eight entries at a time are
/// reduced in registers; the order of the additions depends only on `count`.
void elsa_panel_dot_u16(const float *left, long count, const uint16_t *rows, const float *panel, float *sums);
void elsa_panel_dot_i32(const float *left, long count, const int32_t *rows, const float *panel, float *sums);

#endif
