/**
 * The pre-training data on disk: what `bertkit prepare` writes and `bertkit pretrain` reads.
 *
 *   DIR/manifest.json              the manifest below (written last, atomically: its presence means the shards are complete)
 *   DIR/shard-00000.safetensors    I32 tensors named as Hugging Face's forward arguments:
 *       input_ids, token_type_ids, attention_mask, labels   (N, T)   labels: the original id where predicted, −100 elsewhere
 *       next_sentence_label                                 (N)      0 = B follows A, 1 = B is random
 *
 * Rows are `[CLS] A [SEP] B [SEP]` then [PAD] (attention_mask 0) up to T = max_seq_length. The original
 * tokens of a row are `input_ids` with `labels` put back where labels ≠ −100 (what dynamic masking re-masks).
 * A single safetensors file with these tensors (such as ../shared/golden/models/train-start/shard.safetensors)
 * is also accepted as data, without a manifest.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

/** Names and ranks of the tensors every shard holds. */
export const SHARD_TENSORS = {
  input_ids: 2,
  token_type_ids: 2,
  attention_mask: 2,
  labels: 2,
  next_sentence_label: 1,
} as const;

export type ShardTensorName = keyof typeof SHARD_TENSORS;

/** `labels` value of a position that is not predicted (PyTorch's cross-entropy ignore_index). */
export const IGNORE_INDEX = -100;

export const MANIFEST_FILE = "manifest.json";

export function shardFileName(index: number): string {
  return `shard-${String(index).padStart(5, "0")}.safetensors`;
}

/** The options `bertkit prepare` ran with (google-research/bert's create_pretraining_data.py flags). */
export const prepareOptionsSchema = z.object({
  maxSeqLength: z.number().int().min(8),
  maxPredictions: z.number().int().min(1),
  maskedLmProb: z.number().gt(0).lt(1),
  shortSeqProb: z.number().min(0).max(1),
  dupeFactor: z.number().int().min(1),
  wholeWordMask: z.boolean(),
  seed: z.number().int(),
  lowercase: z.boolean(),
});

export type PrepareOptions = z.infer<typeof prepareOptionsSchema>;

export const manifestSchema = z.object({
  format: z.literal("bertkit-pretraining-shards"),
  version: z.literal(1),
  /** Rows over all shards. */
  rows: z.number().int().min(0),
  maxSeqLength: z.number().int().min(1),
  shards: z.array(z.object({ file: z.string(), rows: z.number().int().min(0) })),
  vocab: z.object({ size: z.number().int().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  options: prepareOptionsSchema,
  /** Corpus files, documents and word pieces seen, predicted positions written. */
  stats: z.object({
    files: z.array(z.string()),
    documents: z.number().int().min(0),
    tokens: z.number().int().min(0),
    predictions: z.number().int().min(0),
  }),
});

export type ShardManifest = z.infer<typeof manifestSchema>;

/** sha256 of the vocabulary in id order, one token per line: two tokenizers with the same ids hash alike. */
export function vocabHash(tokensById: readonly string[]): string {
  return createHash("sha256").update(tokensById.join("\n")).digest("hex");
}
