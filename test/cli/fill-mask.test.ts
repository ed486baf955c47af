/**
 * `bertkit fill-mask`: human and --json output (Hugging Face's nesting), targets, texts from a file or standard
 * input, and one-line errors. The command is run in-process (tests of its action), then as the real binary
 * (these need the command registered in main.ts and `npx tsc -p tsconfig.build.json`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fillMaskLines, registerFillMask } from "../../src/cli/commands/fill-mask.js";
import type { FillMaskCandidate } from "../../src/inference/pipelines/fill-mask.js";
import { MINI, tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { runCommand } from "./in-process.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const keysOf = (c: FillMaskCandidate): string[] => Object.keys(c);

let tiny: string;
beforeAll(() => {
  tiny = tinyModelFolder();
});

describe("fill-mask in-process", () => {
  it("prints the text, then each candidate with its probability", async () => {
    const r = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "the king [MASK] ."]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("the king [MASK] .");
    expect(lines).toHaveLength(6);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}\S+ +\s{0,2}\d{1,3}\.\d\d%$/);
  });

  it("--targets scores only the listed words (blanks around commas dropped), top-k capped at their number", async () => {
    const r = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--targets", "king, the", "--top-k", "10", "--json", "the [MASK] said ."]);
    const json = JSON.parse(r.stdout) as FillMaskCandidate[];
    expect(json.map((c) => c.token_str).sort()).toEqual(["king", "the"]);
    expect(json[0].score).toBeGreaterThanOrEqual(json[1].score);
  });

  it("--json nests as Hugging Face: one text one mask → a list; several texts → one entry each; several masks → a list per mask", async () => {
    const one = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--json", "--top-k", "3", "the king [MASK] ."]);
    const single = JSON.parse(one.stdout) as FillMaskCandidate[];
    expect(single).toHaveLength(3);
    expect(keysOf(single[0])).toEqual(["score", "token", "token_str", "sequence"]);
    const many = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--json", "--top-k", "2", "the king [MASK] .", "[MASK] and [MASK]"]);
    const nested = JSON.parse(many.stdout) as [FillMaskCandidate[], FillMaskCandidate[][]];
    expect(nested).toHaveLength(2);
    expect(nested[0]).toHaveLength(2);
    expect(keysOf(nested[0][0])).toEqual(["score", "token", "token_str", "sequence"]);
    expect(nested[1]).toHaveLength(2);
    expect(nested[1].map((m) => m.length)).toEqual([2, 2]);
    expect(nested[1][0][0].sequence).toMatch(/^\[CLS\] .* and \[MASK\] \[SEP\]$/);
  });

  it("names a text without [MASK] by its file and line (blank lines counted)", async () => {
    const file = join(tmp(), "texts.txt");
    writeFileSync(file, "the king [MASK] .\n\nno mask on this line\n");
    const r = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--file", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^bertkit: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3 \\("no mask on this line"\\) has no \\[MASK\\]; put \\[MASK\\]`));
  });

  it("refuses a bad command line with exit 2", async () => {
    expect((await runCommand(registerFillMask, ["fill-mask", "a [MASK]"])).stderr).toMatch(/missing required option --model <dir> \(see bertkit fill-mask --help\)/);
    const r = await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--targets", " , ", "a [MASK]"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--targets needs at least one word/);
    expect((await runCommand(registerFillMask, ["fill-mask", "--model", tiny, "--top-k", "0", "a [MASK]"])).code).toBe(2);
  });
});

describe("fillMaskLines", () => {
  it("aligns tokens and groups candidates per mask when a text has several", () => {
    const c = (token_str: string, score: number): FillMaskCandidate => ({ score, token: 0, token_str, sequence: "" });
    expect(fillMaskLines([{ text: "a [MASK]", masks: [[c("door", 0.3505), c("a", 0.05)]] }])).toEqual([
      "a [MASK]",
      "  door   35.05%",
      "  a       5.00%",
    ]);
    expect(fillMaskLines([{ text: "[MASK] [MASK]", masks: [[c("x", 1)], [c("yy", 0.001)]] }])).toEqual([
      "[MASK] [MASK]",
      "  [MASK] 1:",
      "    x   100.00%",
      "  [MASK] 2:",
      "    yy    0.10%",
    ]);
  });
});

// The binary: needs `fill-mask` registered in src/cli/main.ts and dist/ built.
describe("bertkit fill-mask (binary)", () => {
  it("answers door for gutenberg-mini", () => {
    const r = runBin(["fill-mask", "--model", MINI, "--top-k", "1", "He opened the [MASK] and went out."]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^He opened the \[MASK\] and went out\.\n {2}door\s+3\d\.\d\d%\n$/);
  });

  it("reads standard input and prints JSON", () => {
    const r = runBin(["fill-mask", "--model", tiny, "--json", "--top-k", "2"], { input: "the king [MASK] .\n\n[MASK] and [MASK]\n" });
    expect(r.code).toBe(0);
    const nested = JSON.parse(r.stdout) as [FillMaskCandidate[], FillMaskCandidate[][]];
    expect(nested[0]).toHaveLength(2);
    expect(nested[1]).toHaveLength(2);
  });

  it("reports errors on one line", () => {
    expectOneLineError(runBin(["fill-mask", "--model", tiny, "no mask"]), 1, /^bertkit: text 1 \("no mask"\) has no \[MASK\]/);
    expectOneLineError(runBin(["fill-mask", "--model", tiny, "--top-k", "0", "a [MASK]"]), 2, /'--top-k <n>' argument '0' is invalid/);
  });
});
