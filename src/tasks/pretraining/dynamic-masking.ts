/**
 * Dynamic masking (RoBERTa, Liu et al. 2019): each time a row is trained on, its original tokens are masked
 * afresh, so the model does not see the same positions masked in every epoch. The masking itself is
 * `bertkit prepare`'s (`maskTokens`, google-research/bert's rule: 15%, 80/10/10, never a special token or
 * padding, at most maxPredictions, whole words when asked); here it is applied again to each row's originals.
 */
import { Tensor } from "../../tensor/tensor.js";
import type { Rng } from "../../tensor/random.js";
import { maskTokens, type MaskingOptions, type MaskingVocab } from "../../data/pretraining/masking.js";
import { IGNORE_INDEX, type ShardManifest } from "../../data/pretraining/shard-format.js";
import type { PretrainingBatch } from "../../data/pretraining/shard-dataset.js";

/** What re-masking needs: the vocabulary's view (`maskingVocab(tokenizer)`) and the recipe. */
export interface DynamicMasking {
  vocab: MaskingVocab;
  options: MaskingOptions;
}

/** BERT's recipe: 15% of the tokens, at most 20 per row (google-research/bert at T = 128), single pieces. */
export const BERT_MASKING: MaskingOptions = { maskedLmProb: 0.15, maxPredictions: 20, wholeWordMask: false };

/** The recipe `bertkit prepare` used for these shards, or BERT's for a single shard file (no manifest). */
export function maskingRecipe(manifest: ShardManifest | null): MaskingOptions {
  if (manifest === null) return BERT_MASKING;
  const { maskedLmProb, maxPredictions, wholeWordMask } = manifest.options;
  return { maskedLmProb, maxPredictions, wholeWordMask };
}

/** The rows' tokens before masking: `input_ids` with `labels` put back where they are not −100. */
export function originalIds(inputIds: Int32Array, labels: Int32Array): Int32Array {
  const out = Int32Array.from(inputIds);
  for (let i = 0; i < out.length; i++) if (labels[i] !== IGNORE_INDEX) out[i] = labels[i];
  return out;
}

/** A new batch whose rows are the originals of `batch` masked afresh with `rng`, row by row (other tensors shared). */
export function remaskBatch(batch: PretrainingBatch, masking: DynamicMasking, rng: Rng): PretrainingBatch {
  const [b, t] = batch.inputIds.shape;
  const original = originalIds(batch.inputIds.ints("remaskBatch"), batch.labels.ints("remaskBatch"));
  const ids = new Int32Array(b * t);
  const labels = new Int32Array(b * t);
  for (let r = 0; r < b; r++) {
    const row = { inputIds: ids.subarray(r * t, (r + 1) * t), labels: labels.subarray(r * t, (r + 1) * t), predictions: 0 };
    maskTokens(original.subarray(r * t, (r + 1) * t), masking.vocab, masking.options, rng, row);
  }
  return { ...batch, inputIds: new Tensor(ids, [b, t]), labels: new Tensor(labels, [b, t]) };
}
