/**
 * `bertkit question-answering` on the golden BertForQuestionAnswering (vocab-small.txt as its vocab.txt): the
 * command's logic called directly (flags → lines: the pipeline's answers, human and JSON output, --file,
 * --context-file, errors), then the compiled CLI as a user runs it (needs the command registered in
 * src/cli/main.ts and dist/ built with `npx tsc -p tsconfig.build.json`).
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatAnswers, questionInputs, readQuestionFile, runQuestionAnswering } from "../../src/cli/commands/question-answering.js";
import { UsageError } from "../../src/cli/usage.js";
import { InputError } from "../../src/errors.js";
import { QuestionAnsweringPipeline } from "../../src/inference/pipelines/question-answering.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const CONTEXT = "the king is richard , and his queen is anne . they dwell in london by the river .";
const QUESTION = "who is the king ?";
let model: string;
let pipeline: QuestionAnsweringPipeline;
let dir: string;

beforeAll(async () => {
  dir = tmp("bertkit-qa-cli-");
  model = join(dir, "model");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(model);
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(GOLDEN_MODELS, "qa", f), join(model, f));
  copyFileSync(join(SHARED, "golden", "vocab-small.txt"), join(model, "vocab.txt"));
  pipeline = await QuestionAnsweringPipeline.load(model);
});

const ANSWER_LINE = /^(.+) {2}\((\d\.\d{4}|\d\.\d\de-\d+), chars (\d+)–(\d+)\)$/;

describe("the command's logic", () => {
  it("prints the pipeline's answers as `answer  (score, chars start–end)`", async () => {
    const { lines, warning } = await runQuestionAnswering({ model, question: QUESTION, context: CONTEXT, topK: 3 });
    const [expected] = pipeline.run([{ question: QUESTION, context: CONTEXT }], { topK: 3 });
    expect(warning).toBeNull();
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const m = ANSWER_LINE.exec(line);
      expect(m, line).not.toBeNull();
      if (m === null) return;
      expect([m[1], Number(m[3]), Number(m[4])]).toEqual([expected[i].answer, expected[i].start, expected[i].end]);
      expect(Number(m[2])).toBeCloseTo(expected[i].score, 4);
    });
  });

  it("--json gives one line per question with every field; --file answers each line; --context-file reads the context", async () => {
    const file = join(dir, "q.jsonl");
    writeFileSync(file, `${JSON.stringify({ question: QUESTION, context: CONTEXT })}\n\n${JSON.stringify({ question: "where ?", context: CONTEXT })}\n`);
    const json = await runQuestionAnswering({ model, file, json: true, topK: 2 });
    const expected = pipeline.run(readQuestionFile(file), { topK: 2 });
    expect(json.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { question: QUESTION, answers: expected[0] }, { question: "where ?", answers: expected[1] },
    ]);
    const human = await runQuestionAnswering({ model, file });
    expect(human.lines).toHaveLength(4);
    expect(human.lines[0]).toBe(`[1] ${QUESTION}`);
    expect(human.lines[2]).toBe("[2] where ?");
    expect(human.lines[1]).toMatch(/^ {2}\S/);
    const contextFile = join(dir, "context.txt");
    writeFileSync(contextFile, CONTEXT);
    expect((await runQuestionAnswering({ model, question: QUESTION, contextFile })).lines).toEqual((await runQuestionAnswering({ model, question: QUESTION, context: CONTEXT })).lines);
  });

  it("a missing --model is a usage error; a missing folder an input error", async () => {
    await expect(runQuestionAnswering({ question: "q", context: "c" })).rejects.toThrow(new UsageError("missing required option --model <dir>"));
    await expect(runQuestionAnswering({ model: join(dir, "nope"), question: "q", context: "c" })).rejects.toThrow(InputError);
  });

  it("shows a \"no answer\" as (no answer)", () => {
    expect(formatAnswers([{ question: "q", context: "c" }], [[{ score: 0.5, start: 0, end: 0, answer: "" }]], false)).toEqual(["(no answer)  (0.5000, chars 0–0)"]);
  });

  it("bad flag combinations are usage errors; bad files name file:line", () => {
    expect(() => questionInputs({ question: "q" })).toThrow(new UsageError("missing the context: give --context <text> or --context-file <file>"));
    expect(() => questionInputs({ context: "c" })).toThrow(new UsageError("missing required option --question <text> (or --file <jsonl>)"));
    expect(() => questionInputs({ file: "f", question: "q" })).toThrow(UsageError);
    expect(() => questionInputs({ question: "q", context: "c", contextFile: "f" })).toThrow(new UsageError("give --context or --context-file, not both"));
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ question: "q", context: "c" })}\n{"question": "q"}\n`);
    expect(() => readQuestionFile(bad)).toThrow(new InputError(`${bad}:2: expected an object with string "question" and "context" fields`));
    writeFileSync(bad, "nope\n");
    expect(() => readQuestionFile(bad)).toThrow(new InputError(`${bad}:1: not valid JSON; each line must be an object like {"question": "…", "context": "…"}`));
    expect(() => readQuestionFile(join(dir, "none.jsonl"))).toThrow(/none\.jsonl does not exist/);
  });
});

describe("bertkit question-answering (compiled CLI)", () => {
  it("answers one question", () => {
    const r = runBin(["question-answering", "--model", model, "--question", QUESTION, "--context", CONTEXT]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [expected] = pipeline.run([{ question: QUESTION, context: CONTEXT }]);
    expect(r.stdout.trimEnd()).toMatch(ANSWER_LINE);
    expect(r.stdout.startsWith(`${expected[0].answer}  (`)).toBe(true);
    expect(r.stdout).toContain(`chars ${expected[0].start}–${expected[0].end})\n`);
  });

  it("--json --top-k with a context file", () => {
    const contextFile = join(dir, "context-cli.txt");
    writeFileSync(contextFile, CONTEXT);
    const r = runBin(["question-answering", "--model", model, "--question", QUESTION, "--context-file", contextFile, "--json", "--top-k", "3"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { question: string; answers: Array<{ answer: string }> };
    expect(out.question).toBe(QUESTION);
    expect(out.answers.map((a) => a.answer)).toEqual(pipeline.run([{ question: QUESTION, context: CONTEXT }], { topK: 3 })[0].map((a) => a.answer));
  });

  it("one-line errors: usage (exit 2) and input (exit 1)", () => {
    expectOneLineError(runBin(["question-answering", "--model", model, "--question", "q", "--context", "c", "--top-k", "0"]), 2, /--top-k <n>.*invalid/);
    expectOneLineError(runBin(["question-answering", "--model", model, "--question", " ", "--context", "c"]), 1, /the question is empty/);
  });
});
