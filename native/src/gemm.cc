// Batched GEMM through OpenBLAS (see GemmArgs in src/backend/kernels.ts): C_i = op(A_i) op(B_i) (+ C_i).
#include <vector>

#include <string>

#include "activation_ops.h"
#include "blas.h"
#include "bindings.h"
#include "gemm_avx512.h"

namespace bertkit {

// Lowest element count an array needs to hold `batch` matrices of `size` elements `stride` apart.
static int64_t extent(int64_t offset, int64_t batch, int64_t stride, int64_t size) {
  return size == 0 ? 0 : offset + (batch - 1) * stride + size;
}

// The 64-byte aligned start of a packed op(B) kept in a Float32Array of packedLength(k, n) floats: V8 aligns
// backing stores to 16 bytes only, so the array has room for the shift.
static float* alignedPacked(float* p) {
  const uintptr_t at = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((at + 63) & ~uintptr_t{63});
}

static int64_t packedLength(int64_t k, int64_t n) { return gemmAvx512Supported() ? packedFloats(k, n) + 16 : 0; }

// (k, n) → floats a packed op(B) needs, or 0 when this CPU's GEMM (OpenBLAS) does not take packed operands.
void bindPackedLength(Args& a) { a.returnNumber(static_cast<double>(packedLength(a.size(0), a.size(1)))); }

// (b, k, n, transB, packed): packs op(B) (k × n; b stored (k, n), or (n, k) with transB) into packed.
void bindPackB(Args& a) {
  const int64_t k = a.size(1), n = a.size(2);
  const bool transB = a.boolean(3);
  if (!gemmAvx512Supported()) a.fail("packed GEMM operands need AVX-512 (see packedLength)");
  if (k == 0 || n == 0) return;
  const float* B = a.f32(0, k * n);
  float* packed = alignedPacked(a.f32(4, packedLength(k, n)));
  packOperandB(GemmView{nullptr, 0, B, transB ? k : n, nullptr, 0, 0, n, k, false, transB, false}, packed);
}

// (batch, m, n, k, transA, transB, a, aOffset, strideA, b, bOffset, strideB, c, cOffset, strideC, accumulate,
//  packed, bias, activation): packed, when not null, is op(B) packed by packB for this k, n and transB (batch 1);
//  activation ≥ 0 (a UnaryCode) adds the epilogue C = act(C + bias) (batch 1; bias: n floats or null).
void bindGemm(Args& a) {
  const int64_t batch = a.size(0), m = a.size(1), n = a.size(2), k = a.size(3);
  const bool transA = a.boolean(4), transB = a.boolean(5);
  const int64_t aOff = a.size(7), strideA = a.size(8), bOff = a.size(10), strideB = a.size(11);
  const int64_t cOff = a.size(13), strideC = a.size(14);
  const bool acc = a.boolean(15);
  const int64_t activation = a.integer(18);
  if (activation >= kIdentity + 1 || activation < -1) a.fail("unknown activation " + std::to_string(activation));
  if ((activation >= 0 || !a.isNullish(16)) && batch != 1) a.fail("a packed op(B) or an epilogue needs batch 1");
  if (batch == 0 || m == 0 || n == 0) return;
  const float* A = a.f32(6, extent(aOff, batch, strideA, m * k));
  const float* B = a.isNullish(16) ? a.f32(9, extent(bOff, batch, strideB, k * n)) : nullptr;
  float* C = a.f32(12, extent(cOff, batch, strideC, m * n));
  const float* bias = activation >= 0 ? a.f32OrNull(17, n) : nullptr;
  if (!a.isNullish(16)) {
    if (k == 0 || !gemmAvx512Supported()) a.fail("a packed op(B) needs k > 0 and AVX-512");
    const float* packed = alignedPacked(a.f32(16, packedLength(k, n)));
    GemmView g{A + aOff, transA ? m : k, nullptr, 0, C + cOff, n, m, n, k, transA, transB, acc};
    g.bias = bias;
    g.activation = activation;
    gemmAvx512Packed(g, packed);
    return;
  }
  if (k > 0 && gemmAvx512Supported()) {
    std::vector<GemmView> items(static_cast<size_t>(batch));
    for (int64_t t = 0; t < batch; t++) {
      items[t] = GemmView{A + aOff + t * strideA, transA ? m : k, B + bOff + t * strideB, transB ? k : n,
                          C + cOff + t * strideC, n, m, n, k, transA, transB, acc};
      items[t].bias = bias;
      items[t].activation = activation;
    }
    gemmAvx512(items.data(), batch, strideC < m * n);
    return;
  }
  for (int64_t t = 0; t < batch; t++) {
    float* c = C + cOff + t * strideC;
    if (k == 0) {
      if (!acc) for (int64_t i = 0; i < m * n; i++) c[i] = 0;
    } else {
      // beta = 0 never reads C, so stale NaNs in the output do not leak in (as the reference's fill(0)).
      sgemm(transA, transB, m, n, k, 1.0f, A + aOff + t * strideA, transA ? m : k, B + bOff + t * strideB,
            transB ? k : n, acc ? 1.0f : 0.0f, c, n);
    }
    if (activation >= 0) biasActivationRows(activation, c, bias, m, n);
  }
}

// (m, n, k, transA, transB, a, b, c): C = op(A) · op(B) through OpenBLAS, whatever GEMM the addon uses, so that
// a benchmark can alternate the two kernels call by call in one process (bench/kernels.ts).
void bindBlasGemm(Args& a) {
  const int64_t m = a.size(0), n = a.size(1), k = a.size(2);
  const bool transA = a.boolean(3), transB = a.boolean(4);
  if (m == 0 || n == 0 || k == 0) a.fail("blasGemm needs m, n and k > 0");
  const float* A = a.f32(5, m * k);
  const float* B = a.f32(6, k * n);
  float* C = a.f32(7, m * n);
  sgemm(transA, transB, m, n, k, 1.0f, A, transA ? m : k, B, transB ? k : n, 0.0f, C, n);
}

}  // namespace bertkit
