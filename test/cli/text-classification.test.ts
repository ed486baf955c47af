/**
 * `bertkit text-classification` on the golden seqcls-3 model (Hugging Face pipeline outputs in
 * ../shared/golden/pipelines.json): the command in-process (runCommand: a program holding only this command,
 * with the CLI's error style), then the compiled CLI as a user runs it. The compiled-CLI tests need the command
 * registered in src/cli/main.ts and `npx tsc -p tsconfig.build.json`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { parseTopK, registerTextClassification, runTextClassification } from "../../src/cli/commands/text-classification.js";
import type { LabelScore } from "../../src/inference/pipelines/text-classification.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";
import { runCommand } from "./in-process.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const SEQCLS = join(GOLDEN_MODELS, "seqcls-3");
const VOCAB = join(SHARED, "golden", "vocab-small.txt");
const GOLDEN = (JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as Record<string, Array<{ text: string; out: LabelScore[][] }>>)["text-classification"];
const TEXTS = GOLDEN.map((c) => c.text);

/** seqcls-3 with vocab-small.txt as its vocab.txt: a complete model folder. */
function modelFolder(): string {
  const dir = join(tmp("bertkit-textcls-"), "model");
  mkdirSync(dir);
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(SEQCLS, f), join(dir, f));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  return dir;
}

function expectGolden(json: string): void {
  const parsed = JSON.parse(json) as LabelScore[][];
  expect(parsed).toHaveLength(GOLDEN.length);
  let max = 0;
  parsed.forEach((labels, i) => labels.forEach((l, j) => {
    expect(l.label).toBe(GOLDEN[i].out[0][j].label);
    max = Math.max(max, Math.abs(l.score - GOLDEN[i].out[0][j].score));
  }));
  expect(max).toBeLessThan(1e-4);
}

const MODEL = modelFolder();

describe("text-classification in-process", () => {
  it("--top-k all --json prints Hugging Face's labels and scores", async () => {
    const r = await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, ...TEXTS, "--top-k", "all", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toHaveLength(2); // one JSON line
    expectGolden(r.stdout);
  });

  it("prints one line per text: the best label and its score", async () => {
    const r = await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, ...TEXTS]);
    const expected = GOLDEN.map((c) => `${c.out[0][0].label}  ${c.out[0][0].score.toFixed(4)}`);
    expect(r.stdout).toBe(expected.join("\n") + "\n");
    const two = await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, TEXTS[0], "--top-k", "2"]);
    expect(two.stdout).toBe(GOLDEN[0].out[0].slice(0, 2).map((s) => `${s.label}  ${s.score.toFixed(4)}`).join(" | ") + "\n");
  });

  it("texts from standard input; a model folder without a vocabulary takes --tokenizer", async () => {
    const { lines } = await runTextClassification([], { model: SEQCLS, tokenizer: VOCAB, topK: "all", json: true }, Readable.from([TEXTS.join("\n") + "\n"]));
    expectGolden(lines[0]);
  });

  it("--pairs: tab-separated pairs; a line without a tab is named by its file and line", async () => {
    const file = join(tmp(), "pairs.txt");
    writeFileSync(file, "the king is dead\tlong live the king\n\nno tab here\n");
    const r = await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, "--file", file, "--pairs"]);
    expectOneLineError(r, 1, new RegExp(`^bertkit: ${file}:3: no tab; with --pairs each text is "first text<TAB>second text"`));
    writeFileSync(file, "the king is dead\tlong live the king\n");
    const ok = await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, "--file", file, "--pairs", "--function", "none"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^LABEL_\d {2}-?\d+\.\d{4}\n$/);
  });

  it("bad command lines: exit 2 with one line", async () => {
    expectOneLineError(await runCommand(registerTextClassification, ["text-classification", "a text"]), 2, /missing required option --model <dir>/);
    expectOneLineError(await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, "a", "--top-k", "0"]), 2, /--top-k <n\|all>' argument '0' is invalid\. expected a positive integer or all/);
    expectOneLineError(await runCommand(registerTextClassification, ["text-classification", "--model", MODEL, "a", "--function", "tanh"]), 2, /Allowed choices are softmax, sigmoid, none/);
    expect(parseTopK("all")).toBe("all");
    expect(parseTopK("3")).toBe(3);
    expect(() => parseTopK("2.5")).toThrow(InvalidArgumentError);
  });

  it("a folder that is not there: exit 1 with one line", async () => {
    expectOneLineError(await runCommand(registerTextClassification, ["text-classification", "--model", "/nonexistent/model", "a"]), 1, /\/nonexistent\/model/);
  });
});

describe("bertkit text-classification (compiled CLI; needs the command registered in main.ts)", () => {
  it("classifies texts from arguments and from standard input", () => {
    const r = runBin(["text-classification", "--model", MODEL, ...TEXTS, "--top-k", "all", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectGolden(r.stdout);
    const piped = runBin(["text-classification", "--model", MODEL], { input: TEXTS.join("\n") + "\n" });
    expect(piped.stdout.trim().split("\n")).toHaveLength(2);
  });

  it("bad input is one line on stderr", () => {
    expectOneLineError(runBin(["text-classification", "--model", MODEL, "--top-k", "none", "a"]), 2, /expected a positive integer or all \(see bertkit text-classification --help\)/);
  });
});
