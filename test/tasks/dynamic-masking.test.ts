/**
 * Dynamic masking through the task's `augment`: each row's original tokens are kept, re-masked with the
 * trainer's seeded stream (google-research/bert's rule via maskTokens), never at special tokens or padding.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openShards, type PretrainingBatch } from "../../src/data/pretraining/shard-dataset.js";
import { roundHalfEven, type MaskingVocab } from "../../src/data/pretraining/masking.js";
import { BERT_MASKING, maskingRecipe, originalIds, remaskBatch } from "../../src/tasks/pretraining/dynamic-masking.js";
import { pretrainingTask } from "../../src/tasks/pretraining/pretraining-task.js";
import { Rng } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";
import { writeShardFolder } from "../data/pretraining/shard-dataset-fixture.js";

const SHARD = join(GOLDEN_MODELS, "train-start", "shard.safetensors");
// vocab-small.txt: 0 [PAD], 1 [UNK], 2 [CLS], 3 [SEP], 4 [MASK]; 2,000 ids.
const VOCAB: MaskingVocab = { size: 2000, maskId: 4, padId: 0, specialIds: [2, 3, 0, 4], isContinuation: new Uint8Array(2000) };

function ints(t: Tensor): number[] {
  return Array.from(t.ints("test"));
}

function originals(b: PretrainingBatch): number[] {
  return Array.from(originalIds(b.inputIds.ints("test"), b.labels.ints("test")));
}

describe("dynamic masking", () => {
  const data = openShards(SHARD);
  const batch = data.batch(Array.from({ length: 18 }, (_, i) => i));
  const task = pretrainingTask({ masking: { vocab: VOCAB, options: BERT_MASKING } });
  const augment = task.augment;
  if (augment === undefined) throw new Error("augment expected with masking options");

  it("keeps each row's original tokens and every other tensor, and changes which positions are predicted", () => {
    const masked = augment(batch, new Rng(7));
    expect(originals(masked)).toEqual(originals(batch));
    expect(ints(masked.attentionMask)).toEqual(ints(batch.attentionMask));
    expect(ints(masked.tokenTypeIds)).toEqual(ints(batch.tokenTypeIds));
    expect(ints(masked.nextSentenceLabel)).toEqual(ints(batch.nextSentenceLabel));
    expect(ints(masked.labels)).not.toEqual(ints(batch.labels));
    // Where nothing is predicted, the input is the original token.
    const ids = ints(masked.inputIds);
    const labels = ints(masked.labels);
    const orig = originals(batch);
    labels.forEach((l, i) => {
      if (l === -100) expect(ids[i]).toBe(orig[i]);
      else expect(l).toBe(orig[i]);
    });
  });

  it("predicts round(15% of the real tokens) per row, never [CLS], [SEP] or padding", () => {
    const masked = augment(batch, new Rng(11));
    const [b, t] = masked.inputIds.shape;
    const mask = ints(masked.attentionMask);
    const labels = ints(masked.labels);
    const orig = originals(batch);
    for (let r = 0; r < b; r++) {
      let real = 0;
      let predicted = 0;
      for (let p = 0; p < t; p++) {
        const i = r * t + p;
        real += mask[i];
        if (labels[i] === -100) continue;
        predicted++;
        expect(mask[i], `row ${r} position ${p} is padding`).toBe(1);
        expect([2, 3, 0, 4]).not.toContain(orig[i]);
      }
      expect(predicted, `row ${r}`).toBe(Math.min(20, Math.max(1, roundHalfEven(real * 0.15))));
    }
  });

  it("is reproducible from the stream's seed, and differs between seeds", () => {
    expect(ints(augment(batch, new Rng(3)).inputIds)).toEqual(ints(augment(batch, new Rng(3)).inputIds));
    expect(ints(augment(batch, new Rng(3)).labels)).not.toEqual(ints(augment(batch, new Rng(4)).labels));
  });

  it("replaces 80% of the predicted tokens with [MASK], 10% with a random id and keeps 10%", () => {
    // 400 rows of 100 distinct real tokens: 15 predictions each, 6,000 in all.
    const t = 100;
    const n = 400;
    const ids = new Int32Array(n * t);
    for (let r = 0; r < n; r++) for (let p = 0; p < t; p++) ids[r * t + p] = p === 0 ? 2 : p === t - 1 ? 3 : 10 + p;
    const rows: PretrainingBatch = {
      inputIds: new Tensor(ids, [n, t]), tokenTypeIds: new Tensor(new Int32Array(n * t), [n, t]),
      attentionMask: new Tensor(new Int32Array(n * t).fill(1), [n, t]), labels: new Tensor(new Int32Array(n * t).fill(-100), [n, t]),
      nextSentenceLabel: new Tensor(new Int32Array(n), [n]),
    };
    const masked = remaskBatch(rows, { vocab: VOCAB, options: BERT_MASKING }, new Rng(5));
    const out = ints(masked.inputIds);
    const labels = ints(masked.labels);
    let total = 0;
    let toMask = 0;
    let kept = 0;
    labels.forEach((l, i) => {
      if (l === -100) return;
      total++;
      if (out[i] === 4) toMask++;
      else if (out[i] === l) kept++;
    });
    expect(total).toBe(n * 15);
    expect(toMask / total).toBeGreaterThan(0.78);
    expect(toMask / total).toBeLessThan(0.82);
    expect(kept / total).toBeGreaterThan(0.085);
    expect(kept / total).toBeLessThan(0.115);
  });

  it("takes the recipe from the manifest, or BERT's for a single file", () => {
    expect(maskingRecipe(null)).toEqual({ maskedLmProb: 0.15, maxPredictions: 20, wholeWordMask: false });
    const dir = join(mkdtempSync(join(tmpdir(), "bertkit-mask-")), "shards");
    const manifest = writeShardFolder(dir, [[{ ids: [2, 9, 3, 9, 3] }]], 8, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e"]);
    manifest.options = { ...manifest.options, maskedLmProb: 0.2, maxPredictions: 7, wholeWordMask: true };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    expect(maskingRecipe(openShards(dir).manifest)).toEqual({ maskedLmProb: 0.2, maxPredictions: 7, wholeWordMask: true });
    expect(pretrainingTask().augment).toBeUndefined();
  });
});
