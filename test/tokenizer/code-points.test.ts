/** code-points.ts: surrogate pairs read whole, lone surrogates as themselves, indexes outside the text refused. */
import { describe, expect, it } from "vitest";
import { codePointAt, codePointBefore, utf16Width } from "../../src/tokenizer/code-points.js";

const GRIN = 0x1f600; // 😀, the pair \ud83d\ude00
const text = "a😀\ud83db\ude00"; // a, 😀, lone high surrogate, b, lone low surrogate

describe("code points", () => {
  it("codePointAt reads a pair whole from its start, and a lone surrogate or second half as its unit", () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => codePointAt(text, i))).toEqual([0x61, GRIN, 0xde00, 0xd83d, 0x62, 0xde00]);
  });

  it("codePointBefore reads a pair whole from its end, and a lone surrogate or first half as its unit", () => {
    expect([1, 2, 3, 4, 5, 6].map((i) => codePointBefore(text, i))).toEqual([0x61, 0xd83d, GRIN, 0xd83d, 0x62, 0xde00]);
  });

  it("refuses an index outside the text instead of inventing a code point", () => {
    expect(() => codePointAt(text, 6)).toThrow(RangeError);
    expect(() => codePointAt(text, -1)).toThrow("index -1 is outside the text (length 6)");
    expect(() => codePointBefore(text, 0)).toThrow(RangeError);
    expect(() => codePointBefore(text, 7)).toThrow(RangeError);
  });

  it("utf16Width is 2 beyond the Basic Multilingual Plane only", () => {
    expect([0x61, 0xffff, 0xd83d, 0x10000, GRIN, 0x10ffff].map(utf16Width)).toEqual([1, 1, 1, 2, 2, 2]);
  });
});
