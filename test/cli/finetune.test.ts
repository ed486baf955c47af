/**
 * `bertkit finetune` and `bertkit evaluate` end to end on the golden tiny BERT: a learnable classification file,
 * evaluation every epoch with the best model kept, Hugging Face folders out, exact resume after a stop, a head of
 * another size trained anew, from-random-init, and one-line errors.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { finetune } from "../../src/tasks/finetune/finetune.js";
import { classificationSpec } from "../../src/tasks/finetune/classification/spec.js";
import { tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { expectOneLineError, runBin } from "./run-bin.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "bertkit-finetune-"));
const quiet = { note: (): void => undefined };

/** Sentences whose label is the word they contain: "royal" ones name a king or queen, "sea" ones a ship or sail. */
function writeData(dir: string, rows: number, seed: number, extra: [string, string][] = []): string {
  const royal = ["the king spoke", "a queen came", "the king and his men", "her queen went home"];
  const sea = ["the ship sailed", "a sail in the wind", "the ship went out", "his sail was torn"];
  const lines = ["sentence\tlabel"];
  for (let i = 0; i < rows; i++) {
    const j = (i * 7 + seed) % 4;
    lines.push(i % 2 === 0 ? `${royal[j]}\troyal` : `${sea[j]}\tsea`);
  }
  for (const [t, l] of extra) lines.push(`${t}\t${l}`);
  const file = join(dir, `data-${seed}.tsv`);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

describe("bertkit finetune classification", () => {
  it("learns, keeps the best model, writes a Hugging Face folder, and evaluate agrees", () => {
    const dir = tmp();
    const model = tinyModelFolder();
    const train = writeData(dir, 64, 1);
    const evalFile = writeData(dir, 16, 3);
    const out = join(dir, "out");
    const r = runBin(["finetune", "classification", "--model", model, "--train", train, "--eval", evalFile, "--out", out,
      "--epochs", "6", "--batch-size", "8", "--lr", "3e-3", "--max-length", "16", "--threads", "1"]);
    expect(r.stderr).toMatch(/new BertForSequenceClassification head/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fine-tuned 48 steps \(64 examples\)/);
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config.architectures).toEqual(["BertForSequenceClassification"]);
    expect(config.id2label).toEqual({ 0: "royal", 1: "sea" });
    for (const f of ["model.safetensors", "vocab.txt", "training.svg", "best-model/model.safetensors", "eval_results.json"]) expect(existsSync(join(out, f))).toBe(true);
    const log = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | boolean>);
    const evals = log.filter((l) => l.eval === true);
    expect(evals.map((e) => e.step)).toEqual([8, 16, 24, 32, 40, 48]); // once per epoch
    const best = JSON.parse(readFileSync(join(out, "best-model.json"), "utf8")) as { value: number; step: number };
    expect(best.value).toBe(Math.max(...evals.map((e) => Number(e.accuracy))));
    expect(best.value).toBeGreaterThan(90);
    const e = runBin(["evaluate", "classification", "--model", out, "--data", evalFile, "--json", "--max-length", "16"]);
    expect(e.code).toBe(0);
    const metrics = JSON.parse(e.stdout) as Record<string, number>;
    expect(metrics.examples).toBe(16);
    expect(metrics.accuracy).toBeCloseTo(best.value, 6); // OUT holds the best model
    // The pipeline reads the label names back from config.json.
    const scores = JSON.parse(runBin(["text-classification", "--model", out, "--top-k", "all", "--json", "the king spoke"]).stdout) as { label: string; score: number }[][];
    expect(scores[0].map((s) => s.label).sort()).toEqual(["royal", "sea"]);
    expect(scores[0][0].score + scores[0][1].score).toBeCloseTo(1, 6);
  });

  it("a run stopped after step 5 and resumed ends with the same weights as one never stopped", async () => {
    const dir = tmp();
    const model = tinyModelFolder();
    const train = writeData(dir, 40, 2);
    const evalFile = writeData(dir, 8, 5);
    const base = { model, train, eval: evalFile, epochs: 2, batchSize: 8, lr: 1e-3, ...quiet };
    const spec = (): ReturnType<typeof classificationSpec> => classificationSpec({ maxLength: 16 });
    await finetune(spec(), { ...base, out: join(dir, "straight") });
    const controller = new AbortController();
    const stopped = await finetune(spec(), { ...base, out: join(dir, "resumed"), signal: controller.signal, progress: { step: (l) => l.step === 5 && controller.abort() } });
    expect(stopped.interrupted).not.toBeNull();
    expect(stopped.step).toBe(5);
    const resumed = await finetune(spec(), { ...base, out: join(dir, "resumed"), resume: true });
    expect(resumed.resumedFrom).toMatch(/checkpoint-5$/);
    expect(readFileSync(join(dir, "resumed", "model.safetensors")).equals(readFileSync(join(dir, "straight", "model.safetensors")))).toBe(true);
    expect(readFileSync(join(dir, "resumed", "best-model.json"), "utf8")).toBe(readFileSync(join(dir, "straight", "best-model.json"), "utf8"));
  });

  it("trains a head of another size anew, and --random-init ignores the folder's weights", async () => {
    const dir = tmp();
    const two = join(dir, "two");
    const notes: string[] = [];
    await finetune(classificationSpec({ maxLength: 16 }), { model: tinyModelFolder(), train: writeData(dir, 16, 1), out: two, epochs: 1, batchSize: 8, ...quiet });
    const three = writeData(dir, 16, 4, [["a bird sang", "sky"], ["the bird flew", "sky"]]);
    await finetune(classificationSpec({ maxLength: 16 }), { model: two, train: three, out: join(dir, "three"), epochs: 1, batchSize: 8, note: (l) => notes.push(l) });
    expect(notes.join("\n")).toMatch(/classifier\.weight has shape \[2, 64\], not \[3, 64\]: this head is trained anew/);
    const random: string[] = [];
    await finetune(classificationSpec({ maxLength: 16 }), { model: two, train: three, out: join(dir, "random"), epochs: 1, batchSize: 8, randomInit: true, note: (l) => random.push(l) });
    expect(random.join("\n")).toMatch(/random initialisation \(--random-init\)/);
  });
});

describe("errors", () => {
  it("are one line each", () => {
    const dir = tmp();
    const model = tinyModelFolder();
    const train = writeData(dir, 8, 1);
    expectOneLineError(runBin(["finetune", "summarization", "--model", model, "--train", train, "--out", join(dir, "o")]), 2, /unknown task "summarization"; use one of classification, qa, token-classification/);
    expectOneLineError(runBin(["finetune", "classification", "--model", model, "--out", join(dir, "o")]), 2, /--train/);
    const bad = writeData(dir, 4, 9, [["a bird sang", "sky"]]);
    const out = join(dir, "out");
    expectOneLineError(runBin(["finetune", "classification", "--model", model, "--train", train, "--eval", bad, "--out", out, "--epochs", "1", "--batch-size", "4"]), 1,
      /data-9\.tsv:6: label "sky" is not one of the model's labels/);
    expectOneLineError(runBin(["evaluate", "qa", "--model", model, "--data", train]), 1, /is a BertForPreTraining, not a BertForQuestionAnswering; fine-tune it for qa first/);
    expectOneLineError(runBin(["finetune", "classification", "--model", join(dir, "nowhere"), "--train", train, "--out", out]), 1, /nowhere.*config\.json is missing/);
  });
});
