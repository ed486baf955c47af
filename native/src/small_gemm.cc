#include "small_gemm.h"

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

}  // namespace

void smallGemm(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t m, int64_t n,
               int64_t k) {
  int64_t i = 0;
  for (; i + 2 <= m; i += 2) rowBlock<2>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
  if (i < m) rowBlock<1>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
}

}  // namespace bertkit
