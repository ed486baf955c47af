// AVX-512 helpers shared by the GEMM and the attention kernels. Every function carries BERTKIT_AVX512: call
// them only from functions that do too, and only when cpuHasAvx512() (cpu_features.h).
#pragma once
#include <cstdint>

#include "cpu_features.h"
#include "simd.h"  // <immintrin.h>, included there for a reason

namespace bertkit {

// Lanes [0, n) of 16.
inline __mmask16 firstN(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1); }

// In-register transpose of 16 zmm rows (r[i][j] → r[j][i]).
BERTKIT_AVX512 inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  // r[4q + s] now holds, in each 128-bit lane L, the elements [row 4L'.. of group q] ... combine lanes:
  for (int i = 0; i < 16; i += 8) {
    for (int s = 0; s < 4; s++) {
      t[i + s] = _mm512_shuffle_f32x4(r[i + s], r[i + 4 + s], 0x88);
      t[i + 4 + s] = _mm512_shuffle_f32x4(r[i + s], r[i + 4 + s], 0xdd);
    }
  }
  for (int s = 0; s < 8; s++) {
    r[s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0x88);
    r[8 + s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0xdd);
  }
}

// v8erf of simd.h on 16 lanes: the same operations in the same order, so the results are the same bits.
BERTKIT_AVX512 inline __m512 v16erf(__m512 x) {
  x = _mm512_min_ps(_mm512_set1_ps(kErfLimit), _mm512_max_ps(_mm512_set1_ps(-kErfLimit), x));
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(kErfP[6]);
  for (int i = 5; i >= 0; i--) p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(kErfP[i]));
  __m512 q = _mm512_set1_ps(kErfQ[4]);
  for (int i = 3; i >= 0; i--) q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(kErfQ[i]));
  return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

// e^x on 16 lanes, for softmax: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in two parts, so r is exact to
// float precision), e^r by its Taylor series to degree 7 (truncation below 6e-9 relative), times 2^n by
// scalef, which saturates to +inf above 88.7. Inputs below −110 give exactly 0 (e^−110 is under half the
// smallest denormal), −inf included; NaN stays NaN. Measured within 0.93 ulp of exp over [−105, 88] for
// normal results (a standalone check, 1.9 · 10⁷ points); the attention conformance tests cover it in use.
BERTKIT_AVX512 inline __m512 v16exp(__m512 x) {
  x = _mm512_max_ps(_mm512_set1_ps(-110.0f), x);  // max returns its second operand for a NaN
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

}  // namespace bertkit
