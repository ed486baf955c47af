/**
 * The post-processing of Hugging Face's token-classification pipeline, as plain functions on one window of
 * tokens and their label probabilities:
 * - `gatherPreEntities`: the non-special tokens with their text span and whether each continues a word
 *   (its token is longer than the text it covers, i.e. it has the `##` prefix); an [UNK] token shows its text.
 * - "none": each token with its best label (`entity`, `score`, `index`, `word`, `start`, `end`).
 * - "simple": adjacent tokens grouped by label type — `B-X` starts a group, `I-X` continues an X group, a
 *   label without a B-/I- prefix counts as I- — with the mean score and the decoded text (`entity_group`).
 * - "first", "average", "max": tokens first fused into words (the word's label from its first token, from
 *   the mean of its tokens' probabilities, or from its most confident token), then grouped as "simple".
 * - `dropIgnored` removes tokens or groups whose label is in `ignoreLabels` (Hugging Face's default ["O"]).
 * - `resolveOverlaps`: entities of overlapping windows of one long text; of entities that overlap, the
 *   longer (then the higher-scoring) one stays.
 * `start`/`end` are offsets into the text as given (UTF-16 code units: `text.slice(start, end)`); lengths
 * compared for sub-word detection are counted in code points, as Python counts them.
 */
import { InputError } from "../../errors.js";

export type AggregationStrategy = "none" | "simple" | "first" | "average" | "max";

export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = ["none", "simple", "first", "average", "max"];

/** A token with its probabilities over the labels, before aggregation. */
export interface PreEntity {
  word: string;
  scores: Float64Array; // (L)
  start: number;
  end: number;
  /** Position in the encoded text, [CLS] being 0. */
  index: number;
  isSubword: boolean;
}

/** One token's prediction (aggregation "none"). */
export interface TokenEntity {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** A group of adjacent tokens or words of one entity type (every other aggregation). */
export interface EntityGroup {
  entity_group: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

/** A token or word with its label, as grouping sees it. */
type Labelled = Omit<TokenEntity, "index">;

/** One window of an encoded text with the label probabilities of each of its tokens. */
export interface ScoredWindow {
  text: string;
  ids: ArrayLike<number>;
  /** [start0, end0, start1, end1, …] into `text`. */
  offsets: ArrayLike<number>;
  specialTokensMask: ArrayLike<number>;
  scores: readonly Float64Array[]; // (T, L)
  /** Added to each token's position in the window to give `index` (the window's place in the whole text). */
  indexBase: number;
}

export interface TokenVocabulary {
  tokenOf(id: number): string;
  unkId: number;
}

/** Length in code points (Python's len), not UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function gatherPreEntities(window: ScoredWindow, vocabulary: TokenVocabulary): PreEntity[] {
  const out: PreEntity[] = [];
  for (let i = 0; i < window.ids.length; i++) {
    if (window.specialTokensMask[i] !== 0) continue;
    const start = window.offsets[2 * i];
    const end = window.offsets[2 * i + 1];
    const covered = window.text.slice(start, end);
    const unknown = window.ids[i] === vocabulary.unkId;
    const word = unknown ? covered : vocabulary.tokenOf(window.ids[i]);
    out.push({ word, scores: window.scores[i], start, end, index: window.indexBase + i, isSubword: !unknown && codePoints(word) !== codePoints(covered) });
  }
  return out;
}

function argmax(scores: Float64Array): number {
  let best = 0;
  for (let j = 1; j < scores.length; j++) if (scores[j] > scores[best]) best = j;
  return best;
}

function labelOf(labels: readonly string[], id: number): string {
  const label = labels[id];
  if (label === undefined) throw new InputError(`the model predicts label ${id} but its config names only ${labels.length} labels; fix id2label in config.json`);
  return label;
}

/** Aggregation "none": each token with its most probable label. */
export function tokenEntities(pre: readonly PreEntity[], labels: readonly string[]): TokenEntity[] {
  return pre.map((p) => {
    const id = argmax(p.scores);
    return { entity: labelOf(labels, id), score: p.scores[id], index: p.index, word: p.word, start: p.start, end: p.end };
  });
}

/** One word from its tokens, labelled by `strategy`. */
function fuseWord(tokens: readonly PreEntity[], strategy: "first" | "average" | "max", labels: readonly string[], decode: (t: string[]) => string): Labelled {
  let scores: Float64Array;
  if (strategy === "first") scores = tokens[0].scores;
  else if (strategy === "max") {
    let best = tokens[0];
    for (const t of tokens) if (t.scores[argmax(t.scores)] > best.scores[argmax(best.scores)]) best = t;
    scores = best.scores;
  } else {
    scores = new Float64Array(tokens[0].scores.length);
    for (const t of tokens) t.scores.forEach((s, j) => (scores[j] += s));
    for (let j = 0; j < scores.length; j++) scores[j] /= tokens.length;
  }
  const id = argmax(scores);
  return { entity: labelOf(labels, id), score: scores[id], word: decode(tokens.map((t) => t.word)), start: tokens[0].start, end: tokens[tokens.length - 1].end };
}

/** Tokens fused into words: a token that continues a word joins the previous token's word. */
function words(pre: readonly PreEntity[], strategy: "first" | "average" | "max", labels: readonly string[], decode: (t: string[]) => string): Labelled[] {
  const out: Labelled[] = [];
  let word: PreEntity[] = [];
  for (const p of pre) {
    if (word.length > 0 && !p.isSubword) {
      out.push(fuseWord(word, strategy, labels, decode));
      word = [];
    }
    word.push(p);
  }
  if (word.length > 0) out.push(fuseWord(word, strategy, labels, decode));
  return out;
}

/** "B"/"I" and the type of a label; one without a B-/I- prefix is an I- of its own name. */
function bioTag(label: string): [string, string] {
  if (label.startsWith("B-")) return ["B", label.slice(2)];
  if (label.startsWith("I-")) return ["I", label.slice(2)];
  return ["I", label];
}

function group(members: readonly Labelled[], decode: (t: string[]) => string): EntityGroup {
  const first = members[0].entity;
  const dash = first.indexOf("-");
  let sum = 0;
  let n = 0;
  for (const m of members) {
    if (Number.isNaN(m.score)) continue; // a mean that skips NaN, as numpy's nanmean
    sum += m.score;
    n++;
  }
  return {
    entity_group: dash < 0 ? first : first.slice(dash + 1),
    score: n === 0 ? Number.NaN : sum / n,
    word: decode(members.map((m) => m.word)),
    start: members[0].start,
    end: members[members.length - 1].end,
  };
}

/** Adjacent tokens (or words) of one type grouped: a B- label or another type starts a new group. */
export function groupEntities(items: readonly Labelled[], decode: (t: string[]) => string): EntityGroup[] {
  const out: EntityGroup[] = [];
  let members: Labelled[] = [];
  for (const item of items) {
    if (members.length > 0) {
      const [bi, type] = bioTag(item.entity);
      const [, lastType] = bioTag(members[members.length - 1].entity);
      if (type !== lastType || bi === "B") {
        out.push(group(members, decode));
        members = [];
      }
    }
    members.push(item);
  }
  if (members.length > 0) out.push(group(members, decode));
  return out;
}

/** Aggregations other than "none": groups of tokens ("simple") or of words. */
export function entityGroups(pre: readonly PreEntity[], strategy: Exclude<AggregationStrategy, "none">, labels: readonly string[], decode: (t: string[]) => string): EntityGroup[] {
  const items = strategy === "simple" ? tokenEntities(pre, labels) : words(pre, strategy, labels, decode);
  return groupEntities(items, decode);
}

/** Drops tokens or groups whose label is one of `ignore`. */
export function dropIgnored<E extends TokenEntity | EntityGroup>(entities: readonly E[], ignore: readonly string[]): E[] {
  return entities.filter((e) => !ignore.includes("entity" in e ? e.entity : e.entity_group));
}

/** Entities of overlapping windows: sorted by start; of two that overlap, the longer, then the higher-scoring, stays. */
export function resolveOverlaps<E extends { start: number; end: number; score: number }>(entities: readonly E[]): E[] {
  if (entities.length === 0) return [];
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const out: E[] = [];
  let previous = sorted[0];
  for (const e of sorted) {
    if (previous.start <= e.start && e.start < previous.end) {
      const length = e.end - e.start;
      const previousLength = previous.end - previous.start;
      if (length > previousLength || (length === previousLength && e.score > previous.score)) previous = e;
    } else {
      out.push(previous);
      previous = e;
    }
  }
  out.push(previous);
  return out;
}
