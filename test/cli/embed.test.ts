/**
 * `bertkit embed`: JSON lines on standard output or in a .jsonl file, a float32 (N, C) matrix in a .safetensors
 * file — each equal to the library's vectors — and its one-line errors. Run in-process (the action), then as the
 * real binary (needs the command registered in main.ts and dist/ built).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { embedOutputKind, float32Number, registerEmbed } from "../../src/cli/commands/embed.js";
import { EmbeddingPipeline } from "../../src/inference/pipelines/embed.js";
import { readSafetensors } from "../../src/io/safetensors.js";
import { tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { runCommand } from "./in-process.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

interface EmbeddingLine {
  text: string;
  embedding: number[];
}

const TEXTS = ["the king is dead .", "long live the king !"];
let tiny: string;
let expected: Float32Array[];

beforeAll(async () => {
  tiny = tinyModelFolder();
  expected = (await EmbeddingPipeline.load(tiny)).run(TEXTS, { pooling: "cls", normalize: true }).vectors();
});

function parseLines(stdout: string): EmbeddingLine[] {
  return stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as EmbeddingLine);
}

describe("embed in-process", () => {
  it("prints one JSON line per text whose numbers read back as the library's float32 vectors", async () => {
    const r = await runCommand(registerEmbed, ["embed", "--model", tiny, "--pooling", "cls", "--normalize", ...TEXTS]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => l.text)).toEqual(TEXTS);
    lines.forEach((l, i) => expect(Float32Array.from(l.embedding)).toEqual(expected[i]));
  });

  it("writes a float32 matrix 'embeddings' (N, C) to .safetensors and the same lines to .jsonl", async () => {
    const dir = tmp();
    const st = join(dir, "e.safetensors");
    const r = await runCommand(registerEmbed, ["embed", "--model", tiny, "--pooling", "cls", "--normalize", "--out", st, ...TEXTS]);
    expect(r.stdout).toBe(`wrote 2 embeddings of 64 floats (cls pooling, normalized) to ${st}\n`);
    const file = readSafetensors(st);
    const m = file.tensors.get("embeddings");
    expect(m?.dtype).toBe("float32");
    expect(m?.shape).toEqual([2, 64]);
    expect(m?.data.subarray(64)).toEqual(expected[1]);
    expect(file.metadata).toEqual({ pooling: "cls", normalized: "true" });
    const jl = join(dir, "e.jsonl");
    await runCommand(registerEmbed, ["embed", "--model", tiny, "--pooling", "cls", "--normalize", "--out", jl, ...TEXTS]);
    const lines = parseLines(readFileSync(jl, "utf8"));
    expect(Float32Array.from(lines[0].embedding)).toEqual(expected[0]);
  });

  it("refuses an --out it cannot write and a bad --max-length", async () => {
    const r = await runCommand(registerEmbed, ["embed", "--model", tiny, "--out", "x.npy", "a"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bertkit: --out x\.npy: the file name must end in \.safetensors .* or \.jsonl/);
    const long = await runCommand(registerEmbed, ["embed", "--model", tiny, "--max-length", "65", "a"]);
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/maxLength must be an integer from 2 to 64/);
  });
});

describe("float32Number and embedOutputKind", () => {
  it("gives the shortest decimal that reads back as the same float32", () => {
    expect(float32Number(Math.fround(0.1))).toBe(0.1);
    expect(float32Number(Math.fround(1 / 3))).toBe(0.33333334);
    expect(float32Number(-2.5)).toBe(-2.5);
    for (const x of [Math.fround(1e-30), Math.fround(123456.789), Math.fround(-7.0000005)]) expect(Math.fround(float32Number(x))).toBe(x);
  });

  it("chooses the format by extension", () => {
    expect(embedOutputKind(undefined)).toBe("stdout");
    expect(embedOutputKind("a/b.safetensors")).toBe("safetensors");
    expect(embedOutputKind("b.jsonl")).toBe("jsonl");
  });
});

// The binary: needs `embed` registered in src/cli/main.ts and dist/ built.
describe("bertkit embed (binary)", () => {
  it("reads standard input and prints JSON lines", () => {
    const r = runBin(["embed", "--model", tiny, "--pooling", "cls", "--normalize"], { input: TEXTS.join("\n") + "\n" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines).toHaveLength(2);
    lines.forEach((l, i) => expect(Float32Array.from(l.embedding)).toEqual(expected[i]));
  });

  it("reports a bad pooling on one line", () => {
    expectOneLineError(runBin(["embed", "--model", tiny, "--pooling", "sum", "a"]), 2, /'--pooling <name>' argument 'sum' is invalid\. Allowed choices are cls, mean, max, pooler/);
  });
});
