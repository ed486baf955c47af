// The GEMM bindings (see GemmArgs in src/backend/kernels.ts): C_i = op(A_i) op(B_i) (+ C_i), then an optional
// epilogue. Our AVX-512 GEMM (gemm_avx512.cc) where the CPU has it, else OpenBLAS.
#include <string>
#include <vector>

#include "activation_ops.h"
#include "bindings.h"
#include "blas.h"
#include "gemm_avx512.h"

namespace bertkit {
namespace {

// Lowest element count an array needs to hold `batch` matrices of `size` elements `stride` apart.
int64_t extent(int64_t offset, int64_t batch, int64_t stride, int64_t size) {
  return size == 0 ? 0 : offset + (batch - 1) * stride + size;
}

// The 64-byte aligned start of a packed op(B) kept in a Float32Array of packedLength(k, n) floats: V8 aligns
// backing stores to 16 bytes only, so the array has room for the shift.
float* alignedPacked(float* p) {
  const uintptr_t at = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((at + 63) & ~uintptr_t{63});
}

int64_t packedLength(int64_t k, int64_t n) { return gemmAvx512Supported() ? packedFloats(k, n) + 16 : 0; }

// Products one at a time through OpenBLAS, each followed by its epilogue as a separate pass.
void gemmBlas(const GemmView& g, int64_t batch, int64_t strideA, int64_t strideB, int64_t strideC) {
  for (int64_t t = 0; t < batch; t++) {
    float* c = g.c + t * strideC;
    if (g.k == 0) {
      if (!g.accumulate) for (int64_t i = 0; i < g.m * g.n; i++) c[i] = 0;
    } else {
      // beta = 0 never reads C, so stale NaNs in the output do not leak in (as the reference's fill(0)).
      sgemm(g.transA, g.transB, g.m, g.n, g.k, 1.0f, g.a + t * strideA, g.lda, g.b + t * strideB, g.ldb,
            g.accumulate ? 1.0f : 0.0f, c, g.ldc);
    }
    if (g.activation >= 0) biasActivationRows(g.activation, c, g.bias, g.m, g.n);
  }
}

}  // namespace

// Floats a packed op(B) needs, or 0 when this CPU's GEMM (OpenBLAS) does not take packed operands.
BERTKIT_BINDING(packedLength, "(k: number, n: number) => number") {
  a.returnNumber(static_cast<double>(packedLength(a.size(0), a.size(1))));
}

// Packs op(B) (k × n; b stored (k, n), or (n, k) with transB) into packed.
BERTKIT_BINDING(packB, "(b: f32, k: number, n: number, transB: boolean, packed: f32) => void") {
  const int64_t k = a.size(1), n = a.size(2);
  const bool transB = a.boolean(3);
  if (!gemmAvx512Supported()) a.fail("packed GEMM operands need AVX-512 (see packedLength)");
  if (k == 0 || n == 0) return;
  const GemmView g{.b = a.f32(0, k * n), .ldb = transB ? k : n, .n = n, .k = k, .transB = transB};
  packOperandB(g, alignedPacked(a.f32(4, packedLength(k, n))));
}

// See GemmArgs (src/backend/kernels.ts). packedB, when not null, is op(B) packed by packB for this k, n and
// transB (batch 1); activation ≥ 0 (a UnaryCode) adds the epilogue C = act(C + bias) (batch 1; bias: n floats
// or null), −1 none.
BERTKIT_BINDING(gemm,
                "(batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean, a: f32, "
                "aOffset: number, strideA: number, b: f32, bOffset: number, strideB: number, c: f32, "
                "cOffset: number, strideC: number, accumulate: boolean, packedB: f32 | null, bias: f32 | null, "
                "activation: number) => void") {
  const int64_t batch = a.size(0), m = a.size(1), n = a.size(2), k = a.size(3);
  const bool transA = a.boolean(4), transB = a.boolean(5);
  const int64_t aOff = a.size(7), strideA = a.size(8), bOff = a.size(10), strideB = a.size(11);
  const int64_t cOff = a.size(13), strideC = a.size(14);
  const bool packed = !a.isNullish(16);
  const int64_t activation = a.integer(18);
  if (activation >= kIdentity + 1 || activation < -1) a.fail("unknown activation " + std::to_string(activation));
  if ((activation >= 0 || packed) && batch != 1) a.fail("a packed op(B) or an epilogue needs batch 1");
  if (batch == 0 || m == 0 || n == 0) return;
  if (packed && (k == 0 || !gemmAvx512Supported())) a.fail("a packed op(B) needs k > 0 and AVX-512");
  // The first product; product t has its operands t strides further on.
  const GemmView first{
      .a = a.f32(6, extent(aOff, batch, strideA, m * k)) + aOff,
      .lda = transA ? m : k,
      .b = packed ? nullptr : a.f32(9, extent(bOff, batch, strideB, k * n)) + bOff,
      .ldb = transB ? k : n,
      .c = a.f32(12, extent(cOff, batch, strideC, m * n)) + cOff,
      .ldc = n,
      .m = m,
      .n = n,
      .k = k,
      .transA = transA,
      .transB = transB,
      .accumulate = a.boolean(15),
      .bias = activation >= 0 ? a.f32OrNull(17, n) : nullptr,
      .activation = activation,
  };
  if (packed) {
    gemmAvx512Packed(first, alignedPacked(a.f32(16, packedLength(k, n))));
  } else if (k > 0 && gemmAvx512Supported()) {
    std::vector<GemmView> items(static_cast<size_t>(batch), first);
    for (int64_t t = 1; t < batch; t++) {
      items[t].a += t * strideA;
      items[t].b += t * strideB;
      items[t].c += t * strideC;
    }
    gemmAvx512(items.data(), batch, strideC < m * n);
  } else {
    gemmBlas(first, batch, strideA, strideB, strideC);
  }
}

// C = op(A) · op(B) through OpenBLAS, whatever GEMM the addon uses, so that a benchmark can alternate the two
// kernels call by call in one process (bench/kernels.ts).
BERTKIT_BINDING(blasGemm,
                "(m: number, n: number, k: number, transA: boolean, transB: boolean, a: f32, b: f32, c: f32) => void") {
  const int64_t m = a.size(0), n = a.size(1), k = a.size(2);
  const bool transA = a.boolean(3), transB = a.boolean(4);
  if (m == 0 || n == 0 || k == 0) a.fail("blasGemm needs m, n and k > 0");
  const float* A = a.f32(5, m * k);
  const float* B = a.f32(6, k * n);
  float* C = a.f32(7, m * n);
  sgemm(transA, transB, m, n, k, 1.0f, A, transA ? m : k, B, transB ? k : n, 0.0f, C, n);
}

}  // namespace bertkit
