// The unary activations as AVX2 functors: forward f(x) and backward gy · f'(x) (y = f(x) given).
// Codes match UNARY_CODES in src/backend/native/codes.ts.
#pragma once
#include <type_traits>

#include "simd.h"

namespace bertkit {

enum UnaryCode { kGelu = 0, kGeluTanh = 1, kRelu = 2, kTanh = 3, kExp = 4, kNeg = 5, kIdentity = 6 };

constexpr float kSqrt1_2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
constexpr float kSqrt2OverPi = 0.79788456080286536f;
constexpr float kGeluTanhC = 0.044715f;

template <int Op>
inline __m256 activate(__m256 x) {
  if constexpr (Op == kGelu) {
    // x · Φ(x) = 0.5 x (1 + erf(x/√2))
    const __m256 cdf = _mm256_fmadd_ps(v8(0.5f), v8erf(_mm256_mul_ps(x, v8(kSqrt1_2))), v8(0.5f));
    return _mm256_mul_ps(x, cdf);
  } else if constexpr (Op == kGeluTanh) {
    const __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
    const __m256 t = v8tanh(_mm256_mul_ps(v8(kSqrt2OverPi), _mm256_fmadd_ps(v8(kGeluTanhC), x3, x)));
    return _mm256_mul_ps(_mm256_mul_ps(v8(0.5f), x), _mm256_add_ps(v8(1.0f), t));
  } else if constexpr (Op == kRelu) {
    return _mm256_max_ps(x, _mm256_setzero_ps());  // NaN → 0, as the reference's x > 0 ? x : 0
  } else if constexpr (Op == kTanh) {
    return v8tanh(x);
  } else if constexpr (Op == kExp) {
    return v8exp(x);
  } else if constexpr (Op == kNeg) {
    return _mm256_xor_ps(x, v8(-0.0f));
  } else {
    return x;
  }
}

template <int Op>
inline __m256 activateBackward(__m256 x, __m256 y, __m256 gy) {
  if constexpr (Op == kGelu) {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    const __m256 cdf = _mm256_fmadd_ps(v8(0.5f), v8erf(_mm256_mul_ps(x, v8(kSqrt1_2))), v8(0.5f));
    const __m256 pdf = _mm256_mul_ps(v8(kInvSqrt2Pi), v8exp(_mm256_mul_ps(v8(-0.5f), _mm256_mul_ps(x, x))));
    return _mm256_mul_ps(gy, _mm256_fmadd_ps(x, pdf, cdf));
  } else if constexpr (Op == kGeluTanh) {
    const __m256 x2 = _mm256_mul_ps(x, x);
    const __m256 inner = _mm256_mul_ps(v8(kSqrt2OverPi), _mm256_fmadd_ps(_mm256_mul_ps(v8(kGeluTanhC), x2), x, x));
    const __m256 t = v8tanh(inner);
    const __m256 dInner = _mm256_mul_ps(v8(kSqrt2OverPi), _mm256_fmadd_ps(v8(3.0f * kGeluTanhC), x2, v8(1.0f)));
    const __m256 left = _mm256_mul_ps(v8(0.5f), _mm256_add_ps(v8(1.0f), t));
    const __m256 sech2 = _mm256_fnmadd_ps(t, t, v8(1.0f));
    const __m256 right = _mm256_mul_ps(_mm256_mul_ps(v8(0.5f), x), _mm256_mul_ps(sech2, dInner));
    return _mm256_mul_ps(gy, _mm256_add_ps(left, right));
  } else if constexpr (Op == kRelu) {
    return _mm256_and_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ), gy);
  } else if constexpr (Op == kTanh) {
    return _mm256_mul_ps(gy, _mm256_fnmadd_ps(y, y, v8(1.0f)));
  } else if constexpr (Op == kExp) {
    return _mm256_mul_ps(gy, y);
  } else if constexpr (Op == kNeg) {
    return _mm256_xor_ps(gy, v8(-0.0f));
  } else {
    return gy;
  }
}

// Calls fn(std::integral_constant<int, Op>{}) for the runtime op code, so that each op gets its own
// compiled loop; false for an unknown code.
template <typename Fn>
inline bool dispatchUnary(int64_t op, Fn&& fn) {
  switch (op) {
    case kGelu: fn(std::integral_constant<int, kGelu>{}); return true;
    case kGeluTanh: fn(std::integral_constant<int, kGeluTanh>{}); return true;
    case kRelu: fn(std::integral_constant<int, kRelu>{}); return true;
    case kTanh: fn(std::integral_constant<int, kTanh>{}); return true;
    case kExp: fn(std::integral_constant<int, kExp>{}); return true;
    case kNeg: fn(std::integral_constant<int, kNeg>{}); return true;
    case kIdentity: fn(std::integral_constant<int, kIdentity>{}); return true;
    default: return false;
  }
}

// In place: c[r·ldc + j] = act(c[r·ldc + j] + bias[j]) for r < rows, j < cols (bias may be null): the epilogue
// of a GEMM tile (gemm_avx512.cc), on the calling thread.
void biasActivationTile(int64_t op, float* c, int64_t ldc, const float* bias, int64_t rows, int64_t cols);
// The same on a whole (rows, cols) matrix, on the pool (after an OpenBLAS GEMM).
void biasActivationRows(int64_t op, float* c, const float* bias, int64_t rows, int64_t cols);

}  // namespace bertkit
