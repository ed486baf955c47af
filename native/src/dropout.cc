// Inverted-dropout mask (Kernels.dropoutMask): a counter-based hash per element, so it is bit-identical
// to the reference (src/backend/reference/dropout-mask.ts) and independent of the thread split.
#include <cmath>

#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {

// MurmurHash3's 32-bit finaliser.
static inline uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// JavaScript's `x >>> 0` (ToUint32) for a finite number: truncate, then reduce modulo 2³².
static uint32_t toUint32(double x) {
  if (!std::isfinite(x)) return 0;
  double t = std::fmod(std::trunc(x), 4294967296.0);
  if (t < 0) t += 4294967296.0;
  return static_cast<uint32_t>(t);
}

// out[i] = u < p ? 0 : (float)(1 / (1 − p)), u = mix32((i · 0x9E3779B9) ⊕ seed) / 2³² (in double).
BERTKIT_BINDING(dropoutMask, "(out: f32, p: number, seed: number) => void") {
  const int64_t n = a.length(0);
  float* out = a.f32(0, 0);
  const double p = a.number(1);
  const uint32_t seed = toUint32(a.number(2));
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  parallelFor(n, 1 << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const uint32_t h = mix32((static_cast<uint32_t>(i) * 0x9e3779b9u) ^ seed);
      out[i] = static_cast<double>(h) / 4294967296.0 < p ? 0.0f : keep;
    }
  });
}

}  // namespace bertkit
