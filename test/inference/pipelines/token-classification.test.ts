/**
 * TokenClassificationPipeline against Hugging Face's pipeline outputs (../shared/golden/pipelines.json) on the
 * golden BertForTokenClassification `tokcls-5` with the lower-cased `vocab-small.txt` tokenizer: aggregation
 * "none" and "simple" give the same tokens/groups, words and offsets, and scores within 1e-4. Then the word
 * aggregations, ignored labels and long texts cut into overlapping windows, checked by their properties.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertForTokenClassification } from "../../../src/bert/heads/token-classification.js";
import { InputError } from "../../../src/errors.js";
import {
  dropIgnored, entityGroups, gatherPreEntities, resolveOverlaps, tokenEntities, type PreEntity,
} from "../../../src/inference/pipelines/entity-aggregation.js";
import { WordPieceDecoder } from "../../../src/tokenizer/decoder.js";
import { TokenClassificationPipeline, type EntityGroup, type TokenEntity } from "../../../src/inference/pipelines/token-classification.js";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";

interface GoldenRun<E> {
  text: string;
  aggregation_strategy: string;
  out: E[];
}

const golden = JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as {
  "token-classification": GoldenRun<EntityGroup>[];
  "token-classification-none": GoldenRun<TokenEntity>[];
};
const VOCAB = join(SHARED, "golden", "vocab-small.txt");

let pipeline: TokenClassificationPipeline;
beforeAll(async () => {
  pipeline = await TokenClassificationPipeline.load(join(GOLDEN_MODELS, "tokcls-5"), { tokenizer: VOCAB });
});

/** Largest score difference; every other field must be equal. */
function compare<E extends { score: number }>(actual: E[], expected: E[]): number {
  expect(actual.map(({ score: _, ...rest }) => rest)).toEqual(expected.map(({ score: _, ...rest }) => rest));
  return Math.max(...actual.map((a, i) => Math.abs(a.score - expected[i].score)));
}

describe("token-classification pipeline: Hugging Face goldens (tokcls-5)", () => {
  it("aggregation none: tokens, labels, index, words, offsets; scores within 1e-4", () => {
    for (const g of golden["token-classification-none"]) {
      const [out] = pipeline.run([g.text], { aggregation: "none" });
      const diff = compare(out, g.out);
      console.log(`none: ${out.length} tokens, max score difference ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
    }
  });

  it("aggregation simple: groups, decoded words, offsets; scores within 1e-4", () => {
    for (const g of golden["token-classification"]) {
      const [out] = pipeline.run([g.text], { aggregation: "simple" });
      const diff = compare(out, g.out);
      console.log(`simple: ${out.length} groups, max score difference ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
    }
  });
});

describe("token-classification pipeline: word aggregations, ignored labels, batches", () => {
  const text = golden["token-classification-none"][0].text;
  const none = golden["token-classification-none"][0].out;

  /** Hugging Face's "none" tokens fused into words (a ## token joins the previous one), as a test oracle. */
  function goldenWords(): TokenEntity[][] {
    const words: TokenEntity[][] = [];
    for (const t of none) {
      if (t.word.startsWith("##")) words[words.length - 1].push(t);
      else words.push([t]);
    }
    return words;
  }

  /** Adjacent words with the same label (these labels have no B-/I- prefix) merged, scores averaged. */
  function grouped(words: { entity: string; score: number; start: number; end: number }[]): { entity_group: string; score: number; start: number; end: number }[] {
    const out: { entity_group: string; score: number; start: number; end: number; n: number }[] = [];
    for (const w of words) {
      const last = out[out.length - 1];
      if (last !== undefined && last.entity_group === w.entity) {
        last.score = (last.score * last.n + w.score) / (last.n + 1);
        last.n++;
        last.end = w.end;
      } else out.push({ entity_group: w.entity, score: w.score, start: w.start, end: w.end, n: 1 });
    }
    return out.map(({ n: _, ...g }) => g);
  }

  it("first: each word takes its first token's label and score (derived from the golden tokens)", () => {
    const expected = grouped(goldenWords().map((w) => ({ entity: w[0].entity, score: w[0].score, start: w[0].start, end: w[w.length - 1].end })));
    const [out] = pipeline.run([text], { aggregation: "first" });
    expect(out.map(({ entity_group, start, end }) => ({ entity_group, start, end }))).toEqual(expected.map(({ score: _, ...g }) => g));
    out.forEach((g, i) => expect(Math.abs(g.score - expected[i].score)).toBeLessThan(1e-4));
    // Whole words decoded: the text they cover (it is lower-case with single spaces).
    for (const g of out) expect(g.word).toBe(text.slice(g.start, g.end));
  });

  it("max: each word takes the label of its most confident token (derived from the golden tokens)", () => {
    const expected = grouped(goldenWords().map((w) => {
      const best = w.reduce((a, b) => (b.score > a.score ? b : a));
      return { entity: best.entity, score: best.score, start: w[0].start, end: w[w.length - 1].end };
    }));
    const [out] = pipeline.run([text], { aggregation: "max" });
    expect(out.map(({ entity_group, start, end }) => ({ entity_group, start, end }))).toEqual(expected.map(({ score: _, ...g }) => g));
    out.forEach((g, i) => expect(Math.abs(g.score - expected[i].score)).toBeLessThan(1e-4));
  });

  it("average: groups never split a word, and each word's score, the largest of 5 mean probabilities, is ≥ 1/5", () => {
    const [avg] = pipeline.run([text], { aggregation: "average" });
    const wordStarts = new Set(goldenWords().map((w) => w[0].start));
    const wordEnds = new Set(goldenWords().map((w) => w[w.length - 1].end));
    for (const g of avg) {
      expect(wordStarts.has(g.start)).toBe(true);
      expect(wordEnds.has(g.end)).toBe(true);
      expect(g.score).toBeGreaterThan(1 / 5 - 1e-9); // the best of 5 mean probabilities is at least 1/5
    }
    for (const g of avg) expect(g.word).toBe(text.slice(g.start, g.end));
  });

  it("ignoreLabels drops those labels; the default ['O'] drops nothing here (the labels are LABEL_0…)", () => {
    const [out] = pipeline.run([text], { aggregation: "none", ignoreLabels: ["LABEL_4"] });
    expect(out.map((t) => t.index)).toEqual(none.filter((t) => t.entity !== "LABEL_4").map((t) => t.index));
    const [grouped4] = pipeline.run([text], { aggregation: "simple", ignoreLabels: ["LABEL_4", "LABEL_2"] });
    expect(grouped4.map((g) => g.entity_group)).toEqual(golden["token-classification"][0].out.filter((g) => g.entity_group === "LABEL_3").map((g) => g.entity_group));
  });

  it("gives the same results whatever the batch size (padding does not change them)", () => {
    const texts = [text, "in london.", "", "stratford and london and william"];
    const one = pipeline.run(texts, { aggregation: "simple", batchSize: 1 });
    const all = pipeline.run(texts, { aggregation: "simple", batchSize: 4 });
    expect(one[2]).toEqual([]);
    expect(all.map((r) => r.map(({ score: _, ...g }) => g))).toEqual(one.map((r) => r.map(({ score: _, ...g }) => g)));
    all.flat().forEach((g, i) => expect(Math.abs(g.score - one.flat()[i].score)).toBeLessThan(1e-5));
  });

  it("shows an unknown token as the text it covers", () => {
    const [out] = pipeline.run(["london 日 x"], { aggregation: "none" });
    const unknown = out.find((t) => t.start === 7);
    expect(unknown?.word).toBe("日");
    expect(unknown?.end).toBe(8);
  });
});

describe("token-classification pipeline: long texts", () => {
  it("cuts a long text into overlapping windows: every token once, in order, with its place in the whole text", () => {
    const text = Array.from({ length: 8 }, () => "william shakespeare lived in london and stratford.").join(" ");
    const whole = pipeline.tokenizer.encode(text);
    expect(whole.length).toBeGreaterThan(pipeline.maxLength); // 138 tokens, the model takes 64
    const [out] = pipeline.run([text], { aggregation: "none" });
    expect(out.map((t) => t.index)).toEqual(Array.from({ length: whole.length - 2 }, (_, i) => i + 1));
    expect(out.map((t) => t.word)).toEqual(whole.tokens.slice(1, -1));
    expect(out.map((t) => [t.start, t.end])).toEqual(whole.offsets.slice(1, -1));
    const [groups] = pipeline.run([text], { aggregation: "first" });
    for (let i = 1; i < groups.length; i++) expect(groups[i].start).toBeGreaterThanOrEqual(groups[i - 1].end);
    expect(groups.at(-1)?.end).toBe(text.length);
  });

  it("tokens before the overlap get the scores of the first window run alone", () => {
    const text = "william shakespeare lived in london and stratford.";
    // Windows of 12 tokens (10 of text), 3 shared: the first covers tokens 1–10; tokens 1–7 are in no other window.
    const [windowed] = pipeline.run([text], { aggregation: "none", maxLength: 12, stride: 3 });
    const whole = pipeline.tokenizer.encode(text);
    const prefix = text.slice(0, whole.offsets[10][1]); // the text of tokens 1–10: the same first window
    const [alone] = pipeline.run([prefix], { aggregation: "none" });
    expect(windowed.map((t) => t.index)).toEqual(Array.from({ length: whole.length - 2 }, (_, i) => i + 1));
    for (let i = 0; i < 7; i++) {
      expect(windowed[i].entity).toBe(alone[i].entity);
      expect(Math.abs(windowed[i].score - alone[i].score)).toBeLessThan(1e-6);
    }
  });

  it("rejects bad options with one line", () => {
    expect(() => pipeline.run(["x"], { aggregation: "all" as "none" })).toThrow(/unknown aggregation "all"; use one of none, simple/);
    expect(() => pipeline.run(["x"], { maxLength: 65 })).toThrow(/maxLength must be an integer from 3 to 64/);
    expect(() => pipeline.run(["x"], { maxLength: 12, stride: 10 })).toThrow(/stride must be an integer from 0 to 9/);
    expect(() => pipeline.run(["x"], { batchSize: 0 })).toThrow(InputError);
    expect(() => pipeline.run("x" as unknown as string[])).toThrow(/array of strings/);
  });

  it("load needs a tokenizer when the folder has none; fromParts takes a model in memory", async () => {
    await expect(TokenClassificationPipeline.load(join(GOLDEN_MODELS, "tokcls-5"))).rejects.toThrow(/neither tokenizer.json nor vocab.txt/);
    const p = TokenClassificationPipeline.fromParts(pipeline.model, pipeline.tokenizer);
    expect(p.model).toBeInstanceOf(BertForTokenClassification);
    expect(p.run(["in london"])[0].map((t) => t.word)).toEqual(["in", "london"]);
  });
});

describe("entity aggregation, hand-computed (Hugging Face's micro|soft com|pany example)", () => {
  const labels = ["O", "B-ENT", "I-ENT", "I-NAME"];
  const text = "microsoft company";
  const vocab = ["[CLS]", "[SEP]", "[UNK]", "micro", "##soft", "com", "##pany"];
  // Probabilities over O, B-ENT, I-ENT, I-NAME of each token; [CLS] and [SEP] are skipped.
  const p = (...v: number[]): Float64Array => Float64Array.from(v);
  const pre: PreEntity[] = gatherPreEntities({
    text, ids: [0, 3, 4, 5, 6, 1], offsets: [0, 0, 0, 5, 5, 9, 10, 13, 13, 17, 0, 0], specialTokensMask: [1, 0, 0, 0, 0, 1],
    scores: [p(1, 0, 0, 0), p(0.1, 0.45, 0.05, 0.4), p(0.1, 0.1, 0.3, 0.5), p(0.2, 0.1, 0.4, 0.3), p(0.1, 0.1, 0.7, 0.1), p(1, 0, 0, 0)],
    indexBase: 0,
  }, { tokenOf: (id) => vocab[id], unkId: 2 });
  const decoder = new WordPieceDecoder();
  const decode = (t: string[]): string => decoder.decode(t);
  const close = (groups: { score: number }[], scores: number[]): void => groups.forEach((g, i) => expect(g.score).toBeCloseTo(scores[i], 12));
  const shape = (groups: { entity_group: string; word: string; start: number; end: number }[]): string[] =>
    groups.map((g) => `${g.entity_group} ${g.word} ${g.start}-${g.end}`);

  it("gathers tokens: ## pieces are sub-words, special tokens are left out", () => {
    expect(pre.map((e) => [e.word, e.index, e.isSubword])).toEqual([["micro", 1, false], ["##soft", 2, true], ["com", 3, false], ["##pany", 4, true]]);
  });

  it("none: each token's best label", () => {
    expect(tokenEntities(pre, labels).map((e) => `${e.entity} ${e.score}`)).toEqual(["B-ENT 0.45", "I-NAME 0.5", "I-ENT 0.4", "I-ENT 0.7"]);
  });

  it("simple: a change of type starts a group; I-ENT after I-ENT continues it; the score is the mean", () => {
    const g = entityGroups(pre, "simple", labels, decode);
    expect(shape(g)).toEqual(["ENT micro 0-5", "NAME ##soft 5-9", "ENT company 10-17"]);
    close(g, [0.45, 0.5, 0.55]);
  });

  it("first: microsoft = micro's B-ENT, company = com's I-ENT: one ENT group", () => {
    const g = entityGroups(pre, "first", labels, decode);
    expect(shape(g)).toEqual(["ENT microsoft company 0-17"]);
    close(g, [(0.45 + 0.4) / 2]);
  });

  it("max: microsoft = ##soft's I-NAME (0.5 > 0.45), company = ##pany's I-ENT (0.7)", () => {
    const g = entityGroups(pre, "max", labels, decode);
    expect(shape(g)).toEqual(["NAME microsoft 0-9", "ENT company 10-17"]);
    close(g, [0.5, 0.7]);
  });

  it("average: microsoft's mean is (0.1, 0.275, 0.175, 0.45) → I-NAME; company's (0.15, 0.1, 0.55, 0.2) → I-ENT", () => {
    const g = entityGroups(pre, "average", labels, decode);
    expect(shape(g)).toEqual(["NAME microsoft 0-9", "ENT company 10-17"]);
    close(g, [0.45, 0.55]);
  });

  it("two B- tags in a row are two groups; ignored labels go; an [UNK] shows its text and is never a sub-word", () => {
    const b = gatherPreEntities({
      text: "ab cd", ids: [3, 2], offsets: [0, 2, 3, 5], specialTokensMask: [0, 0], scores: [p(0, 1, 0, 0), p(0, 1, 0, 0)], indexBase: 7,
    }, { tokenOf: (id) => vocab[id], unkId: 2 });
    expect(b.map((e) => [e.word, e.index, e.isSubword])).toEqual([["micro", 7, true], ["cd", 8, false]]);
    expect(shape(entityGroups(b, "simple", labels, decode))).toEqual(["ENT micro 0-2", "ENT cd 3-5"]);
    expect(dropIgnored(entityGroups(pre, "simple", labels, decode), ["NAME"]).map((g) => g.word)).toEqual(["micro", "company"]);
    expect(dropIgnored(tokenEntities(pre, labels), ["I-ENT"]).map((e) => e.word)).toEqual(["micro", "##soft"]);
  });

  it("resolveOverlaps keeps the longer of overlapping entities, then the higher score", () => {
    const e = (start: number, end: number, score: number): { start: number; end: number; score: number } => ({ start, end, score });
    expect(resolveOverlaps([e(10, 12, 0.3), e(0, 5, 0.9), e(20, 25, 0.5), e(10, 12, 0.8), e(0, 9, 0.1)])).toEqual([e(0, 9, 0.1), e(10, 12, 0.8), e(20, 25, 0.5)]);
    expect(resolveOverlaps([])).toEqual([]);
  });
});
