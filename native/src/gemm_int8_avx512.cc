// The AVX-512 int8 GEMM (see gemm_int8.h; layouts and blocking in gemm_int8_bf16_blocking.h):
//
//   1. each row of A is quantized to uint8 (16 lanes at a time, the reference's float32 operations: a division
//      by the scale, round half to even by roundscale, clamp), four rows at a time packed into the 12-row
//      panels' layout in registers, on the pool;
//   2. the 12 × 32 micro-kernel: per step (4 values of k) two zmm of packed W and, per row, one broadcast
//      32-bit lane of A; vpdpbusd (uint8 × int8, four products summed into int32, exact) or, without VNNI,
//      vpmaddwd on the even and odd bytes widened to 16 bits (the same integers);
//   3. the epilogue on the last K block, in registers: float32(acc − z·sums[j]) · (s · scales[j]) + bias[j],
//      separate multiply and add (no FMA), as the reference rounds, then GELU in registers (the float32 GEMM's
//      operations); other activations run on the stored tile while it is in L1 (biasActivationTile).
#include <cmath>
#include <cstring>
#include <memory>

#include "activation_ops.h"
#include "avx512_util.h"
#include "gemm_int8.h"
#include "gemm_int8_bf16_blocking.h"

namespace bertkit {
namespace {

using lowp::kMr;
using lowp::kNr;
using lowp::kStepA;
using lowp::kStepB;

// The scale s and zero point z of one row of A (k values): lo = min(0, min x), hi = max(0, max x), a NaN skipped
// (min/max return their second operand for it); s = (hi − lo) / 255 (1 when that is 0 or not finite),
// z = clamp(round(−lo / s), 0, 255), as quantizeRowU8 in the reference.
BERTKIT_AVX512 void scaleOfRow(const float* x, int64_t k, float* scale, int32_t* zero) {
  __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
  for (int64_t t = 0; t < k; t += 16) {
    const __m512 v = _mm512_maskz_loadu_ps(firstN(k - t), x + t);
    lo = _mm512_min_ps(v, lo);
    hi = _mm512_max_ps(v, hi);
  }
  const float low = _mm512_reduce_min_ps(lo), high = _mm512_reduce_max_ps(hi);
  float s = (high - low) / 255.0f;
  if (s == 0.0f || !std::isfinite(s)) s = 1.0f;
  float z = std::nearbyint(-low / s);
  z = z > 0.0f ? (z < 255.0f ? z : 255.0f) : 0.0f;
  *scale = s;
  *zero = static_cast<int32_t>(z);
}

// Values t … t + 15 of one row quantized, as int32 in [0, 255]: clamp(round(x / s) + z, 0, 255) (a division and
// round half to even, as the reference; NaN → 0); lanes at or past k are 0 (padding, whatever z).
BERTKIT_AVX512 __attribute__((always_inline)) inline __m512i quantize16(const float* x, int64_t t, int64_t k, __m512 s,
                                                                       __m512 z) {
  const __mmask16 valid = firstN(k - t);
  const __m512 v = _mm512_maskz_loadu_ps(valid, x + t);
  __m512 u = _mm512_roundscale_ps(_mm512_div_ps(v, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  u = _mm512_add_ps(u, z);
  u = _mm512_min_ps(_mm512_max_ps(u, _mm512_setzero_ps()), _mm512_set1_ps(255.0f));  // NaN → 0
  return _mm512_maskz_cvttps_epi32(valid, u);
}

// Quantizes rows [row, row + rows) of A into one panel (steps lanes deep; rows past `rows` are zeros) and records
// each row's scale and zero point. Sixteen values of four rows at a time: vpackusdw + vpackuswb turn four rows'
// int32 vectors into one whose 128-bit lane L is step L of those rows (4 bytes each, the values are in [0, 255]),
// so the panel's 48-byte step is three 16-byte stores.
BERTKIT_AVX512 void quantizePanel(const Int8Gemm& g, int64_t row, int64_t rows, int64_t steps, uint8_t* panel,
                                  float* scale, int32_t* zero) {
  const int64_t k = g.k;
  for (int64_t r = 0; r < rows; r++) scaleOfRow(g.a + (row + r) * k, k, scale + r, zero + r);
  for (int64_t t = 0; t < 4 * steps; t += 16) {
    __m512i groups[kMr / 4];
#pragma GCC unroll 3
    for (int64_t q = 0; q < kMr / 4; q++) {
      __m512i v[4];
#pragma GCC unroll 4
      for (int64_t j = 0; j < 4; j++) {
        const int64_t r = 4 * q + j;
        v[j] = r < rows ? quantize16(g.a + (row + r) * k, t, k, _mm512_set1_ps(scale[r]),
                                     _mm512_set1_ps(static_cast<float>(zero[r])))
                        : _mm512_setzero_si512();
      }
      groups[q] = _mm512_packus_epi16(_mm512_packus_epi32(v[0], v[1]), _mm512_packus_epi32(v[2], v[3]));
    }
    // Lane L of groups[q] (its 16 bytes: rows 4q … 4q + 3 of step t/4 + L) goes to bytes 16q … 16q + 15 of that step.
    uint8_t* out = panel + (t / 4) * kStepA;
    const int64_t last = steps - t / 4 < 4 ? steps - t / 4 : 4;
#pragma GCC unroll 3
    for (int64_t q = 0; q < kMr / 4; q++) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * q), _mm512_castsi512_si128(groups[q]));
      if (last > 1) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + kStepA + 16 * q), _mm512_extracti32x4_epi32(groups[q], 1));
      if (last > 2) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * kStepA + 16 * q), _mm512_extracti32x4_epi32(groups[q], 2));
      if (last > 3) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 * kStepA + 16 * q), _mm512_extracti32x4_epi32(groups[q], 3));
    }
  }
}

// x · Φ(x) = x · (0.5 + 0.5 erf(x/√2)) on 16 lanes: activate<kGelu> of activation_ops.h (and the float32 GEMM's
// epilogue) with the same operations, so the same bits.
BERTKIT_AVX512 __attribute__((always_inline)) inline __m512 gelu16(__m512 x) {
  const __m512 half = _mm512_set1_ps(0.5f);
  return _mm512_mul_ps(x, _mm512_fmadd_ps(half, v16erf(_mm512_mul_ps(x, _mm512_set1_ps(kSqrt1_2))), half));
}

// One 12 × 32 tile over steps [s0, s0 + ns) (see lowp::TileJob), with vpdpbusd (Vnni) or vpmaddwd, computing
// MR ≥ mr of its rows (int8TileRows picks MR).
template <bool Vnni, int MR>
BERTKIT_AVX512_VNNI void int8Tile(const Int8Gemm& g, const uint8_t* qa, const float* rowScale, const int32_t* rowZero,
                                  int64_t steps, const lowp::TileJob& job) {
  const int64_t row = job.i * kMr, col = job.q * kNr;
  const int64_t mr = g.m - row < kMr ? g.m - row : kMr, nr = g.n - col < kNr ? g.n - col : kNr;
  const uint8_t* ap = qa + (job.i * steps + job.s0) * kStepA;
  const uint8_t* bp = reinterpret_cast<const uint8_t*>(g.b) + (job.q * steps + job.s0) * kStepB;
  float* c = g.c + row * g.n + col;
  const __mmask16 m0 = firstN(nr), m1 = firstN(nr - 16);
  __m512i acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    // Between K blocks, C holds the int32 sums of the rows that exist.
    const bool partial = !job.first && r < mr;
    acc[r][0] = partial ? _mm512_maskz_loadu_epi32(m0, c + r * g.n) : _mm512_setzero_si512();
    acc[r][1] = partial ? _mm512_maskz_loadu_epi32(m1, c + r * g.n + 16) : _mm512_setzero_si512();
  }
  const __m512i lowBytes = _mm512_set1_epi16(0x00FF);
  // Two lines of the B that a later tile needs per step (job.pf) into L2, as long as there are any.
  const int64_t pfSteps = (job.pfLines + 1) / 2;
  for (int64_t s = 0; s < job.ns; s++) {
    const uint8_t* b = bp + s * kStepB;
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB + 64), _MM_HINT_T0);
    if (s < pfSteps) {
      _mm_prefetch(job.pf + s * 128, _MM_HINT_T1);
      _mm_prefetch(job.pf + s * 128 + 64, _MM_HINT_T1);
    }
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64);
    if constexpr (Vnni) {
#pragma GCC unroll 12
      for (int r = 0; r < MR; r++) {
        int32_t lane;
        std::memcpy(&lane, ap + s * kStepA + r * 4, 4);
        const __m512i av = _mm512_set1_epi32(lane);
        acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], av, b0);
        acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], av, b1);
      }
    } else {
      // Even bytes (k = 0, 2) and odd bytes (k = 1, 3) of each lane as 16-bit values; vpmaddwd sums each pair.
      const __m512i b0e = _mm512_srai_epi16(_mm512_slli_epi16(b0, 8), 8), b0o = _mm512_srai_epi16(b0, 8);
      const __m512i b1e = _mm512_srai_epi16(_mm512_slli_epi16(b1, 8), 8), b1o = _mm512_srai_epi16(b1, 8);
#pragma GCC unroll 12
      for (int r = 0; r < MR; r++) {
        int32_t lane;
        std::memcpy(&lane, ap + s * kStepA + r * 4, 4);
        const __m512i av = _mm512_set1_epi32(lane);
        const __m512i ae = _mm512_and_si512(av, lowBytes), ao = _mm512_srli_epi16(av, 8);
        acc[r][0] = _mm512_add_epi32(acc[r][0], _mm512_add_epi32(_mm512_madd_epi16(ae, b0e), _mm512_madd_epi16(ao, b0o)));
        acc[r][1] = _mm512_add_epi32(acc[r][1], _mm512_add_epi32(_mm512_madd_epi16(ae, b1e), _mm512_madd_epi16(ao, b1o)));
      }
    }
  }
  if (!job.last) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {  // constant indices keep acc in registers
      if (r >= mr) break;
      _mm512_mask_storeu_epi32(c + r * g.n, m0, acc[r][0]);
      _mm512_mask_storeu_epi32(c + r * g.n + 16, m1, acc[r][1]);
    }
    return;
  }
  const __m512i sums0 = _mm512_maskz_loadu_epi32(m0, g.sums + col), sums1 = _mm512_maskz_loadu_epi32(m1, g.sums + col + 16);
  const __m512 sc0 = _mm512_maskz_loadu_ps(m0, g.scales + col), sc1 = _mm512_maskz_loadu_ps(m1, g.scales + col + 16);
  const bool hasBias = g.bias != nullptr, gelu = g.activation == kGelu;
  const __m512 bias0 = hasBias ? _mm512_maskz_loadu_ps(m0, g.bias + col) : _mm512_setzero_ps();
  const __m512 bias1 = hasBias ? _mm512_maskz_loadu_ps(m1, g.bias + col + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {  // constant indices keep acc in registers
    if (r >= mr) break;
    const __m512i z = _mm512_set1_epi32(rowZero[row + r]);
    const __m512 s = _mm512_set1_ps(rowScale[row + r]);
    // Exact in int32: |acc − z·sums| = |Σ (q − z)·w| ≤ 255 · 127 · k (k ≤ 65536).
    __m512 y0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][0], _mm512_mullo_epi32(z, sums0)));
    __m512 y1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][1], _mm512_mullo_epi32(z, sums1)));
    y0 = _mm512_mul_ps(y0, _mm512_mul_ps(s, sc0));
    y1 = _mm512_mul_ps(y1, _mm512_mul_ps(s, sc1));
    if (hasBias) {
      y0 = _mm512_add_ps(y0, bias0);
      y1 = _mm512_add_ps(y1, bias1);
    }
    if (gelu) {
      y0 = gelu16(y0);
      y1 = gelu16(y1);
    }
    _mm512_mask_storeu_ps(c + r * g.n, m0, y0);
    _mm512_mask_storeu_ps(c + r * g.n + 16, m1, y1);
  }
  if (g.activation != kIdentity && !gelu) biasActivationTile(g.activation, c, g.n, nullptr, mr, nr);
}

// int8Tile computing the fewest rows that cover the tile's: 4, 8 or 12 (a row panel's last tile is often partial:
// one 16-token sentence is 12 + 4 rows, and the zero rows past m would cost as much as real ones).
template <bool Vnni>
BERTKIT_AVX512_VNNI void int8TileRows(const Int8Gemm& g, const uint8_t* qa, const float* rowScale, const int32_t* rowZero,
                                      int64_t steps, const lowp::TileJob& job) {
  const int64_t mr = g.m - job.i * kMr;
  if (mr > 8) {
    int8Tile<Vnni, 12>(g, qa, rowScale, rowZero, steps, job);
  } else if (mr > 4) {
    int8Tile<Vnni, 8>(g, qa, rowScale, rowZero, steps, job);
  } else {
    int8Tile<Vnni, 4>(g, qa, rowScale, rowZero, steps, job);
  }
}

}  // namespace

void gemmInt8Avx512(const Int8Gemm& g, bool vnni) {
  const int64_t steps = (g.k + 3) / 4, rowPanels = lowp::rowPanelsOf(g.m);
  // One buffer: the packed A (rowPanels × steps × 48 bytes), then each row's scale and zero point.
  const int64_t aBytes = rowPanels * steps * kStepA, rows = rowPanels * kMr;
  uint8_t* buffer = lowp::scratch(aBytes + rows * 8);
  uint8_t* qa = buffer;
  float* rowScale = reinterpret_cast<float*>(buffer + aBytes);
  int32_t* rowZero = reinterpret_cast<int32_t*>(buffer + aBytes + rows * 4);
  parallelFor(rowPanels, rowGrain(kMr * g.k, 2) / kMr + 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const int64_t r0 = p * kMr, n = g.m - r0 < kMr ? g.m - r0 : kMr;
      quantizePanel(g, r0, n, steps, qa + p * steps * kStepA, rowScale + r0, rowZero + r0);
    }
  });
  // K blocks of 768 steps (3072 k: BERT's FFN output in one block; measured 3–5% faster there than 256 or 512,
  // as C's int32 partial sums make no round trip), and the prefetch plan for the weights.
  const lowp::Blocking blocking{.ks = 768, .ncPanels = lowp::kNcPanels, .prefetchB = reinterpret_cast<const uint8_t*>(g.b)};
  if (vnni) {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { int8TileRows<true>(g, qa, rowScale, rowZero, steps, j); }, blocking);
  } else {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { int8TileRows<false>(g, qa, rowScale, rowZero, steps, j); }, blocking);
  }
}

}  // namespace bertkit
