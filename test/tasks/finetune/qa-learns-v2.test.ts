/**
 * Extractive QA learns to abstain (SQuAD v2.0 rules): as qa-learns.test.ts, with 30% of the questions
 * unanswerable (the context has no "the king is X ."), labelled [CLS]. After 80 steps the tiny BERT must answer
 * 85 of 100 held-out questions exactly, and be right on at least 80% of both the answerable and the
 * unanswerable ones (measured: 98, 98.7%, 95.8%): it learned when [CLS] (no answer) outscores every span.
 */
import { describe, expect, it } from "vitest";
import { configure } from "../../../src/backend/configure.js";
import { trainKing } from "./qa-synthetic.js";

describe("QA fine-tuning learns unanswerable questions", () => {
  it("a tiny BERT answers \"\" where there is no answer and the span elsewhere", async () => {
    configure();
    const { before, after } = await trainKing(80, 0.3);
    console.log(`v2 exact match ${before.exact_match} → ${after.exact_match}; has answer ${after.has_answer_exact_match.toFixed(1)}, no answer ${after.no_answer_exact_match.toFixed(1)}; best threshold ${after.best_f1_threshold.toFixed(3)}`);
    expect(before.exact_match).toBeLessThan(40);
    expect(after.exact_match).toBeGreaterThanOrEqual(85);
    expect(after.has_answer_exact_match).toBeGreaterThanOrEqual(80);
    expect(after.no_answer_exact_match).toBeGreaterThanOrEqual(80);
    expect(after.has_answer_total + after.no_answer_total).toBe(100);
    expect(after.best_f1).toBeGreaterThanOrEqual(after.f1);
  }, 60_000);
});
