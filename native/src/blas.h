// OpenBLAS, opened at run time so that the addon can pick OpenBLAS's CPU kernels before it initialises.
#pragma once
#include <cstdint>
#include <string>

namespace bertkit {

// Loads libopenblas (once per process). Throws KernelError with an install hint when it is missing.
void loadBlas();
// Row-major C = alpha · op(A) · op(B) + beta · C, as cblas_sgemm.
void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void setBlasThreads(int threads);
// "OpenBLAS 0.3.21 … (core SkylakeX)".
std::string blasInfo();

}  // namespace bertkit
