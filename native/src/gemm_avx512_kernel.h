// The inner part of our AVX-512 GEMM (gemm_avx512.cc, which alone includes this file): its blocking constants,
// the packing of op(A) and op(B) into panels, and the 12 × 32 micro-kernel with its epilogue. The micro-kernel
// broadcasts A from L1 and streams B from L2 with software prefetch; transposes are done by the packing
// (16 × 16 in registers), so the micro-kernel has one code path; edge tiles run the same kernel on zero-padded
// panels and store through masks. A header, not a file of its own, so that the micro-kernel and its callers
// stay in one translation unit (the compiler specialises the micro-kernel for its call sites).
#pragma once
#include <cstdint>

#include "activation_ops.h"
#include "avx512_util.h"
#include "gemm_avx512.h"

namespace bertkit {
namespace {

constexpr int64_t kMr = 12;    // rows of C per micro-kernel (broadcast from packed A)
constexpr int64_t kNr = 32;    // columns of C per micro-kernel (two zmm of packed B)
constexpr int64_t kKc = 384;   // K block: the A micro-panel 12 × kKc floats = 18 KiB stays in L1 (48 KiB)
constexpr int64_t kNcPanels = 16;  // 32-column panels per chunk: a packed kKc × 512 block is 768 KiB (L2: 2 MiB)
// Upper bound of one packing of op(B) made per call (larger B is done in column slabs): 16 MiB.
constexpr int64_t kSlabFloats = int64_t{1} << 22;

struct Operand {
  const float* p;
  int64_t ld;
  bool trans;  // stored transposed relative to the view we pack (see packPanel)
};

// Packs a panel of width W (12 or 32) and depth kc: dst[p·W + r] = X(r, p) for r < rows, 0 for rows ≤ r < W,
// where X(r, p) = src.p[r·ld + p] when src.trans ("row r is contiguous in p"), else src.p[p·ld + r].
template <int64_t W>
BERTKIT_AVX512 void packPanel(float* dst, Operand src, int64_t rows, int64_t kc) {
  if (!src.trans) {
    // Each p is a contiguous run of `rows` floats: copy with masked loads, zero the rest.
    for (int64_t p = 0; p < kc; p++) {
      const float* s = src.p + p * src.ld;
      for (int64_t r = 0; r < W; r += 16) {
        const int64_t n = rows - r;
        const __m512 v = n > 0 ? _mm512_maskz_loadu_ps(firstN(n), s + r) : _mm512_setzero_ps();
        if (W - r >= 16) {
          _mm512_storeu_ps(dst + p * W + r, v);
        } else {
          _mm512_mask_storeu_ps(dst + p * W + r, firstN(W - r), v);
        }
      }
    }
    return;
  }
  // Rows contiguous in p: transpose 16 × 16 blocks.
  for (int64_t r0 = 0; r0 < W; r0 += 16) {
    const int64_t width = W - r0 < 16 ? W - r0 : 16;
    for (int64_t p0 = 0; p0 < kc; p0 += 16) {
      const __mmask16 pm = firstN(kc - p0);
      __m512 v[16];
      for (int64_t i = 0; i < 16; i++) {
        v[i] = r0 + i < rows ? _mm512_maskz_loadu_ps(pm, src.p + (r0 + i) * src.ld + p0) : _mm512_setzero_ps();
      }
      transpose16(v);
      const int64_t depth = kc - p0 < 16 ? kc - p0 : 16;
      for (int64_t q = 0; q < depth; q++) {
        if (width == 16) {
          _mm512_storeu_ps(dst + (p0 + q) * W + r0, v[q]);
        } else {
          _mm512_mask_storeu_ps(dst + (p0 + q) * W + r0, firstN(width), v[q]);
        }
      }
    }
  }
}

// One step p of the micro-kernel: acc += A[p, 0:MR]ᵀ · B[p, 0:32] (the packed A panel is kMr wide whatever MR).
#define BERTKIT_GEMM_STEP(p)                                          \
  {                                                                   \
    const __m512 b0 = _mm512_load_ps(bp + (p) * kNr);                 \
    const __m512 b1 = _mm512_load_ps(bp + (p) * kNr + 16);            \
    _Pragma("GCC unroll 12") for (int r = 0; r < MR; r++) {           \
      const __m512 a = _mm512_set1_ps(ap[(p) * kMr + r]);             \
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);                  \
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);                  \
    }                                                                 \
  }

// What the micro-kernel does to a finished tile before storing it: nothing, C + bias, or GELU(C + bias).
enum class TileEpilogue { kNone, kBias, kBiasGelu };

// x · Φ(x) = x · (0.5 + 0.5 erf(x/√2)), as activate<kGelu> in activation_ops.h (same operations, same bits).
BERTKIT_AVX512 inline __m512 gelu16(__m512 x) {
  const __m512 half = _mm512_set1_ps(0.5f);
  return _mm512_mul_ps(x, _mm512_fmadd_ps(half, v16erf(_mm512_mul_ps(x, _mm512_set1_ps(kSqrt1_2))), half));
}

// One row of a finished tile (two zmm): + bias, then GELU, as the epilogue asks.
BERTKIT_AVX512 __attribute__((always_inline)) inline void finishRow(__m512 row[2], TileEpilogue epilogue, bool addBias,
                                                                    __m512 b0, __m512 b1) {
  if (addBias) {
    row[0] = _mm512_add_ps(row[0], b0);
    row[1] = _mm512_add_ps(row[1], b1);
  }
  if (epilogue == TileEpilogue::kBiasGelu) {
    row[0] = gelu16(row[0]);
    row[1] = gelu16(row[1]);
  }
}

// C[0:mr, 0:nr] (+)= Ap (kc × 12, in L1) · Bp (kc × 32, from L2), computing MR ≥ mr rows (a row panel's last,
// partial tile computes 4 or 8 rows, not 12: a one-sentence input of 16 tokens is 12 + 4 rows). load = add to C's
// current contents; then the epilogue, with bias (32 floats of it, or null). Meanwhile, the first `pfLines` cache
// lines at `pf` (B that a later call needs, see planPrefetch) are fetched into L2, two per step.
template <int MR>
BERTKIT_AVX512 void microKernelRows(const float* __restrict ap, const float* __restrict bp, int64_t kc, float* c,
                                    int64_t ldc, int64_t mr, int64_t nr, bool load, const char* pf, int64_t pfLines,
                                    TileEpilogue epilogue, const float* bias) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  // C's tile is read (or written) after the loop: start fetching it now.
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + kNr - 1), _MM_HINT_T0);
  }
  // B streams from L2: ask for it 8 steps (1 KiB) ahead into L1 (measured +1–5% over the hardware
  // prefetcher alone).
  const int64_t pfSteps = (pfLines + 1) / 2, withPf = pfSteps < kc ? pfSteps : kc;
  for (int64_t p = 0; p < withPf; p++) {
    _mm_prefetch(reinterpret_cast<const char*>(bp + (p + 8) * kNr), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(bp + (p + 8) * kNr + 16), _MM_HINT_T0);
    _mm_prefetch(pf + p * 128, _MM_HINT_T1);
    _mm_prefetch(pf + p * 128 + 64, _MM_HINT_T1);
    BERTKIT_GEMM_STEP(p)
  }
  for (int64_t p = withPf; p < kc; p++) {
    _mm_prefetch(reinterpret_cast<const char*>(bp + (p + 8) * kNr), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(bp + (p + 8) * kNr + 16), _MM_HINT_T0);
    BERTKIT_GEMM_STEP(p)
  }
#undef BERTKIT_GEMM_STEP
  // The tile's last K block applies the epilogue in registers: C (+ C so far) + bias, then GELU, then one
  // store, rounding exactly as a separate pass would (product first, then + bias).
  const __mmask16 m0 = firstN(nr), m1 = firstN(nr - 16 > 0 ? nr - 16 : 0);
  const bool addBias = epilogue != TileEpilogue::kNone && bias != nullptr;
  const __m512 b0 = addBias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
  const __m512 b1 = addBias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
  if (mr == MR && nr == kNr) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      float* row = c + r * ldc;
      if (load) {
        acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
        acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
      }
      finishRow(acc[r], epilogue, addBias, b0, b1);
      _mm512_storeu_ps(row, acc[r][0]);
      _mm512_storeu_ps(row + 16, acc[r][1]);
    }
    return;
  }
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    if (r >= mr) break;
    float* row = c + r * ldc;
    if (load) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_maskz_loadu_ps(m0, row));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_maskz_loadu_ps(m1, row + 16));
    }
    finishRow(acc[r], epilogue, addBias, b0, b1);
    _mm512_mask_storeu_ps(row, m0, acc[r][0]);
    _mm512_mask_storeu_ps(row + 16, m1, acc[r][1]);
  }
}

// microKernelRows with the fewest rows that cover mr: 4, 8 or 12.
BERTKIT_AVX512 inline void microKernel(const float* __restrict ap, const float* __restrict bp, int64_t kc, float* c,
                                       int64_t ldc, int64_t mr, int64_t nr, bool load, const char* pf, int64_t pfLines,
                                       TileEpilogue epilogue, const float* bias) {
  if (mr > 8) {
    microKernelRows<12>(ap, bp, kc, c, ldc, mr, nr, load, pf, pfLines, epilogue, bias);
  } else if (mr > 4) {
    microKernelRows<8>(ap, bp, kc, c, ldc, mr, nr, load, pf, pfLines, epilogue, bias);
  } else {
    microKernelRows<4>(ap, bp, kc, c, ldc, mr, nr, load, pf, pfLines, epilogue, bias);
  }
}

// Packs row panel `panel` (12 rows of op(A)) over K block [pc, pc + kc) into dst.
BERTKIT_AVX512 void packA(const GemmView& g, float* dst, int64_t pc, int64_t kc, int64_t panel) {
  const int64_t row = panel * kMr;
  const int64_t rows = g.m - row < kMr ? g.m - row : kMr;
  // op(A)(row + r, pc + p): A stored (m, k) has row r contiguous in p; with transA it is stored (k, m).
  const Operand a = g.transA ? Operand{.p = g.a + pc * g.lda + row, .ld = g.lda, .trans = false}
                              : Operand{.p = g.a + row * g.lda + pc, .ld = g.lda, .trans = true};
  packPanel<kMr>(dst, a, rows, kc);
}

// Packs column panel `panel` (32 columns of op(B)) over K block [pc, pc + kc) into dst.
BERTKIT_AVX512 void packB(const GemmView& g, float* dst, int64_t pc, int64_t kc, int64_t panel) {
  const int64_t col = panel * kNr;
  const int64_t cols = g.n - col < kNr ? g.n - col : kNr;
  // op(B)(pc + p, col + c): B stored (k, n) is contiguous in c; with transB it is stored (n, k), contiguous in p.
  const Operand b = g.transB ? Operand{.p = g.b + col * g.ldb + pc, .ld = g.ldb, .trans = true}
                              : Operand{.p = g.b + pc * g.ldb + col, .ld = g.ldb, .trans = false};
  packPanel<kNr>(dst, b, cols, kc);
}

}  // namespace
}  // namespace bertkit
