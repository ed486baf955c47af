/** Reads a folder written by `prepareShards` back, and checks the layout every row must have. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { manifestSchema, type ShardManifest } from "../../../src/data/pretraining/shard-format.js";
import { readSafetensors } from "../../../src/io/safetensors.js";

export interface Rows {
  N: number;
  T: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  nextSentenceLabel: Int32Array;
}

export function readManifest(dir: string): ShardManifest {
  return manifestSchema.parse(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
}

/** All rows of all shards, in order. */
export function readRows(dir: string): Rows {
  const manifest = readManifest(dir);
  const T = manifest.maxSeqLength;
  const parts = manifest.shards.map(({ file, rows }) => {
    const { tensors } = readSafetensors(join(dir, file));
    const get = (name: string): Int32Array => {
      const t = tensors.get(name);
      if (t === undefined || t.dtype !== "int32") throw new Error(`${file}: no int32 ${name}`);
      expect(t.shape).toEqual(name === "next_sentence_label" ? [rows] : [rows, T]);
      return t.data;
    };
    return ["input_ids", "token_type_ids", "attention_mask", "labels", "next_sentence_label"].map(get);
  });
  const concat = (k: number): Int32Array => {
    const out = new Int32Array(parts.reduce((n, p) => n + p[k].length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[k], at);
      at += p[k].length;
    }
    return out;
  };
  return { N: manifest.rows, T, inputIds: concat(0), tokenTypeIds: concat(1), attentionMask: concat(2), labels: concat(3), nextSentenceLabel: concat(4) };
}

export interface Specials {
  cls: number;
  sep: number;
  pad: number;
  mask: number;
}

/**
 * Every row is `[CLS] A [SEP] B [SEP]` then [PAD]: type ids 0 on [CLS] A [SEP], 1 on B [SEP], 0 on padding; attention
 * 1 exactly on the real tokens; labels −100 on special tokens and padding; NSP labels 0 or 1. Returns each row's
 * original ids (labels put back) and real length, for further statistics.
 */
export function checkRowLayout(rows: Rows, s: Specials): { originals: Int32Array; lengths: Int32Array } {
  const { N, T } = rows;
  const originals = new Int32Array(N * T);
  const lengths = new Int32Array(N);
  const problems: string[] = [];
  for (let r = 0; r < N && problems.length < 5; r++) {
    const at = r * T;
    const original = (i: number): number => (rows.labels[at + i] === -100 ? rows.inputIds[at + i] : rows.labels[at + i]);
    let length = 0;
    while (length < T && rows.attentionMask[at + length] === 1) length++;
    lengths[r] = length;
    const seps: number[] = [];
    for (let i = 0; i < T; i++) {
      const id = original(i);
      originals[at + i] = id;
      if (i >= length && (rows.attentionMask[at + i] !== 0 || id !== s.pad || rows.tokenTypeIds[at + i] !== 0)) problems.push(`row ${r}: position ${i} after the real tokens is not [PAD]/0/0`);
      if (i < length && id === s.sep) seps.push(i);
      if (i < length && (id === s.pad || id === s.mask || (id === s.cls && i !== 0))) problems.push(`row ${r}: ${id} inside the real tokens at ${i}`);
      if ((id === s.cls || id === s.sep || id === s.pad) && rows.labels[at + i] !== -100) problems.push(`row ${r}: special token predicted at ${i}`);
    }
    if (original(0) !== s.cls) problems.push(`row ${r}: does not start with [CLS]`);
    if (seps.length !== 2 || seps[1] !== length - 1 || seps[0] < 2 || seps[0] > length - 3) problems.push(`row ${r}: [SEP]s at ${seps.join(",")}, length ${length}`);
    for (let i = 0; i < length; i++) {
      const expected = i <= seps[0] ? 0 : 1;
      if (rows.tokenTypeIds[at + i] !== expected) problems.push(`row ${r}: token type ${rows.tokenTypeIds[at + i]} at ${i}`);
    }
    const nsp = rows.nextSentenceLabel[r];
    if (nsp !== 0 && nsp !== 1) problems.push(`row ${r}: next_sentence_label ${nsp}`);
  }
  expect(problems).toEqual([]);
  return { originals, lengths };
}
