/**
 * Truncation as Hugging Face `tokenizers` does it, before special tokens are added. A truncated sequence keeps its
 * first window and lists the following ones as overflowing windows, each `stride` tokens overlapping the previous one
 * (question answering slides such windows over long contexts).
 */
import { InputError } from "../errors.js";
import { NO_TOKENS, sliceTokens, type SequenceTokens } from "./sequence-builder.js";

export type TruncationStrategy = "longest_first" | "only_first" | "only_second";

export const TRUNCATION_STRATEGIES: readonly TruncationStrategy[] = ["longest_first", "only_first", "only_second"];

/** One sequence after truncation: the kept window and the overflowing ones. */
export interface Windows {
  main: SequenceTokens;
  overflowing: SequenceTokens[];
}

/** Cuts `e` into windows of at most `maxLength` tokens, the next starting `maxLength - stride` after the previous. */
export function cutWindows(e: SequenceTokens, maxLength: number, stride: number): Windows {
  const n = e.ids.length;
  if (maxLength >= n) return { main: e, overflowing: [] };
  if (maxLength === 0) return { main: NO_TOKENS, overflowing: [e] };
  if (stride >= maxLength) {
    throw new InputError(
      `stride (${stride}) must be smaller than the room left for the sequence (${maxLength} tokens, after special tokens)`,
    );
  }
  const step = maxLength - stride;
  const windows: SequenceTokens[] = [];
  for (let start = 0; ; start += step) {
    const stop = Math.min(start + maxLength, n);
    windows.push(sliceTokens(e, start, stop));
    if (stop === n) break;
  }
  return { main: windows[0], overflowing: windows.slice(1) };
}

/**
 * Truncates one sequence or a pair to `maxLength` tokens in total (special tokens already subtracted).
 * longest_first: take from the longer sequence first, ending as even as possible; only_first/only_second: take from
 * that one only (an error when it is too short to make room).
 */
export function truncateSequences(
  first: SequenceTokens,
  second: SequenceTokens | null,
  maxLength: number,
  strategy: TruncationStrategy,
  stride: number,
): [Windows, Windows | null] {
  const keep = (e: SequenceTokens): Windows => ({ main: e, overflowing: [] });
  if (maxLength === 0) {
    return [cutWindows(first, 0, stride), second === null ? null : cutWindows(second, 0, stride)];
  }
  const n1 = first.ids.length;
  const n2 = second === null ? 0 : second.ids.length;
  const total = n1 + n2;
  if (total <= maxLength) return [keep(first), second === null ? null : keep(second)];
  const toRemove = total - maxLength;

  if (strategy === "longest_first") {
    if (second === null) return [cutWindows(first, n1 - toRemove, stride), null];
    // The shorter keeps all it can; when both must give, they split max_length (the second gets the odd token).
    let short = Math.min(n1, n2);
    let long = short > maxLength ? short : Math.max(short, maxLength - short);
    if (short + long > maxLength) {
      short = Math.floor(maxLength / 2);
      long = short + (maxLength % 2);
    }
    const [len1, len2] = n1 > n2 ? [long, short] : [short, long];
    return [cutWindows(first, len1, stride), cutWindows(second, len2, stride)];
  }

  if (strategy === "only_second" && second === null) {
    throw new InputError("truncation only_second needs a pair of texts, but only one was given");
  }
  const target = strategy === "only_first" ? first : (second as SequenceTokens);
  const targetLength = target.ids.length;
  if (targetLength <= toRemove) {
    const which = strategy === "only_first" ? "first" : "second";
    throw new InputError(
      `cannot truncate with ${strategy}: the ${which} sequence has ${targetLength} tokens but ${toRemove} must go ` +
        `to fit max length ${maxLength} (after special tokens); use longest_first or a larger max length`,
    );
  }
  const cut = cutWindows(target, targetLength - toRemove, stride);
  return strategy === "only_first" ? [cut, second === null ? null : keep(second)] : [keep(first), cut];
}
