/**
 * Reading one pre-training shard (shard-format.ts): the five I32 tensors, checked before any row is used —
 * names, dtypes and ranks from the header, then matching N and T, then the values (0/1 masks and NSP labels,
 * ids inside the vocabulary, labels an id or −100). Every error names the file and the tensor.
 */
import { existsSync, statSync } from "node:fs";
import { FormatError, InputError } from "../../errors.js";
import { readSafetensors, readSafetensorsHeader } from "../../io/safetensors.js";
import { IGNORE_INDEX, SHARD_TENSORS, type ShardTensorName } from "./shard-format.js";

/** One shard in memory: (N, T) row-major int32 arrays and the (N) NSP labels. */
export interface ShardRows {
  path: string;
  rows: number;
  seqLength: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  nextSentenceLabel: Int32Array;
}

const NAMES = Object.keys(SHARD_TENSORS) as ShardTensorName[];

const LAYOUT =
  "a shard holds I32 input_ids, token_type_ids, attention_mask, labels (N, T) and next_sentence_label (N)";

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Checks names, dtypes, ranks and sizes from the header alone; returns [N, T]. */
export function checkShardHeader(path: string): [number, number] {
  if (!existsSync(path)) throw new InputError(`${path} does not exist`);
  if (!statSync(path).isFile()) throw new InputError(`${path} is not a file; pass a shard folder (with manifest.json) or one .safetensors file`);
  const header = readSafetensorsHeader(path);
  for (const name of NAMES) {
    const entry = header.get(name);
    if (entry === undefined) throw new FormatError(`${path}: no "${name}" tensor; ${LAYOUT}`);
    if (entry.dtype !== "I32") throw new FormatError(`${path}: "${name}" is ${entry.dtype}; ${LAYOUT} (write it as int32)`);
    if (entry.shape.length !== SHARD_TENSORS[name]) {
      const want = SHARD_TENSORS[name] === 2 ? "(N, T)" : "(N)";
      throw new FormatError(`${path}: "${name}" has shape ${shapeText(entry.shape)}; it must be ${want}`);
    }
  }
  const ids = header.get("input_ids");
  if (ids === undefined) throw new FormatError(`${path}: no "input_ids" tensor; ${LAYOUT}`);
  const [rows, seqLength] = ids.shape;
  for (const name of NAMES) {
    const shape = header.get(name)?.shape ?? [];
    const want = SHARD_TENSORS[name] === 2 ? [rows, seqLength] : [rows];
    if (shape.some((d, i) => d !== want[i])) {
      throw new FormatError(`${path}: "${name}" has shape ${shapeText(shape)} but input_ids is ${shapeText(ids.shape)}; it must be ${shapeText(want)}`);
    }
  }
  if (rows > 0 && seqLength < 2) throw new FormatError(`${path}: rows of ${seqLength} tokens; a row needs at least [CLS] and [SEP]`);
  return [rows, seqLength];
}

/** Where a flat (N, T) index is, for error messages. */
function at(index: number, seqLength: number): string {
  return `row ${Math.floor(index / seqLength)} position ${index % seqLength}`;
}

function checkValues(path: string, name: ShardTensorName, data: Int32Array, seqLength: number, ok: (v: number) => boolean, want: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!ok(data[i])) {
      const where = SHARD_TENSORS[name] === 2 ? at(i, seqLength) : `row ${i}`;
      throw new FormatError(`${path}: "${name}" ${where} is ${data[i]}; ${want}`);
    }
  }
}

/**
 * Reads and checks a shard. `vocabSize` (when known) bounds the ids and labels. `expected` is what the manifest
 * says about this file: its rows and the sequence length of every shard.
 */
export function readShard(path: string, vocabSize: number | null, expected?: { rows: number; seqLength: number }): ShardRows {
  const [rows, seqLength] = checkShardHeader(path);
  if (expected !== undefined && rows !== expected.rows) {
    throw new FormatError(`${path} has ${rows} rows but manifest.json says ${expected.rows}; prepare the shards again`);
  }
  if (expected !== undefined && rows > 0 && seqLength !== expected.seqLength) {
    throw new FormatError(`${path} has rows of ${seqLength} tokens but manifest.json says maxSeqLength ${expected.seqLength}; prepare the shards again`);
  }
  const { tensors } = readSafetensors(path);
  const get = (name: ShardTensorName): Int32Array => {
    const t = tensors.get(name);
    if (t === undefined || t.dtype !== "int32") throw new FormatError(`${path}: "${name}" must be an I32 tensor`);
    return t.data;
  };
  const shard: ShardRows = {
    path,
    rows,
    seqLength,
    inputIds: get("input_ids"),
    tokenTypeIds: get("token_type_ids"),
    attentionMask: get("attention_mask"),
    labels: get("labels"),
    nextSentenceLabel: get("next_sentence_label"),
  };
  const inVocab = (v: number): boolean => v >= 0 && (vocabSize === null || v < vocabSize);
  const vocabText = vocabSize === null ? "ids must be ≥ 0" : `ids must be in [0, ${vocabSize}) (the vocabulary's size)`;
  const zeroOne = (v: number): boolean => v === 0 || v === 1;
  checkValues(path, "input_ids", shard.inputIds, seqLength, inVocab, vocabText);
  checkValues(path, "labels", shard.labels, seqLength, (v) => v === IGNORE_INDEX || inVocab(v), `${vocabText}, or ${IGNORE_INDEX} where not predicted`);
  checkValues(path, "attention_mask", shard.attentionMask, seqLength, zeroOne, "it must be 1 (token) or 0 (padding)");
  checkValues(path, "token_type_ids", shard.tokenTypeIds, seqLength, (v) => v >= 0, "segment ids must be ≥ 0");
  checkValues(path, "next_sentence_label", shard.nextSentenceLabel, seqLength, zeroOne, "it must be 0 (B follows A) or 1 (B is random)");
  return shard;
}
