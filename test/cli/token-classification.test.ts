/**
 * `bertkit token-classification` on the golden `tokcls-5` model (Hugging Face pipeline outputs in
 * ../shared/golden/pipelines.json): the command's logic in-process (`runTokenClassification`), then the compiled
 * CLI as a user runs it — texts from arguments, a file and standard input, human and JSON output, one-line errors.
 * The compiled-CLI tests need the command registered in src/cli/main.ts and `npx tsc -p tsconfig.build.json`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { entityLine, formatEntities, runTokenClassification } from "../../src/cli/commands/token-classification.js";
import type { EntityGroup, TokenEntity } from "../../src/inference/pipelines/token-classification.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const GOLDEN_DIR = join(GOLDEN_MODELS, "tokcls-5");
const VOCAB = join(SHARED, "golden", "vocab-small.txt");
const golden = JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as {
  "token-classification": { text: string; out: EntityGroup[] }[];
  "token-classification-none": { text: string; out: TokenEntity[] }[];
};
const TEXT = golden["token-classification"][0].text;

/** tokcls-5 with vocab-small.txt as its vocab.txt: a complete model folder. */
function modelFolder(): string {
  const dir = join(tmp("bertkit-tokcls-"), "model");
  mkdirSync(dir);
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(GOLDEN_DIR, f), join(dir, f));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  return dir;
}

function expectGoldenGroups(line: string): void {
  const parsed = JSON.parse(line) as { text: string; entities: EntityGroup[] };
  expect(parsed.text).toBe(TEXT);
  const expected = golden["token-classification"][0].out;
  expect(parsed.entities.map(({ score: _, ...g }) => g)).toEqual(expected.map(({ score: _, ...g }) => g));
  parsed.entities.forEach((g, i) => expect(Math.abs(g.score - expected[i].score)).toBeLessThan(1e-4));
}

describe("the command's logic (in-process)", () => {
  it("prints Hugging Face's simple groups as JSON, the default aggregation", async () => {
    const { lines, warning } = await runTokenClassification([TEXT], { model: GOLDEN_DIR, tokenizer: VOCAB, json: true });
    expect(warning).toBeNull();
    expect(lines).toHaveLength(1);
    expectGoldenGroups(lines[0]);
  });

  it("prints one token per line with --aggregation none: word  label  score  start–end", async () => {
    const { lines } = await runTokenClassification([TEXT], { model: GOLDEN_DIR, tokenizer: VOCAB, aggregation: "none" });
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe("will  LABEL_3  0.2371  0–4"); // Hugging Face: will, LABEL_3, 0.23705, 0–4
    expect(lines[16]).toBe(".  LABEL_3  0.2406  49–50");
  });

  it("reads texts from standard input, puts a header over each, and drops --ignore-labels", async () => {
    const stdin = Readable.from(["in london\n\nstratford\n"]);
    const { lines } = await runTokenClassification([], { model: GOLDEN_DIR, tokenizer: VOCAB, ignoreLabels: "LABEL_4, LABEL_3" }, stdin);
    expect(lines[0]).toBe("[1] in london");
    expect(lines.slice(1).every((l) => l.startsWith("  ") || l.startsWith("[2] "))).toBe(true);
    expect(lines.join("\n")).not.toMatch(/LABEL_[34]/);
  });

  it("formats entities and says so when a text has none", () => {
    const e: EntityGroup = { entity_group: "PER", score: 0.00012, word: "mary", start: 3, end: 7 };
    expect(entityLine(e)).toBe("mary  PER  1.20e-4  3–7");
    expect(formatEntities(["a", "b"], [[e], []], false)).toEqual(["[1] a", "  mary  PER  1.20e-4  3–7", "[2] b", "  (no entities)"]);
    expect(formatEntities(["a"], [[]], true)).toEqual(['{"text":"a","entities":[]}']);
  });

  it("needs --model, and a tokenizer", async () => {
    await expect(runTokenClassification(["x"], {})).rejects.toThrow(/missing required option --model <dir>/);
    await expect(runTokenClassification(["x"], { model: GOLDEN_DIR })).rejects.toThrow(/has neither tokenizer\.json nor vocab\.txt/);
  });
});

describe("bertkit token-classification (compiled CLI)", () => {
  const model = modelFolder();

  it("matches Hugging Face's pipeline with --json", () => {
    const r = runBin(["token-classification", "--model", model, TEXT, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectGoldenGroups(r.stdout.trim());
  });

  it("reads --file and standard input; --threads and --batch-size are accepted", () => {
    const file = join(tmp(), "texts.txt");
    writeFileSync(file, `${TEXT}\n\nin london\n`);
    const fromFile = runBin(["token-classification", "--model", model, "--file", file, "--batch-size", "1", "--threads", "1"]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout.split("\n")[0]).toBe(`[1] ${TEXT}`);
    expect(fromFile.stdout).toMatch(/\n {2}london {2}LABEL_4 {2}0\.\d{4} {2}29–35\n/);
    const fromStdin = runBin(["token-classification", "--model", model, "--aggregation", "none"], { input: "in london\n" });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toMatch(/^in {2}LABEL_\d {2}0\.\d{4} {2}0–2\nlondon {2}LABEL_\d {2}0\.\d{4} {2}3–9\n$/);
  });

  it("fails with one line on a bad command line (exit 2) or bad input (exit 1)", () => {
    expectOneLineError(runBin(["token-classification", "x"]), 2, /missing required option --model <dir> \(see bertkit token-classification --help\)/);
    expectOneLineError(runBin(["token-classification", "--model", model, "--aggregation", "all", "x"]), 2, /--aggregation <strategy>.*all.*Allowed choices are none, simple, first, average, max/);
    expectOneLineError(runBin(["token-classification", "--model", GOLDEN_DIR, "x"]), 1, /neither tokenizer\.json nor vocab\.txt/);
  });
});
