// Softmax and log-softmax over the last axis of (rows, cols), and their backwards. Rows run in parallel.
#include "bindings.h"
#include "row_ops.h"
#include "thread_pool.h"

namespace bertkit {

// Softmax over each row
BERTKIT_BINDING(softmax, "(x: f32, rows: number, cols: number, out: f32) => void") {
  const int64_t rows = a.size(1), cols = a.size(2);
  const float* x = a.f32(0, rows * cols);
  float* out = a.f32(3, rows * cols);
  parallelFor(rows, rowGrain(cols, 8), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) softmaxRow(x + r * cols, cols, out + r * cols);
  });
}

// gx = y · (gy − Σ gy·y)
BERTKIT_BINDING(softmaxBackward, "(y: f32, gy: f32, rows: number, cols: number, gx: f32) => void") {
  const int64_t rows = a.size(2), cols = a.size(3);
  const float* y = a.f32(0, rows * cols);
  const float* gy = a.f32(1, rows * cols);
  float* gx = a.f32(4, rows * cols);
  parallelFor(rows, rowGrain(cols, 2), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r * cols;
      const float dot = static_cast<float>(rowDot(gy + o, y + o, cols));
      for (int64_t j = 0; j < cols; j++) gx[o + j] = y[o + j] * (gy[o + j] - dot);
    }
  });
}

// Log-softmax over each row
BERTKIT_BINDING(logSoftmax, "(x: f32, rows: number, cols: number, out: f32) => void") {
  const int64_t rows = a.size(1), cols = a.size(2);
  const float* x = a.f32(0, rows * cols);
  float* out = a.f32(3, rows * cols);
  parallelFor(rows, rowGrain(cols, 8), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r * cols;
      const double lse = rowLogSumExp(x + o, cols);
      for (int64_t j = 0; j < cols; j++) out[o + j] = static_cast<float>(x[o + j] - lse);
    }
  });
}

// gx = gy − exp(y) · Σ gy
BERTKIT_BINDING(logSoftmaxBackward, "(y: f32, gy: f32, rows: number, cols: number, gx: f32) => void") {
  const int64_t rows = a.size(2), cols = a.size(3);
  const float* y = a.f32(0, rows * cols);
  const float* gy = a.f32(1, rows * cols);
  float* gx = a.f32(4, rows * cols);
  parallelFor(rows, rowGrain(cols, 8), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r * cols;
      const __m256 sum = v8(static_cast<float>(rowSum(gy + o, cols)));
      int64_t j = 0;
      for (; j + 8 <= cols; j += 8) {
        const __m256 p = v8exp(_mm256_loadu_ps(y + o + j));
        _mm256_storeu_ps(gx + o + j, _mm256_fnmadd_ps(p, sum, _mm256_loadu_ps(gy + o + j)));
      }
      if (j < cols) {
        const int64_t n = cols - j;
        storeTail(gx + o + j, n, _mm256_fnmadd_ps(v8exp(loadTail(y + o + j, n)), sum, loadTail(gy + o + j, n)));
      }
    }
  });
}

}  // namespace bertkit
