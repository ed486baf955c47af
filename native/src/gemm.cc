// Batched GEMM through OpenBLAS (see GemmArgs in src/backend/kernels.ts): C_i = op(A_i) op(B_i) (+ C_i).
#include <vector>

#include "blas.h"
#include "bindings.h"
#include "gemm_avx512.h"

namespace bertkit {

// Lowest element count an array needs to hold `batch` matrices of `size` elements `stride` apart.
static int64_t extent(int64_t offset, int64_t batch, int64_t stride, int64_t size) {
  return size == 0 ? 0 : offset + (batch - 1) * stride + size;
}

// (batch, m, n, k, transA, transB, a, aOffset, strideA, b, bOffset, strideB, c, cOffset, strideC, accumulate)
void bindGemm(Args& a) {
  const int64_t batch = a.size(0), m = a.size(1), n = a.size(2), k = a.size(3);
  const bool transA = a.boolean(4), transB = a.boolean(5);
  const int64_t aOff = a.size(7), strideA = a.size(8), bOff = a.size(10), strideB = a.size(11);
  const int64_t cOff = a.size(13), strideC = a.size(14);
  const bool acc = a.boolean(15);
  if (batch == 0 || m == 0 || n == 0) return;
  const float* A = a.f32(6, extent(aOff, batch, strideA, m * k));
  const float* B = a.f32(9, extent(bOff, batch, strideB, k * n));
  float* C = a.f32(12, extent(cOff, batch, strideC, m * n));
  if (k > 0 && gemmAvx512Supported()) {
    std::vector<GemmView> items(static_cast<size_t>(batch));
    for (int64_t t = 0; t < batch; t++) {
      items[t] = GemmView{A + aOff + t * strideA, transA ? m : k, B + bOff + t * strideB, transB ? k : n,
                          C + cOff + t * strideC, n, m, n, k, transA, transB, acc};
    }
    gemmAvx512(items.data(), batch, strideC < m * n);
    return;
  }
  for (int64_t t = 0; t < batch; t++) {
    float* c = C + cOff + t * strideC;
    if (k == 0) {
      if (!acc) for (int64_t i = 0; i < m * n; i++) c[i] = 0;
      continue;
    }
    // beta = 0 never reads C, so stale NaNs in the output do not leak in (as the reference's fill(0)).
    sgemm(transA, transB, m, n, k, 1.0f, A + aOff + t * strideA, transA ? m : k, B + bOff + t * strideB,
          transB ? k : n, acc ? 1.0f : 0.0f, c, n);
  }
}

}  // namespace bertkit
