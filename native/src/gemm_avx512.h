// Our AVX-512 float32 GEMM (gemm_avx512.cc), used by gemm.cc in place of OpenBLAS where it is faster.
#pragma once
#include <cstdint>

#include "cpu_features.h"

namespace bertkit {

// One row-major product C = op(A) · op(B) (+ C when accumulate), as cblas_sgemm with alpha 1, then, with an
// epilogue, C = act(C + bias) (bias: n floats or null; activation: a UnaryCode of activation_ops.h). Built with
// designated initialisers; what a use does not read (A and C when packing op(B)) stays null.
struct GemmView {
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float* c = nullptr;
  int64_t ldc = 0;
  int64_t m = 0, n = 0, k = 0;
  bool transA = false, transB = false, accumulate = false;
  const float* bias = nullptr;
  int64_t activation = -1;  // -1: no epilogue
};

// True on CPUs with AVX-512 F/DQ/BW/VL (cpuHasAvx512), unless BERTKIT_GEMM=blas forces OpenBLAS for the GEMM
// (for comparisons). A question about the GEMM only (thread_pool.cc asks it too: OpenBLAS's threads need the
// cores); the other kernels choose their code paths from cpu_features.h.
bool gemmAvx512Supported();
// Floats of op(B) (K × N) in the packed layout (see gemm_avx512.cc), for packOperandB.
int64_t packedFloats(int64_t k, int64_t n);
// Packs g's op(B) into `packed` (packedFloats(k, n) floats, 64-byte aligned), on the thread pool. A and C
// of g are not read. Weights packed once serve every later product with the same op(B): gemmAvx512Packed.
void packOperandB(const GemmView& g, float* packed);
// One product whose op(B) was packed by packOperandB (g.b is not read).
void gemmAvx512Packed(const GemmView& g, const float* packed);
// Runs `count` products (k ≥ 1, m, n ≥ 1) on the thread pool, in order one at a time when `sharedC` (their
// C matrices overlap), else concurrently. Needs gemmAvx512Supported().
void gemmAvx512(const GemmView* items, int64_t count, bool sharedC);

}  // namespace bertkit
