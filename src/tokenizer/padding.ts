/**
 * Padding as Hugging Face does it: to the longest encoding of the batch or to a fixed length, optionally rounded up
 * to a multiple, on the right or the left; overflowing windows are padded to the same length.
 * Pad tokens have attention mask 0, special-tokens mask 1, offsets [0, 0] and no word.
 */
import { Encoding, type EncodingFields } from "./encoding.js";

export type PaddingSide = "right" | "left";

export interface PadToken {
  id: number;
  typeId: number;
}

/** The length a batch is padded to. */
export function paddedLength(batch: readonly Encoding[], fixed: number | null, multipleOf: number | null): number {
  let length = fixed ?? batch.reduce((max, e) => Math.max(max, e.length), 0);
  if (multipleOf !== null && multipleOf > 0 && length % multipleOf > 0) length += multipleOf - (length % multipleOf);
  return length;
}

/** `e` (and its overflowing windows) padded to `length` tokens; unchanged when already that long. */
export function padEncoding(e: Encoding, length: number, pad: PadToken, side: PaddingSide): Encoding {
  const overflowing = e.overflowing.map((o) => padEncoding(o, length, pad, side));
  const missing = length - e.length;
  if (missing <= 0) return overflowing.length === 0 ? e : e.with({ overflowing });
  const f = e.fields();
  const grow = (values: Int32Array, fill: number, width = 1): Int32Array => {
    const out = new Int32Array(values.length + missing * width).fill(fill);
    out.set(values, side === "right" ? 0 : missing * width);
    return out;
  };
  const padded: EncodingFields = {
    ids: grow(f.ids, pad.id),
    typeIds: grow(f.typeIds, pad.typeId),
    offsets: grow(f.offsets, 0, 2),
    words: grow(f.words, -1),
    sequences: grow(f.sequences, -1),
    specialTokensMask: grow(f.specialTokensMask, 1),
    attentionMask: grow(f.attentionMask, 0),
    overflowing,
  };
  return e.with(padded);
}
