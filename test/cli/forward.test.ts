/**
 * `bertkit forward`: the compiled CLI on gutenberg-mini with I64 inputs, on other configurations, and its
 * errors. The CLI binary is run as a user would (`npm test` builds it first).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { savePretrained } from "../../src/bert/pretrained.js";
import type { ArchitectureName } from "../../src/bert/architectures.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { buildSafetensors, entry, littleEndian } from "../io/safetensors-bytes.js";
import { SHARED } from "../helpers/golden.js";
import { abbreviatedList } from "../../src/cli/commands/forward.js";
import { randomModel, smallConfig } from "../helpers/random-model.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "bertkit");
const MINI = join(SHARED, "models", "gutenberg-mini");

/** Runs the CLI; the backend notice (printed when the native addon is not built) is dropped from stderr. */
function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  const stderr = r.stderr.split("\n").filter((l) => !l.startsWith("bertkit: native backend not built")).join("\n");
  return { code: r.status, stdout: r.stdout, stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-forward-"));
}

/** Ids of whole words in gutenberg-mini's vocabulary. */
function vocabIds(words: string[]): number[] {
  const vocab = readFileSync(join(MINI, "vocab.txt"), "utf8").split("\n");
  return words.map((w) => {
    const id = vocab.indexOf(w);
    if (id < 0) throw new Error(`${w} not in vocab`);
    return id;
  });
}

describe("bertkit forward on gutenberg-mini", () => {
  it("reads I64 inputs and fills a mask with what it learned ('he opened the [MASK] and went out' → door)", () => {
    const words = ["[CLS]", "he", "opened", "the", "[MASK]", "and", "went", "out", ".", "[SEP]"];
    const ids = vocabIds(words);
    const t = ids.length;
    const data = [...littleEndian("i64", ids), ...littleEndian("i64", ids.map(() => 1))];
    const header = { input_ids: entry("I64", [1, t], 0, 8 * t), attention_mask: entry("I64", [1, t], 8 * t, 16 * t) };
    const dir = tmp();
    writeFileSync(join(dir, "in.safetensors"), buildSafetensors(header, data));
    const r = run(["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "out.safetensors"), "--output-hidden-states"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = readSafetensors(join(dir, "out.safetensors")).tensors;
    expect([...out.keys()].sort()).toEqual(["hidden_states.0", "hidden_states.1", "hidden_states.2", "hidden_states.3", "hidden_states.4", "prediction_logits", "seq_relationship_logits"]);
    const logits = out.get("prediction_logits");
    if (!logits) throw new Error("prediction_logits expected");
    expect(logits.shape).toEqual([1, t, 30522]);
    const row = logits.data.subarray(4 * 30522, 5 * 30522);
    const best = Array.from(row.keys()).reduce((a, b) => (row[b] > row[a] ? b : a));
    expect(best).toBe(vocabIds(["door"])[0]);
  });

  it("runs another class on the same weights with --class and writes attentions", () => {
    const dir = tmp();
    writeSafetensors(join(dir, "in.safetensors"), { input_ids: { dtype: "int32", shape: [2, 5], data: Int32Array.from([101, 2009, 2001, 102, 0, 101, 2009, 102, 0, 0]) } });
    const r = run(["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors"), "--class", "BertModel", "--output-attentions"]);
    expect(r.code).toBe(0);
    const out = readSafetensors(join(dir, "o.safetensors")).tensors;
    expect(out.get("last_hidden_state")?.shape).toEqual([2, 5, 256]);
    expect(out.get("pooler_output")?.shape).toEqual([2, 256]);
    expect(out.get("attentions.3")?.shape).toEqual([2, 4, 5, 5]);
  });
});

describe("bertkit forward on other configurations", () => {
  const cases: [ArchitectureName, Parameters<typeof smallConfig>[0], string[]][] = [
    ["BertForMaskedLM", { hidden_act: "gelu_new", num_attention_heads: 2 }, ["logits"]],
    ["BertForSequenceClassification", { hidden_act: "relu", num_labels: 4, num_hidden_layers: 3 }, ["logits"]],
    ["BertForTokenClassification", { num_labels: 7, num_attention_heads: 6 }, ["logits"]],
    ["BertForQuestionAnswering", { hidden_size: 32, num_attention_heads: 8, intermediate_size: 20 }, ["end_logits", "start_logits"]],
    ["BertForNextSentencePrediction", { num_hidden_layers: 1 }, ["logits"]],
  ];
  it.each(cases)("%s writes its outputs under Hugging Face's names", (arch, overrides, names) => {
    const config = smallConfig(overrides);
    const dir = tmp();
    savePretrained(join(dir, "model"), randomModel(arch, config), config, arch);
    writeSafetensors(join(dir, "in.safetensors"), {
      input_ids: { dtype: "int32", shape: [2, 4], data: Int32Array.from([2, 9, 10, 3, 2, 11, 3, 0]) },
      attention_mask: { dtype: "int32", shape: [2, 4], data: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]) },
    });
    const r = run(["forward", "--model", join(dir, "model"), "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors")]);
    expect(r.stderr).toBe("");
    const out = readSafetensors(join(dir, "o.safetensors")).tensors;
    expect([...out.keys()].sort()).toEqual(names);
    for (const t of out.values()) expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
  });
});

describe("bertkit forward reports", () => {
  it("warns on one line about a head the checkpoint lacks, and counts tensors in the right number", () => {
    const dir = tmp();
    writeSafetensors(join(dir, "in.safetensors"), { input_ids: { dtype: "int32", shape: [1, 4], data: Int32Array.from([101, 2009, 2001, 102]) } });
    const args = ["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors"), "--threads", "1"];
    const qa = run([...args, "--class", "BertForQuestionAnswering"]);
    expect(qa.code).toBe(0);
    expect(qa.stderr).toBe(
      `bertkit: warning: some weights of BertForQuestionAnswering were not initialized from the model checkpoint at ${MINI} ` +
        "and are newly initialized: [qa_outputs.weight, qa_outputs.bias]; their outputs are random: train this model on a down-stream task first\n",
    );
    expect(qa.stdout).toMatch(/^wrote 2 tensors to /);
    const nsp = run([...args, "--class", "BertForNextSentencePrediction"]);
    expect(nsp.stderr).toBe("");
    expect(nsp.stdout).toBe(`wrote 1 tensor to ${join(dir, "o.safetensors")}:\n  logits [1, 2]\n`);
  });

  it("abbreviates a long list of new weights", () => {
    expect(abbreviatedList(["a", "b", "c"])).toBe("[a, b, c]");
    expect(abbreviatedList(Array.from({ length: 10 }, (_, i) => `w${i}`))).toBe("[w0, w1, w2, w3, w4, w5, … and 4 more]");
  });
});

describe("bertkit forward errors", () => {
  it("rejects ids that are not I32 or I64, saying what is allowed", () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.safetensors"), buildSafetensors({ input_ids: entry("U8", [1, 3], 0, 3) }, [1, 2, 3]));
    const r = run(["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`bertkit: ${join(dir, "in.safetensors")}: "input_ids" is U8; input_ids, attention_mask, token_type_ids must be I32 or I64 (convert it, e.g. numpy's .astype("int64") or torch's .long())\n`);
  });

  it("says when input_ids is missing", () => {
    const dir = tmp();
    writeSafetensors(join(dir, "in.safetensors"), { ids: { dtype: "int32", shape: [1, 2], data: Int32Array.from([1, 2]) } });
    const r = run(["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no "input_ids" tensor/);
  });

  it("says when a token id is outside the vocabulary", () => {
    const dir = tmp();
    writeSafetensors(join(dir, "in.safetensors"), { input_ids: { dtype: "int32", shape: [1, 2], data: Int32Array.from([101, 40000]) } });
    const r = run(["forward", "--model", MINI, "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/id 40000 .* outside the table's 30522 rows/);
  });

  it("says when the model folder does not exist", () => {
    const r = run(["forward", "--model", "/nonexistent/model", "--inputs", "x", "--out", "y"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("bertkit: model folder /nonexistent/model does not exist\n");
  });

  it("says when the sequence is longer than the model's positions", () => {
    const dir = tmp();
    const config = smallConfig({ max_position_embeddings: 4 });
    savePretrained(join(dir, "m"), randomModel("BertModel", config), config, "BertModel");
    writeSafetensors(join(dir, "in.safetensors"), { input_ids: { dtype: "int32", shape: [1, 6], data: Int32Array.from([1, 2, 3, 4, 5, 6]) } });
    const r = run(["forward", "--model", join(dir, "m"), "--inputs", join(dir, "in.safetensors"), "--out", join(dir, "o.safetensors")]);
    expect(r.stderr).toMatch(/6 tokens but the model has 4 positions/);
  });
});
