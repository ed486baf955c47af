// Shared by the fused attention forward and backward (see AttentionArgs in src/backend/kernels.ts).
// Shape legend: B batch, T tokens, H heads, D head size, C = H·D. Q, K, V are (B, T, C), head h in
// columns h·D … h·D + D − 1; probabilities are (B, H, T, T). Each (b, h) pair is one independent task.
#pragma once
#include <vector>

#include "napi_args.h"

namespace bertkit {

struct Attention {
  int64_t B, T, H, D, C;
  float scale;
  // Q, K and V rows are ld floats apart: C for separate projections, 3C for views into one (B, T, 3C).
  int64_t ld;
  const float *q, *k, *v;
  const int32_t* keyMask;  // (B, T) or nullptr
  const int32_t* lengths;  // (B)
  bool causal;
  const float* dropMask;  // (B, H, T, T) or nullptr
  float* probs;           // (B, H, T, T); nullptr (forward only): not written

  // Reads arguments 0 … 12: (batch, tokens, heads, headSize, scale, q, k, v, keyMask, lengths, causal,
  // dropMask, probs), with Q, K, V rows `ld` floats apart (0: C).
  Attention(Args& a, int64_t ld);

  // Real queries of sequence b: the first lengths[b].
  int64_t queries(int64_t b) const { return lengths[b]; }
  // Keys worth computing for sequence b: up to the last unmasked one (trailing padding costs nothing),
  // and no further than the last real query under a causal mask.
  int64_t keys(int64_t b) const;
  // Runs fn(b, h) for every pair, in parallel when the work is large enough.
  template <typename F>
  void forEachHead(F&& fn) const;
};

// Scratch buffers of the calling thread, grown on demand and reused across calls.
float* scratch(int slot, int64_t size);

// Copies a head's rows × D block (row stride C) into scratch `slot` as rows × roundUp8(D), zero-padded:
// a contiguous operand for smallGemm. Reading the head in place would be slower: its rows are C floats
// apart (3 KiB for BERT-base), which maps them onto a few L1 sets and evicts them before reuse.
const float* packHead(const float* head, int64_t C, int64_t rows, int64_t D, int slot);

// Writes a head's rows × D block transposed into scratch `slot` as (D, roundUp8(rows)), zero columns past
// `rows`: Kᵀ and Vᵀ operands. Goes through a contiguous copy (scratch `tmpSlot`) for the reason above.
float* packHeadTransposed(const float* head, int64_t C, int64_t rows, int64_t D, int slot, int tmpSlot);

// head (m × D, row stride C) = A (m × k) · B (k × roundUp8(D)), through scratch `slot` when D % 8 != 0.
void gemmIntoHead(const float* A, int64_t lda, const float* B, int64_t ldb, float* head, int64_t C, int64_t m,
                  int64_t D, int64_t k, int slot);

}  // namespace bertkit

#include "thread_pool.h"

template <typename F>
void bertkit::Attention::forEachHead(F&& fn) const {
  const int64_t perHead = T * T * (D + 1);
  if (perHead >= 65536 && B * H > 1) {
    // One task per head, claimed dynamically: the heads of short sequences cost less, and a worker that
    // wakes late still takes its share.
    bertkit::runTasks(B * H, [&](int64_t p) { fn(p / H, p % H); });
    return;
  }
  bertkit::parallelFor(B * H, perHead >= 65536 ? 1 : 65536 / (perHead + 1) + 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) fn(p / H, p % H);
  });
}
