// Our own float32 GEMM for AVX-512 CPUs (see gemm_avx512.h), in the BLIS layout. With M ≤ N (columnsTask):
//
//   pack all of op(A), per K block of kKc, into 12-row panels: Ap[panel][p][r] = op(A)[12·panel + r, p]
//   for each K block, for each 32-column panel of this task's range:
//     pack B (kc × 32):  Bp[p][c] = op(B)[p, j0 + c]   (zero columns past N), prefetching the next panel
//     for each 12-row panel: the micro-kernel, 12 × 32 floats of C in 24 zmm registers
//
// and with M > N the roles swap (rowsTask: all of op(B) packed, A packed per task). The B panel (192 × 32
// floats = 24 KiB) stays in L1 while A streams from L2. Transposes are done by the packing (16 × 16 in
// registers), so the micro-kernel has one code path; edge tiles run the same kernel on zero-padded panels
// and store through masks. Every function that uses AVX-512 carries BERTKIT_AVX512, so the file builds
// with the x86-64-v3 baseline flags; gemm.cc calls it only when gemmAvx512Supported().
#include "gemm_avx512.h"

// GCC 12's _mm512_undefined_ps (`__m512 __Y = __Y;`, behind the shuffle intrinsics) trips
// -Wmaybe-uninitialized once inlined (GCC bug 105593, fixed in GCC 13); the warning is spurious.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdlib>
#include <cstring>
#include <memory>

#include "thread_pool.h"

namespace bertkit {
namespace {

constexpr int64_t kMr = 12;    // rows of C per micro-kernel (broadcast from packed A)
constexpr int64_t kNr = 32;    // columns of C per micro-kernel (two zmm of packed B)
constexpr int64_t kKc = 192;   // K block: B panel kKc × 32 floats = 24 KiB + A panel 9 KiB fit L1 (48 KiB)

struct Operand {
  const float* p;
  int64_t ld;
  bool trans;  // stored transposed relative to the view we pack (see packPanel)
};

// Per-thread packing buffers, 64-byte aligned, grown on demand.
struct Buffers {
  float* a = nullptr;
  float* b = nullptr;
  size_t aSize = 0;
  Buffers() = default;
  Buffers(const Buffers&) = delete;
  Buffers& operator=(const Buffers&) = delete;
  ~Buffers() {
    std::free(a);
    std::free(b);
  }
  float* aBuffer(size_t floats) {
    if (floats > aSize) {
      std::free(a);
      a = static_cast<float*>(std::aligned_alloc(64, ((floats * 4 + 63) / 64) * 64));
      aSize = floats;
    }
    return a;
  }
  float* bBuffer() {
    if (b == nullptr) b = static_cast<float*>(std::aligned_alloc(64, kKc * kNr * 4));
    return b;
  }
};

thread_local Buffers buffers;

inline __mmask16 firstN(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1); }

// In-register transpose of 16 zmm rows (r[i][j] → r[j][i]).
BERTKIT_AVX512 inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  // r[4q + s] now holds, in each 128-bit lane L, the elements [row 4L'.. of group q] ... combine lanes:
  for (int i = 0; i < 16; i += 8) {
    for (int s = 0; s < 4; s++) {
      t[i + s] = _mm512_shuffle_f32x4(r[i + s], r[i + 4 + s], 0x88);
      t[i + 4 + s] = _mm512_shuffle_f32x4(r[i + s], r[i + 4 + s], 0xdd);
    }
  }
  for (int s = 0; s < 8; s++) {
    r[s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0x88);
    r[8 + s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0xdd);
  }
}

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

// C[0:mr, 0:nr] (+)= Ap (kc × 12) · Bp (kc × 32). load = add to C's current contents.
BERTKIT_AVX512 void microKernel(const float* __restrict ap, const float* __restrict bp, int64_t kc, float* c, int64_t ldc,
                        int64_t mr, int64_t nr, bool load) {
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
  // (Prefetching the next A micro-panel from L2 here measured no better: the hardware streamer does it.)
  for (int64_t p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(bp + p * kNr);
    const __m512 b1 = _mm512_load_ps(bp + p * kNr + 16);
#pragma GCC unroll 12
    for (int r = 0; r < kMr; r++) {
      const __m512 a = _mm512_set1_ps(ap[p * kMr + r]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
  }
  const __mmask16 m0 = firstN(nr), m1 = firstN(nr - 16 > 0 ? nr - 16 : 0);
  if (mr == kMr && nr == kNr) {
#pragma GCC unroll 12
    for (int r = 0; r < kMr; r++) {
      float* row = c + r * ldc;
      if (load) {
        acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
        acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
      }
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

// Brings part `part` of `parts` of a column panel of op(B) towards L2 before packB reads it: the weights
// of a model are usually cold (in DRAM), and the packing would otherwise wait for every line.
BERTKIT_AVX512 void prefetchB(const GemmView& g, int64_t pc, int64_t kc, int64_t panel, int64_t part, int64_t parts) {
  const int64_t col = panel * kNr;
  const int64_t cols = g.n - col < kNr ? g.n - col : kNr;
  const int64_t perRow = g.transB ? (kc + 15) / 16 : (cols + 15) / 16 + 1;
  const int64_t rowsOf = g.transB ? cols : kc;
  const int64_t lines = rowsOf * perRow;
  for (int64_t l = lines * part / parts; l < lines * (part + 1) / parts; l++) {
    const int64_t r = l / perRow, x = l % perRow;
    const float* at = g.transB ? g.b + (col + r) * g.ldb + pc + x * 16
                               : g.b + (pc + r) * g.ldb + col + (x * 16 < cols ? x * 16 : cols - 1);
    _mm_prefetch(reinterpret_cast<const char*>(at), _MM_HINT_T1);
  }
}

inline int64_t blockLength(int64_t k, int64_t pc) { return k - pc < kKc ? k - pc : kKc; }

// C rows [row panels p0, p1) × column panels [q0, q1), with op(A) packed for all rows (`ap`: for each K
// block at pc, a (rowPanels · 12) × kc region at ap + pc · rowPanels · 12) and op(B) packed here, panel by panel.
BERTKIT_AVX512 void columnsTask(const GemmView& g, const float* ap, int64_t q0, int64_t q1) {
  float* bp = buffers.bBuffer();
  const int64_t rowPanels = (g.m + kMr - 1) / kMr;
  for (int64_t pc = 0; pc < g.k; pc += kKc) {
    const int64_t kc = blockLength(g.k, pc);
    const bool load = pc > 0 || g.accumulate;
    const float* apBlock = ap + pc * rowPanels * kMr;
    for (int64_t q = q0; q < q1; q++) {
      packB(g, bp, pc, kc, q);
      // The next panel this task packs: prefetch it during this one's micro-kernels.
      const bool lastPanel = q + 1 == q1;
      const int64_t nextQ = lastPanel ? q0 : q + 1, nextPc = lastPanel ? pc + kKc : pc;
      const bool hasNext = nextPc < g.k;
      const int64_t col = q * kNr, cols = g.n - col < kNr ? g.n - col : kNr;
      for (int64_t i = 0; i < rowPanels; i++) {
        if (hasNext) prefetchB(g, nextPc, blockLength(g.k, nextPc), nextQ, i, rowPanels);
        const int64_t row = i * kMr, rows = g.m - row < kMr ? g.m - row : kMr;
        microKernel(apBlock + i * kMr * kc, bp, kc, g.c + row * g.ldc + col, g.ldc, rows, cols, load);
      }
    }
  }
}

// C rows of row panels [p0, p1) × all columns, with op(B) packed for all columns (`bp`: for each K block
// at pc, a kc × (colPanels · 32) region at bp + pc · colPanels · 32) and op(A) packed here.
BERTKIT_AVX512 void rowsTask(const GemmView& g, const float* bp, int64_t p0, int64_t p1) {
  const int64_t colPanels = (g.n + kNr - 1) / kNr;
  float* ap = buffers.aBuffer(static_cast<size_t>((p1 - p0) * kMr * kKc));
  for (int64_t pc = 0; pc < g.k; pc += kKc) {
    const int64_t kc = blockLength(g.k, pc);
    const bool load = pc > 0 || g.accumulate;
    for (int64_t i = p0; i < p1; i++) packA(g, ap + (i - p0) * kMr * kc, pc, kc, i);
    const float* bpBlock = bp + pc * colPanels * kNr;
    for (int64_t q = 0; q < colPanels; q++) {
      const int64_t col = q * kNr, cols = g.n - col < kNr ? g.n - col : kNr;
      // The shared packed B is larger than L2 for big products: bring the next panel in meanwhile.
      const char* next = reinterpret_cast<const char*>(bpBlock + (q + 1) * kNr * kc);
      const int64_t nextLines = q + 1 < colPanels ? kNr * kc / 16 : 0;
      for (int64_t i = p0; i < p1; i++) {
        for (int64_t l = nextLines * (i - p0) / (p1 - p0); l < nextLines * (i - p0 + 1) / (p1 - p0); l++) {
          _mm_prefetch(next + l * 64, _MM_HINT_T1);
        }
        const int64_t row = i * kMr, rows = g.m - row < kMr ? g.m - row : kMr;
        microKernel(ap + (i - p0) * kMr * kc, bpBlock + q * kNr * kc, kc, g.c + row * g.ldc + col, g.ldc, rows, cols,
                    load);
      }
    }
  }
}

// A second per-thread buffer, for a whole packed operand (see gemmOne and gemmSerial).
float* wholeBuffer(size_t floats) {
  thread_local std::unique_ptr<float, decltype(&std::free)> whole(nullptr, &std::free);
  thread_local size_t size = 0;
  if (floats > size) {
    whole.reset(static_cast<float*>(std::aligned_alloc(64, ((floats * 4 + 63) / 64) * 64)));
    size = floats;
  }
  return whole.get();
}

// Packs all of op(A) (byColumns) or all of op(B) into `packed`, units [u0, u1) of (K block, panel).
void packWhole(const GemmView& g, bool byColumns, float* packed, int64_t u0, int64_t u1) {
  const int64_t rowPanels = (g.m + kMr - 1) / kMr, colPanels = (g.n + kNr - 1) / kNr;
  const int64_t panels = byColumns ? rowPanels : colPanels;
  for (int64_t u = u0; u < u1; u++) {
    const int64_t pc = (u / panels) * kKc, i = u % panels, kc = blockLength(g.k, pc);
    if (byColumns) {
      packA(g, packed + pc * rowPanels * kMr + i * kMr * kc, pc, kc, i);
    } else {
      packB(g, packed + pc * colPanels * kNr + i * kNr * kc, pc, kc, i);
    }
  }
}

// The whole product on the calling thread (one item of a batch that runs an item per task).
void gemmSerial(const GemmView& g) {
  const int64_t rowPanels = (g.m + kMr - 1) / kMr, colPanels = (g.n + kNr - 1) / kNr;
  const int64_t blocks = (g.k + kKc - 1) / kKc;
  const bool byColumns = g.m <= g.n;
  float* packed = wholeBuffer(static_cast<size_t>(byColumns ? rowPanels * kMr * g.k : colPanels * kNr * g.k));
  packWhole(g, byColumns, packed, 0, blocks * (byColumns ? rowPanels : colPanels));
  if (byColumns) {
    columnsTask(g, packed, 0, colPanels);
  } else {
    rowsTask(g, packed, 0, rowPanels);
  }
}

// One product on the pool. The smaller operand (op(A) when M ≤ N, else op(B)) is packed once, shared by
// all tasks, in a first parallel step; then the other dimension is cut into several tasks per thread, claimed
// dynamically, so that a worker that wakes late (futex wake-up on a VM) still takes its share.
void gemmOne(const GemmView& g, int64_t threads) {
  const int64_t rowPanels = (g.m + kMr - 1) / kMr, colPanels = (g.n + kNr - 1) / kNr;
  const int64_t blocks = (g.k + kKc - 1) / kKc;
  if (threads <= 1 || g.m * g.n * g.k < (int64_t{1} << 21)) {
    gemmSerial(g);
    return;
  }
  const bool byColumns = g.m <= g.n || rowPanels < 2 * threads;
  float* packed = wholeBuffer(static_cast<size_t>(byColumns ? rowPanels * kMr * g.k : colPanels * kNr * g.k));
  const int64_t units = blocks * (byColumns ? rowPanels : colPanels);
  const int64_t packTasks = units < 4 * threads ? units : 4 * threads;
  runTasks(packTasks, [&](int64_t t) { packWhole(g, byColumns, packed, units * t / packTasks, units * (t + 1) / packTasks); });
  const int64_t split = byColumns ? colPanels : rowPanels;
  int64_t tasks = 4 * threads;
  if (tasks > split) tasks = split;
  runTasks(tasks, [&](int64_t t) {
    const int64_t p0 = split * t / tasks, p1 = split * (t + 1) / tasks;
    if (byColumns) {
      columnsTask(g, packed, p0, p1);
    } else {
      rowsTask(g, packed, p0, p1);
    }
  });
}

}  // namespace

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

void gemmAvx512(const GemmView* items, int64_t count, bool sharedC) {
  const int64_t threads = threadCount();
  const int64_t work = items[0].m * items[0].n * items[0].k;
  if (sharedC || count < threads || work >= (int64_t{1} << 24)) {
    // Products one at a time (in order: they may share C), each split over the pool.
    for (int64_t i = 0; i < count; i++) gemmOne(items[i], threads);
    return;
  }
  // Many small independent products: one per task.
  runTasks(count, [&](int64_t t) { gemmSerial(items[t]); });
}

}  // namespace bertkit
