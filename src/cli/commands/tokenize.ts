/**
 * `bertkit tokenize`: encode a text, a pair, or each line of a JSON-lines file, and print the encodings as JSON lines
 * (one output line per input line; see src/data/tokenize-jsonl.ts).
 */
import { Option, type Command } from "commander";
import type { TokenizeRecordsOptions, TooLongInput } from "../../data/tokenize-jsonl.js";
import type { BertTokenizer, EncodeOptions, PaddingStrategy, TruncationStrategy } from "../../tokenizer/index.js";
import { stdoutLines } from "../output.js";
import { integer } from "../parse.js";
import { UsageError } from "../usage.js";

interface TokenizeFlags {
  model?: string;
  vocab?: string;
  cased?: boolean;
  maxLength?: number;
  truncation?: TruncationStrategy;
  stride?: number;
  returnOverflowing?: boolean;
  padding?: PaddingStrategy;
  jsonl?: string;
}

async function openTokenizer(o: TokenizeFlags): Promise<BertTokenizer> {
  if (o.model !== undefined) return (await import("../../tokenizer/index.js")).loadTokenizer(o.model);
  if (o.vocab !== undefined) return (await import("../../tokenizer/index.js")).loadVocabTokenizer(o.vocab, { lowercase: o.cased !== true });
  throw new UsageError("give --model DIR or --vocab FILE");
}

/** The flags as the library's EncodeOptions; flags that need --max-length say so. */
function encodeOptions(o: TokenizeFlags): EncodeOptions {
  if (o.maxLength === undefined) {
    const needing = [
      o.truncation !== undefined && "--truncation",
      o.stride !== undefined && "--stride",
      o.returnOverflowing === true && "--return-overflowing",
      o.padding === "max_length" && "--padding max_length",
    ].filter((flag) => flag !== false);
    if (needing.length > 0) throw new UsageError(`${needing.join(", ")} needs --max-length`);
  }
  if (o.stride !== undefined && o.returnOverflowing !== true) {
    throw new UsageError("--stride sets the overlap of the overflowing windows: add --return-overflowing to print them");
  }
  return {
    ...(o.maxLength !== undefined ? { maxLength: o.maxLength, truncation: o.truncation ?? "longest_first" } : {}),
    ...(o.stride !== undefined ? { stride: o.stride } : {}),
    ...(o.padding !== undefined ? { padding: o.padding } : {}),
  };
}

/** One warning per run, as Hugging Face gives, naming the input and the fix. */
function tooLongWarning(where: (line: number) => string, source: string): (input: TooLongInput) => void {
  let warned = false;
  return ({ line, tokens, maxLength }) => {
    if (warned) return;
    warned = true;
    process.stderr.write(
      `bertkit: warning: ${where(line)} is ${tokens} tokens, longer than the model's maximum of ${maxLength} (${source}); ` +
        `a model cannot run on it: pass --max-length ${maxLength} to truncate (further long inputs are not reported)\n`,
    );
  };
}

export function registerTokenize(program: Command): void {
  program
    .command("tokenize")
    .description("encode TEXT (and PAIR) or each line of a JSON-lines file; print tokens, ids, type ids, attention mask and offsets as JSON")
    .argument("[text]", "text to encode")
    .argument("[pair]", "second text of a pair")
    .addOption(new Option("--model <dir>", "model folder with tokenizer.json and/or vocab.txt (+ tokenizer_config.json)").conflicts("vocab"))
    .option("--vocab <file>", "a vocab.txt (lower-cased unless --cased)")
    .addOption(new Option("--cased", "with --vocab: keep case and accents").conflicts("model"))
    .option("--max-length <n>", "truncate to at most n tokens, special tokens included", integer(1))
    .addOption(new Option("--truncation <strategy>", "how to truncate a pair (default longest_first)").choices(["longest_first", "only_first", "only_second"]))
    .option("--return-overflowing", "also print the truncated windows, nested in each line's \"overflowing\" array")
    .option("--stride <n>", "with --return-overflowing: tokens shared by consecutive windows", integer(0))
    .addOption(new Option("--padding <strategy>", "longest: to the longest input; max_length: to --max-length").choices(["longest", "max_length"]))
    .option("--jsonl <file>", 'JSON lines {"text": …, "pair": …} ("-" for standard input); one output line per input line, null for a blank one')
    .action(async (text: string | undefined, pair: string | undefined, o: TokenizeFlags) => {
      if ((o.jsonl === undefined) === (text === undefined)) throw new UsageError("give TEXT [PAIR] or --jsonl FILE, not both");
      if (o.jsonl !== undefined && pair !== undefined) throw new UsageError("with --jsonl, pairs come from each line's \"pair\"; drop the PAIR argument");
      const encode = encodeOptions(o);
      const tokenizer = await openTokenizer(o);
      const { modelMaxLength } = await import("../../data/model-max-length.js");
      const { encodeRecord, encodingOutput, tokenizeJsonLines } = await import("../../data/tokenize-jsonl.js");
      const maxLength = modelMaxLength(tokenizer, o.model);
      const source = maxLength?.source ?? "";
      const options: TokenizeRecordsOptions = { encode, returnOverflowing: o.returnOverflowing === true, modelMaxLength: maxLength?.tokens ?? null };
      const output = stdoutLines();
      try {
        if (o.jsonl !== undefined) {
          const file = o.jsonl === "-" ? "standard input" : o.jsonl;
          const onTooLong = tooLongWarning((line) => `line ${line} of ${file}`, source);
          await tokenizeJsonLines(tokenizer, o.jsonl, output.write, { ...options, onTooLong, signal: output.closed });
          return;
        }
        const onTooLong = tooLongWarning(() => (pair === undefined ? "the text" : "the pair"), source);
        const encoding = encodeRecord(tokenizer, { text: text as string, pair: pair ?? null }, 0, { ...options, onTooLong });
        output.write(JSON.stringify(encodingOutput(encoding, options.returnOverflowing)));
      } finally {
        output.dispose();
      }
    });
}
