/**
 * The collator: encodings of any lengths → one batch of (B, T) int32 tensors a model takes. Sequences are padded
 * (never rejected for their length) to the longest of the batch, or to a fixed length, optionally rounded up to a
 * multiple; padding positions get the pad id, token type 0 and attention mask 0, as Hugging Face's
 * `DataCollatorWithPadding` does.
 */
import { InputError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import type { Encoding } from "../tokenizer/encoding.js";
import type { PaddingSide } from "../tokenizer/padding.js";

export interface CollateOptions {
  /** Id of the pad token: `tokenizer.specialTokenId("pad")`. */
  padId: number;
  /** Pad every sequence to this many tokens (an encoding longer than it is an error); default: the longest. */
  length?: number;
  /** Round the padded length up to a multiple of this (8 suits vectorised kernels). */
  padToMultipleOf?: number;
  /** Side the padding goes on (default "right"). */
  paddingSide?: PaddingSide;
}

/** Model inputs of one batch; B sequences of T tokens. */
export interface CollatedBatch {
  inputIds: Tensor; // (B, T) int32
  attentionMask: Tensor; // (B, T) int32, 1 = real token, 0 = padding
  tokenTypeIds: Tensor; // (B, T) int32
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new InputError(`collate: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** The padded length of a batch. */
export function collatedLength(encodings: readonly Encoding[], options: Omit<CollateOptions, "padId">): number {
  let length = options.length ?? encodings.reduce((max, e) => Math.max(max, e.length), 0);
  const multiple = options.padToMultipleOf;
  if (multiple !== undefined && length % multiple !== 0) length += multiple - (length % multiple);
  return length;
}

/** Pads `encodings` to one length and stacks them into (B, T) tensors. */
export function collate(encodings: readonly Encoding[], options: CollateOptions): CollatedBatch {
  if (encodings.length === 0) throw new InputError("collate: the batch is empty; pass at least one encoding");
  checkCount("padId", options.padId, 0);
  checkCount("length", options.length, 1);
  checkCount("padToMultipleOf", options.padToMultipleOf, 1);
  const side = options.paddingSide ?? "right";
  if (side !== "right" && side !== "left") throw new InputError(`collate: paddingSide must be "right" or "left", got ${JSON.stringify(side)}`);
  const t = collatedLength(encodings, options);
  const b = encodings.length;
  const ids = new Int32Array(b * t).fill(options.padId);
  const mask = new Int32Array(b * t);
  const types = new Int32Array(b * t);
  encodings.forEach((e, i) => {
    if (e.length > t) {
      throw new InputError(
        `collate: encoding ${i} has ${e.length} tokens, more than the padded length ${t}; encode with maxLength ${t} to truncate it`,
      );
    }
    const at = i * t + (side === "right" ? 0 : t - e.length);
    ids.set(e.inputIds, at);
    mask.set(e.attentionMask, at);
    types.set(e.tokenTypeIds, at);
  });
  return { inputIds: new Tensor(ids, [b, t]), attentionMask: new Tensor(mask, [b, t]), tokenTypeIds: new Tensor(types, [b, t]) };
}
