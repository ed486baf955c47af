/**
 * `bertkit evaluate-pretraining`: the compiled CLI on gutenberg-mini with shards made here from held-out text
 * (--json and the readable form give the library's numbers), and one-line errors for bad data.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../src/backend/configure.js";
import { evaluatePretraining, type PretrainingEvaluation } from "../../src/inference/evaluate-pretraining.js";
import { writeSafetensors } from "../../src/io/safetensors.js";
import { loadTokenizer } from "../../src/tokenizer/model-folder.js";
import { heldOutRows, shardTensors, writeShardFolder } from "../data/pretraining/shard-dataset-fixture.js";
import { expectOneLineError, MINI, runBin } from "./run-bin.js";

const T = 40;
let dir = "";
let shards = "";
let want: PretrainingEvaluation;
let rows: ReturnType<typeof heldOutRows> = [];

beforeAll(async () => {
  configure(); // native when built (this process computes the expected numbers): deep imports do not choose it
  const tokenizer = await loadTokenizer(MINI);
  rows = heldOutRows(tokenizer, 6, T, 3);
  dir = mkdtempSync(join(tmpdir(), "bertkit-cli-evalpt-"));
  shards = join(dir, "shards");
  writeShardFolder(shards, [rows.slice(0, 4), rows.slice(4)], T, tokenizer.vocab.tokens);
  want = await evaluatePretraining({ model: MINI, data: shards, batchSize: 4 });
});

describe("bertkit evaluate-pretraining", () => {
  it("--json prints one object with plain keys and the library's numbers", () => {
    const r = runBin(["evaluate-pretraining", "--model", MINI, "--data", shards, "--batch-size", "4", "--json", "--threads", "2"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const got = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(got).sort()).toEqual(["masked_accuracy", "masked_tokens", "mlm_loss", "nsp_accuracy", "nsp_loss", "perplexity", "rows"]);
    expect(got.rows).toBe(6);
    expect(got.masked_tokens).toBe(want.maskedTokens);
    expect(Math.abs(got.mlm_loss - want.mlmLoss) / want.mlmLoss).toBeLessThan(1e-6); // float32 sums may differ in the last bit
    expect(got.perplexity).toBeCloseTo(Math.exp(got.mlm_loss), 6);
    expect(got.masked_accuracy).toBeCloseTo(want.maskedAccuracy, 9);
    expect(got.nsp_accuracy).toBeCloseTo(want.nspAccuracy, 9);
    for (const share of [got.masked_accuracy, got.nsp_accuracy]) expect(share >= 0 && share <= 1).toBe(true);
  });

  it("prints a readable summary by default", () => {
    const r = runBin(["evaluate-pretraining", "--model", MINI, "--data", shards]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `6 rows, ${want.maskedTokens} masked tokens\n` +
        `MLM loss         ${want.mlmLoss.toFixed(4)}\n` +
        `perplexity       ${want.perplexity.toFixed(2)}\n` +
        `masked accuracy  ${(100 * want.maskedAccuracy).toFixed(1)}%\n` +
        `NSP loss         ${want.nspLoss.toFixed(4)}\n` +
        `NSP accuracy     ${(100 * want.nspAccuracy).toFixed(1)}%\n`,
    );
  });

  it("says in --help that the accuracies are shares from 0 to 1", () => {
    const r = runBin(["evaluate-pretraining", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("masked_accuracy and nsp_accuracy (shares from 0 to 1)");
  });
});

describe("bertkit evaluate-pretraining errors", () => {
  it("names the file and tensor of a shard that lacks one or has it mis-shaped", () => {
    const tensors = shardTensors(rows, T);
    delete tensors.next_sentence_label;
    writeSafetensors(join(dir, "missing.safetensors"), tensors);
    const missing = runBin(["evaluate-pretraining", "--model", MINI, "--data", join(dir, "missing.safetensors")]);
    expectOneLineError(missing, 1, /missing.safetensors: no "next_sentence_label" tensor/);
    const shaped = shardTensors(rows, T);
    shaped.labels = { dtype: "int32", shape: [6, T - 1], data: new Int32Array(6 * (T - 1)).fill(-100) };
    writeSafetensors(join(dir, "shaped.safetensors"), shaped);
    const r = runBin(["evaluate-pretraining", "--model", MINI, "--data", join(dir, "shaped.safetensors")]);
    expectOneLineError(r, 1, /shaped.safetensors: "labels" has shape \[6, 39\] but input_ids is \[6, 40\]/);
  });

  it("refuses shards made with another vocabulary", () => {
    const cased = readFileSync(join(MINI, "..", "..", "data", "vocab", "bert-base-cased.txt"), "utf8").split("\n").filter((l, i, a) => i < a.length - 1 || l !== "");
    const other = join(dir, "cased-shards");
    writeShardFolder(other, [rows], T, cased);
    const r = runBin(["evaluate-pretraining", "--model", MINI, "--data", other, "--json"]);
    expectOneLineError(r, 1, new RegExp(`shards in ${other} were made with another vocabulary .*; prepare them again with --vocab ${MINI}`));
    expect(r.stdout).toBe("");
  });

  it("exits 2 on a bad command line", () => {
    expectOneLineError(runBin(["evaluate-pretraining", "--model", MINI]), 2, /missing required option --data <path>/);
    expectOneLineError(runBin(["evaluate-pretraining", "--model", MINI, "--data", shards, "--batch-size", "0"]), 2, /--batch-size <n>.*expected an integer from 1/);
  });

  it("says when the data does not exist", () => {
    expectOneLineError(runBin(["evaluate-pretraining", "--model", MINI, "--data", join(dir, "nope")]), 1, /pre-training data .*nope does not exist/);
  });
});
