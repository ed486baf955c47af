/**
 * Masked-LM masking, as google-research/bert's create_masked_lm_predictions: used once per row by `bertkit prepare`
 * (static masking) and callable again on a row's original ids for dynamic masking.
 *
 * - Candidates: every position that is not [CLS], [SEP], [PAD] or [MASK] ([UNK] is a candidate, as in google-research).
 *   With whole-word masking a "##" piece joins the candidate group of the piece just before it, so a word is
 *   predicted whole or not at all.
 * - The groups are shuffled; num_to_predict = min(maxPredictions, max(1, round(len × maskedLmProb))), len = the
 *   row's tokens other than [PAD] ([CLS] and [SEP] included, as google-research counts), round = Python's
 *   (half to even). Groups are taken in shuffled order while they fit in num_to_predict.
 * - Each chosen position: 80% → [MASK], 10% → the original token, 10% → a random id uniform over the vocabulary
 *   (two draws, as google-research: < 0.8, then < 0.5). `labels` holds the original id there and −100 elsewhere.
 */
import type { BertTokenizer } from "../../tokenizer/index.js";
import type { Rng } from "../../tensor/random.js";
import { IGNORE_INDEX } from "./shard-format.js";

/** What masking needs to know about the vocabulary. */
export interface MaskingVocab {
  /** Number of ids: a random replacement is uniform over [0, size). */
  size: number;
  maskId: number;
  padId: number;
  /** Ids never predicted: [CLS], [SEP], [PAD], [MASK]. */
  specialIds: readonly number[];
  /** isContinuation[id] = 1 when the token is a "##" piece (used by whole-word masking). */
  isContinuation: Uint8Array;
}

export interface MaskingOptions {
  maskedLmProb: number;
  maxPredictions: number;
  wholeWordMask: boolean;
}

/** A masked row: `inputIds` with the replacements, `labels` (original id where predicted, −100 elsewhere). */
export interface MaskedRow {
  inputIds: Int32Array;
  labels: Int32Array;
  /** Positions predicted. */
  predictions: number;
}

/** The masking view of a tokenizer's vocabulary (its [CLS], [SEP], [PAD] and [MASK] must exist). */
export function maskingVocab(tokenizer: BertTokenizer): MaskingVocab {
  const tokens = tokenizer.vocab.tokens;
  const isContinuation = new Uint8Array(tokens.length);
  for (let id = 0; id < tokens.length; id++) isContinuation[id] = tokens[id].startsWith("##") ? 1 : 0;
  const ids = (["cls", "sep", "pad", "mask"] as const).map((name) => tokenizer.specialTokenId(name));
  return { size: tokens.length, maskId: tokenizer.specialTokenId("mask"), padId: tokenizer.specialTokenId("pad"), specialIds: ids, isContinuation };
}

/** Python 3's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Masks one row. `ids` are the row's original ids (T of them, [PAD] at the end, not changed unless `out.inputIds`
 * is `ids` itself); the result goes to `out` (fresh arrays of length T by default). Deterministic given `rng`'s state.
 */
export function maskTokens(
  ids: Int32Array,
  vocab: MaskingVocab,
  options: MaskingOptions,
  rng: Rng,
  out: MaskedRow = { inputIds: new Int32Array(ids.length), labels: new Int32Array(ids.length), predictions: 0 },
): MaskedRow {
  const T = ids.length;
  if (out.inputIds !== ids) out.inputIds.set(ids);
  out.labels.fill(IGNORE_INDEX);
  // Candidate groups: group g covers positions start[g] .. start[g] + size[g] − 1.
  const { start, size, order } = scratch(T);
  let groups = 0;
  let length = 0;
  let previousCandidate = -2;
  for (let i = 0; i < T; i++) {
    const id = ids[i];
    if (id !== vocab.padId) length++;
    if (isSpecial(vocab.specialIds, id)) continue;
    if (options.wholeWordMask && previousCandidate === i - 1 && vocab.isContinuation[id] === 1) {
      size[groups - 1]++;
    } else {
      start[groups] = i;
      size[groups] = 1;
      groups++;
    }
    previousCandidate = i;
  }
  // Fisher–Yates, as Rng.shuffle, on the group indices.
  for (let g = 0; g < groups; g++) order[g] = g;
  for (let g = groups - 1; g > 0; g--) {
    const j = rng.int(g + 1);
    const t = order[g];
    order[g] = order[j];
    order[j] = t;
  }
  const numToPredict = Math.min(options.maxPredictions, Math.max(1, roundHalfEven(length * options.maskedLmProb)));
  let predicted = 0;
  for (let k = 0; k < groups && predicted < numToPredict; k++) {
    const g = order[k];
    if (predicted + size[g] > numToPredict) continue;
    for (let i = start[g]; i < start[g] + size[g]; i++) {
      out.labels[i] = ids[i];
      if (rng.uniform() < 0.8) out.inputIds[i] = vocab.maskId;
      else if (rng.uniform() >= 0.5) out.inputIds[i] = rng.int(vocab.size);
      predicted++;
    }
  }
  out.predictions = predicted;
  return out;
}

function isSpecial(specialIds: readonly number[], id: number): boolean {
  for (let k = 0; k < specialIds.length; k++) if (specialIds[k] === id) return true;
  return false;
}

let scratchArrays = { start: new Int32Array(512), size: new Int32Array(512), order: new Int32Array(512) };

/** Work arrays for rows of up to T tokens, reused between calls (maskTokens is synchronous). */
function scratch(T: number): typeof scratchArrays {
  if (scratchArrays.start.length < T) scratchArrays = { start: new Int32Array(T), size: new Int32Array(T), order: new Int32Array(T) };
  return scratchArrays;
}
