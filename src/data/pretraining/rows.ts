/**
 * One row of the shards from an NSP instance: `[CLS] A [SEP] B [SEP]` then [PAD] up to T = max_seq_length, with
 * token_type_ids 0 on `[CLS] A [SEP]`, 1 on `B [SEP]` and 0 on padding, and attention_mask 1 exactly on the real
 * tokens. The masked ids and labels are filled in afterwards (./masking.ts).
 */
import type { Instance } from "./instances.js";

/** A row's fields, each of length T (the labels and the masked ids are written by masking). */
export interface RowArrays {
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
}

/** Where rows go: `beginRow` gives the arrays of the next row to fill, `endRow` stores it with its NSP label. */
export interface RowSink {
  beginRow(): RowArrays;
  endRow(nextSentenceLabel: number): void;
}

export interface RowSpecials {
  clsId: number;
  sepId: number;
  padId: number;
}

/**
 * Writes the original ids of `instance` (ranges of `tokens`) into `original`, and its token types and attention
 * mask into `row`. The pair must already fit: |A| + |B| ≤ T − 3.
 */
export function layOutRow(tokens: Int32Array, instance: Instance, specials: RowSpecials, original: Int32Array, row: RowArrays): void {
  const T = original.length;
  const a = tokens.subarray(instance.aStart, instance.aEnd);
  const b = tokens.subarray(instance.bStart, instance.bEnd);
  const length = a.length + b.length + 3;
  if (length > T) throw new Error(`instance of ${length} tokens does not fit in ${T}`);
  original[0] = specials.clsId;
  original.set(a, 1);
  original[a.length + 1] = specials.sepId;
  original.set(b, a.length + 2);
  original[length - 1] = specials.sepId;
  original.fill(specials.padId, length);
  row.tokenTypeIds.fill(0, 0, a.length + 2);
  row.tokenTypeIds.fill(1, a.length + 2, length);
  row.tokenTypeIds.fill(0, length);
  row.attentionMask.fill(1, 0, length);
  row.attentionMask.fill(0, length);
}
