/**
 * The tokenized corpus as a stream of batches, one per chunk of a file read: the word-piece ids of its sentences
 * and where documents end, in file order. (Tokenizing in worker threads was tried: on this project's 2-core
 * machine, shared with other jobs, one or two workers gave no speed-up, so tokenizing stays on the main thread;
 * a batch is plain typed arrays, so a worker could produce the same stream.)
 */
import type { BertTokenizer } from "../../tokenizer/index.js";
import { corpusEvents, type CorpusEvent, type CorpusFormat } from "./documents.js";
import { SentenceTokenizer } from "./sentence-tokens.js";

/** `lengths[k]` ≥ 1: the next sentence has that many ids in `tokens`; END_OF_DOCUMENT: a document ends here. */
export interface TokenBatch {
  tokens: Int32Array;
  lengths: Int32Array;
  /** Bytes of the file read for this batch (for progress). */
  bytes: number;
}

export const END_OF_DOCUMENT = -1;

/** The batch of one chunk's events. */
export function tokenBatch(events: readonly CorpusEvent[], tokenizer: SentenceTokenizer, bytes: number): TokenBatch {
  const sentences: Int32Array[] = [];
  const lengths: number[] = [];
  let total = 0;
  for (const event of events) {
    if (event.kind === "end-of-document") {
      lengths.push(END_OF_DOCUMENT);
      continue;
    }
    for (const sentence of tokenizer.tokenize(event.run)) {
      sentences.push(sentence);
      lengths.push(sentence.length);
      total += sentence.length;
    }
  }
  const tokens = new Int32Array(total);
  let at = 0;
  for (const sentence of sentences) {
    tokens.set(sentence, at);
    at += sentence.length;
  }
  return { tokens, lengths: Int32Array.from(lengths), bytes };
}

/** The batches of one file, tokenized in this thread. */
export async function* fileTokenBatches(file: string, format: CorpusFormat, tokenizer: SentenceTokenizer): AsyncGenerator<TokenBatch> {
  let bytes = 0;
  const onBytes = (n: number): void => {
    bytes += n;
  };
  for await (const events of corpusEvents(file, format, onBytes)) {
    yield tokenBatch(events, tokenizer, bytes);
    bytes = 0;
  }
  if (bytes > 0) yield { tokens: new Int32Array(0), lengths: new Int32Array(0), bytes };
}

/** The batches of all files, in order, tokenized in this thread. */
export async function* localTokenBatches(files: readonly string[], format: CorpusFormat, tokenizer: BertTokenizer): AsyncGenerator<TokenBatch> {
  const sentenceTokenizer = new SentenceTokenizer(tokenizer);
  for (const file of files) yield* fileTokenBatches(file, format, sentenceTokenizer);
}
