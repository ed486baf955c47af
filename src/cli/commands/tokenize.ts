/** `bertkit tokenize`: encode a text, a pair, or a JSON-lines file of them, and print the encodings as JSON lines. */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Option, type Command } from "commander";
import { InputError } from "../../errors.js";
import {
  loadTokenizer,
  loadVocabTokenizer,
  type BertTokenizer,
  type EncodeOptions,
  type Encoding,
  type TruncationStrategy,
} from "../../tokenizer/index.js";

export interface TokenizeCommandOptions {
  model?: string;
  vocab?: string;
  cased?: boolean;
  maxLength?: string;
  truncation?: TruncationStrategy;
  jsonl?: string;
}

/** The fields the command prints for one encoding. */
export function encodingOutput(e: Encoding): Record<string, unknown> {
  return {
    tokens: e.tokens,
    input_ids: Array.from(e.inputIds),
    token_type_ids: Array.from(e.tokenTypeIds),
    attention_mask: Array.from(e.attentionMask),
    offsets: e.offsets,
  };
}

async function openTokenizer(o: TokenizeCommandOptions): Promise<BertTokenizer> {
  if ((o.model === undefined) === (o.vocab === undefined)) throw new InputError("give either --model DIR or --vocab FILE");
  if (o.model !== undefined) {
    if (o.cased === true) throw new InputError("--cased goes with --vocab; a model folder says its own casing");
    return loadTokenizer(o.model);
  }
  return loadVocabTokenizer(o.vocab as string, { lowercase: o.cased !== true });
}

function encodeOptions(o: TokenizeCommandOptions): EncodeOptions {
  if (o.maxLength === undefined) {
    if (o.truncation !== undefined) throw new InputError("--truncation needs --max-length");
    return {};
  }
  const maxLength = Number(o.maxLength);
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new InputError(`--max-length must be a positive integer, got ${o.maxLength}`);
  return { maxLength, truncation: o.truncation ?? "longest_first" };
}

/** Encodes each `{"text": …, "pair": …}` line of `path` ("-": standard input) and writes one JSON line per input. */
export async function tokenizeJsonLines(tokenizer: BertTokenizer, path: string, options: EncodeOptions, write: (line: string) => void): Promise<number> {
  const input = path === "-" ? process.stdin : createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    if (path === "-") resolve();
    input.once("open", () => resolve());
    input.once("error", (error: NodeJS.ErrnoException) =>
      reject(new InputError(error.code === "ENOENT" ? `${path} does not exist` : `cannot read ${path}: ${error.message}`)),
    );
  });
  await opened;
  let lineNumber = 0;
  let count = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${path} line ${lineNumber}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof record !== "object" || record === null || typeof (record as { text?: unknown }).text !== "string") {
      throw new InputError(`${path} line ${lineNumber}: expected an object with a string "text" (and optionally "pair")`);
    }
    const { text, pair } = record as { text: string; pair?: unknown };
    if (pair !== undefined && pair !== null && typeof pair !== "string") {
      throw new InputError(`${path} line ${lineNumber}: "pair" must be a string or null`);
    }
    try {
      write(JSON.stringify(encodingOutput(tokenizer.encode(text, pair ?? null, options))));
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${path} line ${lineNumber}: ${error.message}`);
      throw error;
    }
    count++;
  }
  return count;
}

export function registerTokenize(program: Command): void {
  program
    .command("tokenize")
    .description("encode TEXT (and PAIR) or each line of a JSON-lines file; print tokens, ids, type ids, attention mask and offsets as JSON")
    .argument("[text]", "text to encode")
    .argument("[pair]", "second text of a pair")
    .option("--model <dir>", "model folder with tokenizer.json and/or vocab.txt (+ tokenizer_config.json)")
    .option("--vocab <file>", "a vocab.txt (lower-cased unless --cased)")
    .option("--cased", "with --vocab: keep case and accents")
    .option("--max-length <n>", "truncate to at most n tokens, special tokens included")
    .addOption(new Option("--truncation <strategy>", "how to truncate a pair").choices(["longest_first", "only_first", "only_second"]))
    .option("--jsonl <file>", 'JSON lines {"text": …, "pair": …} ("-" for standard input); prints one line per input')
    .action(async (text: string | undefined, pair: string | undefined, o: TokenizeCommandOptions) => {
      if ((o.jsonl === undefined) === (text === undefined)) throw new InputError("give TEXT [PAIR] or --jsonl FILE");
      const tokenizer = await openTokenizer(o);
      const options = encodeOptions(o);
      const write = (line: string): void => void process.stdout.write(line + "\n");
      if (o.jsonl !== undefined) {
        await tokenizeJsonLines(tokenizer, o.jsonl, options, write);
        return;
      }
      write(JSON.stringify(encodingOutput(tokenizer.encode(text as string, pair ?? null, options))));
    });
}
