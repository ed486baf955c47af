/**
 * Picking answers from logits (utils_qa.py's rules) on hand-made logits: spans only over context tokens, end ≥ start,
 * at most maxAnswerLength tokens, only among the n best starts and ends, the best window wins, and v2.0's null
 * score (min over windows of [CLS] start + end) against the best span with the threshold. With n-best as large
 * as the window the choice equals a brute-force search over all valid spans (random logits).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { WindowLogits } from "../../../src/tasks/finetune/qa/logits.js";
import { selectAnswer, topIndices, type SpanOptions } from "../../../src/tasks/finetune/qa/postprocess.js";
import { encodeQaWindows, type QaWindow } from "../../../src/tasks/finetune/qa/windows.js";
import { Rng } from "../../../src/tensor/random.js";
import { loadVocabTokenizer, type BertTokenizer } from "../../../src/tokenizer/index.js";
import { SHARED } from "../../helpers/golden.js";

let tokenizer: BertTokenizer;
beforeAll(async () => {
  tokenizer = await loadVocabTokenizer(join(SHARED, "data", "vocab", "bert-base-uncased.txt"));
});

const CONTEXT = "the code is 42 . it was set in 1990 .";
// [CLS] what is the code ? [SEP] the(7) code(8) is(9) 42(10) .(11) it(12) was(13) set(14) in(15) 1990(16) .(17) [SEP](18)
const window = (): QaWindow => encodeQaWindows(tokenizer, "what is the code?", CONTEXT, { maxLength: 384, docStride: 128, maxQueryLength: 64 }, "test")[0];

/** Logits of T tokens: −5 everywhere except the given positions. */
function logits(t: number, starts: Record<number, number>, ends: Record<number, number>): WindowLogits {
  const start = new Float32Array(t).fill(-5);
  const end = new Float32Array(t).fill(-5);
  for (const [i, v] of Object.entries(starts)) start[Number(i)] = v;
  for (const [i, v] of Object.entries(ends)) end[Number(i)] = v;
  return { start, end };
}

const V1: SpanOptions = { nBest: 20, maxAnswerLength: 30, allowNoAnswer: false, nullScoreDiffThreshold: 0 };

describe("selectAnswer", () => {
  it("takes the highest start + end over valid spans and returns the context's characters", () => {
    const w = window();
    expect(w.encoding.tokens[10]).toBe("42");
    const r = selectAnswer(CONTEXT, [w], [logits(19, { 10: 3, 16: 2 }, { 10: 3, 16: 1 })], V1);
    expect(r).toMatchObject({ text: "42", start: 12, end: 14 });
  });

  it("skips spans in the question or on special tokens, with end before start, or longer than maxAnswerLength", () => {
    const w = window();
    // Best raw pairs: question token 3 ("the"), [SEP] 6, end before start (16 → 10): all invalid; next is 12..14 (2 + 2).
    const l = logits(19, { 3: 9, 6: 9, 16: 8, 12: 2 }, { 3: 9, 6: 9, 10: 8, 14: 2 });
    expect(selectAnswer(CONTEXT, [w], [l], V1).text).toBe("it was set");
    // At most 2 tokens: "it was set" is out; 16..16 ("1990", 8 − 5) ties with 16..17 and was made first.
    expect(selectAnswer(CONTEXT, [w], [l], { ...V1, maxAnswerLength: 2 }).text).toBe("1990");
  });

  it("looks only at the n best starts and ends of each window (utils_qa.py's n_best_size)", () => {
    const w = window();
    // The three best starts are question tokens; with nBest 3 no valid span is left, with 4 "42" is found.
    const l = logits(19, { 1: 9, 2: 8, 3: 7, 10: 1 }, { 10: 1 });
    expect(selectAnswer(CONTEXT, [w], [l], { ...V1, nBest: 3 })).toEqual({ text: "", start: 0, end: 0, nullScoreDiff: Infinity });
    expect(selectAnswer(CONTEXT, [w], [l], { ...V1, nBest: 4 }).text).toBe("42");
  });

  it("compares spans across windows and answers in the context's characters", () => {
    const windows = encodeQaWindows(tokenizer, "what?", "a b c d e f g h i j k l m n", { maxLength: 12, docStride: 3, maxQueryLength: 64 }, "test");
    // Window 1 tokens 4.. are a..g, window 2's are e..k. Window 2's "h i" (2 + 2.5) beats window 1's "b" (2 + 2).
    const l = [logits(12, { 5: 2 }, { 5: 2 }), logits(12, { 7: 2 }, { 8: 2.5 }), logits(11, {}, {})];
    expect(selectAnswer("a b c d e f g h i j k l m n", windows, l, V1)).toMatchObject({ text: "h i", start: 14, end: 17 });
  });

  it("v2.0: null score = min over windows of [CLS] start + end; \"\" when it beats the best span by more than the threshold", () => {
    const windows = encodeQaWindows(tokenizer, "what?", "a b c d e f g h i j k l m n", { maxLength: 12, docStride: 3, maxQueryLength: 64 }, "test");
    const l = [logits(12, { 0: 4, 5: 2 }, { 0: 3, 5: 2 }), logits(12, { 0: 5, 7: 2 }, { 0: 2.5, 8: 2.5 }), logits(11, { 0: 6 }, { 0: 6 })];
    const v2 = { ...V1, allowNoAnswer: true };
    // Null: min(7, 7.5, 12) = 7; best span "h i" = 4.5; difference 2.5.
    expect(selectAnswer("a b c d e f g h i j k l m n", windows, l, v2)).toEqual({ text: "", start: 0, end: 0, nullScoreDiff: 2.5 });
    expect(selectAnswer("a b c d e f g h i j k l m n", windows, l, { ...v2, nullScoreDiffThreshold: 2.5 })).toEqual({ text: "h i", start: 14, end: 17, nullScoreDiff: 2.5 });
    expect(selectAnswer("a b c d e f g h i j k l m n", windows, l, V1).text).toBe("h i"); // v1.1 ignores the null score
  });

  it("with n-best covering the window, equals a brute-force search over every valid span (random logits)", () => {
    const w = window();
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const l: WindowLogits = { start: Float32Array.from({ length: 19 }, () => rng.normal()), end: Float32Array.from({ length: 19 }, () => rng.normal()) };
      const maxAnswerLength = 1 + rng.int(6);
      let best = { score: -Infinity, s: -1, e: -1 };
      for (let s = w.contextStart; s < w.contextEnd; s++) {
        for (let e = s; e < Math.min(w.contextEnd, s + maxAnswerLength); e++) {
          if (l.start[s] + l.end[e] > best.score) best = { score: l.start[s] + l.end[e], s, e };
        }
      }
      const offsets = w.encoding.offsets;
      const r = selectAnswer(CONTEXT, [w], [l], { ...V1, nBest: 19, maxAnswerLength });
      expect(r.text).toBe(CONTEXT.slice(offsets[best.s][0], offsets[best.e][1]));
      expect(r.nullScoreDiff).toBeCloseTo(l.start[0] + l.end[0] - best.score, 5);
    }
  });
});

describe("topIndices", () => {
  it("lists the n largest, largest first, ties by position", () => {
    expect(topIndices([1, 5, 3, 5, 0], 3)).toEqual([1, 3, 2]);
    expect(topIndices([1, 2], 5)).toEqual([1, 0]);
  });
});
