/**
 * The start and end logits of many windows: batches of windows of similar length (sorted by length, so that
 * little is spent on padding), run without autograd inside a memory scope; each window's logits are copied
 * out for its real tokens only, in the order the windows were given. The head's outputs are used unchanged.
 */
import type { BertForQuestionAnswering } from "../../../bert/heads/question-answering.js";
import { collate } from "../../../data/collate.js";
import { InputError } from "../../../errors.js";
import { noGrad } from "../../../tensor/autograd.js";
import { scope } from "../../../tensor/scope.js";
import type { Encoding } from "../../../tokenizer/encoding.js";

export interface WindowLogits {
  start: Float32Array; // (T_i) one logit per token of the window
  end: Float32Array; // (T_i)
}

/** Runs `model` on every encoding, `batchSize` at a time. */
export function windowLogits(model: BertForQuestionAnswering, encodings: readonly Encoding[], padId: number, batchSize: number): WindowLogits[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be a positive integer, got ${batchSize}`);
  const order = encodings.map((_, i) => i).sort((a, b) => encodings[a].length - encodings[b].length);
  const out = new Array<WindowLogits>(encodings.length);
  for (let at = 0; at < order.length; at += batchSize) {
    const rows = order.slice(at, at + batchSize);
    noGrad(() => scope(() => {
      const batch = collate(rows.map((r) => encodings[r]), { padId });
      const { startLogits, endLogits } = model.forward(batch); // (B, T) each
      const t = startLogits.shape[1];
      const starts = startLogits.floats("QA logits");
      const ends = endLogits.floats("QA logits");
      rows.forEach((r, i) => {
        const n = encodings[r].length;
        out[r] = { start: Float32Array.from(starts.subarray(i * t, i * t + n)), end: Float32Array.from(ends.subarray(i * t, i * t + n)) };
      });
    }));
  }
  return out;
}
