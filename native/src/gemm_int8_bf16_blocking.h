// What the int8 (gemm_int8*.cc) and bf16 (gemm_bf16*.cc) GEMMs share: both multiply 32-bit lanes that each
// hold a short dot product (4 consecutive k of uint8 × int8 for vpdpbusd, 2 of bf16 × bf16 for vdpbf16ps),
// so they have the same packed layouts and the same Goto/BLIS blocking (as gemm_avx512.cc for float32):
//
//   packed B: panels of kNr = 32 columns; panel q holds `steps` steps of 128 bytes (32 columns × one 32-bit
//             lane of k values), so a K block of a panel is contiguous; columns past n and k past K are zeros.
//   packed A: row panels of kMr = 12 rows; a panel holds `steps` steps of 48 bytes (12 rows × one lane),
//             quantized (or rounded to bf16) once per call, before the product; rows past m are zeros.
//   for each chunk of kNcPanels = 16 column panels, for each K block of kKs = 256 steps (a 256-step block of
//   a chunk is 512 KiB and stays in L2; a kernel may pick other sizes, see Blocking: int8 takes 768), for each row panel of the task (12 × 256 × 4 B = 12 KiB, in L1),
//   for each column panel: the 12 × 32 micro-kernel (24 zmm accumulators, int32 or float32).
//
// Between K blocks the accumulators go to C and come back (int8: their int32 bits; bf16: the float sums); the
// last block applies the epilogue. The work split is gemm_avx512.cc's: with many rows, tasks of row ranges
// across a chunk, chunk-major, four per thread; with few rows (M < 96 per thread), one column range per thread.
#pragma once
#include <cstdint>
#include <cstring>

#include "thread_pool.h"

namespace bertkit {
namespace lowp {

constexpr int64_t kMr = 12;           // rows of a micro-kernel tile
constexpr int64_t kNr = 32;           // columns of a tile (two zmm of 16 lanes)
constexpr int64_t kKs = 256;          // steps per K block (int8: 1024 k, bf16: 512 k)
constexpr int64_t kNcPanels = 16;     // column panels per chunk
constexpr int64_t kStepA = kMr * 4;   // bytes of one step of an A panel
constexpr int64_t kStepB = kNr * 4;   // bytes of one step of a B panel
// Packed arrays begin with one element holding where the 64-byte aligned panels start (in elements), so
// that a copy of the array at another alignment still reads right (unaligned loads, slower only then).
constexpr int64_t kAlignSlack = 64;

inline int64_t panelsOf(int64_t n) { return (n + kNr - 1) / kNr; }
inline int64_t rowPanelsOf(int64_t m) { return (m + kMr - 1) / kMr; }
// Bytes of packed B (n columns, `steps` lanes deep), not counting kAlignSlack.
inline int64_t packedBBytes(int64_t steps, int64_t n) { return panelsOf(n) * steps * kStepB; }

// The start of the panels in a packed array of `elementBytes`-byte elements: when `pack`, picks the first
// 64-byte aligned element at index ≥ 1 and records its index in element 0; otherwise reads element 0.
template <typename T>
T* packedStart(T* data, bool pack) {
  if (pack) {
    const uintptr_t at = reinterpret_cast<uintptr_t>(data + 1);
    const int64_t shift = 1 + static_cast<int64_t>(((at + 63) & ~uintptr_t{63}) - at) / static_cast<int64_t>(sizeof(T));
    data[0] = static_cast<T>(shift);
    return data + shift;
  }
  return data + static_cast<int64_t>(data[0]);
}

// Writes one row's lanes (`steps` 32-bit lanes at `lanes`) into row r of an A panel.
inline void scatterRow(uint8_t* panel, int64_t r, const uint8_t* lanes, int64_t steps) {
  for (int64_t s = 0; s < steps; s++) std::memcpy(panel + s * kStepA + r * 4, lanes + s * 4, 4);
}

// Zeros rows [rows, kMr) of an A panel.
inline void zeroRows(uint8_t* panel, int64_t rows, int64_t steps) {
  if (rows >= kMr) return;
  for (int64_t s = 0; s < steps; s++) std::memset(panel + s * kStepA + rows * 4, 0, (kMr - rows) * 4);
}

// One tile's work: row panel i, column panel q, steps [s0, s0 + ns); `first`: the accumulators start at 0
// (else from C), `last`: the epilogue follows (else the accumulators go back to C). Meanwhile the tile may fetch
// `pfLines` cache lines from `pf` into L2 (packed B that a later tile needs; see Blocking::prefetchB).
struct TileJob {
  int64_t i, q, s0, ns;
  bool first, last;
  const char* pf = nullptr;
  int64_t pfLines = 0;
};

// The block sizes of one product: steps per K block and column panels per chunk (kKs and kNcPanels unless a
// kernel picks others), and, when prefetchB is the packed B, the prefetch plan of gemm_avx512.cc's float32 GEMM:
// packed weights usually come from DRAM, so a task's first row panel of its first block (cold) fetches the next
// column panel of that block while it computes, and every later row panel a share of the task's next block,
// so that block is in L2 when it starts (BERT at one sequence: few row panels, so the cold pass is a tenth of
// the work).
struct Blocking {
  int64_t ks = kKs;
  int64_t ncPanels = kNcPanels;
  const uint8_t* prefetchB = nullptr;
};

// Runs tile(TileJob) over the product (m rows, n columns, `steps` lanes deep) on the thread pool.
template <typename Tile>
void runBlocked(int64_t m, int64_t n, int64_t steps, const Tile& tile, Blocking blocking = {}) {
  const int64_t threads = threadCount(), rowPanels = rowPanelsOf(m), colPanels = panelsOf(n);
  const int64_t ks = blocking.ks, nc = blocking.ncPanels;
  const uint8_t* const b = blocking.prefetchB;
  // Where the B block of panels [q0, q1), steps [s0, s0 + ns) of panel q starts (bytes; contiguous per panel).
  auto panelBlock = [&](int64_t q, int64_t s0) { return reinterpret_cast<const char*>(b + (q * steps + s0) * kStepB); };
  // Row panels [i0, i1) × column panels [qa, qb), chunk by chunk, K block by K block.
  auto task = [&](int64_t i0, int64_t i1, int64_t qa, int64_t qb) {
    bool firstBlock = true;
    for (int64_t q0 = qa; q0 < qb; q0 += nc) {
      const int64_t q1 = q0 + nc < qb ? q0 + nc : qb;
      for (int64_t s0 = 0; s0 < steps; s0 += ks) {
        const int64_t ns = steps - s0 < ks ? steps - s0 : ks;
        // The task's next block: panels [nq, nq1), steps [ns0, ns0 + nns); fetched by row panels warm … i1 − 1.
        const bool nextChunk = s0 + ns >= steps;
        int64_t nq = nextChunk ? q1 : q0;
        const int64_t nq1 = nq + nc < qb ? nq + nc : qb, ns0 = nextChunk ? 0 : s0 + ns;
        const int64_t nns = steps - ns0 < ks ? steps - ns0 : ks;
        const int64_t warm = b != nullptr && firstBlock ? i0 + 1 : i0;
        const int64_t calls = (i1 - warm) * (q1 - q0);
        const int64_t total = b != nullptr && nq < nq1 && calls > 0 ? (nq1 - nq) * nns * 2 : 0;
        const int64_t perCall = calls > 0 ? (total + calls - 1) / calls : 0;
        int64_t left = total, line = 0;  // lines still to fetch; the next one's index in panel nq's block
        firstBlock = false;
        for (int64_t i = i0; i < i1; i++) {
          for (int64_t q = q0; q < q1; q++) {
            TileJob job{i, q, s0, ns, s0 == 0, s0 + ns >= steps};
            if (i < warm) {
              if (q + 1 < q1) {
                job.pf = panelBlock(q + 1, s0);
                job.pfLines = 2 * ns;
              }
            } else if (left > 0) {
              const int64_t inPanel = 2 * nns - line, want = perCall < left ? perCall : left;
              job.pf = panelBlock(nq, ns0) + line * 64;
              job.pfLines = want < inPanel ? want : inPanel;
              left -= job.pfLines;
              line += job.pfLines;
              if (line == 2 * nns) {
                nq++;
                line = 0;
              }
            }
            tile(job);
          }
        }
      }
    }
  };
  // Below ~4M multiply-adds (a few tens of µs) a hand-off to the pool costs more than it saves.
  if (threads <= 1 || m * n * steps * 4 < (int64_t{1} << 22)) {
    task(0, rowPanels, 0, colPanels);
  } else if (rowPanels >= 8 * threads) {
    const int64_t rowSplits = 4 * threads, chunks = (colPanels + nc - 1) / nc;
    runTasks(rowSplits * chunks, [&](int64_t t) {
      const int64_t c = t / rowSplits, r = t % rowSplits;
      const int64_t qb = (c + 1) * nc < colPanels ? (c + 1) * nc : colPanels;
      task(rowPanels * r / rowSplits, rowPanels * (r + 1) / rowSplits, c * nc, qb);
    });
  } else {
    runTasks(threads, [&](int64_t t) { task(0, rowPanels, colPanels * t / threads, colPanels * (t + 1) / threads); });
  }
}

// A per-thread buffer of at least `bytes` bytes, 64-byte aligned, grown on demand (the packed A of a call;
// calls on one thread are sequential, and the pool's tasks of a call only read it).
uint8_t* scratch(int64_t bytes);

}  // namespace lowp
}  // namespace bertkit
