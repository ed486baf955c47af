// The bf16 Linear kernel's bindings (see gemm_bf16.h and LowPrecisionGemmArgs in src/backend/kernels.ts): the
// packing of a bf16 weight W (n, k) into the layout of gemm_int8_bf16_blocking.h (2 consecutive k of one column
// per 32-bit lane, k padded to a multiple of 2), the choice of kernel, and the portable path (plain C++, any CPU).
#include "gemm_bf16.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "activation_ops.h"
#include "bindings.h"
#include "cpu_features.h"
#include "gemm_int8_bf16_blocking.h"

namespace bertkit {
namespace {

constexpr int64_t kLane = 2;                     // bf16 values per 32-bit lane
constexpr int64_t kStepValues = lowp::kStepB / 2;  // bf16 values per step of a B panel

int64_t stepsOf(int64_t k) { return (k + 1) / 2; }

// Uint16 elements of a packed weight, the alignment slack included.
int64_t packedLength(int64_t k, int64_t n) { return (lowp::packedBBytes(stepsOf(k), n) + lowp::kAlignSlack) / 2; }

void packWeight(const uint16_t* w, int64_t n, int64_t k, uint16_t* packed) {
  const int64_t steps = stepsOf(k);
  parallelFor(lowp::panelsOf(n), rowGrain(lowp::kNr * k) / lowp::kNr + 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      uint16_t* panel = packed + p * steps * kStepValues;
      for (int64_t jj = 0; jj < lowp::kNr; jj++) {
        const int64_t j = p * lowp::kNr + jj;
        for (int64_t t = 0; t < kLane * steps; t++) {
          panel[(t / kLane) * kStepValues + jj * kLane + t % kLane] = j < n && t < k ? flushBf16Denormal(w[j * k + t]) : 0;
        }
      }
    }
  });
}

void gemmBf16Portable(const Bf16Gemm& g) {
  const int64_t steps = stepsOf(g.k);
  parallelFor(g.m, rowGrain(g.n * g.k / 4 + 1), [&](int64_t r0, int64_t r1) {
    std::vector<float> x(static_cast<size_t>(kLane * steps), 0.0f);
    for (int64_t i = r0; i < r1; i++) {
      for (int64_t t = 0; t < g.k; t++) x[t] = bf16ToFloat(flushBf16Denormal(toBf16Bits(g.a[i * g.k + t])));
      for (int64_t col = 0; col < g.n; col += lowp::kNr) {
        const uint16_t* panel = g.b + (col / lowp::kNr) * steps * kStepValues;
        float acc[lowp::kNr] = {};
        for (int64_t s = 0; s < steps; s++) {
          for (int64_t jj = 0; jj < lowp::kNr; jj++) {
            // Products of two bf16 values are exact in float32.
            acc[jj] = acc[jj] + x[2 * s] * bf16ToFloat(panel[s * kStepValues + jj * kLane]);
            acc[jj] = acc[jj] + x[2 * s + 1] * bf16ToFloat(panel[s * kStepValues + jj * kLane + 1]);
          }
        }
        for (int64_t jj = 0; jj < lowp::kNr && col + jj < g.n; jj++) {
          g.c[i * g.n + col + jj] = g.bias != nullptr ? acc[jj] + g.bias[col + jj] : acc[jj];
        }
      }
    }
  });
  if (g.activation != kIdentity) biasActivationRows(g.activation, g.c, nullptr, g.m, g.n);
}

}  // namespace

Bf16Path bf16Path() {
  static const Bf16Path path = [] {
    const char* forced = std::getenv("BERTKIT_BF16");
    const std::string want = forced == nullptr ? "" : forced;
    if (want == "portable" || !cpuHasAvx512()) return Bf16Path::kPortable;
    if (want == "avx512" || !cpuHasAvx512Bf16()) return Bf16Path::kAvx512;
    return Bf16Path::kDpbf16;
  }();
  return path;
}

// Uint16 elements a packed bf16 weight (k, n) needs (packBf16's `packed`).
BERTKIT_BINDING(bf16PackedLength, "(k: number, n: number) => number") {
  a.returnNumber(static_cast<double>(packedLength(a.size(0), a.size(1))));
}

// Packs W (n, k) bf16 bits, row-major, into `packed` (bf16PackedLength(k, n) elements).
BERTKIT_BINDING(packBf16, "(bits: u16, n: number, k: number, packed: u16) => void") {
  const int64_t n = a.size(1), k = a.size(2);
  const uint16_t* w = a.u16(0, n * k);
  uint16_t* packed = a.u16(3, packedLength(k, n));
  packWeight(w, n, k, lowp::packedStart(packed, true));
}

// C (m, n) = act(bf16(A) · Wᵀ + bias), W packed by packBf16 (see LowPrecisionGemmArgs).
BERTKIT_BINDING(gemmBf16,
                "(m: number, n: number, k: number, a: f32, packed: u16, bias: f32 | null, activation: unary, "
                "c: f32) => void") {
  const int64_t m = a.size(0), n = a.size(1), k = a.size(2), activation = a.integer(6);
  if (activation < 0 || activation > kIdentity) a.fail("unknown activation " + std::to_string(activation));
  const Bf16Gemm g{
      .a = a.f32(3, m * k),
      .b = lowp::packedStart(a.u16(4, packedLength(k, n)), false),
      .bias = a.f32OrNull(5, n),
      .c = a.f32(7, m * n),
      .m = m,
      .n = n,
      .k = k,
      .activation = activation,
  };
  if (m == 0 || n == 0) return;
  const Bf16Path path = bf16Path();
  if (path == Bf16Path::kPortable || k == 0) {
    gemmBf16Portable(g);
  } else {
    gemmBf16Avx512(g, path == Bf16Path::kDpbf16);
  }
}

// The bf16 kernel in use: 0 vdpbf16ps (AVX-512 BF16), 1 widening FMAs (AVX-512 F), 2 portable C++.
BERTKIT_BINDING(bf16Path, "() => number") {
  a.returnNumber(static_cast<double>(bf16Path()));
}

}  // namespace bertkit
