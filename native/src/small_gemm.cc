#include "small_gemm.h"

#include "cpu_features.h"
#include "simd.h"

namespace bertkit {
namespace {

// MR rows × NV·8 columns of C, kept in MR·NV ymm accumulators (2 × 4 = 8, leaving room for B and A).
// The loops over r and v must be fully unrolled so that acc stays in registers (GCC otherwise keeps
// the array on the stack and reloads it every iteration: 3x slower).
template <int MR, int NV>
void block(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t k) {
  __m256 acc[MR][NV];
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < k; p++) {
    __m256 b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = _mm256_loadu_ps(B + p * ldb + 8 * v);
#pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m256 a = _mm256_broadcast_ss(A + r * lda + p);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(a, b[v], acc[r][v]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) _mm256_storeu_ps(C + r * ldc + 8 * v, acc[r][v]);
  }
}

template <int MR>
void rowBlock(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t n, int64_t k) {
  int64_t j = 0;
  for (; j + 32 <= n; j += 32) block<MR, 4>(A, lda, B + j, ldb, C + j, ldc, k);
  switch ((n - j) / 8) {
    case 3: block<MR, 3>(A, lda, B + j, ldb, C + j, ldc, k); break;
    case 2: block<MR, 2>(A, lda, B + j, ldb, C + j, ldc, k); break;
    case 1: block<MR, 1>(A, lda, B + j, ldb, C + j, ldc, k); break;
    default: break;
  }
}

// AVX-512: MR rows × 32 columns in 2·MR zmm accumulators (MR ≤ 12, so B, A and 24 accumulators fit the 32
// registers); columns past n (a multiple of 8) are masked.
template <int MR>
BERTKIT_AVX512 void block512(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t k,
                     __mmask16 m0, __mmask16 m1) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; p++) {
    const __m512 b0 = _mm512_maskz_loadu_ps(m0, B + p * ldb);
    const __m512 b1 = _mm512_maskz_loadu_ps(m1, B + p * ldb + 16);
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      const __m512 a = _mm512_set1_ps(A[r * lda + p]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    _mm512_mask_storeu_ps(C + r * ldc, m0, acc[r][0]);
    _mm512_mask_storeu_ps(C + r * ldc + 16, m1, acc[r][1]);
  }
}

template <int MR>
BERTKIT_AVX512 void rowBlock512(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t n,
                        int64_t k) {
  for (int64_t j = 0; j < n; j += 32) {
    const int64_t w = n - j;
    const __mmask16 m0 = w >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << w) - 1);
    const __mmask16 m1 = w >= 32 ? __mmask16(0xFFFF) : w <= 16 ? __mmask16(0) : __mmask16((1u << (w - 16)) - 1);
    block512<MR>(A, lda, B + j, ldb, C + j, ldc, k, m0, m1);
  }
}

BERTKIT_AVX512 void smallGemm512(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t m,
                         int64_t n, int64_t k) {
  int64_t i = 0;
  for (; i + 12 <= m; i += 12) rowBlock512<12>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
  const float* a = A + i * lda;
  float* c = C + i * ldc;
  switch (m - i) {
    case 11: rowBlock512<11>(a, lda, B, ldb, c, ldc, n, k); break;
    case 10: rowBlock512<10>(a, lda, B, ldb, c, ldc, n, k); break;
    case 9: rowBlock512<9>(a, lda, B, ldb, c, ldc, n, k); break;
    case 8: rowBlock512<8>(a, lda, B, ldb, c, ldc, n, k); break;
    case 7: rowBlock512<7>(a, lda, B, ldb, c, ldc, n, k); break;
    case 6: rowBlock512<6>(a, lda, B, ldb, c, ldc, n, k); break;
    case 5: rowBlock512<5>(a, lda, B, ldb, c, ldc, n, k); break;
    case 4: rowBlock512<4>(a, lda, B, ldb, c, ldc, n, k); break;
    case 3: rowBlock512<3>(a, lda, B, ldb, c, ldc, n, k); break;
    case 2: rowBlock512<2>(a, lda, B, ldb, c, ldc, n, k); break;
    case 1: rowBlock512<1>(a, lda, B, ldb, c, ldc, n, k); break;
    default: break;
  }
}

}  // namespace

void smallGemm(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t m, int64_t n,
               int64_t k) {
  if (cpuHasAvx512()) {
    smallGemm512(A, lda, B, ldb, C, ldc, m, n, k);
    return;
  }
  int64_t i = 0;
  for (; i + 2 <= m; i += 2) rowBlock<2>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
  if (i < m) rowBlock<1>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
}

}  // namespace bertkit
