// The AVX-512 bf16 GEMM (see gemm_bf16.h; layouts and blocking in gemm_int8_bf16_blocking.h):
//
//   1. each element of A is rounded to bfloat16 (16 lanes at a time, by integer operations on its bits: the
//      reference's toBf16Bits; not _mm512_cvtne2ps_pbh, which treats float32 denormal inputs as zero, where the
//      rounding could give the smallest normal bf16), a bf16 denormal flushed to a signed zero, and the rows are
//      scattered into 12-row panels, on the pool;
//   2. the 12 × 32 micro-kernel: per step (2 values of k) two zmm of packed W and, per row, one broadcast
//      32-bit lane of A; vdpbf16ps (two bf16 products added into each float32 lane) or, without AVX512_BF16,
//      both halves widened to float32 (a shift and a mask) and two FMAs (the products are exact either way);
//   3. on the last K block: + bias[j] in registers; other activations than identity then on the stored tile
//      while it is in L1 (biasActivationTile, the float32 GEMM's own code).
//
// vdpbf16ps treats denormal inputs as zero and flushes denormal results (it ignores MXCSR), so every path flushes
// denormal bf16 values of A and W (the contract says so); a product or sum below 2⁻¹²⁶ (1.2e-38) in magnitude
// may count as 0 on this path only, far below what the float32 sums resolve in a Linear layer.
#include <memory>

#include "activation_ops.h"
#include "avx512_util.h"
#include "gemm_bf16.h"
#include "gemm_int8_bf16_blocking.h"

namespace bertkit {
namespace {

using lowp::kMr;
using lowp::kNr;
using lowp::kStepA;
using lowp::kStepB;

// 16 float32 → 16 bfloat16 bits (in the low half of each 32-bit lane), round to nearest even, NaN quiet, a
// bf16 denormal flushed to the zero of its sign (flushBf16Denormal).
BERTKIT_AVX512 inline __m512i roundToBf16(__m512 x) {
  const __m512i u = _mm512_castps_si512(x);
  const __m512i high = _mm512_srli_epi32(u, 16);
  const __m512i rounded = _mm512_srli_epi32(
      _mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7fff)), _mm512_and_si512(high, _mm512_set1_epi32(1))), 16);
  const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  const __m512i bits = _mm512_mask_or_epi32(rounded, nan, high, _mm512_set1_epi32(0x40));
  const __mmask16 denormal = _mm512_testn_epi32_mask(bits, _mm512_set1_epi32(0x7f80));
  return _mm512_mask_and_epi32(bits, denormal, bits, _mm512_set1_epi32(0x8000));
}

// Rounds rows [row, row + rows) of A to bf16 into one panel (steps lanes deep).
BERTKIT_AVX512 void convertPanel(const Bf16Gemm& g, int64_t row, int64_t rows, int64_t steps, uint8_t* panel,
                                 uint16_t* bits) {
  const int64_t k = g.k;
  for (int64_t r = 0; r < rows; r++) {
    const float* x = g.a + (row + r) * k;
    for (int64_t t = 0; t < 2 * steps; t += 16) {
      const __m512i b = roundToBf16(_mm512_maskz_loadu_ps(firstN(k - t), x + t));  // past k: +0.0 → 0
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(bits + t), _mm512_cvtepi32_epi16(b));
    }
    lowp::scatterRow(panel, r, reinterpret_cast<const uint8_t*>(bits), steps);
  }
  lowp::zeroRows(panel, rows, steps);
}

// One 12 × 32 tile over steps [s0, s0 + ns) (see lowp::TileJob), with vdpbf16ps (Dp) or widening FMAs, computing
// MR ≥ mr of its rows (bf16TileRows picks MR).
template <bool Dp, int MR>
BERTKIT_AVX512_BF16 void bf16Tile(const Bf16Gemm& g, const uint8_t* pa, int64_t steps, const lowp::TileJob& job) {
  const int64_t row = job.i * kMr, col = job.q * kNr;
  const int64_t mr = g.m - row < kMr ? g.m - row : kMr, nr = g.n - col < kNr ? g.n - col : kNr;
  const uint8_t* ap = pa + (job.i * steps + job.s0) * kStepA;
  const uint8_t* bp = reinterpret_cast<const uint8_t*>(g.b) + (job.q * steps + job.s0) * kStepB;
  float* c = g.c + row * g.n + col;
  const __mmask16 m0 = firstN(nr), m1 = firstN(nr - 16);
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    const bool partial = !job.first && r < mr;  // between K blocks, C holds the sums so far
    acc[r][0] = partial ? _mm512_maskz_loadu_ps(m0, c + r * g.n) : _mm512_setzero_ps();
    acc[r][1] = partial ? _mm512_maskz_loadu_ps(m1, c + r * g.n + 16) : _mm512_setzero_ps();
  }
  const __m512i highHalf = _mm512_set1_epi32(static_cast<int32_t>(0xffff0000u));
  for (int64_t s = 0; s < job.ns; s++) {
    const uint8_t* b = bp + s * kStepB;
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * kStepB + 64), _MM_HINT_T0);
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64);
    if constexpr (Dp) {
#pragma GCC unroll 12
      for (int r = 0; r < MR; r++) {
        int32_t lane;
        std::memcpy(&lane, ap + s * kStepA + r * 4, 4);
        const __m512i av = _mm512_set1_epi32(lane);
        acc[r][0] = _mm512_dpbf16_ps(acc[r][0], (__m512bh)av, (__m512bh)b0);
        acc[r][1] = _mm512_dpbf16_ps(acc[r][1], (__m512bh)av, (__m512bh)b1);
      }
    } else {
      // Even k in the low half of a lane, odd k in the high half: as float32, a shift and a mask.
      const __m512 b0e = _mm512_castsi512_ps(_mm512_slli_epi32(b0, 16)), b0o = _mm512_castsi512_ps(_mm512_and_si512(b0, highHalf));
      const __m512 b1e = _mm512_castsi512_ps(_mm512_slli_epi32(b1, 16)), b1o = _mm512_castsi512_ps(_mm512_and_si512(b1, highHalf));
#pragma GCC unroll 12
      for (int r = 0; r < MR; r++) {
        int32_t lane;
        std::memcpy(&lane, ap + s * kStepA + r * 4, 4);
        const __m512i av = _mm512_set1_epi32(lane);
        const __m512 ae = _mm512_castsi512_ps(_mm512_slli_epi32(av, 16)), ao = _mm512_castsi512_ps(_mm512_and_si512(av, highHalf));
        acc[r][0] = _mm512_fmadd_ps(ao, b0o, _mm512_fmadd_ps(ae, b0e, acc[r][0]));
        acc[r][1] = _mm512_fmadd_ps(ao, b1o, _mm512_fmadd_ps(ae, b1e, acc[r][1]));
      }
    }
  }
  const bool addBias = job.last && g.bias != nullptr;
  const __m512 bias0 = addBias ? _mm512_maskz_loadu_ps(m0, g.bias + col) : _mm512_setzero_ps();
  const __m512 bias1 = addBias ? _mm512_maskz_loadu_ps(m1, g.bias + col + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {  // constant indices keep acc in registers
    if (r >= mr) break;
    if (addBias) {
      acc[r][0] = _mm512_add_ps(acc[r][0], bias0);
      acc[r][1] = _mm512_add_ps(acc[r][1], bias1);
    }
    _mm512_mask_storeu_ps(c + r * g.n, m0, acc[r][0]);
    _mm512_mask_storeu_ps(c + r * g.n + 16, m1, acc[r][1]);
  }
  if (job.last && g.activation != kIdentity) biasActivationTile(g.activation, c, g.n, nullptr, mr, nr);
}

// bf16Tile computing the fewest rows that cover the tile's: 4, 8 or 12 (see int8TileRows).
template <bool Dp>
BERTKIT_AVX512_BF16 void bf16TileRows(const Bf16Gemm& g, const uint8_t* pa, int64_t steps, const lowp::TileJob& job) {
  const int64_t mr = g.m - job.i * kMr;
  if (mr > 8) {
    bf16Tile<Dp, 12>(g, pa, steps, job);
  } else if (mr > 4) {
    bf16Tile<Dp, 8>(g, pa, steps, job);
  } else {
    bf16Tile<Dp, 4>(g, pa, steps, job);
  }
}

}  // namespace

void gemmBf16Avx512(const Bf16Gemm& g, bool dpbf16) {
  const int64_t steps = (g.k + 1) / 2, rowPanels = lowp::rowPanelsOf(g.m);
  uint8_t* pa = lowp::scratch(rowPanels * steps * kStepA);
  parallelFor(rowPanels, rowGrain(kMr * g.k) / kMr + 1, [&](int64_t p0, int64_t p1) {
    thread_local std::unique_ptr<uint16_t[]> bits;
    thread_local int64_t length = 0;
    if (length < 2 * steps + 32) {
      length = 2 * steps + 32;
      bits.reset(new uint16_t[length]);
    }
    for (int64_t p = p0; p < p1; p++) {
      const int64_t r0 = p * kMr, n = g.m - r0 < kMr ? g.m - r0 : kMr;
      convertPanel(g, r0, n, steps, pa + p * steps * kStepA, bits.get());
    }
  });
  if (dpbf16) {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { bf16TileRows<true>(g, pa, steps, j); });
  } else {
    lowp::runBlocked(g.m, g.n, steps, [&](const lowp::TileJob& j) { bf16TileRows<false>(g, pa, steps, j); });
  }
}

}  // namespace bertkit
