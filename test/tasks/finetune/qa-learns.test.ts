/**
 * Extractive QA learns (SQuAD v1.1 rules): a tiny random BERT (hidden 16, 2 layers) trained by the generic
 * trainer through `qaSpec` on 400 synthetic questions ("who is the king ?" over "… the king is X . …", X one of
 * 300 words at a varying position) answers held-out questions. Untrained, it finds the answer by chance (the
 * exact match of a random span, measured: 1 of 100); after 40 steps it must get 90 of 100 exactly (measured: 100),
 * and the pipeline on the trained model must answer 18 of 20 new questions with the right span.
 */
import { describe, expect, it } from "vitest";
import { configure } from "../../../src/backend/configure.js";
import { QuestionAnsweringPipeline } from "../../../src/inference/pipelines/question-answering.js";
import { kingQuestions, trainKing } from "./qa-synthetic.js";

describe("QA fine-tuning learns", () => {
  it("the synthetic answers are slices of their contexts", () => {
    for (const q of kingQuestions(50, 5).questions) {
      const [a] = q.answers;
      expect(q.context.slice(a.start, a.start + a.text.length)).toBe(a.text);
      expect(q.context.slice(0, a.start).endsWith("the king is ")).toBe(true);
    }
  });

  it("a tiny BERT reaches high exact match on held-out questions", async () => {
    configure();
    const { before, after, result, model, tokenizer } = await trainKing(40, 0);
    console.log(`exact match ${before.exact_match} → ${after.exact_match}, f1 ${before.f1.toFixed(1)} → ${after.f1.toFixed(1)}; last span accuracy ${result.last?.metrics.span_accuracy}`);
    expect(Object.keys(after).sort()).toEqual(["exact_match", "f1", "total"]);
    expect(before.exact_match).toBeLessThan(10);
    expect(after.exact_match).toBeGreaterThanOrEqual(90);
    expect(after.f1).toBeGreaterThanOrEqual(after.exact_match);
    expect(after.total).toBe(100);
    // The pipeline on the trained model answers new questions (its probabilities, not the logits, rank the spans).
    const fresh = kingQuestions(20, 99).questions;
    const answers = QuestionAnsweringPipeline.fromParts(model, tokenizer).run(fresh.map((q) => ({ question: q.question, context: q.context })));
    const right = answers.filter(([a], i) => a.answer === fresh[i].answers[0].text && a.start === fresh[i].answers[0].start).length;
    expect(right).toBeGreaterThanOrEqual(18);
  }, 60_000);
});
