/**
 * Tokenizing JSON lines: each `{"text": …, "pair": …}` line of the input gives exactly one output line, the
 * encoding as JSON (Hugging Face's field names), so output line N belongs to input line N:
 *   - a blank input line gives the line `null`;
 *   - overflowing windows (with `returnOverflowing`) are nested in their line's `overflowing` array;
 *   - padding "longest" pads to the longest encoding of the whole input (the lines are held until the end);
 *     "max_length" pads each line to `maxLength` as it goes.
 */
import { InputError } from "../errors.js";
import type { EncodeOptions } from "../tokenizer/encode-options.js";
import type { Encoding } from "../tokenizer/encoding.js";
import { padEncoding, paddedLength } from "../tokenizer/padding.js";
import type { BertTokenizer } from "../tokenizer/tokenizer.js";
import { readTextRecords, sourceLabel, type TextRecord } from "./jsonl.js";

/** One encoding as printed; `overflowing` only when asked for. */
export interface EncodingOutput {
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  offsets: Array<[number, number]>;
  overflowing?: EncodingOutput[];
}

export interface TooLongInput {
  /** 1-based input line; 0 for a text not read from a file. */
  line: number;
  tokens: number;
  maxLength: number;
}

export interface TokenizeRecordsOptions {
  encode?: EncodeOptions;
  /** Include each encoding's overflowing windows (see EncodeOptions.stride) as `overflowing`. */
  returnOverflowing?: boolean;
  /** The model's maximum length: longer encodings made without `encode.maxLength` are reported to `onTooLong`. */
  modelMaxLength?: number | null;
  onTooLong?: (input: TooLongInput) => void;
  /** Stop reading the input once aborted (the output's reader went away). */
  signal?: AbortSignal;
}

export interface TokenizeRecordsResult {
  /** Lines encoded. */
  encoded: number;
  /** Blank lines (printed as `null`). */
  blank: number;
}

/** The printed form of an encoding. */
export function encodingOutput(e: Encoding, returnOverflowing = false): EncodingOutput {
  const out: EncodingOutput = {
    tokens: e.tokens,
    input_ids: Array.from(e.inputIds),
    token_type_ids: Array.from(e.tokenTypeIds),
    attention_mask: Array.from(e.attentionMask),
    offsets: e.offsets,
  };
  if (returnOverflowing) out.overflowing = e.overflowing.map((o) => encodingOutput(o));
  return out;
}

/** Encodes one record, reporting it to `onTooLong` when it is longer than the model takes. */
export function encodeRecord(tokenizer: BertTokenizer, record: TextRecord, line: number, options: TokenizeRecordsOptions): Encoding {
  const encoding = tokenizer.encode(record.text, record.pair ?? null, options.encode);
  const limit = options.modelMaxLength;
  if (limit !== undefined && limit !== null && options.encode?.maxLength === undefined && encoding.length > limit) {
    options.onTooLong?.({ line, tokens: encoding.length, maxLength: limit });
  }
  return encoding;
}

function padsToLongest(options: EncodeOptions | undefined): boolean {
  return options?.padding === "longest" || options?.padding === true;
}

/**
 * Reads `path` ("-": standard input) and writes one JSON line per input line to `write`. Errors name the file and
 * line; the tokenizer's own InputErrors (an impossible truncation) get the same prefix.
 */
export async function tokenizeJsonLines(
  tokenizer: BertTokenizer,
  path: string,
  write: (line: string) => void,
  options: TokenizeRecordsOptions = {},
): Promise<TokenizeRecordsResult> {
  const toLongest = padsToLongest(options.encode);
  // Padding to the longest is done here, over the whole input, once every line is encoded.
  const encodeOptions: TokenizeRecordsOptions = toLongest ? { ...options, encode: { ...options.encode, padding: false } } : options;
  const stopped = (): boolean => options.signal?.aborted === true;
  const held: Array<Encoding | null> = [];
  const result: TokenizeRecordsResult = { encoded: 0, blank: 0 };
  for await (const { line, record } of readTextRecords(path, { signal: options.signal })) {
    let encoding: Encoding | null = null;
    if (record === null) result.blank++;
    else {
      try {
        encoding = encodeRecord(tokenizer, record, line, encodeOptions);
      } catch (error) {
        if (error instanceof InputError) throw new InputError(`${sourceLabel(path)} line ${line}: ${error.message}`);
        throw error;
      }
      result.encoded++;
    }
    if (toLongest) held.push(encoding);
    else write(JSON.stringify(encoding === null ? null : encodingOutput(encoding, options.returnOverflowing)));
  }
  if (toLongest && !stopped()) {
    const present = held.filter((e): e is Encoding => e !== null);
    const length = paddedLength(present, null, options.encode?.padToMultipleOf ?? null);
    const pad = { id: tokenizer.specialTokenId("pad"), typeId: 0 };
    for (const e of held) {
      if (stopped()) break;
      const padded = e === null ? null : padEncoding(e, length, pad, options.encode?.paddingSide ?? "right");
      write(JSON.stringify(padded === null ? null : encodingOutput(padded, options.returnOverflowing)));
    }
  }
  return result;
}
