/**
 * Entity-level scores of tagged sentences, as `seqeval` computes them by default (its conlleval-compatible,
 * non-strict mode): chunks are read from the tags with conlleval's rules, a predicted chunk counts when a
 * true chunk has the same type, start and end, and precision, recall and F1 are micro-averaged over types.
 * Token accuracy is the share of tags predicted exactly. All scores are in 0–100.
 *
 * Chunk rules (tags `O`, `B-X`, `I-X`, and IOBES's `E-X`, `S-X`): a chunk starts at `B-`/`S-`, at an `I-`/`E-`
 * that follows `O`, `E-` or `S-`, and at any tag whose type differs from the previous tag's — so an `I-X`
 * after `O` or after another type starts a chunk (conlleval), unlike seqeval's strict mode. A chunk ends
 * before `O`, `B-` and `S-`, after `E-` and `S-`, and where the type changes. Sentences are separate: no chunk
 * crosses a sentence end. A score whose denominator is 0 is 0, as seqeval's default.
 */
import { InputError } from "../errors.js";

/** One chunk of a sentence: tokens [start, end) of type `type`. */
export interface Chunk {
  type: string;
  start: number;
  end: number;
}

export interface TypeScores {
  precision: number;
  recall: number;
  f1: number;
  /** True chunks of this type. */
  support: number;
  /** Predicted chunks of this type. */
  predicted: number;
  /** Predicted chunks that match a true one. */
  correct: number;
}

export interface SeqevalResult {
  /** Micro-averaged over all types, 0–100. */
  precision: number;
  recall: number;
  f1: number;
  /** Tags predicted exactly, over all tags, 0–100. */
  accuracy: number;
  /** Scores of each type, keys sorted. */
  perType: Record<string, TypeScores>;
  /** Chunk counts over all types. */
  support: number;
  predicted: number;
  correct: number;
}

const TAG = /^(?:O|[BIES]-.+)$/;

/** The prefix letter ("O", "B", "I", "E", "S") and type ("" for O) of a valid tag. */
function parts(tag: string): [string, string] {
  return tag === "O" ? ["O", ""] : [tag[0], tag.slice(2)];
}

function endsChunk(prev: string, prevType: string, tag: string, type: string): boolean {
  if (prev === "O") return false;
  if (prev === "E" || prev === "S") return true;
  if (tag === "B" || tag === "S" || tag === "O") return true;
  return prevType !== type;
}

function startsChunk(prev: string, prevType: string, tag: string, type: string): boolean {
  if (tag === "O") return false;
  if (tag === "B" || tag === "S") return true;
  if (prev === "O" || prev === "E" || prev === "S") return true;
  return prevType !== type;
}

function checkTag(tag: string, where: string): void {
  if (!TAG.test(tag)) throw new InputError(`seqeval: ${JSON.stringify(tag)} (${where}) is not an IOB tag; tags are O, B-TYPE, I-TYPE (or E-TYPE, S-TYPE)`);
}

/** The chunks of one sentence's tags, in order. */
export function chunks(tags: readonly string[]): Chunk[] {
  const out: Chunk[] = [];
  let prev = "O";
  let prevType = "";
  let start = 0;
  for (let i = 0; i <= tags.length; i++) {
    const tag = i < tags.length ? tags[i] : "O"; // an O after the end closes the last chunk
    if (i < tags.length) checkTag(tag, `position ${i}`);
    const [letter, type] = parts(tag);
    if (endsChunk(prev, prevType, letter, type)) out.push({ type: prevType, start, end: i });
    if (startsChunk(prev, prevType, letter, type)) start = i;
    prev = letter;
    prevType = type;
  }
  return out;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : (100 * numerator) / denominator;
}

function scores(correct: number, predicted: number, support: number): Omit<TypeScores, "support" | "predicted" | "correct"> {
  const precision = ratio(correct, predicted);
  const recall = ratio(correct, support);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

interface Counts {
  support: number;
  predicted: number;
  correct: number;
}

/** seqeval's precision, recall and F1 (micro) and token accuracy of `predicted` against `truth`, sentence by sentence. */
export function seqevalScores(truth: ReadonlyArray<readonly string[]>, predicted: ReadonlyArray<readonly string[]>): SeqevalResult {
  if (truth.length !== predicted.length) {
    throw new InputError(`seqeval: ${truth.length} true sentences but ${predicted.length} predicted; give one prediction per sentence`);
  }
  const byType = new Map<string, Counts>();
  const countsOf = (type: string): Counts => {
    let c = byType.get(type);
    if (c === undefined) byType.set(type, (c = { support: 0, predicted: 0, correct: 0 }));
    return c;
  };
  let tokens = 0;
  let exact = 0;
  for (let s = 0; s < truth.length; s++) {
    const t = truth[s];
    const p = predicted[s];
    if (t.length !== p.length) throw new InputError(`seqeval: sentence ${s} has ${t.length} true tags but ${p.length} predicted; give one tag per token`);
    for (let i = 0; i < t.length; i++) {
      checkTag(p[i], `sentence ${s}, position ${i}`);
      if (t[i] === p[i]) exact++;
    }
    tokens += t.length;
    const trueKeys = new Set<string>();
    for (const c of chunks(t)) {
      countsOf(c.type).support++;
      trueKeys.add(`${c.type}\u0000${c.start}\u0000${c.end}`);
    }
    for (const c of chunks(p)) {
      const counts = countsOf(c.type);
      counts.predicted++;
      if (trueKeys.has(`${c.type}\u0000${c.start}\u0000${c.end}`)) counts.correct++;
    }
  }
  if (tokens === 0) throw new InputError("seqeval: there are no tags to score; give at least one tagged token");
  const total: Counts = { support: 0, predicted: 0, correct: 0 };
  const perType: Record<string, TypeScores> = {};
  for (const type of [...byType.keys()].sort()) {
    const c = countsOf(type);
    perType[type] = { ...scores(c.correct, c.predicted, c.support), ...c };
    total.support += c.support;
    total.predicted += c.predicted;
    total.correct += c.correct;
  }
  return { ...scores(total.correct, total.predicted, total.support), accuracy: ratio(exact, tokens), perType, ...total };
}
