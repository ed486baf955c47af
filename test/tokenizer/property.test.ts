/**
 * Property and fuzz tests with a seeded RNG: random Unicode (astral characters, combining marks, controls, very long
 * words, empty strings) never throws, offsets stay in range and in order, ASCII round-trips through decode, and a
 * 10 MB input encodes in bounded memory.
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { BertTokenizer, loadVocabTokenizer, preTokenize, Vocabulary } from "../../src/tokenizer/index.js";
import { seededRandom, TINY_SHAKESPEARE, VOCAB_CASED, VOCAB_UNCASED } from "./helpers.js";

const POOLS: Array<[number, number]> = [
  [0x20, 0x7e], [0x00, 0x1f], [0x80, 0x2ff], [0x300, 0x36f], [0x370, 0x6ff], [0x900, 0x97f], [0x1100, 0x11ff], [0x2000, 0x206f],
  [0x3000, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xd800, 0xdfff], [0xe000, 0xf8ff], [0xfb00, 0xfeff], [0xfff0, 0xffff],
  [0x10000, 0x1ffff], [0x1f300, 0x1faff], [0x20000, 0x2fa1f], [0xe0000, 0xe01ef], [0x10fff0, 0x10ffff],
];

function randomUnicode(rand: () => number): string {
  const n = rand() < 0.05 ? 0 : Math.floor(rand() * 80);
  let out = "";
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.1) out += " ";
    else if (r < 0.12) out += "x".repeat(90 + Math.floor(rand() * 30)); // around the 100-character word limit
    else if (r < 0.14) out += ["[CLS]", "[SEP]", "[MASK]", "\u0301", "\r\n", "İ"][Math.floor(rand() * 6)];
    else {
      const [lo, hi] = POOLS[Math.floor(rand() * POOLS.length)];
      const cp = lo + Math.floor(rand() * (hi - lo + 1));
      // Lone surrogates on purpose: JavaScript strings can hold them.
      out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
  }
  return out;
}

let uncased: BertTokenizer;
let cased: BertTokenizer;
beforeAll(async () => {
  uncased = await loadVocabTokenizer(VOCAB_UNCASED);
  cased = await loadVocabTokenizer(VOCAB_CASED, { lowercase: false });
});

describe("fuzz", () => {
  it("random Unicode never throws; offsets are in range, ordered, and special tokens are [0, 0]", () => {
    const rand = seededRandom(20261126);
    for (let i = 0; i < 1000; i++) {
      const a = randomUnicode(rand);
      const b = rand() < 0.3 ? randomUnicode(rand) : null;
      for (const tokenizer of [uncased, cased]) {
        const e = tokenizer.encode(a, b, rand() < 0.3 ? { maxLength: 24, stride: 4, padding: "max_length" } : {});
        for (const window of [e, ...e.overflowing]) {
          let previous = [0, 0];
          window.offsets.forEach(([start, end], t) => {
            const seq = window.sequenceIndex[t];
            if (seq < 0) {
              expect([start, end]).toEqual([0, 0]);
              return;
            }
            const text = seq === 0 ? a : (b ?? "");
            expect(start).toBeGreaterThanOrEqual(0);
            expect(end).toBeGreaterThan(start);
            expect(end).toBeLessThanOrEqual(text.length);
            if (t > 0 && window.sequenceIndex[t - 1] === seq) expect(start).toBeGreaterThanOrEqual(previous[0]);
            previous = [start, end];
          });
        }
        expect(typeof tokenizer.decode(e.inputIds)).toBe("string");
      }
    }
  });

  it("for ASCII text, decoding the encoding gives the normalized words back", () => {
    const plain = new BertTokenizer({ vocab: uncased.vocab, decoder: { cleanup: false } });
    const rand = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      let text = "";
      const n = Math.floor(rand() * 60);
      for (let k = 0; k < n; k++) text += rand() < 0.2 ? " " : String.fromCharCode(0x20 + Math.floor(rand() * 95));
      const words = preTokenize(plain.normalizer.normalizeString(text)).map((w) => w.word);
      expect(plain.decode(plain.encode(text).inputIds)).toBe(words.join(" "));
    }
  });

  it("a 10 MB input encodes in bounded memory, and offsets still point at the source", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const base = readFileSync(TINY_SHAKESPEARE, "utf8") + " Café naïve 東京 😀 ";
    // join() builds a flat string; a repeat() rope would be flattened inside encode and counted against it.
    const text = new Array<string>(Math.ceil(10e6 / base.length)).fill(base).join("");
    const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    // ArrayBuffer memory is released after a collection, by a task of its own: collect, wait, collect.
    const settle = async (): Promise<void> => {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gc();
    };
    await settle();
    const before = used();
    const e = uncased.encode(text);
    await settle();
    const retained = used() - before;
    const tokens = e.length;
    // The encoding itself: 8 int32 per token (ids, type ids, 2 offsets, words, sequences, 2 masks).
    expect(retained).toBeLessThan(tokens * 8 * 4 * 1.25 + 16e6);
    expect(text.length).toBeGreaterThan(10e6);
    expect(tokens).toBeGreaterThan(2e6);
    const t = tokens - 10;
    const [s, end] = e.offsets[t];
    expect(uncased.tokenize(text.slice(s, end))[0]).toBe(e.tokens[t].replace(/^##/, ""));
    console.log(`10 MB: ${tokens} tokens, retained ${(retained / 1e6).toFixed(0)} MB`);
  });
});

describe("vocabulary file edge cases", () => {
  it("keeps U+FEFF and trims trailing whitespace like Rust's trim_end", () => {
    const vocab = Vocabulary.parse("[UNK]  \r\n\ufeffa\nb\n");
    expect(vocab.tokens).toEqual(["[UNK]", "\ufeffa", "b"]);
  });
});
