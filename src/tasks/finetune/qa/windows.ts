/**
 * Question + context → the windows a BERT QA model reads: `[CLS] question [SEP] context-part [SEP]`, each at most
 * `maxLength` tokens. The question is cut to `maxQueryLength` tokens (BERT's run_squad.py max_query_length); the
 * context is truncated "only_second" and the rest flows into overflowing windows. `docStride` is passed as the
 * tokenizer's `stride`, as Hugging Face's run_qa.py and pipeline do: it is the number of context tokens that
 * consecutive windows SHARE (the overlap), not the step between their starts (which is room − docStride).
 * Each window knows which of its tokens are context: only those can be an answer.
 */
import { InputError } from "../../../errors.js";
import type { Encoding } from "../../../tokenizer/encoding.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";

export interface QaWindowOptions {
  /** Tokens per window, special tokens included. */
  maxLength: number;
  /** Context tokens shared by consecutive windows. */
  docStride: number;
  /** The question is cut to this many tokens. */
  maxQueryLength: number;
}

/** One window of a (question, context) pair. */
export interface QaWindow {
  encoding: Encoding;
  /** Token range [contextStart, contextEnd) holding context tokens (empty when the context has none). */
  contextStart: number;
  contextEnd: number;
}

/** [CLS] question [SEP] context [SEP]: three special tokens in each window. */
const SPECIAL_TOKENS = 3;

/** Hugging Face run_qa.py's defaults (max_query_length is BERT's run_squad.py's). */
export const QA_WINDOW_DEFAULTS = { maxLength: 384, docStride: 128, maxQueryLength: 64 } as const;

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InputError(`${name} must be an integer ≥ ${min}, got ${value}`);
}

/** Checks the options; a stride that leaves no room for new context in any window is an error. */
export function checkWindowOptions(o: QaWindowOptions): QaWindowOptions {
  checkInteger("maxLength", o.maxLength, SPECIAL_TOKENS + 2);
  checkInteger("docStride", o.docStride, 0);
  checkInteger("maxQueryLength", o.maxQueryLength, 1);
  if (o.docStride >= o.maxLength - SPECIAL_TOKENS - 1) {
    throw new InputError(`docStride ${o.docStride} leaves no new context per window with maxLength ${o.maxLength}; use a docStride below ${o.maxLength - SPECIAL_TOKENS - 1} (e.g. ${Math.floor(o.maxLength / 4)})`);
  }
  return o;
}

/**
 * The question, left-stripped (as run_qa.py does: leading blanks only waste room), and cut after its
 * `maxTokens`-th token. The cut is made in the text at the end of that token: WordPiece re-tokenizes the
 * prefix into exactly those tokens (a prefix of a word that matched the vocabulary still matches first).
 */
export function truncateQuestion(tokenizer: BertTokenizer, question: string, maxTokens: number): string {
  return cutQuestion(tokenizer, question, maxTokens).text;
}

function cutQuestion(tokenizer: BertTokenizer, question: string, maxTokens: number): { text: string; tokens: number } {
  const stripped = question.trimStart();
  const tokens = tokenizer.encode(stripped, null, { addSpecialTokens: false, truncation: false, padding: false });
  if (tokens.length <= maxTokens) return { text: stripped, tokens: tokens.length };
  return { text: stripped.slice(0, tokens.offsetsFlat[2 * (maxTokens - 1) + 1]), tokens: maxTokens };
}

function contextRange(encoding: Encoding): { contextStart: number; contextEnd: number } {
  const seq = encoding.sequenceIndex;
  let start = 0;
  while (start < seq.length && seq[start] !== 1) start++;
  let end = start;
  while (end < seq.length && seq[end] === 1) end++;
  return { contextStart: start, contextEnd: end };
}

/**
 * The windows of one (question, context) pair; `where` names the pair in errors ("dev.json: question 57…").
 * When the pair needs several windows, a question so long that the context gets no more room than the stride
 * is an error saying what to change.
 */
export function encodeQaWindows(tokenizer: BertTokenizer, question: string, context: string, options: QaWindowOptions, where: string): QaWindow[] {
  const q = cutQuestion(tokenizer, question, options.maxQueryLength);
  if (q.tokens === 0) throw new InputError(`${where}: the question is empty; give a question`);
  const room = options.maxLength - SPECIAL_TOKENS - q.tokens;
  if (room <= options.docStride && room < tokenizer.encode(context, null, { addSpecialTokens: false, truncation: false, padding: false }).length) {
    throw new InputError(
      `${where}: the question takes ${q.tokens} tokens, leaving ${Math.max(room, 0)} for the context in windows of ${options.maxLength}; ` +
        `that must be more than the doc stride ${options.docStride}: use a smaller doc stride, a shorter question or longer windows`,
    );
  }
  const first = tokenizer.encode(q.text, context, {
    maxLength: options.maxLength, truncation: "only_second", stride: options.docStride, padding: false, addSpecialTokens: true,
  });
  return [first, ...first.overflowing].map((encoding) => ({ encoding, ...contextRange(encoding) }));
}
