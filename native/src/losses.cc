// Cross-entropy with an ignore index (rows in parallel), and binary cross-entropy with logits.
#include <cmath>
#include <string>

#include "bindings.h"
#include "row_ops.h"
#include "thread_pool.h"

namespace bertkit {

static void checkTargets(Args& a, const int32_t* targets, int64_t rows, int64_t cols, int64_t ignoreIndex) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t t = targets[r];
    if (t != ignoreIndex && (t < 0 || t >= cols)) {
      a.fail("target " + std::to_string(t) + " of row " + std::to_string(r) + " is outside [0, " +
             std::to_string(cols) + ") and is not the ignore index " + std::to_string(ignoreIndex));
    }
  }
}

// Per-row loss and log-sum-exp; returns the rows counted (target ≠ ignoreIndex).
BERTKIT_BINDING(crossEntropy,
                "(logits: f32, targets: i32, rows: number, cols: number, ignoreIndex: number, loss: f32, "
                "logSumExp: f32) => number") {
  const int64_t rows = a.size(2), cols = a.size(3), ignore = a.integer(4);
  const float* logits = a.f32(0, rows * cols);
  const int32_t* targets = a.i32(1, rows);
  float* loss = a.f32(5, rows);
  float* lse = a.f32(6, rows);
  checkTargets(a, targets, rows, cols, ignore);
  int64_t counted = 0;
  for (int64_t r = 0; r < rows; r++) counted += targets[r] != ignore;
  parallelFor(rows, rowGrain(cols, 8), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      if (targets[r] == ignore) {
        loss[r] = 0;
        lse[r] = 0;
        continue;
      }
      const double l = rowLogSumExp(logits + r * cols, cols);
      lse[r] = static_cast<float>(l);
      loss[r] = static_cast<float>(l - logits[r * cols + targets[r]]);
    }
  });
  a.returnNumber(static_cast<double>(counted));
}

// gLogits = scale · (softmax − onehot) on counted rows, 0 on ignored ones
BERTKIT_BINDING(crossEntropyBackward,
                "(logits: f32, targets: i32, logSumExp: f32, rows: number, cols: number, ignoreIndex: number, "
                "scale: number, gLogits: f32) => void") {
  const int64_t rows = a.size(3), cols = a.size(4), ignore = a.integer(5);
  const float scale = static_cast<float>(a.number(6));
  const float* logits = a.f32(0, rows * cols);
  const int32_t* targets = a.i32(1, rows);
  const float* lse = a.f32(2, rows);
  float* g = a.f32(7, rows * cols);
  checkTargets(a, targets, rows, cols, ignore);
  parallelFor(rows, rowGrain(cols, 8), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r * cols;
      if (targets[r] == ignore) {
        for (int64_t j = 0; j < cols; j++) g[o + j] = 0;
        continue;
      }
      const __m256 shift = v8(lse[r]), s = v8(scale);
      map8(logits + o, g + o, cols, [&](__m256 x) { return _mm256_mul_ps(s, v8exp(_mm256_sub_ps(x, shift))); });
      g[o + targets[r]] -= scale;
    }
  });
}

// out = max(x, 0) − x·y + log(1 + e^(−|x|)), which never overflows.
BERTKIT_BINDING(bceWithLogits, "(x: f32, y: f32, out: f32) => void") {
  const int64_t n = a.length(0);
  const float* x = a.f32(0, 0);
  const float* y = a.f32(1, n);
  float* out = a.f32(2, n);
  parallelFor(n, 1 << 14, [&](int64_t i0, int64_t i1) {
    int64_t i = i0;
    auto f = [](__m256 xv, __m256 yv) {
      const __m256 absX = _mm256_andnot_ps(v8(-0.0f), xv);
      const __m256 soft = v8log1p(v8exp(_mm256_xor_ps(absX, v8(-0.0f))));
      return _mm256_add_ps(_mm256_fnmadd_ps(xv, yv, _mm256_max_ps(xv, _mm256_setzero_ps())), soft);
    };
    for (; i + 8 <= i1; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    if (i < i1) storeTail(out + i, i1 - i, f(loadTail(x + i, i1 - i), loadTail(y + i, i1 - i)));
  });
}

// gx = g · (σ(x) − y)
BERTKIT_BINDING(bceWithLogitsBackward, "(x: f32, y: f32, g: f32, gx: f32) => void") {
  const int64_t n = a.length(0);
  const float* x = a.f32(0, 0);
  const float* y = a.f32(1, n);
  const float* g = a.f32(2, n);
  float* gx = a.f32(3, n);
  parallelFor(n, 1 << 14, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) gx[i] = g[i] * (1.0f / (1.0f + std::exp(-x[i])) - y[i]);
  });
}

}  // namespace bertkit
