/**
 * The layer rules of docs/architecture.md, checked on the sources: which folder may import which, no memory
 * scopes or autograd switches in model code, no CLI in the library index, no source file over 400 lines.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Each file's relative imports as folders under src/ ("tensor", "backend", "errors.js", …). */
function importedLayers(file: string): { layer: string; line: string }[] {
  const text = readFileSync(file, "utf8");
  const out: { layer: string; line: string }[] = [];
  for (const match of text.matchAll(/^(?:import|export)[^;]*?from "(\.[^"]+)";/gms)) {
    const target = relative(SRC, resolve(dirname(file), match[1]));
    out.push({ layer: target.split("/")[0], line: match[0].replace(/\s+/g, " ") });
  }
  return out;
}

const all = sources(SRC);
const inLayer = (layer: string): string[] => all.filter((f) => relative(SRC, f).startsWith(`${layer}/`));

/** Leaf modules every layer may import: the error classes and util/ (atomic writes, shape text). */
const LEAVES = ["errors.js", "util"];

/** Violations of "files in `layer` import only from `allowed` (and the leaves)", as readable lines. */
function violations(layer: string, allowed: string[]): string[] {
  return inLayer(layer).flatMap((file) =>
    importedLayers(file)
      .filter(({ layer: l }) => l !== layer && !allowed.includes(l) && !LEAVES.includes(l))
      .map(({ line }) => `${relative(SRC, file)}: ${line}`));
}

describe("layer rules", () => {
  it("the tokenizer and io stand alone (errors only)", () => {
    expect(violations("tokenizer", [])).toEqual([]);
    expect(violations("io", [])).toEqual([]);
  });

  it("the tensor layer builds only on the backend", () => {
    expect(violations("tensor", ["backend"])).toEqual([]);
  });

  it("model code imports nothing from the backend and opens no memory scopes", () => {
    expect(violations("bert", ["nn", "tensor", "io"])).toEqual([]);
    const engineCalls = inLayer("bert").filter((f) => /\b(scope|isGradEnabled|trackScratch)\(/.test(readFileSync(f, "utf8")));
    expect(engineCalls.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("the trainer knows no BERT", () => {
    expect(violations("train", ["nn", "tensor", "backend"])).toEqual([]);
  });

  it("data knows tokenizer, tensors and files; plots stand alone; tasks sit below inference and the CLI", () => {
    expect(violations("data", ["tokenizer", "tensor", "io"])).toEqual([]);
    expect(violations("report", [])).toEqual([]);
    expect(violations("tasks", ["bert", "data", "train", "nn", "tensor", "io", "tokenizer", "report", "metrics"])).toEqual([]);
  });

  it("metrics are plain functions on numbers and strings", () => {
    expect(violations("metrics", [])).toEqual([]);
  });

  it("inference (pipelines), the demo and the explore page use the library, never the CLI", () => {
    const library = ["backend", "tensor", "nn", "bert", "io", "tokenizer", "data", "train", "tasks", "metrics", "report", "perf", "worker", "hub"];
    expect(violations("inference", library)).toEqual([]);
    expect(violations("demo", [...library, "inference"])).toEqual([]);
    expect(violations("explore", [...library, "inference", "worker"])).toEqual([]);
    expect(violations("serve", [...library, "inference", "hub"])).toEqual([]);
  });

  it("the hub client is a leaf (node built-ins only)", () => {
    expect(violations("hub", [])).toEqual([]);
  });

  it("the library index exports no CLI", () => {
    expect(importedLayers(join(SRC, "index.ts")).filter(({ layer }) => layer === "cli")).toEqual([]);
  });

  it("no source file is over 400 lines", () => {
    const long = all.map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
