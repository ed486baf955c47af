/**
 * A minimal writer of pre-training shards for tests, independent of `bertkit prepare`: rows given as their real
 * tokens (padded here to T), optional labels, and a manifest for a folder.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeSafetensors, type TensorData } from "../../../src/io/safetensors.js";
import { shardFileName, vocabHash, type ShardManifest } from "../../../src/data/pretraining/shard-format.js";
import { maskingVocab, maskTokens } from "../../../src/data/pretraining/masking.js";
import { Rng } from "../../../src/tensor/random.js";
import type { BertTokenizer } from "../../../src/tokenizer/tokenizer.js";
import { SHARED } from "../../helpers/golden.js";

export interface RowSpec {
  /** Real tokens, [CLS] … [SEP] … [SEP]. */
  ids: number[];
  /** Segment of each token (default: all 0). */
  types?: number[];
  /** position → label (the original id there); every other position is −100. */
  labels?: Record<number, number>;
  nsp?: number;
}

const int = (shape: number[], data: Int32Array): TensorData => ({ dtype: "int32", shape, data });

/** The five shard tensors of `rows`, padded with id `pad` to `t` tokens. */
export function shardTensors(rows: readonly RowSpec[], t: number, pad = 0): Record<string, TensorData> {
  const n = rows.length;
  const ids = new Int32Array(n * t).fill(pad);
  const types = new Int32Array(n * t);
  const mask = new Int32Array(n * t);
  const labels = new Int32Array(n * t).fill(-100);
  const nsp = new Int32Array(n);
  rows.forEach((row, r) => {
    if (row.ids.length > t) throw new Error(`row ${r} has ${row.ids.length} tokens, more than ${t}`);
    row.ids.forEach((id, p) => {
      ids[r * t + p] = id;
      types[r * t + p] = row.types?.[p] ?? 0;
      mask[r * t + p] = 1;
    });
    for (const [p, label] of Object.entries(row.labels ?? {})) labels[r * t + Number(p)] = label;
    nsp[r] = row.nsp ?? 0;
  });
  return {
    input_ids: int([n, t], ids),
    token_type_ids: int([n, t], types),
    attention_mask: int([n, t], mask),
    labels: int([n, t], labels),
    next_sentence_label: int([n], nsp),
  };
}

export function writeShardFile(path: string, rows: readonly RowSpec[], t: number): void {
  writeSafetensors(path, shardTensors(rows, t));
}

/** A shard folder: one shard per entry of `shards`, and the manifest (made with `vocabTokens`). */
export function writeShardFolder(dir: string, shards: readonly (readonly RowSpec[])[], t: number, vocabTokens: readonly string[]): ShardManifest {
  mkdirSync(dir, { recursive: true });
  shards.forEach((rows, i) => writeShardFile(join(dir, shardFileName(i)), rows, t));
  const predictions = shards.flat().reduce((k, r) => k + Object.keys(r.labels ?? {}).length, 0);
  const manifest: ShardManifest = {
    format: "bertkit-pretraining-shards",
    version: 1,
    rows: shards.reduce((k, s) => k + s.length, 0),
    maxSeqLength: t,
    shards: shards.map((rows, i) => ({ file: shardFileName(i), rows: rows.length })),
    vocab: { size: vocabTokens.length, sha256: vocabHash(vocabTokens) },
    options: {
      maxSeqLength: t, maxPredictions: 20, maskedLmProb: 0.15, shortSeqProb: 0.1, dupeFactor: 1, wholeWordMask: false, seed: 12345, lowercase: true,
    },
    stats: { files: ["test.txt"], documents: 1, tokens: shards.flat().reduce((k, r) => k + r.ids.length, 0), predictions },
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Sentences of held-out text: WikiText-2's validation set (not in gutenberg-mini's training data), headings skipped. */
export function heldOutSentences(count: number): string[] {
  const text = readFileSync(join(SHARED, "data", "pretrain", "wikitext-2", "wiki.valid.tokens"), "utf8");
  const sentences: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("=")) continue;
    const clean = line.replace(/<unk>/g, "").replace(/ @(.)@ /g, "$1");
    for (const s of clean.split(/(?<= \.) /)) if (s.trim().split(" ").length >= 4) sentences.push(s.trim());
    if (sentences.length >= count) break;
  }
  return sentences.slice(0, count);
}

/**
 * `n` pre-training rows from held-out sentences: [CLS] A [SEP] B [SEP], B the next sentence (NSP 0) in even
 * rows and a far-away one (NSP 1) in odd rows, cut to `t` tokens, masked by google-research/bert's rule.
 */
export function heldOutRows(tokenizer: BertTokenizer, n: number, t: number, seed = 1): RowSpec[] {
  const sentences = heldOutSentences(2 * n + 40);
  const pieces = (s: string): number[] => Array.from(tokenizer.encode(s, null, { addSpecialTokens: false }).inputIds);
  const cls = tokenizer.specialTokenId("cls");
  const sep = tokenizer.specialTokenId("sep");
  const vocab = maskingVocab(tokenizer);
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, r) => {
    const nsp = r % 2;
    const a = pieces(sentences[2 * r]);
    const b = pieces(sentences[nsp === 0 ? 2 * r + 1 : (2 * r + 37) % sentences.length]);
    while (a.length + b.length > t - 3) (a.length >= b.length ? a : b).pop();
    const ids = [cls, ...a, sep, ...b, sep];
    const types = ids.map((_, p) => (p < a.length + 2 ? 0 : 1));
    const masked = maskTokens(Int32Array.from(ids), vocab, { maskedLmProb: 0.15, maxPredictions: 20, wholeWordMask: false }, rng);
    const labels: Record<number, number> = {};
    masked.labels.forEach((l, p) => {
      if (l !== -100) labels[p] = l;
    });
    return { ids: Array.from(masked.inputIds), types, labels, nsp };
  });
}
