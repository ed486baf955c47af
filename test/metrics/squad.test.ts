/**
 * The SQuAD metrics on hand-computed cases: answer normalisation (Python's rules, including its Unicode word
 * boundaries and whitespace), token F1 with repeated tokens, v1.1 means, v2.0 splits, the no-answer threshold
 * and find_best_thresh walked through by hand.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { exactMatchScore, f1Score, f1ScoreV2, normalizeAnswer, squadV1Metrics, squadV2Metrics } from "../../src/metrics/squad.js";

describe("normalizeAnswer", () => {
  it("lower-cases, drops ASCII punctuation and the articles a/an/the, collapses whitespace", () => {
    expect(normalizeAnswer("The  Quick, brown fox!")).toBe("quick brown fox");
    expect(normalizeAnswer("An apple a day")).toBe("apple day");
    expect(normalizeAnswer("  l'amour\t(1990) ")).toBe("lamour 1990");
  });

  it("removes articles only as whole words, with Unicode letters as word characters (Python's \\b)", () => {
    expect(normalizeAnswer("theater and anthem")).toBe("theater and anthem");
    // "-" goes first, then "the" follows the letter é: not a word of its own in Python (JavaScript's \b would cut it).
    expect(normalizeAnswer("Café-the")).toBe("caféthe");
    expect(normalizeAnswer("the_a")).toBe("thea"); // "_" is punctuation: removed before the articles are looked for
  });

  it("splits on Python's whitespace: U+0085 and U+001C are spaces, U+FEFF is not; non-ASCII punctuation stays", () => {
    expect(normalizeAnswer("one\u0085two\u001cthree")).toBe("one two three");
    expect(normalizeAnswer("one\ufefftwo")).toBe("one\ufefftwo");
    expect(normalizeAnswer("«quoted» — yes")).toBe("«quoted» — yes");
  });
});

describe("exact match and F1 of one answer", () => {
  it("compares normalised texts", () => {
    expect(exactMatchScore("the Broncos", "Broncos")).toBe(1);
    expect(exactMatchScore("Denver Broncos", "Broncos")).toBe(0);
  });

  it("F1 is the harmonic mean of token precision and recall: 'cat sat on mat' vs 'cat on mat' = 2·(3/4)·1/(3/4+1)", () => {
    expect(f1Score("the cat sat on the mat", "cat on mat")).toBeCloseTo(6 / 7, 12);
  });

  it("counts repeated tokens once per occurrence (Counter intersection): 'x x y' vs 'x y y' share 2 of 3", () => {
    expect(f1Score("x x y", "x y y")).toBeCloseTo(2 / 3, 12);
  });

  it("v1.1: an empty side scores 0; v2.0: 1 when both are empty, else 0", () => {
    expect(f1Score("", "")).toBe(0);
    expect(f1ScoreV2("", "")).toBe(1);
    expect(f1ScoreV2("the", "")).toBe(1); // "the" normalises to nothing
    expect(f1ScoreV2("Paris", "")).toBe(0);
    expect(f1ScoreV2("", "Paris")).toBe(0);
  });
});

describe("SQuAD v1.1", () => {
  const references = [
    { id: "q1", answers: ["Denver Broncos", "Broncos"] },
    { id: "q2", answers: ["Santa Clara, California"] },
  ];

  it("averages the best match over gold answers, in 0–100", () => {
    // q1: "the Broncos" = "Broncos" → EM 1, F1 1. q2: "California" vs 3 gold tokens → EM 0, F1 2·1·(1/3)/(4/3) = 0.5.
    const r = squadV1Metrics(references, new Map([["q1", "the Broncos"], ["q2", "California"]]));
    expect(r).toEqual({ exact_match: 50, f1: 75, total: 2 });
  });

  it("a missing prediction is an error naming the question", () => {
    expect(() => squadV1Metrics(references, new Map([["q1", "x"]]))).toThrow(new InputError(
      'SQuAD v1.1 metrics: no prediction for question "q2"; give a prediction for every question ("" for no answer)',
    ));
  });
});

describe("SQuAD v2.0", () => {
  const references = [
    { id: "a", answers: ["Paris"] },
    { id: "b", answers: ["New York City"] },
    { id: "c", answers: [] },
    { id: "d", answers: [] },
  ];
  const predictions = new Map([["a", "Paris"], ["b", "York"], ["c", ""], ["d", "London"]]);
  const noAnswer = new Map([["a", 0.1], ["b", 0.6], ["c", 0.9], ["d", 0.8]]);

  it("scores unanswerable questions against \"\" and splits has-answer / no-answer", () => {
    // exact: a 1, b 0, c 1, d 0; f1: a 1, b 1/2 (1 of 3 gold tokens), c 1, d 0.
    expect(squadV2Metrics(references, predictions)).toEqual({
      exact_match: 50, f1: 62.5, total: 4,
      has_answer_exact_match: 50, has_answer_f1: 75, has_answer_total: 2,
      no_answer_exact_match: 50, no_answer_f1: 50, no_answer_total: 2,
    });
  });

  it("finds the best no-answer threshold as find_best_thresh walks it", () => {
    // Start: all "no answer" → 2 of 4 right. By increasing score: a +1 → 3 (threshold 0.1); b +0 (exact) or +0.5 (f1)
    // → 3.5 (threshold 0.6); d answered "London" although unanswerable −1; c answered "" +0.
    const r = squadV2Metrics(references, predictions, { noAnswerProbability: noAnswer });
    expect(r.best_exact_match).toBe(75);
    expect(r.best_exact_match_threshold).toBe(0.1);
    expect(r.best_f1).toBe(87.5);
    expect(r.best_f1_threshold).toBe(0.6);
    expect(r.exact_match).toBe(50); // scores above the default threshold 1 only would change
  });

  it("questions whose no-answer score is above the threshold count as answered \"no answer\"", () => {
    // Threshold 0.5: b (0.6, has an answer) → 0; c, d (unanswerable) → 1; a keeps its 1.
    const r = squadV2Metrics(references, predictions, { noAnswerProbability: noAnswer, noAnswerThreshold: 0.5 });
    expect(r.exact_match).toBe(75);
    expect(r.f1).toBe(75);
  });

  it("gold answers that normalise to nothing count as no gold answer: only \"\" matches them", () => {
    const r = squadV2Metrics([{ id: "x", answers: ["The"] }], new Map([["x", ""]]));
    expect(r.exact_match).toBe(100);
    expect(r.has_answer_total).toBe(1); // the question still has an answer in the file
  });

  it("omits the splits with no questions, and wants a no-answer score for every question when given", () => {
    const r = squadV2Metrics(references.slice(0, 2), predictions);
    expect(Object.keys(r).sort()).toEqual(["exact_match", "f1", "has_answer_exact_match", "has_answer_f1", "has_answer_total", "total"]);
    expect(() => squadV2Metrics(references, predictions, { noAnswerProbability: new Map([["a", 0]]) }))
      .toThrow(/no no-answer score for question "b"; give one for every question/);
  });
});
