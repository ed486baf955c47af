// The bf16 Linear kernel (see LowPrecisionGemmArgs in src/backend/kernels.ts): C = act(bf16(A) · Wᵀ + bias), W (n, k)
// in bfloat16, products exact in float32, sums in float32. gemm_bf16.cc holds the bindings, the packing of W,
// the dispatch and the portable path; gemm_bf16_avx512.cc the AVX-512 paths.
#pragma once
#include <cstdint>
#include <cstring>

namespace bertkit {

// One call: A (m, k) float32, packed W (panels from lowp::packedStart), C (m, n).
struct Bf16Gemm {
  const float* a;
  const uint16_t* b;
  const float* bias;  // (n) or null
  float* c;
  int64_t m, n, k;
  int64_t activation;  // a UnaryCode (activation_ops.h)
};

// Which kernel runs: vdpbf16ps (AVX-512 BF16), bf16 widened to float32 and FMA (AVX-512 F) or plain C++.
enum class Bf16Path { kDpbf16, kAvx512, kPortable };

// The best path this CPU has, unless BERTKIT_BF16 names one (read once): "portable", "avx512" (no BF16 instructions).
Bf16Path bf16Path();

// The AVX-512 paths (gemm_bf16_avx512.cc); `dpbf16` picks vdpbf16ps over widening FMAs. Needs cpuHasAvx512()
// (and cpuHasAvx512Bf16() for dpbf16) and k ≥ 1.
void gemmBf16Avx512(const Bf16Gemm& g, bool dpbf16);

// float32 → bfloat16 bits, round to nearest even, NaN kept quiet (toBf16Bits of src/backend/reference/low-precision.ts).
inline uint16_t toBf16Bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// A bfloat16 denormal (exponent bits 0) → the zero of its sign. Every path flushes A (after rounding) and W so,
// as vdpbf16ps treats denormal inputs (see LowPrecisionGemmArgs).
inline uint16_t flushBf16Denormal(uint16_t b) { return (b & 0x7f80) == 0 ? static_cast<uint16_t>(b & 0x8000) : b; }

inline float bf16ToFloat(uint16_t b) {
  const uint32_t u = static_cast<uint32_t>(b) << 16;
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

}  // namespace bertkit
