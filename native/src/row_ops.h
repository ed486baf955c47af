// Per-row reductions shared by softmax, the losses and attention (AVX2, float lanes).
#pragma once
#include <cmath>

#include "simd.h"

namespace bertkit {

inline float rowMax(const float* x, int64_t n) {
  __m256 m = v8(-INFINITY);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + j));
  if (j < n) m = _mm256_max_ps(m, loadTail(x + j, n - j, -INFINITY));
  return hmax(m);
}

// Sums are accumulated in double lanes: rows run up to vocabulary size (30k), where float lanes would
// drift by ~1e-5 relative; the conversion costs little next to the loads.
struct SumD {
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  void add(__m256 v) {
    lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  }
  double total() const {
    alignas(32) double b[4];
    _mm256_store_pd(b, _mm256_add_pd(lo, hi));
    return (b[0] + b[1]) + (b[2] + b[3]);
  }
};

inline double rowSum(const float* x, int64_t n) {
  SumD s;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) s.add(_mm256_loadu_ps(x + j));
  if (j < n) s.add(loadTail(x + j, n - j));
  return s.total();
}

inline double rowDot(const float* x, const float* y, int64_t n) {
  SumD s;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) s.add(_mm256_mul_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
  if (j < n) s.add(_mm256_mul_ps(loadTail(x + j, n - j), loadTail(y + j, n - j)));
  return s.total();
}

// out[j] = exp(x[j] − shift); returns Σ out. out may be nullptr (sum only).
inline double rowExpSum(const float* x, int64_t n, float shift, float* out) {
  const __m256 s = v8(shift);
  SumD acc;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 e = v8exp(_mm256_sub_ps(_mm256_loadu_ps(x + j), s));
    if (out != nullptr) _mm256_storeu_ps(out + j, e);
    acc.add(e);
  }
  if (j < n) {
    const __m256 e = v8exp(_mm256_sub_ps(loadTail(x + j, n - j, -INFINITY), s));
    if (out != nullptr) storeTail(out + j, n - j, e);
    acc.add(e);
  }
  return acc.total();
}

// log Σ exp x, max-subtracted.
inline double rowLogSumExp(const float* x, int64_t n) {
  const float m = rowMax(x, n);
  return m + std::log(rowExpSum(x, n, m, nullptr));
}

inline void scaleRow(float* x, int64_t n, float k) {
  for (int64_t j = 0; j < n; j++) x[j] *= k;
}

inline void softmaxRow(const float* x, int64_t cols, float* out) {
  const float m = rowMax(x, cols);
  const double sum = rowExpSum(x, cols, m, out);
  scaleRow(out, cols, static_cast<float>(1.0 / sum));
}

}  // namespace bertkit
