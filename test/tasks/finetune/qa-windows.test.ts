/**
 * QA windows and their training labels: hand-counted windows and answer positions, question truncation, the
 * windows of real SQuAD dev questions against Hugging Face's Rust `tokenizers` (the devDependency, run_qa.py's
 * tokenizer call: only_second, stride = doc_stride, overflowing), and the labels' defining properties on every
 * dev window (the labelled tokens cover the answer and no smaller span does).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Tokenizer, TruncationOptions } from "tokenizers";
import { rustBertTokenizer, toUtf16Offsets } from "../../../bench/tokenizer/oracle.js";
import { readSquad } from "../../../src/data/finetune/squad.js";
import { InputError } from "../../../src/errors.js";
import { qaTrainData } from "../../../src/tasks/finetune/qa/dataset.js";
import { answerTokenSpan } from "../../../src/tasks/finetune/qa/labels.js";
import { checkWindowOptions, encodeQaWindows, truncateQuestion, type QaWindow } from "../../../src/tasks/finetune/qa/windows.js";
import { loadVocabTokenizer, type BertTokenizer } from "../../../src/tokenizer/index.js";
import { SHARED } from "../../helpers/golden.js";

const VOCAB = join(SHARED, "data", "vocab", "bert-base-uncased.txt");
const DEV = join(SHARED, "data", "qa", "squad-v1.1", "dev.json");
let tokenizer: BertTokenizer;

beforeAll(async () => {
  tokenizer = await loadVocabTokenizer(VOCAB);
});

const contextTokens = (w: QaWindow): string[] => w.encoding.tokens.slice(w.contextStart, w.contextEnd);

describe("windows", () => {
  it("one window: [CLS] question [SEP] context [SEP], the answer labelled by hand", () => {
    const context = "the code is 42 .";
    const [w, ...more] = encodeQaWindows(tokenizer, "what is the code?", context, { maxLength: 384, docStride: 128, maxQueryLength: 64 }, "test");
    expect(more).toHaveLength(0);
    expect(w.encoding.tokens).toEqual(["[CLS]", "what", "is", "the", "code", "?", "[SEP]", "the", "code", "is", "42", ".", "[SEP]"]);
    expect([w.contextStart, w.contextEnd]).toEqual([7, 12]);
    expect(answerTokenSpan(w, 12, 14)).toEqual([10, 10]); // "42"
    expect(answerTokenSpan(w, 4, 14)).toEqual([8, 10]); // "code is 42"
    expect(answerTokenSpan(w, 5, 14)).toEqual([8, 10]); // starting inside "code": its token
  });

  it("long contexts slide: room 7 tokens, docStride 3 shared, so windows start every 4 tokens", () => {
    const context = "a b c d e f g h i j k l m n";
    // 12 tokens per window − 3 special − 2 question tokens ("what ?") = 7 context tokens.
    const windows = encodeQaWindows(tokenizer, "what?", context, { maxLength: 12, docStride: 3, maxQueryLength: 64 }, "test");
    expect(windows.map(contextTokens)).toEqual([
      ["a", "b", "c", "d", "e", "f", "g"],
      ["e", "f", "g", "h", "i", "j", "k"],
      ["i", "j", "k", "l", "m", "n"],
    ]);
    // "f g h" (characters 10–15) lies wholly in the second window only; elsewhere the label is [CLS].
    expect(windows.map((w) => answerTokenSpan(w, 10, 15))).toEqual([[0, 0], [5, 7], [0, 0]]);
    for (const w of windows) expect(w.encoding.offsets.slice(w.contextStart, w.contextEnd).every(([s, e]) => context.slice(s, e).length === 1)).toBe(true);
  });

  it("cuts the question to maxQueryLength tokens and left-strips it", () => {
    expect(truncateQuestion(tokenizer, "   who wrote the unbelievable book?", 64)).toBe("who wrote the unbelievable book?");
    const cut = truncateQuestion(tokenizer, "who wrote the unbelievable book?", 5);
    expect(tokenizer.tokenize(cut)).toEqual(tokenizer.tokenize("who wrote the unbelievable book?").slice(0, 5));
    const windows = encodeQaWindows(tokenizer, "who wrote the unbelievable book?", "someone .", { maxLength: 32, docStride: 4, maxQueryLength: 5 }, "test");
    expect(windows[0].contextStart).toBe(1 + 5 + 1);
  });

  it("errors say what to change", () => {
    expect(() => checkWindowOptions({ maxLength: 16, docStride: 12, maxQueryLength: 4 })).toThrow(new InputError(
      "docStride 12 leaves no new context per window with maxLength 16; use a docStride below 12 (e.g. 4)",
    ));
    expect(() => encodeQaWindows(tokenizer, "what is the code of the big red door at the end?", "x", { maxLength: 16, docStride: 4, maxQueryLength: 64 }, "dev.json: question \"q7\""))
      .toThrow(/^dev\.json: question "q7": the question takes 13 tokens, leaving 0 for the context in windows of 16; that must be more than the doc stride 4: use a smaller doc stride, a shorter question or longer windows$/);
    // Room 3 ≤ stride 4 matters only when the context must be cut: "x y" fits in one window.
    expect(encodeQaWindows(tokenizer, "what is the code of the big red door ?", "x y", { maxLength: 16, docStride: 4, maxQueryLength: 64 }, "q")).toHaveLength(1);
    expect(() => encodeQaWindows(tokenizer, "what is the code of the big red door ?", "x y z w", { maxLength: 16, docStride: 4, maxQueryLength: 64 }, "q"))
      .toThrow(/^q: the question takes 10 tokens, leaving 3 for the context/);
    expect(() => encodeQaWindows(tokenizer, " \u0000 ", "x", { maxLength: 16, docStride: 4, maxQueryLength: 64 }, "input 1"))
      .toThrow(/^input 1: the question is empty; give a question$/);
  });
});

describe("SQuAD dev windows against Hugging Face tokenizers", () => {
  it("tokens, ids, type ids, offsets and context ranges of every window match run_qa.py's tokenizer call", async () => {
    // Windows of 160 tokens with 32 shared: contexts of 140–159 tokens overflow. Longer contexts are left out:
    // tokenizers 0.23.1+ stops tokenizing at max_length and drops their later windows (huggingface/tokenizers#2091).
    const maxLength = 160;
    const docStride = 32;
    const rust: Tokenizer = await rustBertTokenizer(VOCAB, true);
    rust.setTruncation(maxLength, { strategy: "OnlySecond" as unknown as TruncationOptions["strategy"], stride: docStride });
    const questions = readSquad(DEV).questions;
    let compared = 0;
    let multi = 0;
    for (const q of questions.slice(0, 600)) {
      if (tokenizer.encode(q.context, null, { addSpecialTokens: false }).length >= maxLength) continue;
      const ours = encodeQaWindows(tokenizer, q.question, q.context, { maxLength, docStride, maxQueryLength: 64 }, q.id);
      const first = await rust.encode(q.question.trimStart(), q.context);
      const theirs = [first, ...first.getOverflowing()];
      expect(ours.length, q.id).toBe(theirs.length);
      ours.forEach((w, i) => {
        const t = theirs[i];
        const seq = t.getSequenceIds();
        expect(Array.from(w.encoding.inputIds), q.id).toEqual(t.getIds());
        expect(Array.from(w.encoding.tokenTypeIds)).toEqual(t.getTypeIds());
        const context = seq.flatMap((s, k) => (s === 1 ? [k] : []));
        expect([w.contextStart, w.contextEnd]).toEqual([context[0], context[context.length - 1] + 1]);
        const offsets = toUtf16Offsets(q.context, t.getOffsets().slice(w.contextStart, w.contextEnd));
        expect(w.encoding.offsets.slice(w.contextStart, w.contextEnd)).toEqual(offsets);
      });
      compared += ours.length;
      if (ours.length > 1) multi++;
    }
    console.log(`${compared} windows compared, ${multi} questions with several windows`);
    expect(multi).toBeGreaterThan(10);
  });

  it("labels cover the first answer minimally in every window that holds it, and point at [CLS] elsewhere", () => {
    const examples = readSquad(DEV);
    const options = { maxLength: 96, docStride: 24, maxQueryLength: 64 };
    const data = qaTrainData(examples, tokenizer, options);
    let row = 0;
    let labelled = 0;
    let unlabelled = 0;
    for (const q of examples.questions) {
      const start = q.answers[0].start;
      const end = start + q.answers[0].text.length;
      let found = false;
      for (const w of encodeQaWindows(tokenizer, q.question, q.context, options, q.id)) {
        const [s, e] = data.positions(row++);
        const off = (i: number): [number, number] => w.encoding.offsets[i];
        const holds = off(w.contextStart)[0] <= start && off(w.contextEnd - 1)[1] >= end;
        if (!holds) {
          expect([s, e]).toEqual([0, 0]);
          unlabelled++;
          continue;
        }
        found = true;
        labelled++;
        expect(s).toBeGreaterThanOrEqual(w.contextStart);
        expect(e).toBeLessThan(w.contextEnd);
        expect(off(s)[0] <= start && off(e)[1] >= end).toBe(true); // covers the answer…
        if (s + 1 <= e) expect(off(s + 1)[0]).toBeGreaterThan(start); // …and no later start token would
        if (e - 1 >= s) expect(off(e - 1)[1]).toBeLessThan(end); // …nor an earlier end token
      }
      expect(found, q.id).toBe(true); // windows of 96 tokens sharing 24 hold every dev answer somewhere
    }
    expect(row).toBe(data.size);
    console.log(`${examples.questions.length} questions → ${data.size} windows: ${labelled} hold the answer, ${unlabelled} point at [CLS]`);
    expect(unlabelled).toBeGreaterThan(500);
  });

  it("batches are padded to their longest row, with the positions as (B) int32", () => {
    const examples = readSquad(DEV);
    const data = qaTrainData({ ...examples, questions: examples.questions.slice(0, 4) }, tokenizer, { maxLength: 384, docStride: 128, maxQueryLength: 64 });
    const batch = data.batch([0, 3]);
    const t = Math.max(data.lengths[0], data.lengths[3]);
    expect(batch.inputIds.shape).toEqual([2, t]);
    expect(batch.startPositions.shape).toEqual([2]);
    expect(Array.from(batch.startPositions.ints("test"))).toEqual([data.positions(0)[0], data.positions(3)[0]]);
    expect(Array.from(batch.endPositions.ints("test"))).toEqual([data.positions(0)[1], data.positions(3)[1]]);
  });
});
