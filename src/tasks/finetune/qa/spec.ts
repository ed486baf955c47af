/**
 * Extractive question answering (SQuAD v1.1 and v2.0) as a fine-tuning kind: reads SQuAD JSON, trains
 * BertForQuestionAnswering on question + context windows (Hugging Face run_qa.py's recipe: maxLength 384,
 * docStride 128 tokens of overlap, answers labelled by token), and evaluates with the official SQuAD metrics
 * (exact_match, f1; v2.0 also the has-answer/no-answer splits and the best no-answer threshold). The best
 * checkpoint is chosen by f1.
 */
import type { BertConfig } from "../../../bert/config.js";
import { BertForQuestionAnswering } from "../../../bert/heads/question-answering.js";
import { readSquad, type SquadExamples } from "../../../data/finetune/squad.js";
import { InputError } from "../../../errors.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import type { FinetuneSpec } from "../spec.js";
import { qaTrainData, type QaBatch } from "./dataset.js";
import { evaluateSquad, type QaPredictOptions } from "./evaluate.js";
import { SPAN_DEFAULTS } from "./postprocess.js";
import { qaTask } from "./task.js";
import { checkWindowOptions, QA_WINDOW_DEFAULTS } from "./windows.js";

export interface QaSpecOptions {
  /** Tokens per window, special tokens included (run_qa.py's max_seq_length; 384 there). */
  maxLength: number;
  /** Context tokens shared by consecutive windows (run_qa.py's doc_stride: the overlap); default 128, or maxLength / 2 for shorter windows (the pipeline's rule). */
  docStride?: number;
  /** The question is cut to this many tokens (default 64, as BERT's run_squad.py). */
  maxQueryLength?: number;
  /** Start and end tokens tried per window when picking an answer (default 20). */
  nBest?: number;
  /** Longest answer in tokens (default 30). */
  maxAnswerLength?: number;
  /** SQuAD v2.0: answer "" when null score − best span score exceeds this (default 0). */
  nullScoreDiffThreshold?: number;
}

/** The options with their defaults, checked. */
export function resolveQaOptions(o: QaSpecOptions): QaPredictOptions {
  const docStride = o.docStride ?? Math.min(QA_WINDOW_DEFAULTS.docStride, Math.floor(o.maxLength / 2));
  const windows = checkWindowOptions({ maxLength: o.maxLength, docStride, maxQueryLength: o.maxQueryLength ?? QA_WINDOW_DEFAULTS.maxQueryLength });
  const nBest = o.nBest ?? SPAN_DEFAULTS.nBest;
  const maxAnswerLength = o.maxAnswerLength ?? SPAN_DEFAULTS.maxAnswerLength;
  const nullScoreDiffThreshold = o.nullScoreDiffThreshold ?? SPAN_DEFAULTS.nullScoreDiffThreshold;
  if (!Number.isInteger(nBest) || nBest < 1) throw new InputError(`nBest must be an integer ≥ 1, got ${nBest}`);
  if (!Number.isInteger(maxAnswerLength) || maxAnswerLength < 1) throw new InputError(`maxAnswerLength must be an integer ≥ 1, got ${maxAnswerLength}`);
  if (!Number.isFinite(nullScoreDiffThreshold)) throw new InputError(`nullScoreDiffThreshold must be a finite number, got ${nullScoreDiffThreshold}`);
  return { ...windows, nBest, maxAnswerLength, nullScoreDiffThreshold };
}

/** Windows must fit the model's position embeddings. */
function checkFits(options: QaPredictOptions, config: BertConfig): void {
  if (options.maxLength > config.max_position_embeddings) {
    throw new InputError(`max length ${options.maxLength} is longer than the model's ${config.max_position_embeddings} positions (max_position_embeddings); use a max length ≤ ${config.max_position_embeddings}`);
  }
}

export function qaSpec(options: QaSpecOptions): FinetuneSpec<BertForQuestionAnswering, QaBatch, SquadExamples> {
  const resolved = resolveQaOptions(options);
  return {
    name: "qa",
    architecture: "BertForQuestionAnswering",
    build: (config) => new BertForQuestionAnswering(config),
    read: (file) => readSquad(file),
    count: (examples) => examples.questions.length,
    // Nothing in a SQuAD file changes the model's config (no labels).
    configFor: () => ({}),
    trainData: (examples: SquadExamples, tokenizer: BertTokenizer, config: BertConfig) => {
      checkFits(resolved, config);
      return qaTrainData(examples, tokenizer, resolved);
    },
    task: qaTask,
    evaluate: (model, tokenizer, config, examples, batchSize) => {
      checkFits(resolved, config);
      return evaluateSquad(model, tokenizer, examples, resolved, batchSize);
    },
    mainMetric: "f1",
    metricsNote: "exact_match, f1 in 0–100 (SQuAD v2.0 adds has_answer_*, no_answer_* and best_* with their no-answer thresholds)",
  };
}
