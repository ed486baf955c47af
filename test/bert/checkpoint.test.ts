/**
 * Hugging Face model folders: load → save → load round trips, the key variants of real checkpoints,
 * loading into a new head, and errors that name the key, the file and the shapes.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { BertForSequenceClassification } from "../../src/bert/heads/sequence-classification.js";
import { BertModel } from "../../src/bert/model.js";
import { namedOutputs } from "../../src/inference/named-outputs.js";
import { loadPretrained, newlyInitializedWarning, savePretrained } from "../../src/bert/pretrained.js";
import { readSafetensors, readSafetensorsHeader, type TensorData, writeSafetensors } from "../../src/io/safetensors.js";
import { FormatError } from "../../src/errors.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";
import { randomIds } from "../helpers/random-model.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
const TINY = join(GOLDEN_MODELS, "pretraining-tiny");

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-ckpt-"));
}

/** A model folder with TINY's config (optionally edited) and the given tensors. */
function folder(tensors: Map<string, TensorData>, config: (c: Record<string, unknown>) => void = () => undefined): string {
  const dir = tmp();
  const c = JSON.parse(readFileSync(join(TINY, "config.json"), "utf8")) as Record<string, unknown>;
  config(c);
  writeFileSync(join(dir, "config.json"), JSON.stringify(c));
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

function tinyTensors(): Map<string, TensorData> {
  return readSafetensors(join(TINY, "model.safetensors")).tensors;
}

function renamed(tensors: Map<string, TensorData>, rename: (k: string) => string | null): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [k, v] of tensors) {
    const n = rename(k);
    if (n !== null) out.set(n, v);
  }
  return out;
}

describe("round trip", () => {
  it("load → save → load of gutenberg-mini keeps every key, shape and bit, and saving twice gives the same bytes", () => {
    const a = loadPretrained(MINI);
    expect(a.architecture).toBe("BertForPreTraining");
    const dir1 = tmp();
    savePretrained(dir1, a.model, a.config, a.architecture);
    const original = readSafetensorsHeader(join(MINI, "model.safetensors"));
    const saved = readSafetensorsHeader(join(dir1, "model.safetensors"));
    expect([...saved.keys()]).toEqual([...original.keys()]);
    for (const [k, v] of original) expect(saved.get(k)?.shape, k).toEqual(v.shape);
    const b = loadPretrained(dir1);
    const pa = a.model.namedParameters();
    const pb = new Map(b.model.namedParameters());
    for (const [name, p] of pa) expect(Buffer.from((pb.get(name)?.data as Float32Array).buffer).equals(Buffer.from((p.data as Float32Array).buffer)), name).toBe(true);
    const dir2 = tmp();
    savePretrained(dir2, b.model, b.config, b.architecture);
    expect(readFileSync(join(dir2, "model.safetensors")).equals(readFileSync(join(dir1, "model.safetensors")))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir2, "config.json"), "utf8"))).toEqual(JSON.parse(readFileSync(join(dir1, "config.json"), "utf8")));
  });

  it("saves a BertModel without the bert. prefix, as Hugging Face does", () => {
    const { model, config } = loadPretrained(TINY, { architecture: "BertModel" });
    const dir = tmp();
    savePretrained(dir, model, config, "BertModel");
    const keys = [...readSafetensorsHeader(join(dir, "model.safetensors")).keys()];
    expect(keys).toContain("embeddings.word_embeddings.weight");
    expect(keys.some((k) => k.startsWith("bert."))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).architectures).toEqual(["BertModel"]);
  });
});

describe("checkpoint key variants", () => {
  const reference = loadPretrained(TINY);
  const ids = randomIds(2, 9, 2000);
  const expected = namedOutputs(reference.model, { inputIds: ids }).get("prediction_logits")?.data;

  function logitsOf(dir: string): ArrayLike<number> | undefined {
    return namedOutputs(loadPretrained(dir).model, { inputIds: ids }).get("prediction_logits")?.data;
  }

  it("accepts legacy gamma/beta names, position_ids buffers and a stored tied decoder weight", () => {
    const t = renamed(tinyTensors(), (k) => k.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta"));
    t.set("bert.embeddings.position_ids", { dtype: "int32", shape: [1, 64], data: Int32Array.from({ length: 64 }, (_, i) => i) });
    const word = t.get("bert.embeddings.word_embeddings.weight");
    if (!word) throw new Error("word embeddings expected");
    t.set("cls.predictions.decoder.weight", word);
    expect(logitsOf(folder(t))).toEqual(expected);
  });

  it("accepts the decoder bias under cls.predictions.decoder.bias", () => {
    const t = renamed(tinyTensors(), (k) => (k === "cls.predictions.bias" ? "cls.predictions.decoder.bias" : k));
    expect(logitsOf(folder(t))).toEqual(expected);
  });

  it("loads a base checkpoint without the bert. prefix into a task head and names the new keys", () => {
    const base = renamed(tinyTensors(), (k) => (k.startsWith("bert.") ? k.slice(5) : null));
    const dir = folder(base, (c) => {
      c.architectures = ["BertModel"];
    });
    const { model, report } = loadPretrained(dir, { architecture: "BertForSequenceClassification" });
    expect(model).toBeInstanceOf(BertForSequenceClassification);
    expect(report.newlyInitialized.sort()).toEqual(["classifier.bias", "classifier.weight"]);
    expect(newlyInitializedWarning({ architecture: "BertForSequenceClassification", report }, dir)).toBe(
      `some weights of BertForSequenceClassification were not in the checkpoint at ${dir} and are newly initialized: ` +
      "classifier.bias, classifier.weight; its outputs are random until you fine-tune it");
    expect(() => loadPretrained(dir, { architecture: "BertForFoo" })).toThrow(
      /^model class "BertForFoo" is not one bertkit has; pick one of BertModel, BertForPreTraining, .*BertForTokenClassification$/);
    const asBase = loadPretrained(dir).model;
    expect(asBase).toBeInstanceOf(BertModel);
    if (!(model instanceof BertForSequenceClassification) || !(asBase instanceof BertModel)) return;
    const h1 = namedOutputs(asBase, { inputIds: ids }).get("pooler_output")?.data;
    expect(h1).toEqual(model.bert.forward({ inputIds: ids }).poolerOutput?.data);
  });

  it("loads a pre-training checkpoint into BertModel and reports the heads as unused", () => {
    const { model, report } = loadPretrained(TINY, { architecture: "BertModel" });
    expect(model).toBeInstanceOf(BertModel);
    expect(report.unused).toContain("cls.seq_relationship.weight");
    expect(report.newlyInitialized).toEqual([]);
    expect(newlyInitializedWarning({ architecture: "BertModel", report }, TINY)).toBeNull();
  });

  it("loads gutenberg-mini (tied decoder not stored) with the decoder sharing the word embeddings", () => {
    const { model } = loadPretrained(MINI);
    if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
    expect(model.cls.predictions.decoder.weight).toBe(model.bert.embeddings.word_embeddings.weight);
  });
});

describe("checkpoint errors", () => {
  function loadError(dir: string, architecture?: string): string {
    try {
      loadPretrained(dir, { architecture });
    } catch (err) {
      expect(err).toBeInstanceOf(FormatError);
      return (err as Error).message;
    }
    throw new Error("expected the load to fail");
  }

  it("names a missing encoder tensor and the file", () => {
    const dir = folder(renamed(tinyTensors(), (k) => (k === "bert.encoder.layer.1.output.dense.weight" ? null : k)));
    const msg = loadError(dir);
    expect(msg).toContain("bert.encoder.layer.1.output.dense.weight");
    expect(msg).toContain(join(dir, "model.safetensors"));
    expect(msg).toContain("[64, 256]");
  });

  it("names both shapes of a mis-shaped tensor", () => {
    const t = tinyTensors();
    t.set("bert.pooler.dense.bias", { dtype: "float32", shape: [32], data: new Float32Array(32) });
    const msg = loadError(folder(t));
    expect(msg).toMatch(/bert\.pooler\.dense\.bias.*\[32\].*\[64\]/);
  });

  it("rejects encoder tensors the config has no place for (a layer too many)", () => {
    const t = tinyTensors();
    const w = t.get("bert.encoder.layer.1.output.dense.bias");
    if (!w) throw new Error("tensor expected");
    t.set("bert.encoder.layer.2.output.dense.bias", w);
    expect(loadError(folder(t))).toContain("bert.encoder.layer.2.output.dense.bias");
  });

  it("rejects a checkpoint of the same class that lacks its head", () => {
    const msg = loadError(folder(renamed(tinyTensors(), (k) => (k.startsWith("cls.seq_relationship") ? null : k))));
    expect(msg).toContain("cls.seq_relationship");
  });

  it("names an invalid config field", () => {
    const dir = folder(tinyTensors(), (c) => {
      c.hidden_act = "swish";
    });
    expect(loadError(dir)).toMatch(/config\.json.*hidden_act/);
  });

  it("says which file is missing from a model folder", () => {
    const dir = tmp();
    mkdirSync(join(dir, "m"));
    copyFileSync(join(TINY, "config.json"), join(dir, "m", "config.json"));
    expect(() => loadPretrained(join(dir, "m"))).toThrow(/model\.safetensors is missing/);
  });
});
