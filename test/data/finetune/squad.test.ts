/**
 * Reading SQuAD files: the real v1.1 train/dev files of ../shared (counts checked against the README and a
 * count of the JSON itself), v2.0 detection, and one-line errors that name the file and the JSON path.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { jsonPath, parseSquad, readSquad } from "../../../src/data/finetune/squad.js";
import { SHARED } from "../../helpers/golden.js";
import { tmp } from "../../cli/run-bin.js";

const SQUAD = join(SHARED, "data", "qa", "squad-v1.1");

interface RawFile { data: Array<{ paragraphs: Array<{ qas: Array<{ answers: unknown[] }> }> }> }

/** Questions and answers counted straight from the JSON, without our reader. */
function rawCounts(file: string): { questions: number; answers: number } {
  const raw = JSON.parse(readFileSync(file, "utf8")) as RawFile;
  const qas = raw.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas));
  return { questions: qas.length, answers: qas.reduce((n, q) => n + q.answers.length, 0) };
}

const CONTEXT = "The code is 42 . It was set in 1990 .";

function file(content: unknown): string {
  const path = join(tmp("bertkit-squad-"), "x.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function squad(qas: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: "1.1", ...extra, data: [{ title: "t", paragraphs: [{ context: CONTEXT, qas }] }] };
}

const good = { id: "q1", question: "What is the code?", answers: [{ text: "42", answer_start: 12 }] };

describe("the real SQuAD v1.1 files", () => {
  it.each([["train.json", 7968], ["dev.json", 1412]])("%s: every question (%i, as the data README says) with all its answers", (name, n) => {
    const path = join(SQUAD, name);
    const examples = readSquad(path);
    const raw = rawCounts(path);
    expect(examples.version).toBe("1.1");
    expect(examples.questions).toHaveLength(n);
    expect(raw.questions).toBe(n);
    expect(examples.questions.reduce((s, q) => s + q.answers.length, 0)).toBe(raw.answers);
    for (const q of examples.questions) {
      expect(q.isImpossible).toBe(false);
      for (const a of q.answers) expect(q.context.slice(a.start, a.start + a.text.length)).toBe(a.text);
    }
  });

  it("keeps ids, questions, contexts and answers as written", () => {
    const first = readSquad(join(SQUAD, "dev.json")).questions[0];
    expect(first.id).toBe("572970c11d04691400779463");
    expect(first.question).toBe("How many prime numbers exist?");
    expect(first.context.startsWith("There are infinitely many primes")).toBe(true);
    expect(first.answers[0]).toEqual({ text: "infinitely many", start: 10 });
    expect(first.answers).toHaveLength(5);
  });
});

describe("SQuAD v2.0", () => {
  it("is detected from is_impossible; unanswerable questions have no answers", () => {
    const r = parseSquad(squad([good, { id: "q2", question: "Who wrote it?", answers: [], is_impossible: true, plausible_answers: [] }]), "x.json");
    expect(r.version).toBe("2.0");
    expect(r.questions.map((q) => q.isImpossible)).toEqual([false, true]);
    expect(r.questions[1].answers).toEqual([]);
  });

  it("is detected from the version field", () => {
    expect(parseSquad(squad([good], { version: "v2.0" }), "x.json").version).toBe("2.0");
    expect(parseSquad(squad([good]), "x.json").version).toBe("1.1");
  });
});

describe("errors name the file and the JSON path", () => {
  const expectError = (content: unknown, message: string): void => {
    const path = file(content);
    expect(() => readSquad(path)).toThrow(new InputError(`${path}: ${message}`));
  };

  it("an answer that is not the context at answer_start", () => {
    expectError(squad([good, { id: "q2", question: "When?", answers: [{ text: "1990", answer_start: 30 }] }]),
      'data[0].paragraphs[0].qas[1].answers[0]: the context at answer_start 30 reads " 199", not the answer "1990"; ' +
      "fix answer_start (a UTF-16 offset into the context) or the text");
  });

  it("an answer past the end of the context", () => {
    expectError(squad([{ ...good, answers: [{ text: "42", answer_start: 37 }] }]),
      "data[0].paragraphs[0].qas[0].answers[0]: the answer ends at 39, past the end of the context (37 characters); fix answer_start");
  });

  it("a missing or negative answer_start, a missing field, a wrong type", () => {
    expectError(squad([{ ...good, answers: [{ text: "42" }] }]), 'data[0].paragraphs[0].qas[0].answers[0].answer_start: needs a number "answer_start"');
    expectError(squad([{ ...good, answers: [{ text: "42", answer_start: -1 }] }]), 'data[0].paragraphs[0].qas[0].answers[0].answer_start: "answer_start" must be ≥ 0');
    expectError(squad([{ id: "q1", answers: [] }]), 'data[0].paragraphs[0].qas[0].question: needs a string "question"');
    expectError({ version: "1.1", data: {} }, 'data: needs an array "data" of articles');
    expectError([], 'must be a JSON object {"version": …, "data": [articles]}');
  });

  it("answers against is_impossible, no answers in v1.1, duplicate ids, an empty question", () => {
    expectError(squad([{ ...good, is_impossible: true }]),
      "data[0].paragraphs[0].qas[0].answers: is_impossible is true but answers are given; empty the answers or set is_impossible to false");
    expectError(squad([{ ...good, answers: [] }]),
      "data[0].paragraphs[0].qas[0].answers: no answers; give at least one, or SQuAD v1.1 questions need at least one answer");
    expectError(squad([good, good]), 'data[0].paragraphs[0].qas[1].id: id "q1" is used twice (also at data[0].paragraphs[0].qas[0]); give every question its own id');
    expectError(squad([{ ...good, question: "  " }]), "data[0].paragraphs[0].qas[0].question: the question is empty; write the question or remove this entry");
  });

  it("not JSON, a missing file, no questions", () => {
    const bad = file("{ nope");
    expect(() => readSquad(bad)).toThrow(/^.*x\.json: not valid JSON \(.*\); give a SQuAD JSON file$/);
    expect(() => readSquad("/no/such.json")).toThrow(new InputError("/no/such.json does not exist; give a SQuAD JSON file"));
    expectError({ data: [] }, "no questions; a SQuAD file needs data[].paragraphs[].qas[]");
  });

  it("writes paths as JSON paths", () => {
    expect(jsonPath(["data", 3, "paragraphs", 2, "qas", 0, "answers", 0])).toBe("data[3].paragraphs[2].qas[0].answers[0]");
    expect(jsonPath([])).toBe("");
  });
});
