// AVX2 helpers shared by the kernels, our erf, and glibc's vector math functions (libmvec, glibc ≥ 2.35).
// The _ZGVdN8v_* names are the x86-64 vector-function ABI entry points ('d' = AVX2, 8 floats); glibc
// documents them at ≤ 4 ulp (expf, tanhf are ≤ 2). Calling them directly keeps -ffast-math out
// of the build (GCC would only vectorise erff() itself under -ffast-math).
#pragma once
// GCC 12's _mm512_undefined_ps/pd (`__m512 __Y = __Y;`, behind the shuffle, min, max and reduce intrinsics)
// trips -W(maybe-)uninitialized once inlined (GCC bug 105593, fixed in GCC 13); the warning is spurious. The
// pragma must surround the header's first inclusion, so every file gets the intrinsics through here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>

extern "C" {
__m256 _ZGVdN8v_expf(__m256 x);
__m256 _ZGVdN8v_tanhf(__m256 x);
__m256 _ZGVdN8v_logf(__m256 x);
__m256 _ZGVdN8v_log1pf(__m256 x);
}

namespace bertkit {

// erf(x) ≈ x · P(x²) / Q(x²) for |x| ≤ 4, ±1 beyond (erf(4) rounds to 1 in float32). The coefficients are a
// minimax-style fit made by native/tools/fit_erf.py; evaluated in float32 the largest absolute error is
// 4e-7 (glibc's erff: 2.4e-7), at a third of glibc's cost, which matters because every GELU of BERT calls it.
// v16erf (gemm_avx512.cc) evaluates the same expression in the same order, so both round alike.
constexpr float kErfP[] = {1.1283791065216064f,    0.20704680681228638f,    0.051514800637960434f,
                           0.003987479954957962f,  0.0001472285221097991f,  -1.942467406479409e-06f,
                           1.9118868266332356e-08f};
constexpr float kErfQ[] = {1.0f, 0.5168217420578003f, 0.1179385855793953f, 0.01495163980871439f,
                           0.00102041638456285f};
constexpr float kErfLimit = 4.0f;

inline __m256 v8erf(__m256 x) {
  // max/min return their second operand when one is NaN: NaN stays NaN.
  x = _mm256_min_ps(_mm256_set1_ps(kErfLimit), _mm256_max_ps(_mm256_set1_ps(-kErfLimit), x));
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(kErfP[6]);
  for (int i = 5; i >= 0; i--) p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(kErfP[i]));
  __m256 q = _mm256_set1_ps(kErfQ[4]);
  for (int i = 3; i >= 0; i--) q = _mm256_fmadd_ps(q, z, _mm256_set1_ps(kErfQ[i]));
  return _mm256_div_ps(_mm256_mul_ps(x, p), q);
}
inline __m256 v8exp(__m256 x) { return _ZGVdN8v_expf(x); }
inline __m256 v8tanh(__m256 x) { return _ZGVdN8v_tanhf(x); }
inline __m256 v8log1p(__m256 x) { return _ZGVdN8v_log1pf(x); }
inline __m256 v8(float v) { return _mm256_set1_ps(v); }

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Loads the n < 8 trailing elements of p (zeros elsewhere), so tails go through the same vector code.
inline __m256 loadTail(const float* p, int64_t n, float fill = 0.0f) {
  alignas(32) float buf[8];
  for (int i = 0; i < 8; i++) buf[i] = i < n ? p[i] : fill;
  return _mm256_load_ps(buf);
}

inline void storeTail(float* p, int64_t n, __m256 v) {
  alignas(32) float buf[8];
  _mm256_store_ps(buf, v);
  for (int64_t i = 0; i < n; i++) p[i] = buf[i];
}

// Applies f (a __m256 → __m256 function) to n floats: out[i] = f(x[i]).
template <typename F>
inline void map8(const float* x, float* out, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) storeTail(out + i, n - i, f(loadTail(x + i, n - i)));
}

}  // namespace bertkit
