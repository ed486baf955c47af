/**
 * Inference on a batch as groups of whole sequences, one group after another — a memory saving. Each sequence's
 * hidden states depend on that sequence alone (attention mixes tokens within a sequence; everything else works
 * row by row), so the groups give the batch's result. Without autograd a forward pass's intermediates (the fused
 * query/key/value projection (rows, 3C), the feed-forward activation (rows, I), the int8 copy of a GEMM's input,
 * the embeddings' sums) then exist for one group at a time rather than for the whole batch. The price is speed:
 * the weights are read once per group and each kernel call has fewer rows to share between threads. BERT-base at
 * B8×T128 on two threads ran 5% faster in groups of four sequences (6 MiB) than of two (4 MiB), int8 and fp32
 * alike, and at most a few percent slower than whole (docs/quantization.md). A batch is cut into groups of equal
 * size (B8 at most five per group: two of four, not five and three), so that one set of activation shapes
 * recurs and the buffer pool keeps one set of buffers, not two (at most two when B does not divide).
 */
import { isGradEnabled } from "../tensor/autograd.js";
import { releaseNow, scope } from "../tensor/scope.js";
import { sameShape } from "../tensor/shape.js";
import { allocOutput, Tensor } from "../tensor/tensor.js";

/** How much of a batch runs at once, as bytes of its feed-forward activation (rows × intermediate size floats). */
export const GROUP_BYTES = 6 * 2 ** 20;

/** What the groups are cut from: (B, T) int32 tensors, the first required. */
export interface SequenceBatch {
  inputIds: Tensor;
  attentionMask?: Tensor | null;
  tokenTypeIds?: Tensor | null;
}

/** Sequences per group for `tokens` tokens each and an intermediate (feed-forward) size: at least one. */
export function sequencesPerGroup(tokens: number, intermediateSize: number): number {
  return Math.max(1, Math.floor(GROUP_BYTES / (4 * tokens * intermediateSize)));
}

/** Sequences [b0, b1) of a (B, T) int32 tensor, sharing its memory. */
function rowsOf(t: Tensor, b0: number, b1: number): Tensor {
  const T = t.shape[1];
  return new Tensor(t.ints("sequence group").subarray(b0 * T, b1 * T), [b1 - b0, T]);
}

/**
 * `run(batch)` on the fewest groups of at most `perGroup` consecutive sequences (their sizes differing by one at
 * most), its (b, T, C) results written into one (B, T, C) tensor; `run(batch)` itself when autograd is on, the
 * batch fits in one group, or its tensors do not line up (the whole run then reports what is wrong with them).
 */
export function inSequenceGroups<I extends SequenceBatch>(batch: I, perGroup: number, run: (batch: I) => Tensor): Tensor {
  const ids = batch.inputIds;
  const aligned = ids.rank === 2 && ids.dtype === "int32"
    && [batch.attentionMask, batch.tokenTypeIds].every((t) => t === undefined || t === null || (t.dtype === "int32" && sameShape(t.shape, ids.shape)));
  const [B, T] = ids.shape;
  if (isGradEnabled() || !aligned || B <= perGroup) return run(batch);
  const groups = Math.ceil(B / perGroup);
  let out: Tensor | null = null;
  for (let g = 0; g < groups; g++) {
    // Group g: sequences [⌊gB/G⌋, ⌊(g+1)B/G⌋), so that sizes differ by one at most.
    const b0 = Math.floor((g * B) / groups);
    const b1 = Math.floor(((g + 1) * B) / groups);
    const cut = (t: Tensor | null | undefined): Tensor | null | undefined => (t === undefined || t === null ? t : rowsOf(t, b0, b1));
    const part = scope(() => run({ ...batch, inputIds: rowsOf(ids, b0, b1), attentionMask: cut(batch.attentionMask), tokenTypeIds: cut(batch.tokenTypeIds) }), (r) => [r]);
    if (part.rank !== 3 || part.shape[0] !== b1 - b0 || part.shape[1] !== T) throw new Error(`internal: a sequence group's result is (${part.shape.join(", ")})`);
    out ??= new Tensor(allocOutput(part.floatDType, B * T * part.shape[2]), [B, T, part.shape[2]]);
    out.floats("sequence groups").set(part.floats("sequence groups"), b0 * T * part.shape[2]);
    releaseNow([part], [out]);
  }
  if (out === null) throw new Error("internal: a batch of no sequences");
  return out;
}
