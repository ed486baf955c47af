/**
 * The computations behind the routes, as scheduler lanes: each lane takes the items of many requests and
 * computes them in one pipeline call, on this thread (`inThread`) or in a worker (worker-pool.ts). Items carry their request's options; a lane computes items with equal
 * options together (consecutive runs of one options key), so a batch mixing options is still correct.
 *
 *   embed:    text → its vector (not normalized; normalizing is per request)
 *   classify: text or pair → its logits (predict and rerank apply their score function per request)
 *   fillMask, questionAnswering, tokenClassification: the pipelines' per-input results
 */
import type { FillMaskCandidate } from "../inference/pipelines/fill-mask.js";
import type { QuestionAnsweringAnswer, QuestionAnsweringInput } from "../inference/pipelines/question-answering.js";
import type { TextClassificationInput } from "../inference/pipelines/text-classification.js";
import type { AggregationStrategy, EntityGroup, TokenEntity } from "../inference/pipelines/token-classification.js";
import type { Lane, Scheduler } from "./scheduler.js";
import { need, type ServedModel } from "./served-model.js";

export interface WithOptions<I, O> {
  input: I;
  options: O;
}

export interface FillMaskItemOptions {
  topK: number;
  targets?: string[];
}

export interface QaItemOptions {
  topK: number;
  maxAnswerLength: number;
  handleImpossibleAnswer: boolean;
}

export interface TokenClassificationItemOptions {
  aggregation: AggregationStrategy;
  ignoreLabels?: string[];
}

/** Each lane's item and result types. */
export interface LaneTypes {
  embed: [string, Float32Array];
  classify: [TextClassificationInput, Float32Array];
  fillMask: [WithOptions<string, FillMaskItemOptions>, FillMaskCandidate[][]];
  questionAnswering: [WithOptions<QuestionAnsweringInput, QaItemOptions>, QuestionAnsweringAnswer[]];
  tokenClassification: [WithOptions<string, TokenClassificationItemOptions>, TokenEntity[] | EntityGroup[]];
}

export type LaneName = keyof LaneTypes;
export type LaneItem<K extends LaneName> = LaneTypes[K][0];
export type LaneResult<K extends LaneName> = LaneTypes[K][1];

export type Lanes = { [K in LaneName]: Lane<LaneItem<K>, LaneResult<K>> };

/** The computation of each lane, on the calling thread. */
export type Computations = { [K in LaneName]: (items: LaneItem<K>[]) => LaneResult<K>[] };

/** Where batches run: this thread (`inThread`) or a worker pool (worker-pool.ts). */
export type BatchRunner = <K extends LaneName>(lane: K, items: LaneItem<K>[]) => Promise<LaneResult<K>[]>;

/** Runs `compute` on each run of consecutive items sharing an options key; results in item order. */
function byOptions<I, O, R>(items: readonly WithOptions<I, O>[], compute: (inputs: I[], options: O) => R[]): R[] {
  const out: R[] = [];
  let start = 0;
  while (start < items.length) {
    const key = JSON.stringify(items[start].options);
    let end = start + 1;
    while (end < items.length && JSON.stringify(items[end].options) === key) end++;
    out.push(...compute(items.slice(start, end).map((x) => x.input), items[start].options));
    start = end;
  }
  return out;
}

export function computations(m: ServedModel): Computations {
  const batchSize = 256; // the scheduler bounds a batch by tokens; this only caps rows per forward pass
  return {
    embed: (texts) => m.embed.run(texts, { pooling: m.pooling, maxLength: m.maxInputLength, batchSize }).vectors().map((v) => Float32Array.from(v)),
    classify: (inputs) => need(m.classifier, "/predict", m).logits(inputs, batchSize),
    fillMask: (items) =>
      byOptions(items, (texts, o) => need(m.fillMask, "/fill-mask", m).run(texts, { topK: o.topK, targets: o.targets, batchSize, onWarning: () => {} }).map((r) => r.masks)),
    questionAnswering: (items) => byOptions(items, (inputs, o) => need(m.questionAnswering, "/question-answering", m).run(inputs, { ...o, batchSize })),
    tokenClassification: (items) =>
      byOptions(items, (texts, o): Array<TokenEntity[] | EntityGroup[]> => need(m.tokenClassification, "/token-classification", m).run(texts, { ...o, batchSize })),
  };
}

/** Batches computed on this thread, between turns of the event loop. */
export function inThread(m: ServedModel): BatchRunner {
  const run = computations(m);
  // The union of lanes does not correlate K's item and result types for the compiler; `run[lane]` is K's.
  return async (lane, items) => (run[lane] as (items: unknown[]) => LaneResult<typeof lane>[])(items);
}

export function createLanes(scheduler: Scheduler, run: BatchRunner): Lanes {
  return {
    embed: scheduler.lane((items: string[]) => run("embed", items)),
    classify: scheduler.lane((items: TextClassificationInput[]) => run("classify", items)),
    fillMask: scheduler.lane((items: LaneItem<"fillMask">[]) => run("fillMask", items)),
    questionAnswering: scheduler.lane((items: LaneItem<"questionAnswering">[]) => run("questionAnswering", items)),
    tokenClassification: scheduler.lane((items: LaneItem<"tokenClassification">[]) => run("tokenClassification", items)),
  };
}
