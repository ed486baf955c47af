/**
 * Labels → answers round trip on the real SQuAD v1.1 dev file: logits that put all weight on each window's
 * labelled start and end tokens (what a perfect model would output) are turned back into answers by the
 * evaluation's span selection and scored with the official metrics. Only tokenization can lose anything
 * (an answer that starts or ends inside a word piece comes back as whole pieces), so exact match must be
 * near 100 (measured: 99.93 with windows of 128 tokens sharing 32), and every answer must cover the gold one.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSquad } from "../../../src/data/finetune/squad.js";
import { qaTrainData } from "../../../src/tasks/finetune/qa/dataset.js";
import { squadMetrics } from "../../../src/tasks/finetune/qa/evaluate.js";
import { selectAnswer, type QaPrediction } from "../../../src/tasks/finetune/qa/postprocess.js";
import { encodeQaWindows } from "../../../src/tasks/finetune/qa/windows.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import { SHARED } from "../../helpers/golden.js";

describe("QA labels and span selection round trip", () => {
  it("perfect logits give back the gold answers of SQuAD dev", async () => {
    const tokenizer = await loadVocabTokenizer(join(SHARED, "data", "vocab", "bert-base-uncased.txt"));
    const examples = readSquad(join(SHARED, "data", "qa", "squad-v1.1", "dev.json"));
    const options = { maxLength: 128, docStride: 32, maxQueryLength: 64 };
    const data = qaTrainData(examples, tokenizer, options);
    const predictions = new Map<string, QaPrediction>();
    const tooLong = new Set<string>(); // answers of more than maxAnswerLength (30) tokens cannot be picked
    let row = 0;
    for (const q of examples.questions) {
      const windows = encodeQaWindows(tokenizer, q.question, q.context, options, q.id);
      const logits = windows.map((w) => {
        const [s, e] = data.positions(row++);
        if (e - s + 1 > 30) tooLong.add(q.id);
        const start = new Float32Array(w.encoding.length);
        const end = new Float32Array(w.encoding.length);
        start[s] = 10;
        end[e] = 10;
        return { start, end };
      });
      predictions.set(q.id, selectAnswer(q.context, windows, logits, { nBest: 20, maxAnswerLength: 30, allowNoAnswer: false, nullScoreDiffThreshold: 0 }));
    }
    const metrics = squadMetrics(examples, predictions);
    console.log(`round trip on ${examples.questions.length} dev questions: exact match ${metrics.exact_match.toFixed(2)}, f1 ${metrics.f1.toFixed(2)}`);
    expect(metrics.exact_match).toBeGreaterThan(98.5);
    expect(metrics.f1).toBeGreaterThan(99.5);
    // Every answer given covers the first gold answer's characters (a miss is whole pieces around it: "Japanese" for "Japan").
    expect(tooLong.size).toBeLessThan(5);
    for (const q of examples.questions) {
      if (tooLong.has(q.id)) continue;
      const p = predictions.get(q.id);
      const gold = q.answers[0];
      expect(p !== undefined && p.start <= gold.start && p.end >= gold.start + gold.text.length, q.id).toBe(true);
    }
  });
});
