/**
 * google-research/bert's create_instances_from_document and truncate_seq_pair semantics, on synthetic blocks whose
 * token ids say where they come from: id = 1000 × (document + 1) + position in the document.
 */
import { describe, expect, it } from "vitest";
import { BlockBuilder, type Block } from "../../../src/data/pretraining/block.js";
import { createDocumentInstances, truncateSeqPair, type Instance } from "../../../src/data/pretraining/instances.js";
import { Rng } from "../../../src/tensor/random.js";

/** A block of documents, each given as its sentence lengths. */
function block(documents: number[][]): Block {
  const builder = new BlockBuilder(1 << 20);
  documents.forEach((sentences, d) => {
    let position = 0;
    for (const length of sentences) builder.add(Int32Array.from({ length }, () => 1000 * (d + 1) + position++));
    builder.endDocument();
  });
  const taken = builder.take();
  if (taken === null) throw new Error("empty block");
  return taken;
}

function instancesOf(b: Block, document: number, maxSeqLength: number, seed: number, shortSeqProb = 0.1): Instance[] {
  const out: Instance[] = [];
  createDocumentInstances(b, document, { maxSeqLength, shortSeqProb }, new Rng(seed), (i) => out.push(i));
  return out;
}

const docOf = (b: Block, tokenIndex: number): number => Math.floor(b.tokens[tokenIndex] / 1000) - 1;

describe("truncateSeqPair", () => {
  it("trims the longer segment until the pair fits, from the front or the back about equally often", () => {
    const rng = new Rng(1);
    let fronts = 0;
    let backs = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const a = { start: 0, end: 1 + rng.int(200) };
      const b = { start: 1000, end: 1000 + 1 + rng.int(200) };
      const max = 5 + rng.int(120);
      const t = truncateSeqPair(a, b, max, rng);
      const [la, lb] = [t.a.end - t.a.start, t.b.end - t.b.start];
      expect(la + lb).toBeLessThanOrEqual(max);
      expect(la).toBeGreaterThanOrEqual(1);
      expect(lb).toBeGreaterThanOrEqual(1);
      // only the longer one shrinks while they differ, so the shorter keeps its length unless both got trimmed to meet
      if (a.end - a.start <= Math.floor(max / 2)) expect(la).toBe(a.end - a.start);
      fronts += t.a.start - a.start + (t.b.start - b.start);
      backs += a.end - t.a.end + (b.end - t.b.end);
    }
    // ~100k single-token removals: a fair coin gives 50% ± 0.16% (1 sd); 48–52% is > 10 sd
    expect(fronts / (fronts + backs)).toBeGreaterThan(0.48);
    expect(fronts / (fronts + backs)).toBeLessThan(0.52);
  });
});

describe("createDocumentInstances", () => {
  const docs = block([
    Array.from({ length: 60 }, (_, i) => 3 + (i % 17)),
    Array.from({ length: 40 }, (_, i) => 5 + (i % 11)),
    Array.from({ length: 50 }, (_, i) => 2 + (i % 23)),
  ]);

  it("keeps every pair within max_seq_length − 3, with A and B non-empty", () => {
    for (const T of [8, 16, 64, 128]) {
      for (let d = 0; d < 3; d++) {
        for (const i of instancesOf(docs, d, T, 7 + d)) {
          expect(i.aEnd - i.aStart + (i.bEnd - i.bStart)).toBeLessThanOrEqual(T - 3);
          expect(i.aEnd).toBeGreaterThan(i.aStart);
          expect(i.bEnd).toBeGreaterThan(i.bStart);
        }
      }
    }
  });

  it("takes A from the document; a following B comes after A in it, a random B from ANOTHER document", () => {
    let random = 0;
    let following = 0;
    for (let seed = 0; seed < 20; seed++) {
      for (let d = 0; d < 3; d++) {
        for (const i of instancesOf(docs, d, 64, seed)) {
          expect(docOf(docs, i.aStart)).toBe(d);
          expect(docOf(docs, i.aEnd - 1)).toBe(d);
          if (i.nextSentenceLabel === 1) {
            random++;
            expect(docOf(docs, i.bStart)).not.toBe(d);
            expect(docOf(docs, i.bEnd - 1)).toBe(docOf(docs, i.bStart));
          } else {
            following++;
            expect(docOf(docs, i.bStart)).toBe(d);
            expect(i.bStart).toBeGreaterThanOrEqual(i.aEnd);
          }
        }
      }
    }
    expect(random).toBeGreaterThan(0.4 * (random + following));
    expect(following).toBeGreaterThan(0.4 * (random + following));
  });

  it("puts back the chunk's unused sentences after a random B: the next A starts right after this A", () => {
    // One-token sentences never need truncating (chunks stop exactly at the target), so the ranges are exact.
    const ones = block([Array.from({ length: 400 }, () => 1), Array.from({ length: 50 }, () => 1)]);
    let sawRandom = false;
    for (let seed = 0; seed < 5; seed++) {
      const instances = instancesOf(ones, 0, 32, seed, 0);
      let consumed = 0; // where the next chunk must start
      for (const i of instances) {
        expect(i.aStart).toBe(consumed);
        // a chunk is the target length (29 = 32 − 3) or the rest of the document; a random B may run out of sentences
        if (i.nextSentenceLabel === 0) expect(i.bEnd - i.aStart).toBe(Math.min(29, 400 - consumed));
        else expect(i.aEnd - i.aStart + (i.bEnd - i.bStart)).toBeLessThanOrEqual(29);
        if (i.nextSentenceLabel === 1) sawRandom = true;
        consumed = i.nextSentenceLabel === 1 ? i.aEnd : i.bEnd;
      }
      expect(consumed).toBe(400);
    }
    expect(sawRandom).toBe(true);
  });

  it("always takes a random B for a one-sentence chunk", () => {
    const long = block([[200, 200, 200], [10, 10]]);
    const instances = instancesOf(long, 0, 64, 3, 0);
    expect(instances).toHaveLength(3);
    expect(instances.every((i) => i.nextSentenceLabel === 1 && docOf(long, i.bStart) === 1)).toBe(true);
  });
});
