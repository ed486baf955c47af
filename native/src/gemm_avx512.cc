// Our own float32 GEMM for AVX-512 CPUs (see gemm_avx512.h), in the BLIS layout (Goto's algorithm):
//
//   op(B) packed into column chunks of kNc = 512 columns; within a chunk, per K block of kKc = 384,
//   32-column panels of kc × 32 floats (the "packed B" layout, which PackedB callers prepare once)
//   for each chunk, for each K block (the kc × 512 block, 768 KiB, stays in L2):
//     for each 12-row panel of this task's rows: pack op(A) (12 × kc = 18 KiB, stays in L1)
//       for each 32-column panel of this task's columns: the micro-kernel, 12 × 32 floats of C in 24 zmm
//
// The packing and the micro-kernel are in gemm_avx512_kernel.h; this file does the blocking, the prefetch
// planning and the split over the thread pool. kc = 384 halves the read-modify-write passes over C of a 192
// block: at M = 1024 tokens C is larger than L2, and those passes cost 20–30% (measured: 105–135 GFLOP/s per
// core before, 145–160 now, peak 170). Every function that uses AVX-512 carries BERTKIT_AVX512, so the file
// builds with the x86-64-v3 baseline flags; gemm.cc calls it only when gemmAvx512Supported().
#include "gemm_avx512.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include "gemm_avx512_kernel.h"
#include "thread_pool.h"

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

// A task of the product: row panels [i0, i1) × column panels [qa, qb).
struct TaskRange {
  int64_t i0, i1, qa, qb;
};

// One block of a task: its column panels [qs, qe) of the chunk that starts at panel q0, over K block
// [pc, pc + kc).
struct Block {
  int64_t q0, qs, qe, pc, kc;
};

inline Block blockOf(const GemmView& g, const TaskRange& t, int64_t q0, int64_t pc) {
  return Block{.q0 = q0,
               .qs = t.qa > q0 ? t.qa : q0,
               .qe = t.qb < q0 + kNcPanels ? t.qb : q0 + kNcPanels,
               .pc = pc,
               .kc = blockLength(g.k, pc)};
}

// What the micro-kernel calls of one block fetch for later ones (packed op(B) only). The weights usually come
// from DRAM or L3. A task's first block is cold: its first row panel (the cold pass, rows before warmFrom)
// brings each B panel in while the panel before it computes (with few rows, BERT at one sequence, that pass
// is a tenth of the work). Every later row panel brings in part of the task's next block, `perCall` lines
// per call from `next`, so that block is in L2 when it starts (the last block of the task has none).
struct PrefetchPlan {
  int64_t warmFrom;
  const char* next;
  int64_t lines;  // cache lines of the next block still to fetch
  int64_t perCall;
};

PrefetchPlan planPrefetch(const GemmView& g, const float* packed, const TaskRange& t, const Block& b,
                          bool firstBlock) {
  const int64_t warmFrom = packed != nullptr && firstBlock ? t.i0 + 1 : t.i0;
  PrefetchPlan plan{.warmFrom = warmFrom, .next = nullptr, .lines = 0, .perCall = 0};
  if (packed == nullptr || plan.warmFrom >= t.i1) return plan;
  const bool nextChunk = b.pc + kKc >= g.k;
  const Block n = blockOf(g, t, nextChunk ? b.q0 + kNcPanels : b.q0, nextChunk ? 0 : b.pc + kKc);
  if (n.q0 >= t.qb) return plan;
  plan.next = reinterpret_cast<const char*>(packed + packedOffset(g.k, panelsOf(g.n), n.qs, n.pc));
  plan.lines = (n.qe - n.qs) * kNr * n.kc / 16;
  const int64_t calls = (t.i1 - plan.warmFrom) * (b.qe - b.qs);
  plan.perCall = (plan.lines + calls - 1) / calls;
  return plan;
}

// What the micro-kernel applies in its registers to a tile of the last K block: bias and GELU (every Linear
// of BERT); kNone for the other activations, which the AVX2 kernel applies to the stored tile.
TileEpilogue inKernelEpilogue(int64_t activation) {
  if (activation == kGelu) return TileEpilogue::kBiasGelu;
  return activation == kIdentity ? TileEpilogue::kBias : TileEpilogue::kNone;
}

// C for the task's tiles, with op(B) packed in `packed`, or, when that is null, packed here block by block
// into a per-thread buffer (when no other task needs these columns).
BERTKIT_AVX512 void blockTask(const GemmView& g, const float* packed, const TaskRange& t) {
  alignas(64) thread_local float ap[kMr * kKc];
  thread_local std::unique_ptr<float, decltype(&std::free)> own(nullptr, &std::free);
  if (packed == nullptr && own == nullptr) own.reset(static_cast<float*>(std::aligned_alloc(64, kNcPanels * kNr * kKc * 4)));
  const int64_t colPanels = panelsOf(g.n);
  const TileEpilogue fused = inKernelEpilogue(g.activation);
  bool firstBlock = true;
  for (int64_t q0 = t.qa / kNcPanels * kNcPanels; q0 < t.qb; q0 += kNcPanels) {
    for (int64_t pc = 0; pc < g.k; pc += kKc) {
      const Block b = blockOf(g, t, q0, pc);
      const bool load = pc > 0 || g.accumulate;
      const bool lastBlock = pc + b.kc >= g.k && g.activation >= 0;
      const TileEpilogue epilogue = lastBlock ? fused : TileEpilogue::kNone;
      const float* bp = packed != nullptr ? packed + packedOffset(g.k, colPanels, b.qs, pc) : own.get();
      if (packed == nullptr) {
        for (int64_t q = b.qs; q < b.qe; q++) packB(g, own.get() + (q - b.qs) * kNr * b.kc, pc, b.kc, q);
      }
      PrefetchPlan pf = planPrefetch(g, packed, t, b, firstBlock);
      firstBlock = false;
      const int64_t panelLines = kNr * b.kc / 16;
      for (int64_t i = t.i0; i < t.i1; i++) {
        packA(g, ap, pc, b.kc, i);
        const int64_t row = i * kMr, rows = g.m - row < kMr ? g.m - row : kMr;
        for (int64_t q = b.qs; q < b.qe; q++) {
          const int64_t col = q * kNr, cols = g.n - col < kNr ? g.n - col : kNr;
          const float* panel = bp + (q - b.qs) * kNr * b.kc;
          float* tile = g.c + row * g.ldc + col;
          const float* tileBias = g.bias == nullptr ? nullptr : g.bias + col;
          if (i < pf.warmFrom) {  // the cold pass: fetch the next panel of this block
            const int64_t lines = q + 1 < b.qe ? panelLines : 0;
            const char* nextPanel = reinterpret_cast<const char*>(panel + kNr * b.kc);
            microKernel(ap, panel, b.kc, tile, g.ldc, rows, cols, load, nextPanel, lines, epilogue, tileBias);
          } else {
            const int64_t lines = pf.lines < pf.perCall ? pf.lines : pf.perCall;
            microKernel(ap, panel, b.kc, tile, g.ldc, rows, cols, load, pf.next, lines, epilogue, tileBias);
            if (lines > 0) pf.next += lines * 64;
            pf.lines -= lines;
          }
          // The tile is final and still in L1: other activations now, not in another pass over C.
          if (lastBlock && fused == TileEpilogue::kNone) {
            biasActivationTile(g.activation, tile, g.ldc, tileBias, rows, cols);
          }
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
    blockTask(g, packed, TaskRange{.i0 = 0, .i1 = rowPanels, .qa = 0, .qb = colPanels});
    return;
  }
  if (!splitsColumnsOnly(g, threads)) {
    const int64_t rowSplits = 4 * threads, chunks = (colPanels + kNcPanels - 1) / kNcPanels;
    runTasks(rowSplits * chunks, [&](int64_t t) {
      const int64_t c = t / rowSplits, r = t % rowSplits;
      const int64_t q1 = (c + 1) * kNcPanels < colPanels ? (c + 1) * kNcPanels : colPanels;
      const TaskRange task{
          .i0 = rowPanels * r / rowSplits, .i1 = rowPanels * (r + 1) / rowSplits, .qa = c * kNcPanels, .qb = q1};
      blockTask(g, packed, task);
    });
    return;
  }
  // Few rows: one task per thread, over a range of columns, each packing op(A) for itself (measured 3–5%
  // faster on BERT-mini and BERT-base at one sequence than packing op(A) once in a step of its own and
  // claiming four column tasks per thread: every GEMM then has one hand-off to the pool instead of two).
  runTasks(threads, [&](int64_t c) {
    const TaskRange task{.i0 = 0, .i1 = rowPanels, .qa = colPanels * c / threads, .qb = colPanels * (c + 1) / threads};
    blockTask(g, packed, task);
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
    const char* forced = std::getenv("BERTKIT_GEMM");
    return cpuHasAvx512() && (forced == nullptr || std::strcmp(forced, "blas") != 0);
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
