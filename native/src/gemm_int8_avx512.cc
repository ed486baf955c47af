// The AVX-512 int8 GEMM (see gemm_int8.h; layouts and blocking in gemm_int8_bf16_blocking.h):
//
//   1. each row of A is quantized to uint8 (16 lanes at a time, the reference's float32 operations: a division
//      by the scale, round half to even by roundscale, clamp) and scattered into 12-row panels, on the pool;
//   2. the 12 × 32 micro-kernel: per step (4 values of k) two zmm of packed W and, per row, one broadcast
//      32-bit lane of A; vpdpbusd (uint8 × int8, four products summed into int32, exact) or, without VNNI,
//      vpmaddwd on the even and odd bytes widened to 16 bits (the same integers);
//   3. the epilogue on the last K block, in registers: float32(acc − z·sums[j]) · (s · scales[j]) + bias[j],
//      separate multiply and add (no FMA), as the reference rounds; other activations than identity then run
//      on the stored tile while it is in L1 (biasActivationTile, the float32 GEMM's own code).
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

// Quantizes rows [row, row + rows) of A into one panel (steps lanes deep); records each row's scale and zero.
BERTKIT_AVX512 void quantizePanel(const Int8Gemm& g, int64_t row, int64_t rows, int64_t steps, uint8_t* panel,
                                  float* scale, int32_t* zero, uint8_t* q) {
  const int64_t k = g.k;
  for (int64_t r = 0; r < rows; r++) {
    const float* x = g.a + (row + r) * k;
    // lo = min(0, min x), hi = max(0, max x); a NaN is skipped (min/max return their second operand for it).
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
    scale[r] = s;
    zero[r] = static_cast<int32_t>(z);
    const __m512 sv = _mm512_set1_ps(s), zv = _mm512_set1_ps(z);
    for (int64_t t = 0; t < 4 * steps; t += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(firstN(k - t), x + t);
      __m512 u = _mm512_roundscale_ps(_mm512_div_ps(v, sv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      u = _mm512_add_ps(u, zv);
      u = _mm512_min_ps(_mm512_max_ps(u, _mm512_setzero_ps()), _mm512_set1_ps(255.0f));  // NaN → 0
      const __m128i bytes = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(u));
      // Lanes past k are padding: zeros, whatever the zero point.
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q + t), _mm_maskz_mov_epi8(firstN(k - t), bytes));
    }
    lowp::scatterRow(panel, r, q, steps);
  }
  lowp::zeroRows(panel, rows, steps);
}

// One 12 × 32 tile over steps [s0, s0 + ns) (see lowp::TileJob), with vpdpbusd (Vnni) or vpmaddwd.
template <bool Vnni>
BERTKIT_AVX512_VNNI void int8Tile(const Int8Gemm& g, const uint8_t* qa, const float* rowScale, const int32_t* rowZero,
                                  int64_t steps, const lowp::TileJob& job) {
  const int64_t row = job.i * kMr, col = job.q * kNr;
  const int64_t mr = g.m - row < kMr ? g.m - row : kMr, nr = g.n - col < kNr ? g.n - col : kNr;
  const uint8_t* ap = qa + (job.i * steps + job.s0) * kStepA;
  const uint8_t* bp = reinterpret_cast<const uint8_t*>(g.b) + (job.q * steps + job.s0) * kStepB;
  float* c = g.c + row * g.n + col;
  const __mmask16 m0 = firstN(nr), m1 = firstN(nr - 16);
  __m512i acc[kMr][2];
#pragma GCC unroll 12
  for (int r = 0; r < kMr; r++) {
    // Between K blocks, C holds the int32 sums of the rows that exist.
    const bool partial = !job.first && r < mr;
    acc[r][0] = partial ? _mm512_maskz_loadu_epi32(m0, c + r * g.n) : _mm512_setzero_si512();
    acc[r][1] = partial ? _mm512_maskz_loadu_epi32(m1, c + r * g.n + 16) : _mm512_setzero_si512();
  }
  const __m512i lowBytes = _mm512_set1_epi16(0x00FF);
  for (int64_t s = 0; s < job.ns; s++) {
    const uint8_t* b = bp + s * kStepB;
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB + 64), _MM_HINT_T0);
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64);
    if constexpr (Vnni) {
#pragma GCC unroll 12
      for (int r = 0; r < kMr; r++) {
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
      for (int r = 0; r < kMr; r++) {
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
    for (int r = 0; r < kMr; r++) {  // constant indices keep acc in registers
      if (r >= mr) break;
      _mm512_mask_storeu_epi32(c + r * g.n, m0, acc[r][0]);
      _mm512_mask_storeu_epi32(c + r * g.n + 16, m1, acc[r][1]);
    }
    return;
  }
  const __m512i sums0 = _mm512_maskz_loadu_epi32(m0, g.sums + col), sums1 = _mm512_maskz_loadu_epi32(m1, g.sums + col + 16);
  const __m512 sc0 = _mm512_maskz_loadu_ps(m0, g.scales + col), sc1 = _mm512_maskz_loadu_ps(m1, g.scales + col + 16);
  const bool hasBias = g.bias != nullptr;
  const __m512 bias0 = hasBias ? _mm512_maskz_loadu_ps(m0, g.bias + col) : _mm512_setzero_ps();
  const __m512 bias1 = hasBias ? _mm512_maskz_loadu_ps(m1, g.bias + col + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int r = 0; r < kMr; r++) {  // constant indices keep acc in registers
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
    _mm512_mask_storeu_ps(c + r * g.n, m0, y0);
    _mm512_mask_storeu_ps(c + r * g.n + 16, m1, y1);
  }
  if (g.activation != kIdentity) biasActivationTile(g.activation, c, g.n, nullptr, mr, nr);
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
    thread_local std::unique_ptr<uint8_t[]> row;
    thread_local int64_t rowBytes = 0;
    if (rowBytes < 4 * steps + 64) {
      rowBytes = 4 * steps + 64;
      row.reset(new uint8_t[rowBytes]);
    }
    for (int64_t p = p0; p < p1; p++) {
      const int64_t r0 = p * kMr, n = g.m - r0 < kMr ? g.m - r0 : kMr;
      quantizePanel(g, r0, n, steps, qa + p * steps * kStepA, rowScale + r0, rowZero + r0, row.get());
    }
  });
  if (vnni) {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { int8Tile<true>(g, qa, rowScale, rowZero, steps, j); });
  } else {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { int8Tile<false>(g, qa, rowScale, rowZero, steps, j); });
  }
}

}  // namespace bertkit
