// A register-blocked GEMM for the small per-head products inside fused attention (T×D by D×T and
// T×T by T×D, with T, D ~ 128, 64). OpenBLAS is not used there: those calls come from the pool's
// threads, and OpenBLAS would start its own threads for each of them.
#pragma once
#include <cstdint>

namespace bertkit {

// C (m × n) = A (m × k, row stride lda) · B (k × n, row stride ldb), C's row stride ldc.
// n must be a multiple of 8 (callers pad B and C with zero columns).
void smallGemm(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t m, int64_t n,
               int64_t k);

inline int64_t roundUp8(int64_t n) { return (n + 7) & ~int64_t{7}; }

}  // namespace bertkit
