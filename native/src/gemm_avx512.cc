// Our own float32 GEMM for AVX-512 CPUs (see gemm_avx512.h), in the BLIS layout (Goto's algorithm):
//
//   op(B) packed into column chunks of kNc = 512 columns; within a chunk, per K block of kKc = 384,
//   32-column panels of kc × 32 floats (the "packed B" layout, which PackedB callers prepare once)
//   for each chunk, for each K block (the kc × 512 block, 768 KiB, stays in L2):
//     for each 12-row panel of this task's rows: pack op(A) (12 × kc = 18 KiB, stays in L1)
//       for each 32-column panel of this task's columns: the micro-kernel, 12 × 32 floats of C in 24 zmm
//
// The micro-kernel broadcasts A from L1 and streams B from L2 with software prefetch. kc = 384 halves
// the read-modify-write passes over C of a 192 block: at M = 1024 tokens C is larger than L2, and those
// passes cost 20–30% (measured: 105–135 GFLOP/s per core before, 145–160 now, peak 170).
// Transposes are done by the packing (16 × 16 in registers), so the micro-kernel has one code path; edge
// tiles run the same kernel on zero-padded panels and store through masks. Every function that uses
// AVX-512 carries BERTKIT_AVX512, so the file builds with the x86-64-v3 baseline flags; gemm.cc calls it
// only when gemmAvx512Supported().
#include "gemm_avx512.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include "activation_ops.h"
#include "avx512_util.h"
#include "thread_pool.h"

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

// C[0:mr, 0:nr] (+)= Ap (kc × 12, in L1) · Bp (kc × 32, from L2). load = add to C's current contents.
// One step p of the micro-kernel: acc += A[p, 0:12]ᵀ · B[p, 0:32].
#define BERTKIT_GEMM_STEP(p)                                          \
  {                                                                   \
    const __m512 b0 = _mm512_load_ps(bp + (p) * kNr);                 \
    const __m512 b1 = _mm512_load_ps(bp + (p) * kNr + 16);            \
    _Pragma("GCC unroll 12") for (int r = 0; r < kMr; r++) {          \
      const __m512 a = _mm512_set1_ps(ap[(p) * kMr + r]);             \
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);                  \
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);                  \
    }                                                                 \
  }

// C[0:mr, 0:nr] (+)= Ap (kc × 12, in L1) · Bp (kc × 32, from L2). load = add to C's current contents.
// Meanwhile, the first `pfLines` cache lines at `pf` (B that a later call needs, see blockTask) are fetched
// into L2, two per step.
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

BERTKIT_AVX512 void microKernel(const float* __restrict ap, const float* __restrict bp, int64_t kc, float* c, int64_t ldc,
                        int64_t mr, int64_t nr, bool load, const char* pf, int64_t pfLines,
                        TileEpilogue epilogue = TileEpilogue::kNone, const float* bias = nullptr) {
  __m512 acc[kMr][2];
#pragma GCC unroll 12
  for (int r = 0; r < kMr; r++) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  // C's tile is read (or written) after the loop: start fetching it now.
#pragma GCC unroll 12
  for (int r = 0; r < kMr; r++) {
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
  if (mr == kMr && nr == kNr) {
#pragma GCC unroll 12
    for (int r = 0; r < kMr; r++) {
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
  for (int r = 0; r < kMr; r++) {
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

// Packs row panel `panel` (12 rows of op(A)) over K block [pc, pc + kc) into dst.
BERTKIT_AVX512 void packA(const GemmView& g, float* dst, int64_t pc, int64_t kc, int64_t panel) {
  const int64_t row = panel * kMr;
  const int64_t rows = g.m - row < kMr ? g.m - row : kMr;
  // op(A)(row + r, pc + p): A stored (m, k) has row r contiguous in p; with transA it is stored (k, m).
  const Operand a = g.transA ? Operand{g.a + pc * g.lda + row, g.lda, false} : Operand{g.a + row * g.lda + pc, g.lda, true};
  packPanel<kMr>(dst, a, rows, kc);
}

// Packs column panel `panel` (32 columns of op(B)) over K block [pc, pc + kc) into dst.
BERTKIT_AVX512 void packB(const GemmView& g, float* dst, int64_t pc, int64_t kc, int64_t panel) {
  const int64_t col = panel * kNr;
  const int64_t cols = g.n - col < kNr ? g.n - col : kNr;
  // op(B)(pc + p, col + c): B stored (k, n) is contiguous in c; with transB it is stored (n, k), contiguous in p.
  const Operand b = g.transB ? Operand{g.b + col * g.ldb + pc, g.ldb, true} : Operand{g.b + pc * g.ldb + col, g.ldb, false};
  packPanel<kNr>(dst, b, cols, kc);
}

}  // namespace
}  // namespace bertkit

namespace bertkit {
namespace {

inline int64_t blockLength(int64_t k, int64_t pc) { return k - pc < kKc ? k - pc : kKc; }
inline int64_t panelsOf(int64_t cols) { return (cols + kNr - 1) / kNr; }

// The packed-B layout: chunk [q0, q0 + 16) of panels at q0 · 32 · K; in it, K block pc at pc · panels · 32
// (panels: the chunk's panel count); in that, panel q at (q − q0) · 32 · kc.
inline int64_t packedOffset(int64_t k, int64_t colPanels, int64_t q, int64_t pc) {
  const int64_t q0 = q / kNcPanels * kNcPanels;
  const int64_t panels = colPanels - q0 < kNcPanels ? colPanels - q0 : kNcPanels;
  return q0 * kNr * k + pc * panels * kNr + (q - q0) * kNr * blockLength(k, pc);
}

// Packs units [u0, u1) of op(B), a unit being one (K block, panel): u = block · colPanels + panel.
BERTKIT_AVX512 void packBUnits(const GemmView& g, float* packed, int64_t u0, int64_t u1) {
  const int64_t colPanels = panelsOf(g.n);
  for (int64_t u = u0; u < u1; u++) {
    const int64_t pc = (u / colPanels) * kKc, q = u % colPanels;
    packB(g, packed + packedOffset(g.k, colPanels, q, pc), pc, blockLength(g.k, pc), q);
  }
}

// C for row panels [i0, i1) × column panels [qa, qb), with op(B) packed in `packed`, or, when that is null,
// packed here block by block into a per-thread buffer (when no other task needs these columns).
BERTKIT_AVX512 void blockTask(const GemmView& g, const float* packed, int64_t i0, int64_t i1, int64_t qa, int64_t qb) {
  alignas(64) thread_local float ap[kMr * kKc];
  thread_local std::unique_ptr<float, decltype(&std::free)> own(nullptr, &std::free);
  if (packed == nullptr && own == nullptr) own.reset(static_cast<float*>(std::aligned_alloc(64, kNcPanels * kNr * kKc * 4)));
  const int64_t colPanels = panelsOf(g.n);
  bool firstBlock = true;
  for (int64_t q0 = qa / kNcPanels * kNcPanels; q0 < qb; q0 += kNcPanels) {
    const int64_t qs = qa > q0 ? qa : q0, qe = qb < q0 + kNcPanels ? qb : q0 + kNcPanels;
    for (int64_t pc = 0; pc < g.k; pc += kKc) {
      const int64_t kc = blockLength(g.k, pc);
      const bool load = pc > 0 || g.accumulate;
      const bool lastBlock = pc + kc >= g.k && g.activation >= 0;
      // Bias and GELU (every Linear of BERT) are applied in the micro-kernel's registers; the other
      // activations by the AVX2 kernel on the stored tile.
      const bool inKernel = g.activation == kIdentity || g.activation == kGelu;
      const TileEpilogue epilogue = !lastBlock || !inKernel ? TileEpilogue::kNone
                                    : g.activation == kGelu ? TileEpilogue::kBiasGelu : TileEpilogue::kBias;
      const float* bp = packed != nullptr ? packed + packedOffset(g.k, colPanels, qs, pc) : own.get();
      if (packed == nullptr) {
        for (int64_t q = qs; q < qe; q++) packB(g, own.get() + (q - qs) * kNr * kc, pc, kc, q);
      }
      // The weights usually come from DRAM or L3. A task's first block is cold: its first row panel brings
      // each B panel in while the panel before it computes (with few rows, BERT at one sequence, that pass
      // is a tenth of the work). Every later row panel brings in part of the task's next block, so that
      // block is in L2 when it starts (the last block of the task has none).
      const bool coldPass = packed != nullptr && firstBlock;
      firstBlock = false;
      const int64_t warmFrom = coldPass ? i0 + 1 : i0;
      const char* pf = reinterpret_cast<const char*>(bp);
      int64_t pfLeft = 0, pfPerCall = 0;
      if (packed != nullptr && warmFrom < i1) {
        const bool nextChunk = pc + kKc >= g.k;
        const int64_t nq0 = nextChunk ? q0 + kNcPanels : q0, npc = nextChunk ? 0 : pc + kKc;
        if (nq0 < qb) {
          const int64_t nqs = qa > nq0 ? qa : nq0, nqe = qb < nq0 + kNcPanels ? qb : nq0 + kNcPanels;
          pf = reinterpret_cast<const char*>(packed + packedOffset(g.k, colPanels, nqs, npc));
          pfLeft = (nqe - nqs) * kNr * blockLength(g.k, npc) / 16;
          const int64_t calls = (i1 - warmFrom) * (qe - qs);
          pfPerCall = (pfLeft + calls - 1) / calls;
        }
      }
      const int64_t panelLines = kNr * kc / 16;
      for (int64_t i = i0; i < i1; i++) {
        packA(g, ap, pc, kc, i);
        const int64_t row = i * kMr, rows = g.m - row < kMr ? g.m - row : kMr;
        for (int64_t q = qs; q < qe; q++) {
          const int64_t col = q * kNr, cols = g.n - col < kNr ? g.n - col : kNr;
          const float* panel = bp + (q - qs) * kNr * kc;
          float* tile = g.c + row * g.ldc + col;
          const float* tileBias = g.bias == nullptr ? nullptr : g.bias + col;
          if (i < warmFrom) {  // the cold pass: fetch the next panel of this block
            const int64_t lines = q + 1 < qe ? panelLines : 0;
            microKernel(ap, panel, kc, tile, g.ldc, rows, cols, load, reinterpret_cast<const char*>(panel + kNr * kc), lines,
                        epilogue, tileBias);
          } else {
            const int64_t lines = pfLeft < pfPerCall ? pfLeft : pfPerCall;
            microKernel(ap, panel, kc, tile, g.ldc, rows, cols, load, pf, lines, epilogue, tileBias);
            pf += lines * 64;
            pfLeft -= lines;
          }
          // The tile is final and still in L1: other activations now, not in another pass over C.
          if (lastBlock && !inKernel) biasActivationTile(g.activation, tile, g.ldc, tileBias, rows, cols);
        }
      }
    }
  }
}

inline bool serial(const GemmView& g, int64_t threads) { return threads <= 1 || g.m * g.n * g.k < (int64_t{1} << 21); }
// Few rows (M < 96 per thread): tasks split the columns only (row tasks that short would each bring the
// whole B block into their core's cache again).
inline bool splitsColumnsOnly(const GemmView& g, int64_t threads) { return (g.m + kMr - 1) / kMr < 8 * threads; }

// The product over the pool (op(B) packed in `packed`, or by each task for its own columns when null).
// With many rows, each task takes a range of rows across a chunk of columns, chunk-major so that the cores
// work on the same B block at once (measured better than splitting columns, which repacks A per column
// range), four tasks per thread, claimed dynamically, so that a worker that wakes late (futex wake-up on a
// VM) still takes its share; with few rows, the columns are split.
void compute(const GemmView& g, const float* packed, int64_t threads) {
  const int64_t rowPanels = (g.m + kMr - 1) / kMr, colPanels = panelsOf(g.n);
  if (serial(g, threads)) {
    blockTask(g, packed, 0, rowPanels, 0, colPanels);
    return;
  }
  if (!splitsColumnsOnly(g, threads)) {
    const int64_t rowSplits = 4 * threads, chunks = (colPanels + kNcPanels - 1) / kNcPanels;
    runTasks(rowSplits * chunks, [&](int64_t t) {
      const int64_t c = t / rowSplits, r = t % rowSplits;
      const int64_t q1 = (c + 1) * kNcPanels < colPanels ? (c + 1) * kNcPanels : colPanels;
      blockTask(g, packed, rowPanels * r / rowSplits, rowPanels * (r + 1) / rowSplits, c * kNcPanels, q1);
    });
    return;
  }
  // Few rows: one task per thread, over a range of columns, each packing op(A) for itself (measured 3–5%
  // faster on BERT-mini and BERT-base at one sequence than packing op(A) once in a step of its own and
  // claiming four column tasks per thread: every GEMM then has one hand-off to the pool instead of two).
  runTasks(threads, [&](int64_t c) {
    blockTask(g, packed, 0, rowPanels, colPanels * c / threads, colPanels * (c + 1) / threads);
  });
}

// A per-thread buffer for a packed op(B), 64-byte aligned, grown on demand.
float* packBuffer(size_t floats) {
  thread_local std::unique_ptr<float, decltype(&std::free)> buffer(nullptr, &std::free);
  thread_local size_t size = 0;
  if (floats > size) {
    buffer.reset(static_cast<float*>(std::aligned_alloc(64, ((floats * 4 + 63) / 64) * 64)));
    size = floats;
  }
  return buffer.get();
}

// Columns [col, col + cols) of g as a product of its own.
GemmView columnSlab(const GemmView& g, int64_t col, int64_t cols) {
  GemmView s = g;
  s.b = g.transB ? g.b + col * g.ldb : g.b + col;
  s.c = g.c + col;
  s.n = cols;
  if (g.bias != nullptr) s.bias = g.bias + col;
  return s;
}

// One product. When tasks share op(B) (many rows), it is packed first, in parallel, in column slabs of at
// most kSlabFloats; otherwise each task packs its own columns as it goes.
void gemmOne(const GemmView& g, int64_t threads) {
  if (serial(g, threads) || splitsColumnsOnly(g, threads)) {
    compute(g, nullptr, threads);
    return;
  }
  int64_t slab = kSlabFloats / g.k / (kNcPanels * kNr) * (kNcPanels * kNr);
  if (slab < kNcPanels * kNr) slab = kNcPanels * kNr;
  for (int64_t col = 0; col < g.n; col += slab) {
    const GemmView s = columnSlab(g, col, g.n - col < slab ? g.n - col : slab);
    float* packed = packBuffer(static_cast<size_t>(packedFloats(s.k, s.n)));
    const int64_t units = ((s.k + kKc - 1) / kKc) * panelsOf(s.n);
    const int64_t packTasks = units < 2 * threads ? units : 2 * threads;
    runTasks(packTasks, [&](int64_t t) { packBUnits(s, packed, units * t / packTasks, units * (t + 1) / packTasks); });
    compute(s, packed, threads);
  }
}

}  // namespace

int64_t packedFloats(int64_t k, int64_t n) { return panelsOf(n) * kNr * k; }

bool gemmAvx512Supported() {
  static const bool supported = [] {
    __builtin_cpu_init();
    const char* forced = std::getenv("BERTKIT_GEMM");
    if (forced != nullptr && std::strcmp(forced, "blas") == 0) return false;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  }();
  return supported;
}

void packOperandB(const GemmView& g, float* packed) {
  const int64_t units = ((g.k + kKc - 1) / kKc) * panelsOf(g.n);
  const int64_t threads = threadCount();
  const int64_t tasks = threads <= 1 ? 1 : (units < 2 * threads ? units : 2 * threads);
  runTasks(tasks, [&](int64_t t) { packBUnits(g, packed, units * t / tasks, units * (t + 1) / tasks); });
}

void gemmAvx512Packed(const GemmView& g, const float* packed) { compute(g, packed, threadCount()); }

void gemmAvx512(const GemmView* items, int64_t count, bool sharedC) {
  const int64_t threads = threadCount();
  const int64_t work = items[0].m * items[0].n * items[0].k;
  if (sharedC || count < threads || work >= (int64_t{1} << 24)) {
    // Products one at a time (in order: they may share C), each split over the pool.
    for (int64_t i = 0; i < count; i++) gemmOne(items[i], threads);
    return;
  }
  // Many small independent products: one per task.
  runTasks(count, [&](int64_t t) { gemmOne(items[t], 1); });
}

}  // namespace bertkit
