/**
 * JSON-lines input and tokenizing it: a BOM is skipped, blank lines stay aligned (null), records are validated with
 * errors naming the file and line, overflowing windows are nested, padding "longest" spans the file, too-long
 * inputs are reported, and an aborted signal stops reading.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTextRecords } from "../../src/data/jsonl.js";
import { modelMaxLength } from "../../src/data/model-max-length.js";
import { tokenizeJsonLines, type EncodingOutput, type TooLongInput } from "../../src/data/tokenize-jsonl.js";
import { loadTokenizer, type BertTokenizer } from "../../src/tokenizer/index.js";
import { SHARED } from "../helpers/golden.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
const dir = mkdtempSync(join(tmpdir(), "bertkit-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let tokenizer: BertTokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer(MINI);
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function records(path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of readTextRecords(path)) out.push(r);
  return out;
}

async function tokenizeLines(path: string, options: Parameters<typeof tokenizeJsonLines>[3] = {}): Promise<Array<EncodingOutput | null>> {
  const lines: string[] = [];
  await tokenizeJsonLines(tokenizer, path, (l) => lines.push(l), options);
  return lines.map((l) => JSON.parse(l) as EncodingOutput | null);
}

describe("readTextRecords", () => {
  it("skips a BOM on the first line, gives null for blank lines, numbers lines from 1, handles CRLF", async () => {
    const path = file("bom.jsonl", '\uFEFF{"text": "a"}\r\n\r\n  \n{"text": "b", "pair": "c", "id": 7}\n{"text": "d", "pair": null}');
    expect(await records(path)).toEqual([
      { line: 1, record: { text: "a" } },
      { line: 2, record: null },
      { line: 3, record: null },
      { line: 4, record: { text: "b", pair: "c" } },
      { line: 5, record: { text: "d", pair: null } },
    ]);
  });

  it.each([
    ['{"text": "ok"}\n{"text": broken}\n', /^bad\.jsonl line 2: not valid JSON/],
    ['{"txt": "ok"}\n', /bad\.jsonl line 1: expected an object with a string "text" \(and optionally "pair"\), got no string "text"/],
    ['{"text": 3}\n', /line 1: expected an object with a string "text"/],
    ['["a"]\n', /line 1: expected an object with a string "text"/],
    ['{"text": "a", "pair": 2}\n', /line 1: "pair" must be a string or null/],
    ['{"text": "a"}\n\uFEFF{"text": "b"}\n', /line 2: not valid JSON/],
  ])("rejects %j naming the file and line", async (text, pattern) => {
    const path = file("bad.jsonl", text);
    const error = await records(path).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.replace(`${dir}/`, "")).toMatch(pattern);
  });

  it("says when the file does not exist", async () => {
    await expect(records(join(dir, "none.jsonl"))).rejects.toThrow(/none\.jsonl does not exist; give a JSON-lines file, or "-" for standard input/);
  });
});

describe("tokenizeJsonLines", () => {
  it("writes one line per input line: the encoding, or null for a blank line", async () => {
    const out = await tokenizeLines(file("a.jsonl", '{"text": "Hello there"}\n\n{"text": "Alone", "pair": "together"}\n'));
    expect(out.map((o) => o?.tokens ?? null)).toEqual([
      ["[CLS]", "hello", "there", "[SEP]"],
      null,
      ["[CLS]", "alone", "[SEP]", "together", "[SEP]"],
    ]);
    expect(out[2]?.token_type_ids).toEqual([0, 0, 0, 1, 1]);
    expect(out[0]).not.toHaveProperty("overflowing");
  });

  it("nests overflowing windows in their line, with the stride", async () => {
    const path = file("long.jsonl", '{"text": "a b c d e f g"}\n{"text": "a"}\n');
    const out = await tokenizeLines(path, { encode: { maxLength: 5, stride: 1 }, returnOverflowing: true });
    expect(out).toHaveLength(2);
    expect([out[0]?.tokens, ...(out[0]?.overflowing ?? []).map((o) => o.tokens)]).toEqual([
      ["[CLS]", "a", "b", "c", "[SEP]"],
      ["[CLS]", "c", "d", "e", "[SEP]"],
      ["[CLS]", "e", "f", "g", "[SEP]"],
    ]);
    expect(out[1]?.overflowing).toEqual([]);
  });

  it('pads to the longest line of the whole file with padding "longest", and each line with "max_length"', async () => {
    const path = file("pad.jsonl", '{"text": "a"}\n\n{"text": "a b c d"}\n');
    const longest = await tokenizeLines(path, { encode: { padding: "longest" } });
    expect(longest.map((o) => o?.input_ids.length ?? null)).toEqual([6, null, 6]);
    expect(longest[0]?.attention_mask).toEqual([1, 1, 1, 0, 0, 0]);
    expect(longest[0]?.tokens.slice(3)).toEqual(["[PAD]", "[PAD]", "[PAD]"]);
    const fixed = await tokenizeLines(path, { encode: { maxLength: 8, padding: "max_length" } });
    expect(fixed.map((o) => o?.input_ids.length ?? null)).toEqual([8, null, 8]);
  });

  it("reports inputs longer than the model takes, only when not truncating", async () => {
    const path = file("too-long.jsonl", `{"text": "short"}\n{"text": "${"word ".repeat(20)}"}\n`);
    const seen: TooLongInput[] = [];
    await tokenizeLines(path, { modelMaxLength: 16, onTooLong: (i) => seen.push(i) });
    expect(seen).toEqual([{ line: 2, tokens: 22, maxLength: 16 }]);
    seen.length = 0;
    await tokenizeLines(path, { modelMaxLength: 16, onTooLong: (i) => seen.push(i), encode: { maxLength: 16 } });
    expect(seen).toEqual([]);
  });

  it("prefixes the tokenizer's own errors with the file and line", async () => {
    const path = file("pair.jsonl", '{"text": "a"}\n{"text": "a b c", "pair": "d"}\n');
    await expect(tokenizeLines(path, { encode: { maxLength: 4, truncation: "only_second" } })).rejects.toThrow(
      /pair\.jsonl line 2: cannot truncate with only_second/,
    );
  });

  it("stops reading once the signal is aborted", async () => {
    const path = file("many.jsonl", '{"text": "x"}\n'.repeat(1000));
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await tokenizeJsonLines(tokenizer, path, (l) => {
      lines.push(l);
      if (lines.length === 3) controller.abort();
    }, { signal: controller.signal });
    expect(lines).toHaveLength(3);
    expect(result.encoded).toBe(3);
  });
});

describe("modelMaxLength", () => {
  it("reads config.json's max_position_embeddings when tokenizer_config.json has no model_max_length", async () => {
    expect(modelMaxLength(tokenizer, MINI)).toEqual({ tokens: 512, source: "config.json max_position_embeddings" });
    expect(modelMaxLength(tokenizer)).toBeNull();
  });

  it("prefers tokenizer_config.json's model_max_length and ignores transformers' 'no limit' value", async () => {
    const folder = (limit: number): string => {
      const path = mkdtempSync(join(dir, "model-"));
      writeFileSync(join(path, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\n");
      writeFileSync(join(path, "tokenizer_config.json"), JSON.stringify({ model_max_length: limit }));
      writeFileSync(join(path, "config.json"), JSON.stringify({ max_position_embeddings: 64 }));
      return path;
    };
    const limited = folder(128);
    expect(modelMaxLength(await loadTokenizer(limited), limited)).toEqual({ tokens: 128, source: "tokenizer_config.json model_max_length" });
    const unlimited = folder(1e30);
    expect(modelMaxLength(await loadTokenizer(unlimited), unlimited)).toEqual({ tokens: 64, source: "config.json max_position_embeddings" });
  });
});
