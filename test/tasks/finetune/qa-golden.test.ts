/**
 * The QA code against Hugging Face's golden BertForQuestionAnswering (../shared/golden/models/qa): the golden input
 * rows run through `windowLogits` (re-batched two at a time, sorted by length, padded differently from the
 * golden batch) give the golden start/end logits on every real token, so the head's outputs reach span
 * selection unchanged; and the answer picked from our logits is the one a brute-force search picks from the
 * golden logits. Prints the max differences.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { BertForQuestionAnswering } from "../../../src/bert/heads/question-answering.js";
import { readSafetensors, type TensorData } from "../../../src/io/safetensors.js";
import { windowLogits } from "../../../src/tasks/finetune/qa/logits.js";
import { selectAnswer } from "../../../src/tasks/finetune/qa/postprocess.js";
import type { QaWindow } from "../../../src/tasks/finetune/qa/windows.js";
import { Encoding } from "../../../src/tokenizer/encoding.js";
import { GOLDEN_MODELS } from "../../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "qa");
const golden = readSafetensors(join(DIR, "golden_outputs.safetensors")).tensors;
const get = (key: string): TensorData => {
  const t = golden.get(key);
  if (t === undefined) throw new Error(`golden ${key} missing`);
  return t;
};
const [B, T] = get("input_ids").shape;

/**
 * Golden row `b` as a QA window: its real tokens ([CLS] A [SEP] B [SEP]); the context is segment B without its
 * [SEP], and token i spans the characters [i, i + 1) of a made-up context, so that an answer's text names its tokens.
 */
function goldenWindow(b: number): QaWindow {
  const mask = get("attention_mask").data.subarray(b * T, (b + 1) * T);
  const n = Array.from(mask).reduce((s, m) => s + m, 0);
  const slice = (key: string): Int32Array => Int32Array.from(get(key).data.subarray(b * T, b * T + n));
  const types = slice("token_type_ids");
  const sequences = Int32Array.from(types, (t, i) => (i === 0 || i === n - 1 || (t === 0 && types[i + 1] === 1) ? -1 : t));
  const offsets = Int32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : (k + 1) / 2));
  const encoding = new Encoding({
    ids: slice("input_ids"), typeIds: types, offsets, words: Int32Array.from({ length: n }, (_, i) => i), sequences,
    specialTokensMask: Int32Array.from(sequences, (s) => (s < 0 ? 1 : 0)), attentionMask: new Int32Array(n).fill(1),
  }, String);
  return { encoding, contextStart: types.indexOf(1), contextEnd: n - 1 };
}

const CONTEXT = "abcdefghijklmnopqrstuvwxyz";

describe("the golden QA model through the QA code", () => {
  const { model } = loadPretrained(DIR);
  if (!(model instanceof BertForQuestionAnswering)) throw new Error("expected BertForQuestionAnswering");
  const windows = Array.from({ length: B }, (_, b) => goldenWindow(b));

  it("windowLogits gives Hugging Face's start and end logits on every real token (re-batched and re-padded)", () => {
    const logits = windowLogits(model, windows.map((w) => w.encoding), 0, 2);
    let worst = 0;
    windows.forEach((w, b) => {
      const n = w.encoding.length;
      expect(logits[b].start).toHaveLength(n);
      for (const [ours, key] of [[logits[b].start, "start_logits"], [logits[b].end, "end_logits"]] as const) {
        const expected = get(key).data.subarray(b * T, b * T + n);
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
      }
    });
    console.log(`golden qa start/end logits through windowLogits: max |Δ| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it("picks, from our logits, the span a brute-force search picks from the golden logits", () => {
    const logits = windowLogits(model, windows.map((w) => w.encoding), 0, 3);
    windows.forEach((w, b) => {
      const start = get("start_logits").data.subarray(b * T, (b + 1) * T);
      const end = get("end_logits").data.subarray(b * T, (b + 1) * T);
      let best = { score: -Infinity, s: 0, e: 0 };
      for (let s = w.contextStart; s < w.contextEnd; s++) {
        for (let e = s; e < Math.min(w.contextEnd, s + 30); e++) if (start[s] + end[e] > best.score) best = { score: start[s] + end[e], s, e };
      }
      const picked = selectAnswer(CONTEXT, [w], [logits[b]], { nBest: 24, maxAnswerLength: 30, allowNoAnswer: false, nullScoreDiffThreshold: 0 });
      expect([picked.start, picked.end - 1], `row ${b}`).toEqual([best.s, best.e]);
      expect(picked.nullScoreDiff).toBeCloseTo(start[0] + end[0] - best.score, 4);
    });
  });
});
