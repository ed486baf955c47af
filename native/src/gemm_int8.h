// The int8 Linear kernel (see LowPrecisionGemmArgs in src/backend/kernels.ts): C = act(dequant(qA · Wᵀ) + bias)
// with A quantized per row to uint8 at run time and W (n, k) per output channel to int8. gemm_int8.cc holds the
// bindings, the packing of W, the dispatch and the portable path; gemm_int8_avx512.cc the AVX-512 paths.
#pragma once
#include <cstdint>

namespace bertkit {

// One call: A (m, k) float32, packed W (panels from lowp::packedStart), C (m, n).
struct Int8Gemm {
  const float* a;
  const int8_t* b;
  const float* scales;   // (n) per output channel
  const int32_t* sums;   // (n) Σ_k W[j, k]
  const float* bias;     // (n) or null
  float* c;
  int64_t m, n, k;
  int64_t activation;    // a UnaryCode (activation_ops.h)
};

// Which kernel runs: vpdpbusd (AVX-512 VNNI), vpmaddwd on 16-bit values (AVX-512 BW) or plain C++.
enum class Int8Path { kVnni, kAvx512, kPortable };

// The best path this CPU has, unless BERTKIT_INT8 names one (read once): "portable", "avx512" (no VNNI), "vnni".
Int8Path int8Path();

// The AVX-512 paths (gemm_int8_avx512.cc); `vnni` picks vpdpbusd over vpmaddwd. Needs cpuHasAvx512() (and
// cpuHasAvx512Vnni() for vnni) and k ≥ 1.
void gemmInt8Avx512(const Int8Gemm& g, bool vnni);

// uint8 quantization of one row of A (`quantizeRowU8` of src/backend/reference/low-precision.ts, the same float32
// operations): q[0, k) the values, q[k, 4·⌈k/4⌉) zeros; returns the scale, sets *zero.
float quantizeRowPortable(const float* x, int64_t k, uint8_t* q, int32_t* zero);

}  // namespace bertkit
