/**
 * QuestionAnsweringPipeline on the golden BertForQuestionAnswering (../shared/golden/models/qa, vocab-small.txt,
 * 64 positions) against an independent reading of Hugging Face's pipeline: the tokenizer's own windows (only_second,
 * stride), the model's logits, probabilities soft-maxed over context + [CLS] written out here, every span scored
 * p_start · p_end by brute force, widened to whole words, merged over windows. Also: long contexts strided (never an
 * error), handle_impossible_answer, word alignment, loading, and one-line errors.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { BertForQuestionAnswering } from "../../../src/bert/heads/question-answering.js";
import { InputError } from "../../../src/errors.js";
import { QuestionAnsweringPipeline, type QuestionAnsweringAnswer } from "../../../src/inference/pipelines/question-answering.js";
import { noGrad } from "../../../src/tensor/autograd.js";
import { intTensor } from "../../../src/tensor/tensor.js";
import { loadVocabTokenizer, type BertTokenizer } from "../../../src/tokenizer/index.js";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";
import { tmp } from "../../cli/run-bin.js";

const VOCAB = join(SHARED, "golden", "vocab-small.txt");
let pipeline: QuestionAnsweringPipeline;
let model: BertForQuestionAnswering;
let tokenizer: BertTokenizer;

/** A model folder: a golden model with vocab-small.txt as its vocab.txt. */
function goldenFolder(name: string): string {
  const dir = tmp("bertkit-qa-pipeline-");
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(GOLDEN_MODELS, name, f), join(dir, f));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  return dir;
}

beforeAll(async () => {
  pipeline = await QuestionAnsweringPipeline.load(goldenFolder("qa"));
  tokenizer = await loadVocabTokenizer(VOCAB);
  const loaded = loadPretrained(join(GOLDEN_MODELS, "qa")).model;
  if (!(loaded instanceof BertForQuestionAnswering)) throw new Error("expected BertForQuestionAnswering");
  model = loaded;
});

/** Hugging Face's pipeline, read independently: all spans of every window, best first. */
function reference(question: string, context: string, o: { maxSeqLength: number; docStride: number; maxAnswerLength: number; impossible: boolean }): QuestionAnsweringAnswer[] {
  const first = tokenizer.encode(question, context, { maxLength: o.maxSeqLength, truncation: "only_second", stride: o.docStride });
  const answers: QuestionAnsweringAnswer[] = [];
  let minNull = 1e6;
  for (const e of [first, ...first.overflowing]) {
    const out = noGrad(() => model.forward({ inputIds: intTensor(e.inputIds, [1, e.length]), tokenTypeIds: intTensor(e.tokenTypeIds, [1, e.length]) }));
    const keep = (i: number): boolean => i === 0 || e.sequenceIndex[i] === 1;
    const softmax = (x: ArrayLike<number>): number[] => {
      const masked = Array.from({ length: e.length }, (_, i) => (keep(i) ? x[i] : -10000));
      const max = Math.max(...masked);
      const exp = masked.map((v) => Math.exp(v - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp.map((v) => v / sum);
    };
    const ps = softmax(out.startLogits.toArray());
    const pe = softmax(out.endLogits.toArray());
    minNull = Math.min(minNull, ps[0] * pe[0]);
    const word = (i: number, side: 0 | 1): number => {
      const chars = Array.from({ length: e.length }, (_, k) => k).filter((k) => e.sequenceIndex[k] === 1 && e.wordIndex[k] === e.wordIndex[i]);
      return side === 0 ? Math.min(...chars.map((k) => e.offsets[k][0])) : Math.max(...chars.map((k) => e.offsets[k][1]));
    };
    for (let s = 1; s < e.length; s++) {
      for (let t = s; t < e.length && t - s < o.maxAnswerLength; t++) {
        if (e.sequenceIndex[s] !== 1 || e.sequenceIndex[t] !== 1) continue;
        const start = word(s, 0);
        const end = word(t, 1);
        answers.push({ score: ps[s] * pe[t], start, end, answer: context.slice(start, end) });
      }
    }
  }
  if (o.impossible) answers.push({ score: minNull, start: 0, end: 0, answer: "" });
  return answers.sort((a, b) => b.score - a.score);
}

function expectSame(actual: QuestionAnsweringAnswer[], expected: QuestionAnsweringAnswer[]): number {
  expect(actual.map(({ score: _, ...rest }) => rest)).toEqual(expected.map(({ score: _, ...rest }) => rest));
  return Math.max(...actual.map((a, i) => Math.abs(a.score - expected[i].score) / expected[i].score));
}

const CONTEXT = "the king is richard , and his queen is anne . they dwell in london by the river .";

describe("question-answering pipeline vs. an independent reading of Hugging Face's", () => {
  it("one window: the top 5 spans, their word-aligned characters and scores", () => {
    const [out] = pipeline.run([{ question: "who is the king ?", context: CONTEXT }], { topK: 5 });
    const expected = reference("who is the king ?", CONTEXT, { maxSeqLength: 64, docStride: 32, maxAnswerLength: 15, impossible: false }).slice(0, 5);
    const diff = expectSame(out, expected);
    console.log(`one window: top answer ${JSON.stringify(out[0].answer)} (${out[0].score.toFixed(4)}), max relative score difference ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
    for (const a of out) expect(a.answer).toBe(CONTEXT.slice(a.start, a.end));
  });

  it("a long context is strided into windows and every window's spans compete", () => {
    const context = Array.from({ length: 12 }, () => CONTEXT).join(" ");
    expect(tokenizer.encode("where do they dwell ?", context).length).toBeGreaterThan(200);
    const options = { topK: 8, maxSeqLength: 48, docStride: 16, maxAnswerLength: 6 };
    const [out] = pipeline.run([{ question: "where do they dwell ?", context }], options);
    const expected = reference("where do they dwell ?", context, { ...options, impossible: false }).slice(0, 8);
    expect(expectSame(out, expected)).toBeLessThan(1e-5);
    expect(out).toHaveLength(8);
  });

  it("handleImpossibleAnswer adds \"\" at 0–0, scored by the smallest [CLS] p_start · p_end over the windows", () => {
    const context = Array.from({ length: 4 }, () => CONTEXT).join(" ");
    const options = { topK: 1000, maxSeqLength: 40, docStride: 10, maxAnswerLength: 4 };
    const [out] = pipeline.run([{ question: "who is she ?", context }], { ...options, handleImpossibleAnswer: true });
    const expected = reference("who is she ?", context, { ...options, impossible: true }).slice(0, 1000);
    expect(expectSame(out, expected)).toBeLessThan(1e-5);
    expect(out.filter((a) => a.answer === "")).toHaveLength(1);
    const [plain] = pipeline.run([{ question: "who is she ?", context }], options);
    expect(plain.some((a) => a.answer === "")).toBe(false);
  });

  it("answers start and end on word boundaries even when the best token is inside a word", () => {
    const context = "the unbelievably wealthy duke of gloucester married the lady anne .";
    const [out] = pipeline.run([{ question: "whom did he marry ?", context }], { topK: 30, maxAnswerLength: 4 });
    expect(tokenizer.tokenize("unbelievably gloucester").length).toBeGreaterThan(2); // words of several pieces
    for (const a of out) {
      expect(a.start === 0 || context[a.start - 1] === " ").toBe(true);
      expect(a.end === context.length || context[a.end] === " ").toBe(true);
    }
  });

  it("runs several inputs in batches of any size with the same answers", () => {
    const inputs = [
      { question: "who is the king ?", context: CONTEXT },
      { question: "where ?", context: Array.from({ length: 6 }, () => CONTEXT).join(" ") },
      { question: "who is the queen ?", context: "anne ." },
    ];
    const one = pipeline.run(inputs, { batchSize: 1, topK: 3 });
    const many = pipeline.run(inputs, { batchSize: 16, topK: 3 });
    expect(many.map((r) => r.map((a) => a.answer))).toEqual(one.map((r) => r.map((a) => a.answer)));
    many.flat().forEach((a, i) => expect(a.score).toBeCloseTo(one.flat()[i].score, 6));
    const few = pipeline.run([inputs[2]], { topK: 5 })[0]; // a short context has fewer spans than topK
    expect(few.map((a) => a.answer).sort()).toEqual([".", "anne", "anne ."]);
  });
});

describe("loading and errors", () => {
  it("a folder without a QA head loads with Hugging Face's newly-initialized warning", async () => {
    const p = await QuestionAnsweringPipeline.load(goldenFolder("pretraining-tiny"));
    expect(p.warning).toMatch(/qa_outputs\.weight/);
    expect(pipeline.warning).toBeNull();
  });

  it("empty questions or contexts, bad options and too-long windows are one-line errors", () => {
    const run = (q: string, c: string, o = {}): unknown => pipeline.run([{ question: q, context: c }], o);
    expect(() => run("", "x")).toThrow(new InputError("question answering input 1: the question is empty; give a non-empty question"));
    expect(() => run("who ?", "  ")).toThrow(new InputError("question answering input 1: the context is empty; give a non-empty context"));
    expect(() => pipeline.run([])).toThrow(/no inputs/);
    expect(() => run("who ?", "x", { topK: 0 })).toThrow(new InputError("topK must be an integer ≥ 1, got 0"));
    expect(() => run("who ?", "x", { maxSeqLength: 128 })).toThrow(new InputError("maxSeqLength 128 is longer than the model's 64 positions; use at most 64"));
    expect(() => run("who ?", "x", { docStride: 64 })).toThrow(/^docStride 64 leaves no new context per window with maxLength 64/);
  });
});
