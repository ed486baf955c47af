/**
 * Opening pre-training data: shard folders (manifest, vocabulary, every shard checked) and single shard files,
 * collating rows across shards, and a one-line error naming the file and tensor for each kind of bad input.
 */
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError, InputError } from "../../../src/errors.js";
import { openShards, type PretrainingBatch } from "../../../src/data/pretraining/shard-dataset.js";
import { readSafetensors, writeSafetensors, type TensorData } from "../../../src/io/safetensors.js";
import type { Dataset } from "../../../src/train/task.js";
import { GOLDEN_MODELS } from "../../helpers/golden.js";
import { shardTensors, writeShardFolder, type RowSpec } from "./shard-dataset-fixture.js";

const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "dog", "ran", "##s", "a", "b", "c"];
const T = 8;

/** Row k: [CLS] w [SEP] w' [SEP] with k-dependent words, the second word predicted. */
function row(k: number): RowSpec {
  const w = 5 + (k % 10);
  return { ids: [2, w, 4, 3, w + 1, 3], types: [0, 0, 0, 0, 1, 1], labels: { 2: 5 + ((k + 3) % 10) }, nsp: k % 2 };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-shards-"));
}

function folder(shards: RowSpec[][] = [[row(0), row(1), row(2)], [row(3), row(4)]]): string {
  const dir = join(tmp(), "shards");
  writeShardFolder(dir, shards, T, VOCAB);
  return dir;
}

/** The error `fn` throws, checked to be one line of the given class. */
function errorOf(fn: () => unknown, kind: typeof FormatError | typeof InputError = FormatError): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected an error");
}

describe("a shard folder", () => {
  it("is a Dataset of all its rows, collated across shards in any order", () => {
    const dir = folder();
    const data = openShards(dir, { vocab: { tokens: VOCAB, source: "model-dir" } });
    const asDataset: Dataset<PretrainingBatch> = data;
    expect(asDataset.size).toBe(5);
    expect(data.seqLength).toBe(T);
    expect(data.manifest?.rows).toBe(5);
    const b = data.batch([4, 0, 3, 0]);
    expect(b.inputIds.shape).toEqual([4, T]);
    expect(b.nextSentenceLabel.shape).toEqual([4]);
    const want = shardTensors([row(4), row(0), row(3), row(0)], T);
    for (const [key, name] of [["inputIds", "input_ids"], ["tokenTypeIds", "token_type_ids"], ["attentionMask", "attention_mask"], ["labels", "labels"], ["nextSentenceLabel", "next_sentence_label"]] as const) {
      expect(Array.from(b[key].ints("test")), name).toEqual(Array.from(want[name].data));
      expect(b[key].dtype).toBe("int32");
    }
  });

  it("says when a row index is outside the data", () => {
    const data = openShards(folder());
    expect(errorOf(() => data.batch([0, 5]), InputError)).toMatch(/row 5 is outside the data set .*\(rows 0 to 4\)/);
    expect(errorOf(() => data.batch([1.5]), InputError)).toMatch(/row 1.5 is outside/);
  });

  it("refuses shards made with another vocabulary, saying how to remake them", () => {
    const dir = folder();
    const other = [...VOCAB.slice(0, -1), "d"];
    const message = errorOf(() => openShards(dir, { vocab: { tokens: other, source: "/models/mine" } }), InputError);
    expect(message).toMatch(new RegExp(`^shards in ${dir} were made with another vocabulary \\(sha256 [0-9a-f]{12}…, 16 tokens; this model's is [0-9a-f]{12}…, 16 tokens\\); prepare them again with --vocab /models/mine$`));
    expect(errorOf(() => openShards(dir, { vocabSize: 30522 }), InputError)).toMatch(/vocabulary of 16 tokens but the model has 30522/);
  });

  it("says when manifest.json is missing, not JSON, or not a manifest", () => {
    const dir = folder();
    const manifest = join(dir, "manifest.json");
    const text = readFileSync(manifest, "utf8");
    rmSync(manifest);
    expect(errorOf(() => openShards(dir), InputError)).toMatch(/has no manifest.json: it is not a complete shard folder/);
    writeFileSync(manifest, "{ not json");
    expect(errorOf(() => openShards(dir))).toMatch(/manifest.json is not valid JSON/);
    writeFileSync(manifest, text.replace('"version": 1', '"version": 2'));
    expect(errorOf(() => openShards(dir))).toMatch(/manifest.json: version: .*prepare the shards again/);
    writeFileSync(manifest, text.replace('"rows": 5', '"rows": 6'));
    expect(errorOf(() => openShards(dir))).toMatch(/"rows" is 6 but its shards hold 5/);
    writeFileSync(manifest, text.replace('"file": "shard-00001.safetensors"', '"file": "../shard-00001.safetensors"'));
    expect(errorOf(() => openShards(dir))).toMatch(/shard "..\/shard-00001.safetensors" must be a file name inside/);
  });

  it("says when a listed shard is missing or holds other rows than the manifest says", () => {
    const dir = folder();
    rmSync(join(dir, "shard-00001.safetensors"));
    expect(errorOf(() => openShards(dir), InputError)).toMatch(/shard-00001.safetensors is listed in manifest.json but does not exist/);
    writeSafetensors(join(dir, "shard-00001.safetensors"), shardTensors([row(3)], T));
    expect(errorOf(() => openShards(dir))).toMatch(/shard-00001.safetensors has 1 rows but manifest.json says 2/);
    writeSafetensors(join(dir, "shard-00001.safetensors"), shardTensors([row(3), row(4)], T + 2));
    expect(errorOf(() => openShards(dir))).toMatch(/shard-00001.safetensors has rows of 10 tokens but manifest.json says maxSeqLength 8/);
  });
});

describe("a single shard file", () => {
  it("replays Hugging Face's golden batches: train-start/shard.safetensors in batches of 3", () => {
    const dir = join(GOLDEN_MODELS, "train-start");
    const data = openShards(join(dir, "shard.safetensors"), { vocabSize: 2000 });
    expect(data.manifest).toBeNull();
    expect([data.size, data.seqLength]).toEqual([18, 24]);
    const golden = readSafetensors(join(dir, "golden_batches.safetensors")).tensors;
    for (let step = 0; step < 6; step++) {
      const b = data.batch([3 * step, 3 * step + 1, 3 * step + 2]);
      for (const [key, name] of [["inputIds", "input_ids"], ["tokenTypeIds", "token_type_ids"], ["attentionMask", "attention_mask"], ["labels", "labels"], ["nextSentenceLabel", "next_sentence_label"]] as const) {
        expect(Array.from(b[key].ints("test")), `b${step}.${name}`).toEqual(Array.from(golden.get(`b${step}.${name}`)?.data ?? []));
      }
    }
  });

  /** A shard file whose tensors are `change`d from good ones. */
  function file(change: (t: Record<string, TensorData>) => void): string {
    const tensors = shardTensors([row(0), row(1)], T);
    change(tensors);
    const path = join(tmp(), "bad.safetensors");
    writeSafetensors(path, tensors);
    return path;
  }

  it("names the file and the tensor when a tensor is missing, of another dtype or shape", () => {
    const missing = file((t) => delete t.labels);
    expect(errorOf(() => openShards(missing))).toBe(
      `${missing}: no "labels" tensor; a shard holds I32 input_ids, token_type_ids, attention_mask, labels (N, T) and next_sentence_label (N)`,
    );
    const float = file((t) => (t.attention_mask = { dtype: "float32", shape: [2, T], data: new Float32Array(2 * T) }));
    expect(errorOf(() => openShards(float))).toMatch(new RegExp(`^${float}: "attention_mask" is F32; .*write it as int32`));
    const rank = file((t) => (t.next_sentence_label = { dtype: "int32", shape: [2, 1], data: new Int32Array(2) }));
    expect(errorOf(() => openShards(rank))).toMatch(/"next_sentence_label" has shape \[2, 1\]; it must be \(N\)/);
    const rows = file((t) => (t.labels = { dtype: "int32", shape: [1, T], data: new Int32Array(T).fill(-100) }));
    expect(errorOf(() => openShards(rows))).toMatch(/"labels" has shape \[1, 8\] but input_ids is \[2, 8\]; it must be \[2, 8\]/);
    const width = file((t) => (t.token_type_ids = { dtype: "int32", shape: [2, T - 1], data: new Int32Array(2 * (T - 1)) }));
    expect(errorOf(() => openShards(width))).toMatch(/"token_type_ids" has shape \[2, 7\] but input_ids is \[2, 8\]/);
  });

  it("names the row and position of a value that cannot be right", () => {
    const id = file((t) => (t.input_ids.data[T + 3] = 16));
    expect(errorOf(() => openShards(id, { vocab: { tokens: VOCAB, source: "m" } }))).toMatch(/"input_ids" row 1 position 3 is 16; ids must be in \[0, 16\)/);
    expect(openShards(id).size).toBe(2); // without a vocabulary, any id ≥ 0 is allowed
    const label = file((t) => (t.labels.data[5] = -1));
    expect(errorOf(() => openShards(label))).toMatch(/"labels" row 0 position 5 is -1; .*or -100 where not predicted/);
    const mask = file((t) => (t.attention_mask.data[2] = 2));
    expect(errorOf(() => openShards(mask))).toMatch(/"attention_mask" row 0 position 2 is 2; it must be 1 \(token\) or 0 \(padding\)/);
    const nsp = file((t) => (t.next_sentence_label.data[1] = 3));
    expect(errorOf(() => openShards(nsp))).toMatch(/"next_sentence_label" row 1 is 3; it must be 0/);
  });

  it("says when the path does not exist or is not a safetensors file", () => {
    expect(errorOf(() => openShards("/nonexistent/shards"), InputError)).toMatch(/pre-training data \/nonexistent\/shards does not exist/);
    const junk = join(tmp(), "junk.safetensors");
    writeFileSync(junk, "not a safetensors file at all");
    expect(errorOf(() => openShards(junk))).toContain(junk);
  });
});
