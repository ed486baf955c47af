/**
 * Counts the words of corpora for vocabulary training, streaming: files are read in chunks cut at whitespace, so
 * memory grows with the number of distinct words, not with the size of the corpus. Words are what the tokenizer's
 * normalizer and pre-tokenizer produce, as in Hugging Face's trainer.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { InputError } from "../../errors.js";
import { BertNormalizer } from "../normalizer.js";
import { forEachWord } from "../pre-tokenizer.js";

export interface CountProgress {
  bytesRead: number;
  totalBytes: number;
}

/** Adds the words of `text` to `counts`. */
export function countWordsOf(text: string, normalizer: BertNormalizer, counts: Map<string, number>): void {
  const normalized = normalizer.normalize(text).text;
  forEachWord(normalized, (start, end) => {
    const word = normalized.slice(start, end);
    const count = counts.get(word);
    // A new key is copied out of the chunk: a V8 slice would otherwise keep the whole chunk alive.
    if (count === undefined) counts.set(detach(word), 1);
    else counts.set(word, count + 1);
  });
}

function detach(word: string): string {
  return word.length < 13 ? word : (word + " ").slice(0, -1);
}

function lastWhitespace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const unit = text.charCodeAt(i);
    if (unit === 0x20 || unit === 0x0a || unit === 0x09 || unit === 0x0d) return i;
  }
  return -1;
}

/** Word counts of all `files` (UTF-8), reporting progress in bytes. */
export async function countWords(
  files: readonly string[],
  normalizer: BertNormalizer,
  onProgress?: (progress: CountProgress) => void,
): Promise<Map<string, number>> {
  let totalBytes = 0;
  for (const file of files) {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new InputError(`corpus ${file} is not a file`);
      totalBytes += info.size;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`corpus file ${file} does not exist or cannot be read`);
    }
  }
  const counts = new Map<string, number>();
  let bytesRead = 0;
  for (const file of files) {
    let carry = "";
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    const decoder = new TextDecoder("utf-8");
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      const text = carry + decoder.decode(chunk, { stream: true });
      // Cut at the last whitespace so that no word is split between chunks.
      const cut = lastWhitespace(text);
      if (cut < 0) {
        carry = text;
      } else {
        countWordsOf(text.slice(0, cut + 1), normalizer, counts);
        carry = text.slice(cut + 1);
      }
      onProgress?.({ bytesRead, totalBytes });
    }
    countWordsOf(carry + decoder.decode(), normalizer, counts);
  }
  return counts;
}
