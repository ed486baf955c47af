/**
 * Classification metrics against values worked out by hand (the arithmetic is in the comments) and textbook
 * examples from scikit-learn's and scipy's documentation, plus properties that must hold for any data.
 */
import { describe, expect, it } from "vitest";
import {
  accuracy, averageRanks, f1, matthewsCorrelation, meanSquaredError, microF1, pearson, spearman, subsetAccuracy,
} from "../../src/metrics/classification.js";
import { InputError } from "../../src/errors.js";
import { Rng } from "../../src/tensor/random.js";

describe("accuracy and f1", () => {
  it("accuracy is the share of matches in 0–100", () => {
    expect(accuracy([0, 1, 1, 0], [0, 1, 0, 0])).toBe(75);
  });

  it("binary f1 is the f1 of class 1", () => {
    // tp = 2 (rows 0, 4), fp = 1 (row 1), fn = 1 (row 3): f1 = 2·2 / (2·2 + 1 + 1) = 2/3
    expect(f1([1, 1, 0, 0, 1], [1, 0, 0, 1, 1], 2)).toBeCloseTo(200 / 3, 10);
    // tp = 1 (row 2), fp = 1 (row 3), fn = 1 (row 1) → 2 / 4; class 0's hits (rows 0, 4) do not count
    expect(f1([0, 0, 1, 1, 0], [0, 1, 1, 0, 0], 2)).toBeCloseTo(50, 10);
    expect(f1([0, 0, 0], [0, 0, 0], 2)).toBe(0); // class 1 never occurs: 0/0 → 0, as scikit-learn
  });

  it("multi-class f1 is the macro average (scikit-learn's f1_score example: 0.267)", () => {
    // class 0: tp 2, fp 1, fn 0 → 0.8; classes 1 and 2: tp 0 → 0; mean 0.8 / 3
    expect(f1([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2], 3)).toBeCloseTo(80 / 3, 10);
  });
});

describe("matthews correlation", () => {
  it("binary: scikit-learn's example gives −1/3", () => {
    expect(matthewsCorrelation([1, 0, 1, 1], [1, 1, 1, 0])).toBeCloseTo(-1 / 3, 12);
  });

  it("multi-class: Gorodkin's R_K worked by hand", () => {
    // c = 5, s = 6, t = (2, 2, 2), p = (2, 1, 3): (5·6 − 12) / √((36 − 14)(36 − 12)) = 18 / √528
    expect(matthewsCorrelation([0, 0, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2])).toBeCloseTo(18 / Math.sqrt(528), 12);
  });

  it("is 1 for perfect predictions, −1 for inverted binary ones, 0 when one side is constant", () => {
    expect(matthewsCorrelation([0, 1, 2, 1], [0, 1, 2, 1])).toBeCloseTo(1, 12);
    expect(matthewsCorrelation([1, 0, 1, 0], [0, 1, 0, 1])).toBeCloseTo(-1, 12);
    expect(matthewsCorrelation([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0);
  });

  it("binary data: equals the textbook (tp·tn − fp·fn) / √(…) on random labels", () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const p = Array.from({ length: 50 }, () => rng.int(2));
      const t = Array.from({ length: 50 }, () => rng.int(2));
      let tp = 0, tn = 0, fp = 0, fn = 0;
      p.forEach((x, i) => {
        if (x === 1 && t[i] === 1) tp++;
        else if (x === 0 && t[i] === 0) tn++;
        else if (x === 1) fp++;
        else fn++;
      });
      const textbook = (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
      expect(matthewsCorrelation(p, t)).toBeCloseTo(textbook, 12);
    }
  });
});

describe("correlations and mse", () => {
  const x = [1, 2, 3, 4, 5];
  const y = [2, 4, 5, 4, 5];

  it("pearson worked by hand", () => {
    // dx = (−2, −1, 0, 1, 2), dy = (−2, 0, 1, 0, 1): Σdxdy = 6, Σdx² = 10, Σdy² = 6 → 6 / √60
    expect(pearson(x, y)).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(pearson(x, x.map((v) => -3 * v + 7))).toBeCloseTo(-1, 12);
    expect(pearson(x, [3, 3, 3, 3, 3])).toBe(0);
  });

  it("spearman gives ties their average rank", () => {
    expect(Array.from(averageRanks(y))).toEqual([1, 2.5, 4.5, 2.5, 4.5]);
    // ranks y = (1, 2.5, 4.5, 2.5, 4.5): Σdxdy = 7, Σdx² = 10, Σdy² = 9 → 7 / √90
    expect(spearman(x, y)).toBeCloseTo(7 / Math.sqrt(90), 12);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 12); // monotone, not linear
  });

  it("mse", () => {
    expect(meanSquaredError([1, 2, 3], [1, 4, 0])).toBeCloseTo((0 + 4 + 9) / 3, 12);
  });
});

describe("multi-label", () => {
  it("micro f1 pools every (example, label) decision; subset accuracy needs whole rows", () => {
    const predicted = [1, 0, 1, /**/ 0, 1, 0];
    const gold = [1, 1, 0, /**/ 0, 1, 0];
    // tp = 2, fp = 1, fn = 1 → 2/3; row 2 is right, row 1 is not → 50
    expect(microF1(predicted, gold, 3)).toBeCloseTo(200 / 3, 10);
    expect(subsetAccuracy(predicted, gold, 3)).toBe(50);
  });
});

describe("bad input", () => {
  it("says what is wrong in one line", () => {
    expect(() => accuracy([1, 0], [1])).toThrow(new InputError("accuracy: 2 predictions but 1 references; give one prediction per example"));
    expect(() => pearson([], [])).toThrow(/no examples/);
    expect(() => microF1([1, 0, 1], [1, 0, 1], 2)).toThrow(/not a whole number of rows of 2 labels/);
  });
});
