/**
 * `bertkit similarity`: ranked "score  text" lines and --json (the query itself first, at 1), a paraphrase above an
 * unrelated sentence on gutenberg-mini, and one-line errors. Run in-process (the action), then as the real binary
 * (needs the command registered in main.ts and dist/ built).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerSimilarity, similarityLines } from "../../src/cli/commands/similarity.js";
import type { RankedText } from "../../src/inference/pipelines/similarity.js";
import { MINI, tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { runCommand } from "./in-process.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

const QUERY = "The king sat upon his throne.";
const TEXTS = ["Two and two make four.", "The king was seated on the throne.", QUERY];

describe("similarity in-process", () => {
  it("prints the texts best first with their cosine similarity; --json gives text, index and score", async () => {
    const r = await runCommand(registerSimilarity, ["similarity", "--model", tinyModelFolder(), "--query", QUERY, "--json", ...TEXTS]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ranked = JSON.parse(r.stdout) as RankedText[];
    expect(ranked.map((x) => x.index).sort()).toEqual([0, 1, 2]);
    expect(ranked[0]).toEqual({ text: QUERY, index: 2, score: expect.closeTo(1, 5) as number });
    expect(ranked[1].score).toBeGreaterThanOrEqual(ranked[2].score);
  });

  it("reads texts from a file, keeps --top-k of them, and prints 'score  text' lines", async () => {
    const file = join(tmp(), "texts.txt");
    writeFileSync(file, TEXTS.join("\n\n") + "\n");
    const r = await runCommand(registerSimilarity, ["similarity", "--model", tinyModelFolder(), "--query", "the king", "--file", file, "--top-k", "2"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^ {0,2}-?[01]\.\d{4} {2}\S/);
  });

  it("needs --query", async () => {
    const r = await runCommand(registerSimilarity, ["similarity", "--model", MINI, "a"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required option --query <text> \(see bertkit similarity --help\)/);
  });
});

describe("similarityLines", () => {
  it("right-aligns scores to four decimals, negatives included", () => {
    expect(similarityLines([{ text: "a", index: 0, score: 0.98765 }, { text: "b", index: 1, score: -0.25 }])).toEqual([" 0.9877  a", "-0.2500  b"]);
  });
});

// The binary: needs `similarity` registered in src/cli/main.ts and dist/ built.
describe("bertkit similarity (binary)", () => {
  it("ranks a paraphrase above an unrelated sentence", () => {
    const r = runBin(["similarity", "--model", MINI, "--query", QUERY, TEXTS[0], TEXTS[1]]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ 0\.\d{4} {2}The king was seated on the throne\.\n 0\.\d{4} {2}Two and two make four\.\n$/);
  });

  it("reports a missing --model on one line", () => {
    expectOneLineError(runBin(["similarity", "--query", "q", "a"]), 2, /missing required option --model <dir> \(see bertkit similarity --help\)/);
  });
});
