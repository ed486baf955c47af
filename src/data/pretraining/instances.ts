/**
 * Next-sentence-prediction pairs, as google-research/bert's create_instances_from_document and
 * truncate_seq_pair build them, on the token ranges of a block (./block.ts):
 *
 * - max_num_tokens = max_seq_length − 3 ([CLS], [SEP], [SEP]); the target length is max_num_tokens, or, with
 *   probability short_seq_prob, a random length in [2, max_num_tokens] (drawn once per document, as google-research does).
 * - Sentences are gathered into a chunk until the chunk reaches the target (or the document ends). A = the chunk's
 *   first k sentences, k random in [1, len − 1] (k = 1 for a one-sentence chunk).
 * - B = the rest of the chunk (label 0), or — with probability 0.5, and always for a one-sentence chunk — sentences
 *   of ANOTHER document of the block from a random start, until the target length is reached (label 1); the chunk's
 *   unused sentences then go back (the next chunk starts after A). A block with one document draws from that
 *   document, as google-research does when the corpus has one.
 * - The pair is truncated to max_num_tokens: one token at a time from the longer segment, from its front or its
 *   back with probability 1/2 each.
 *
 * The segments stay contiguous ranges of the block's tokens, so an instance is five integers.
 */
import type { Rng } from "../../tensor/random.js";
import { documentCount, type Block } from "./block.js";

export interface PairOptions {
  maxSeqLength: number;
  shortSeqProb: number;
}

/** A = tokens[aStart, aEnd), B = tokens[bStart, bEnd) of the block; nextSentenceLabel 0 = B follows A, 1 = random. */
export interface Instance {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
  nextSentenceLabel: 0 | 1;
}

/** Uniform integer in [low, high], both included (Python's random.randint). */
export function randint(rng: Rng, low: number, high: number): number {
  return low + rng.int(high - low + 1);
}

/** google-research's truncate_seq_pair on two ranges: returns the truncated ranges. */
export function truncateSeqPair(
  a: { start: number; end: number },
  b: { start: number; end: number },
  maxNumTokens: number,
  rng: Rng,
): { a: { start: number; end: number }; b: { start: number; end: number } } {
  const ra = { ...a };
  const rb = { ...b };
  while (ra.end - ra.start + (rb.end - rb.start) > maxNumTokens) {
    const longer = ra.end - ra.start > rb.end - rb.start ? ra : rb;
    if (rng.uniform() < 0.5) longer.start++;
    else longer.end--;
  }
  return { a: ra, b: rb };
}

/** Another document than `document`, uniformly (the document itself when the block has only one). */
function otherDocument(block: Block, document: number, rng: Rng): number {
  const documents = documentCount(block);
  if (documents === 1) return document;
  const pick = rng.int(documents - 1);
  return pick >= document ? pick + 1 : pick;
}

/** Calls `emit` with each instance of document `document` of the block, in order. */
export function createDocumentInstances(block: Block, document: number, options: PairOptions, rng: Rng, emit: (instance: Instance) => void): void {
  const { sentenceStarts: starts, documentStarts } = block;
  const first = documentStarts[document];
  const last = documentStarts[document + 1]; // exclusive
  const maxNumTokens = options.maxSeqLength - 3;
  const targetLength = rng.uniform() < options.shortSeqProb ? randint(rng, 2, maxNumTokens) : maxNumTokens;
  let chunkFirst = first;
  let i = first;
  while (i < last) {
    const chunkLength = starts[i + 1] - starts[chunkFirst];
    if (i === last - 1 || chunkLength >= targetLength) {
      const chunkSentences = i + 1 - chunkFirst;
      const aSentences = chunkSentences >= 2 ? randint(rng, 1, chunkSentences - 1) : 1;
      const a = { start: starts[chunkFirst], end: starts[chunkFirst + aSentences] };
      let b: { start: number; end: number };
      let label: 0 | 1;
      if (chunkSentences === 1 || rng.uniform() < 0.5) {
        label = 1;
        const targetB = targetLength - (a.end - a.start);
        const other = otherDocument(block, document, rng);
        const otherFirst = documentStarts[other];
        const otherLast = documentStarts[other + 1];
        const randomStart = randint(rng, otherFirst, otherLast - 1);
        let j = randomStart;
        do j++;
        while (j < otherLast && starts[j] - starts[randomStart] < targetB);
        b = { start: starts[randomStart], end: starts[j] };
        i -= chunkSentences - aSentences; // the unused sentences go back
      } else {
        label = 0;
        b = { start: a.end, end: starts[i + 1] };
      }
      const t = truncateSeqPair(a, b, maxNumTokens, rng);
      emit({ aStart: t.a.start, aEnd: t.a.end, bStart: t.b.start, bEnd: t.b.end, nextSentenceLabel: label });
      chunkFirst = i + 1;
    }
    i++;
  }
}
