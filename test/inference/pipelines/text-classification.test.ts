/**
 * TextClassificationPipeline against Hugging Face's `pipeline("text-classification", top_k=None)` on seqcls-3
 * (../shared/golden/pipelines.json), loaded both from parts and from a model folder; then Hugging Face's
 * rules for the score function and top_k, batching, pairs, truncation and bad input.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../../src/bert/config.js";
import { BertForSequenceClassification } from "../../../src/bert/heads/sequence-classification.js";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { InputError } from "../../../src/errors.js";
import {
  applyScoreFunction, defaultScoreFunction, rankLabels, TextClassificationPipeline, type LabelScore,
} from "../../../src/inference/pipelines/text-classification.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";

const SEQCLS = join(GOLDEN_MODELS, "seqcls-3");
const VOCAB = join(SHARED, "golden", "vocab-small.txt");

interface GoldenCase { text: string; out: LabelScore[][] }
const GOLDEN = (JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as Record<string, GoldenCase[]>)["text-classification"];

/** seqcls-3 with vocab-small.txt in one folder, as a user would have it. */
function seqclsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "bertkit-seqcls-"));
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(SEQCLS, f), join(dir, f));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: true }));
  return dir;
}

function maxScoreDiff(actual: LabelScore[][], expected: LabelScore[][]): number {
  let max = 0;
  expected.forEach((row, i) => row.forEach((e, j) => {
    expect(actual[i][j].label).toBe(e.label);
    max = Math.max(max, Math.abs(actual[i][j].score - e.score));
  }));
  return max;
}

let pipeline: TextClassificationPipeline;
beforeAll(async () => {
  const { model, config } = loadPretrained(SEQCLS);
  if (!(model instanceof BertForSequenceClassification)) throw new Error("expected a classifier");
  pipeline = TextClassificationPipeline.fromParts({ model, config, tokenizer: await loadVocabTokenizer(VOCAB), dir: SEQCLS, warning: null });
});

describe("text-classification against Hugging Face (seqcls-3)", () => {
  it("all labels sorted by score (top_k=None): labels equal, scores within 1e-4", () => {
    const actual = pipeline.run(GOLDEN.map((c) => c.text), { topK: null });
    const diff = maxScoreDiff(actual, GOLDEN.map((c) => c.out[0]));
    console.log(`text-classification seqcls-3: max |score − Hugging Face| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
  });

  it("loads the same model from a folder with its tokenizer, or with the tokenizer given apart", async () => {
    const texts = GOLDEN.map((c) => c.text);
    const expected = GOLDEN.map((c) => c.out[0]);
    const loaded = await TextClassificationPipeline.load(seqclsFolder());
    expect(loaded.warning).toBeNull();
    expect(maxScoreDiff(loaded.run(texts, { topK: null }), expected)).toBeLessThan(1e-4);
    const apart = await TextClassificationPipeline.load(SEQCLS, { tokenizer: VOCAB });
    expect(maxScoreDiff(apart.run(texts, { topK: null }), expected)).toBeLessThan(1e-4);
    await expect(TextClassificationPipeline.load(SEQCLS)).rejects.toThrow(/neither tokenizer\.json nor vocab\.txt/);
  });

  it("top_k default 1: the best label only; top_k 2: the best two", () => {
    const [best] = pipeline.run([GOLDEN[0].text]);
    expect(best).toHaveLength(1);
    expect(best[0].label).toBe(GOLDEN[0].out[0][0].label);
    expect(pipeline.run([GOLDEN[0].text], { topK: 2 })[0].map((s) => s.label)).toEqual(GOLDEN[0].out[0].slice(0, 2).map((s) => s.label));
    expect(pipeline.run([GOLDEN[0].text], { topK: 10 })[0]).toHaveLength(3);
  });

  it("functionToApply none gives the logits, whose softmax and sigmoid are the other two", () => {
    const byLabel = (r: LabelScore[]): number[] => ["LABEL_0", "LABEL_1", "LABEL_2"].map((l) => r.find((s) => s.label === l)?.score ?? Number.NaN);
    const text = [GOLDEN[1].text];
    const logits = byLabel(pipeline.run(text, { topK: null, functionToApply: "none" })[0]);
    const soft = byLabel(pipeline.run(text, { topK: null, functionToApply: "softmax" })[0]);
    const sig = byLabel(pipeline.run(text, { topK: null, functionToApply: "sigmoid" })[0]);
    const z = logits.reduce((a, x) => a + Math.exp(x), 0);
    logits.forEach((x, i) => {
      expect(soft[i]).toBeCloseTo(Math.exp(x) / z, 12);
      expect(sig[i]).toBeCloseTo(1 / (1 + Math.exp(-x)), 12);
    });
  });
});

describe("Hugging Face's rules", () => {
  it("default function: regression none, multi-label or one output sigmoid, else softmax", () => {
    expect(defaultScoreFunction(makeConfig({ num_labels: 1, problem_type: "regression" }))).toBe("none");
    expect(defaultScoreFunction(makeConfig({ num_labels: 1 }))).toBe("sigmoid");
    expect(defaultScoreFunction(makeConfig({ num_labels: 4, problem_type: "multi_label_classification" }))).toBe("sigmoid");
    expect(defaultScoreFunction(makeConfig({ num_labels: 3 }))).toBe("softmax");
    expect(defaultScoreFunction(makeConfig({}))).toBe("softmax"); // 2 labels by default
  });

  it("softmax is shifted (no overflow); ranking is stable for ties", () => {
    expect(applyScoreFunction([1000, 1000], "softmax")).toEqual([0.5, 0.5]);
    expect(rankLabels([0.2, 0.5, 0.2, 0.1], ["a", "b", "c", "d"], null).map((s) => s.label)).toEqual(["b", "a", "c", "d"]);
  });
});

describe("inputs", () => {
  const texts = ["the king is dead", "long live the king and all his court and his lords and ladies", "a", "what light through yonder window breaks"];

  it("batches of any size give the same scores, in input order", () => {
    const one = pipeline.logits(texts, 1);
    const all = pipeline.logits(texts, 3);
    let max = 0;
    one.forEach((row, i) => row.forEach((x, j) => (max = Math.max(max, Math.abs(x - all[i][j])))));
    expect(max).toBeLessThan(1e-5);
  });

  it("pairs {text, textPair} are encoded as one sequence with two segments", () => {
    const [pair] = pipeline.logits([{ text: "the king", textPair: "is dead" }]);
    const [joined] = pipeline.logits(["the king is dead"]);
    expect(Array.from(pair)).not.toEqual(Array.from(joined)); // token types and the middle [SEP] differ
    const [again] = pipeline.logits(["x", { text: "the king", textPair: "is dead" }], 2).slice(1);
    expect(Math.max(...Array.from(pair, (x, i) => Math.abs(x - again[i])))).toBeLessThan(1e-5);
  });

  it("a text longer than the model's 64 positions is truncated, not an error", () => {
    const long = Array.from({ length: 300 }, () => "king").join(" ");
    expect(pipeline.run([long])[0]).toHaveLength(1);
    expect(pipeline.run([])).toEqual([]);
  });

  it("bad input and options are one-line errors", () => {
    const bad = [{ text: "a" }] as unknown as string[];
    expect(() => pipeline.run(bad)).toThrow(new InputError('text-classification input 1 is {"text":"a"}; give a string or a pair {text: "…", textPair: "…"}'));
    expect(() => pipeline.run(["a"], { topK: 0 })).toThrow("topK must be a positive integer or null (every label), got 0");
    expect(() => pipeline.run(["a"], { batchSize: 0 })).toThrow(InputError);
  });
});
