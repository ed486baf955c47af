/**
 * NextSentencePipeline: on pretraining-tiny its probabilities are the softmax of Hugging Face's golden
 * seq_relationship_logits (index 0 = "is next"); on gutenberg-mini (pre-trained with NSP) the sentence that
 * really follows in Alice in Wonderland scores higher than a sentence from The War of the Worlds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertForNextSentencePrediction } from "../../../src/bert/heads/pretraining.js";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { InputError } from "../../../src/errors.js";
import { NextSentencePipeline, nextSentenceScores } from "../../../src/inference/pipelines/next-sentence.js";
import { readSafetensors } from "../../../src/io/safetensors.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
const BOOKS = join(SHARED, "data", "pretrain", "gutenberg");

/** Sentences of a novel: hard-wrapped lines joined, split after . ! ? and closing quotes. */
function sentences(file: string): string[] {
  const text = readFileSync(join(BOOKS, file), "utf8").replace(/\s+/g, " ");
  return (text.match(/[^.!?]+[.!?]+['’”]*/g) ?? []).map((s) => s.trim());
}

/**
 * Consecutive runs of whole sentences of at least 20 words (pre-training paired such segments, not single
 * short sentences), skipping those over 45 words to keep the test fast on the reference backend.
 */
function segments(all: string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const sentence of all) {
    current.push(sentence);
    const words = current.join(" ").split(" ").length;
    if (words >= 20) {
      out.push(words <= 35 ? current.join(" ") : "");
      current = [];
    }
  }
  return out;
}

/** The first `count` pairs of consecutive segments from `skip` on. */
function consecutivePairs(all: string[], skip: number, count: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = skip; i + 1 < all.length && pairs.length < count; i++) if (all[i] !== "" && all[i + 1] !== "") pairs.push([all[i], all[i + 1]]);
  return pairs;
}

describe("next-sentence against Hugging Face (pretraining-tiny)", () => {
  it("probabilities are the softmax of the golden seq_relationship_logits, index 0 = is next", async () => {
    const dir = join(GOLDEN_MODELS, "pretraining-tiny");
    const { model, config } = loadPretrained(dir, { architecture: "BertForNextSentencePrediction" });
    if (!(model instanceof BertForNextSentencePrediction)) throw new Error("expected BertForNextSentencePrediction");
    const tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
    const pipeline = NextSentencePipeline.fromParts({ model, config, tokenizer, dir, warning: null });
    const golden = readSafetensors(join(dir, "golden_outputs.safetensors")).tensors;
    const input = (name: string): Tensor => {
      const t = golden.get(name);
      if (t === undefined) throw new Error(`${name} missing`);
      return new Tensor(Int32Array.from(t.data), t.shape);
    };
    const scores = pipeline.scoreBatch({ inputIds: input("input_ids"), attentionMask: input("attention_mask"), tokenTypeIds: input("token_type_ids") });
    const logits = golden.get("seq_relationship_logits");
    if (logits === undefined) throw new Error("seq_relationship_logits missing");
    let max = 0;
    scores.forEach((s, r) => {
      const [next, random] = [logits.data[2 * r], logits.data[2 * r + 1]];
      const expected = Math.exp(next) / (Math.exp(next) + Math.exp(random));
      max = Math.max(max, Math.abs(s.isNextProbability - expected));
      expect(s.isNext).toBe(next >= random);
    });
    console.log(`next-sentence pretraining-tiny: max |p − softmax(golden logits)[0]| = ${max.toExponential(2)}`);
    expect(max).toBeLessThan(1e-5);
  });

  it("nextSentenceScores: equal logits are an even bet; a large margin saturates without overflow", () => {
    expect(nextSentenceScores([2, 2])[0]).toEqual({ isNextProbability: 0.5, isNext: true });
    expect(nextSentenceScores([800, -800])[0].isNextProbability).toBe(1);
    expect(nextSentenceScores([-800, 800])[0].isNextProbability).toBe(0);
  });
});

describe("next-sentence on gutenberg-mini", () => {
  let mini: NextSentencePipeline;
  beforeAll(async () => {
    mini = await NextSentencePipeline.load(MINI);
  });

  it("the sentence that follows in Alice scores higher than one from another novel", async () => {
    expect(mini.warning).toBeNull(); // the BertForPreTraining checkpoint holds the NSP head
    const alice = consecutivePairs(segments(sentences("pg11.txt")), 2, 4);
    const martians = segments(sentences("pg36.txt")).filter((s) => s !== "").slice(20, 24);
    const follows = mini.run(alice.map(([text, textPair]) => ({ text, textPair })), { batchSize: 4 });
    const random = mini.run(alice.map(([text], i) => ({ text, textPair: martians[i] })));
    // The model's probabilities are not calibrated on such short segments; its log-odds still set them apart.
    const logOdds = (p: number): number => Math.log(p / (1 - p));
    const margins = follows.map((f, i) => logOdds(f.isNextProbability) - logOdds(random[i].isNextProbability));
    const mean = margins.reduce((a, m) => a + m, 0) / margins.length;
    console.log(`gutenberg-mini NSP: p(is next) ${follows.map((f) => f.isNextProbability.toFixed(3)).join(", ")} for true continuations, ` +
      `${random.map((f) => f.isNextProbability.toFixed(4)).join(", ")} for random ones; mean log-odds margin ${mean.toFixed(2)}`);
    expect(margins.every((m) => m > 0)).toBe(true);
    expect(mean).toBeGreaterThan(2);
  });

  it("bad input is a one-line error", () => {
    expect(() => mini.run(["just one text"] as unknown as { text: string; textPair: string }[]))
      .toThrow(new InputError('next-sentence input 1 is "just one text"; give a pair {text: "first", textPair: "the one that may follow"}'));
  });
});
