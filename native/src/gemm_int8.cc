// The int8 Linear kernel's bindings (see gemm_int8.h and LowPrecisionGemmArgs in src/backend/kernels.ts): the
// packing of an int8 weight W (n, k) into the layout of gemm_int8_bf16_blocking.h (4 consecutive k of one
// column per 32-bit lane, k padded to a multiple of 4), the choice of kernel, and the portable path (plain C++,
// any CPU), which gives the same integers and rounds the epilogue the same way as the AVX-512 kernels.
#include "gemm_int8.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "activation_ops.h"
#include "bindings.h"
#include "cpu_features.h"
#include "gemm_int8_bf16_blocking.h"

namespace bertkit {

namespace lowp {

uint8_t* scratch(int64_t bytes) {
  thread_local std::unique_ptr<uint8_t, decltype(&std::free)> buffer(nullptr, &std::free);
  thread_local int64_t size = 0;
  if (bytes > size) {
    buffer.reset(static_cast<uint8_t*>(std::aligned_alloc(64, static_cast<size_t>((bytes + 63) / 64 * 64))));
    size = bytes;
  }
  return buffer.get();
}

}  // namespace lowp

namespace {

// Accumulation in int32 is exact while 255 · 127 · k < 2³¹.
constexpr int64_t kMaxK = 65536;

int64_t stepsOf(int64_t k) { return (k + 3) / 4; }

// Bytes of a packed weight, the alignment slack included.
int64_t packedLength(int64_t k, int64_t n) { return lowp::packedBBytes(stepsOf(k), n) + lowp::kAlignSlack; }

void packWeight(const int8_t* w, int64_t n, int64_t k, int8_t* packed, int32_t* sums) {
  const int64_t steps = stepsOf(k);
  parallelFor(lowp::panelsOf(n), rowGrain(lowp::kNr * k) / lowp::kNr + 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      int8_t* panel = packed + p * steps * lowp::kStepB;
      for (int64_t jj = 0; jj < lowp::kNr; jj++) {
        const int64_t j = p * lowp::kNr + jj;
        int32_t sum = 0;
        for (int64_t t = 0; t < 4 * steps; t++) {
          const int8_t v = j < n && t < k ? w[j * k + t] : 0;
          panel[(t / 4) * lowp::kStepB + jj * 4 + t % 4] = v;
          sum += v;
        }
        if (j < n) sums[j] = sum;
      }
    }
  });
}

void gemmInt8Portable(const Int8Gemm& g) {
  const int64_t steps = stepsOf(g.k);
  const auto* bytes = reinterpret_cast<const int8_t*>(g.b);
  parallelFor(g.m, rowGrain(g.n * g.k, 1) , [&](int64_t r0, int64_t r1) {
    std::vector<uint8_t> q(static_cast<size_t>(4 * steps));
    for (int64_t i = r0; i < r1; i++) {
      int32_t zero = 0;
      const float scale = quantizeRowPortable(g.a + i * g.k, g.k, q.data(), &zero);
      for (int64_t col = 0; col < g.n; col += lowp::kNr) {
        const int8_t* panel = bytes + (col / lowp::kNr) * steps * lowp::kStepB;
        int32_t acc[lowp::kNr] = {};
        for (int64_t s = 0; s < steps; s++) {
          for (int64_t jj = 0; jj < lowp::kNr; jj++) {
            for (int64_t t = 0; t < 4; t++) acc[jj] += q[4 * s + t] * panel[s * lowp::kStepB + jj * 4 + t];
          }
        }
        for (int64_t jj = 0; jj < lowp::kNr && col + jj < g.n; jj++) {
          const int64_t j = col + jj;
          float y = static_cast<float>(acc[jj] - zero * g.sums[j]) * (scale * g.scales[j]);
          if (g.bias != nullptr) y = y + g.bias[j];
          g.c[i * g.n + j] = y;
        }
      }
    }
  });
  if (g.activation != kIdentity) biasActivationRows(g.activation, g.c, nullptr, g.m, g.n);
}

}  // namespace

float quantizeRowPortable(const float* x, int64_t k, uint8_t* q, int32_t* zero) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t t = 0; t < k; t++) {
    if (x[t] < lo) lo = x[t];
    if (x[t] > hi) hi = x[t];
  }
  float s = (hi - lo) / 255.0f;
  if (s == 0.0f || !std::isfinite(s)) s = 1.0f;
  float z = std::nearbyint(-lo / s);
  z = z > 0.0f ? (z < 255.0f ? z : 255.0f) : 0.0f;
  for (int64_t t = 0; t < k; t++) {
    const float u = std::nearbyint(x[t] / s) + z;
    q[t] = static_cast<uint8_t>(u > 0.0f ? (u < 255.0f ? u : 255.0f) : 0.0f);  // NaN → 0, as a Uint8Array stores it
  }
  for (int64_t t = k; t < 4 * stepsOf(k); t++) q[t] = 0;
  *zero = static_cast<int32_t>(z);
  return s;
}

Int8Path int8Path() {
  static const Int8Path path = [] {
    const char* forced = std::getenv("BERTKIT_INT8");
    const std::string want = forced == nullptr ? "" : forced;
    if (want == "portable" || !cpuHasAvx512()) return Int8Path::kPortable;
    if (want == "avx512" || !cpuHasAvx512Vnni()) return Int8Path::kAvx512;
    return Int8Path::kVnni;
  }();
  return path;
}

// Bytes a packed int8 weight (k, n) needs (packInt8's `packed`).
BERTKIT_BINDING(int8PackedLength, "(k: number, n: number) => number") {
  a.returnNumber(static_cast<double>(packedLength(a.size(0), a.size(1))));
}

// Packs W (n, k) int8, row-major, into `packed` (int8PackedLength(k, n) bytes); sums[j] = Σ_k W[j, k].
BERTKIT_BINDING(packInt8, "(values: i8, n: number, k: number, packed: u8, sums: i32) => void") {
  const int64_t n = a.size(1), k = a.size(2);
  if (k > kMaxK) a.fail("k = " + std::to_string(k) + " is over " + std::to_string(kMaxK) + " (int32 accumulation)");
  const int8_t* w = a.i8(0, n * k);
  uint8_t* packed = a.u8(3, packedLength(k, n));
  int32_t* sums = a.i32Out(4, n);
  packWeight(w, n, k, reinterpret_cast<int8_t*>(lowp::packedStart(packed, true)), sums);
}

// C (m, n) = act(dequantized(quantized A · Wᵀ) + bias), W packed by packInt8 (see LowPrecisionGemmArgs).
BERTKIT_BINDING(gemmInt8,
                "(m: number, n: number, k: number, a: f32, packed: u8, scales: f32, sums: i32, bias: f32 | null, "
                "activation: unary, c: f32) => void") {
  const int64_t m = a.size(0), n = a.size(1), k = a.size(2), activation = a.integer(8);
  if (k > kMaxK) a.fail("k = " + std::to_string(k) + " is over " + std::to_string(kMaxK) + " (int32 accumulation)");
  if (activation < 0 || activation > kIdentity) a.fail("unknown activation " + std::to_string(activation));
  const Int8Gemm g{
      .a = a.f32(3, m * k),
      .b = reinterpret_cast<const int8_t*>(lowp::packedStart(a.u8(4, packedLength(k, n)), false)),
      .scales = a.f32(5, n),
      .sums = a.i32(6, n),
      .bias = a.f32OrNull(7, n),
      .c = a.f32(9, m * n),
      .m = m,
      .n = n,
      .k = k,
      .activation = activation,
  };
  if (m == 0 || n == 0) return;
  const Int8Path path = int8Path();
  if (path == Int8Path::kPortable || k == 0) {
    gemmInt8Portable(g);
  } else {
    gemmInt8Avx512(g, path == Int8Path::kVnni);
  }
}

// The int8 kernel in use: 0 vpdpbusd (AVX-512 VNNI), 1 vpmaddwd (AVX-512 BW), 2 portable C++.
BERTKIT_BINDING(int8Path, "() => number") {
  a.returnNumber(static_cast<double>(int8Path()));
}

}  // namespace bertkit
