/**
 * seqeval's default (conlleval-compatible) scores. Expected values come from seqeval's documented examples,
 * from hand-counted chunks (each edge case also run through conlleval.pl, which seqeval's default mode follows),
 * and from conlleval.pl on the CoNLL-2003 validation set with a deterministic corruption of its tags.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chunks, seqevalScores } from "../../src/metrics/seqeval.js";
import { SHARED } from "../helpers/golden.js";

const span = (tags: string[]): string[] => chunks(tags).map((c) => `${c.type} ${c.start}-${c.end}`);

describe("chunks (conlleval rules; [start, end) token ranges)", () => {
  it("reads B-/I- chunks (seqeval's get_entities example)", () => {
    expect(span(["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O", "B-PER", "I-PER"])).toEqual(["MISC 3-6", "PER 7-9"]);
  });

  it("an I- after O, at the start, or after another type starts a chunk; B- after B- of the same type starts another", () => {
    expect(span(["O", "I-PER", "I-PER", "B-PER", "I-LOC"])).toEqual(["PER 1-3", "PER 3-4", "LOC 4-5"]);
    expect(span(["I-ORG", "I-ORG"])).toEqual(["ORG 0-2"]);
    expect(span(["B-PER", "B-PER", "I-PER"])).toEqual(["PER 0-1", "PER 1-3"]);
    expect(span(["B-PER", "I-LOC", "I-LOC", "O", "O"])).toEqual(["PER 0-1", "LOC 1-3"]);
    expect(span(["O", "O"])).toEqual([]);
    expect(span([])).toEqual([]);
  });

  it("follows IOBES too: S- is a chunk of its own, E- ends one, an I- after E- starts one", () => {
    expect(span(["S-PER", "B-LOC", "E-LOC", "I-LOC"])).toEqual(["PER 0-1", "LOC 1-3", "LOC 3-4"]);
  });

  it("keeps a type with hyphens whole", () => {
    expect(span(["B-GEO-LOC", "I-GEO-LOC"])).toEqual(["GEO-LOC 0-2"]);
  });
});

describe("seqevalScores", () => {
  it("seqeval's precision_recall_fscore_support example: 0.5 / 0.5 / 0.5, accuracy 0.8", () => {
    const truth = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    const pred = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    const r = seqevalScores(truth, pred);
    expect([r.precision, r.recall, r.f1, r.accuracy]).toEqual([50, 50, 50, 80]);
    expect(r.perType.MISC).toEqual({ precision: 0, recall: 0, f1: 0, support: 1, predicted: 1, correct: 0 });
    expect(r.perType.PER).toEqual({ precision: 100, recall: 100, f1: 100, support: 1, predicted: 1, correct: 1 });
  });

  it("seqeval's f1_score example: micro F1 2/3; MISC 0.5, PER 1", () => {
    const truth = [["O", "O", "B-MISC", "I-MISC", "B-MISC", "O", "O"], ["B-PER", "I-PER", "O"]];
    const pred = [["O", "O", "B-MISC", "I-MISC", "B-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
    const r = seqevalScores(truth, pred);
    expect(r.f1).toBeCloseTo(200 / 3, 10);
    expect(r.perType.MISC.f1).toBeCloseTo(50, 10);
    expect(r.perType.PER.f1).toBe(100);
  });

  it("is not strict: I-ORG I-ORG matches B-ORG I-ORG (seqeval's test_conll_f1score); chunks never cross sentences", () => {
    expect(seqevalScores([["B-ORG", "I-ORG"]], [["I-ORG", "I-ORG"]]).f1).toBe(100);
    const split = seqevalScores([["B-PER", "I-PER"]], [["B-PER", "I-PER"]]);
    const across = seqevalScores([["B-PER"], ["I-PER"]], [["B-PER"], ["I-PER"]]);
    expect([split.support, across.support]).toEqual([1, 2]);
  });

  it("scores with a zero denominator are 0 (seqeval's default zero_division)", () => {
    const none = seqevalScores([["B-PER", "O"]], [["O", "O"]]);
    expect([none.precision, none.recall, none.f1, none.accuracy]).toEqual([0, 0, 0, 50]);
    const nothing = seqevalScores([["O"]], [["O"]]);
    expect([nothing.precision, nothing.recall, nothing.f1, nothing.accuracy]).toEqual([0, 0, 0, 100]);
  });

  it("rejects mismatched lengths, tags that are not IOB, and nothing to score, with one line", () => {
    expect(() => seqevalScores([["O"]], [])).toThrow(/1 true sentences but 0 predicted/);
    expect(() => seqevalScores([["O", "O"]], [["O"]])).toThrow(/sentence 0 has 2 true tags but 1 predicted/);
    expect(() => seqevalScores([["O"]], [["X-PER"]])).toThrow(/"X-PER" \(sentence 0, position 0\) is not an IOB tag/);
    expect(() => seqevalScores([["PER"]], [["O"]])).toThrow(/"PER" \(position 0\) is not an IOB tag/);
    expect(() => seqevalScores([[]], [[]])).toThrow(/no tags to score/);
  });

  it("matches conlleval.pl on CoNLL-2003 valid with every 7th tag corrupted (found 12558, correct 4775 of 5942)", () => {
    // Sentences of the validation file; the prediction replaces tag i (counting tokens from 0) when i % 7 == 3,
    // by the tag (index + i % 5 + 1) mod 9 places on in ALL — the same rule fed to conlleval.pl.
    const ALL = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"];
    const truth: string[][] = [];
    let current: string[] = [];
    for (const line of readFileSync(join(SHARED, "data", "ner", "conll2003", "valid.txt"), "utf8").split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (line.trim() === "" || fields[0] === "-DOCSTART-") {
        if (current.length > 0) truth.push(current);
        current = [];
      } else current.push(fields[3]);
    }
    if (current.length > 0) truth.push(current);
    let i = 0;
    const pred = truth.map((s) => s.map((tag) => {
      const out = i % 7 === 3 ? ALL[(ALL.indexOf(tag) + (i % 5) + 1) % 9] : tag;
      i++;
      return out;
    }));
    const r = seqevalScores(truth, pred);
    expect([truth.length, i]).toEqual([3250, 51362]);
    expect([r.support, r.predicted, r.correct]).toEqual([5942, 12558, 4775]);
    const perType = Object.fromEntries(Object.entries(r.perType).map(([t, s]) => [t, [s.support, s.predicted, s.correct]]));
    expect(perType).toEqual({ LOC: [1837, 4286, 1542], MISC: [922, 1123, 767], ORG: [1341, 2810, 1081], PER: [1842, 4339, 1385] });
    // conlleval prints two decimals: accuracy 85.72, precision 38.02, recall 80.36, FB1 51.62.
    for (const [value, printed] of [[r.accuracy, 85.72], [r.precision, 38.02], [r.recall, 80.36], [r.f1, 51.62]]) {
      expect(Math.abs(value - printed)).toBeLessThanOrEqual(0.005);
    }
  });
});
