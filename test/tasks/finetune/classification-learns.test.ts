/**
 * Fine-tuning works end to end on the generic trainer: a tiny random BERT, trained with `train()` on the
 * spec's rows and task, learns a trivially learnable synthetic task — does the sentence name the king or the
 * queen, somewhere among filler words — from chance to near-perfect accuracy on fresh sentences; the same
 * for a regression target (how many times "good" occurs), whose Pearson correlation climbs towards 1, and for
 * multi-label targets (which of the two occur).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BertConfig, makeConfig } from "../../../src/bert/config.js";
import { bertParamGroups } from "../../../src/bert/param-groups.js";
import { manualSeed } from "../../../src/nn/random-state.js";
import { classificationSpec, type ClassificationSpecOptions } from "../../../src/tasks/finetune/classification/spec.js";
import { Rng } from "../../../src/tensor/random.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import { AdamW, linearWarmupDecay, silentProgress, train } from "../../../src/train/index.js";
import { SHARED } from "../../helpers/golden.js";

const STEPS = 80;
const FILLER = ["the", "and", "my", "lord", "a", "of", "love", "good", "bad", "hate"];

function sentence(rng: Rng, words: number, insert: string[]): string {
  const out = Array.from({ length: words }, () => FILLER[rng.int(FILLER.length)]).filter((w) => w !== "good");
  for (const w of insert) out.splice(rng.int(out.length + 1), 0, w);
  return out.join(" ");
}

function tsv(rows: Array<[string, string]>): string {
  const path = join(mkdtempSync(join(tmpdir(), "bertkit-learns-")), "data.tsv");
  writeFileSync(path, "sentence\tlabel\n" + rows.map(([s, l]) => `${s}\t${l}\n`).join(""));
  return path;
}

/** Tiny BERTs: two thin layers count well; one wider layer keeps two labels apart (two thin ones tend to settle on one). */
const TWO_THIN = { hidden_size: 32, num_hidden_layers: 2, intermediate_size: 64 };
const ONE_WIDE = { hidden_size: 64, num_hidden_layers: 1, intermediate_size: 128 };

async function fineTune(
  options: ClassificationSpecOptions, trainFile: string, evalFile: string, size: Partial<BertConfig>,
): Promise<{ before: Record<string, number>; after: Record<string, number> }> {
  const tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
  const spec = classificationSpec(options);
  const base = makeConfig({
    vocab_size: 2000, num_attention_heads: 2, max_position_embeddings: 32, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, ...size,
  });
  const trainExamples = spec.read(trainFile);
  const config = { ...base, ...spec.configFor(trainExamples, base) };
  const evalExamples = spec.read(evalFile, config);
  manualSeed(3);
  const model = spec.build(config);
  const before = spec.evaluate(model, tokenizer, config, evalExamples, 32);
  await train({
    model, task: spec.task, data: spec.trainData(trainExamples, tokenizer, config),
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 3e-3 }),
    schedule: linearWarmupDecay(3e-3, 5, STEPS), steps: STEPS, batchSize: 16, seed: 1, progress: silentProgress, handleSignals: false,
  });
  return { before, after: spec.evaluate(model, tokenizer, config, evalExamples, 32) };
}

describe("classification fine-tuning learns", () => {
  it("king or queen: from chance to ≥ 95% accuracy on fresh sentences in 80 steps", async () => {
    const rng = new Rng(11);
    const rows = (n: number): Array<[string, string]> => Array.from({ length: n }, () => {
      const who = rng.int(2) === 0 ? "king" : "queen";
      return [sentence(rng, 3 + rng.int(5), [who]), who];
    });
    const { before, after } = await fineTune({ maxLength: 16 }, tsv(rows(256)), tsv(rows(100)), TWO_THIN);
    console.log(`king/queen accuracy ${before.accuracy.toFixed(1)} → ${after.accuracy.toFixed(1)}, loss ${before.loss.toFixed(3)} → ${after.loss.toFixed(3)}`);
    expect(before.accuracy).toBeLessThan(75);
    expect(after.accuracy).toBeGreaterThanOrEqual(95);
    expect(after.loss).toBeLessThan(before.loss / 3);
  });

  it("regression: the count of 'good' is learnt (pearson > 0.95)", async () => {
    const rng = new Rng(12);
    const rows = (n: number): Array<[string, string]> => Array.from({ length: n }, () => {
      const count = rng.int(4);
      return [sentence(rng, 3 + rng.int(4), Array.from({ length: count }, () => "good")), (count / 2).toFixed(1)];
    });
    const { before, after } = await fineTune({ maxLength: 16 }, tsv(rows(256)), tsv(rows(100)), TWO_THIN);
    console.log(`'good' count pearson ${before.pearson.toFixed(3)} → ${after.pearson.toFixed(3)}, mse ${before.mse.toFixed(3)} → ${after.mse.toFixed(3)}`);
    expect(after.pearson).toBeGreaterThan(0.95);
    expect(after.spearman).toBeGreaterThan(0.9);
    expect(after.mse).toBeLessThan(before.mse / 10);
  });

  it("multi-label: which of king and queen occur (none, one or both) reaches micro f1 ≥ 95", async () => {
    const rng = new Rng(13);
    const rows = (n: number): Array<[string, string]> => Array.from({ length: n }, () => {
      const who = ["king", "queen"].filter(() => rng.int(2) === 1);
      return [sentence(rng, 3 + rng.int(4), who), who.join("|")];
    });
    const { before, after } = await fineTune({ maxLength: 16, problemType: "multi_label_classification" }, tsv(rows(256)), tsv(rows(100)), ONE_WIDE);
    console.log(`king|queen micro f1 ${before.f1.toFixed(1)} → ${after.f1.toFixed(1)}, subset accuracy ${before.accuracy.toFixed(1)} → ${after.accuracy.toFixed(1)}`);
    expect(after.f1).toBeGreaterThanOrEqual(95);
    expect(after.accuracy).toBeGreaterThanOrEqual(90);
    expect(after.loss).toBeLessThan(before.loss / 3);
  });
});
