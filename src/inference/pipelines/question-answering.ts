/**
 * The question-answering pipeline, with Hugging Face's `pipeline("question-answering")` semantics: each
 * (question, context) pair is cut into windows (contexts longer than one window are strided, never refused),
 * the model scores every span of context tokens as p_start · p_end with the probabilities soft-maxed over the
 * window's context tokens and [CLS] (span-probabilities.ts), and the `topK` best spans over all windows are
 * returned as character offsets into the context, widened to whole words. With `handleImpossibleAnswer` the
 * "no answer" ("" at 0–0, scored by the smallest [CLS] score over the windows) competes with them.
 * Defaults as Hugging Face: topK 1, maxAnswerLength 15, maxSeqLength min(384, the model's length),
 * docStride min(128, maxSeqLength / 2), maxQuestionLength 64 (the question is cut to it, as BERT's run_squad.py).
 */
import type { AnyBertModel } from "../../bert/architectures.js";
import type { BertConfig } from "../../bert/config.js";
import { BertForQuestionAnswering } from "../../bert/heads/question-answering.js";
import { InputError } from "../../errors.js";
import { windowLogits } from "../../tasks/finetune/qa/logits.js";
import { windowSpans, type ScoredSpan } from "../../tasks/finetune/qa/span-probabilities.js";
import { checkWindowOptions, encodeQaWindows, type QaWindow, type QaWindowOptions } from "../../tasks/finetune/qa/windows.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { loadPipelineModel, type PipelineLoadOptions, type PipelineModel } from "./load.js";

export interface QuestionAnsweringInput {
  question: string;
  context: string;
}

export interface QuestionAnsweringOptions {
  /** Answers per input (default 1); fewer when the context has fewer spans. */
  topK?: number;
  /** Longest answer in tokens (default 15). */
  maxAnswerLength?: number;
  /** Context tokens shared by consecutive windows (default min(128, maxSeqLength / 2)). */
  docStride?: number;
  /** Tokens per window, special tokens included (default min(384, the model's maximum)). */
  maxSeqLength?: number;
  /** The question is cut to this many tokens (default 64). */
  maxQuestionLength?: number;
  /** Let "no answer" ("", 0–0) be one of the answers (default false). */
  handleImpossibleAnswer?: boolean;
  /** Windows per forward pass (default 8). */
  batchSize?: number;
}

export interface QuestionAnsweringAnswer {
  /** p_start · p_end of the span (for "no answer": the smallest p_start[CLS] · p_end[CLS] over the windows). */
  score: number;
  /** UTF-16 offsets [start, end) of the answer in the context. */
  start: number;
  end: number;
  /** `context.slice(start, end)`. */
  answer: string;
}

interface Resolved {
  topK: number;
  maxAnswerLength: number;
  windows: QaWindowOptions;
  handleImpossibleAnswer: boolean;
  batchSize: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${name} must be an integer ≥ 1, got ${v}`);
  return v;
}

function checkInputs(inputs: ReadonlyArray<QuestionAnsweringInput>): void {
  if (inputs.length === 0) throw new InputError("question answering: no inputs; give at least one {question, context}");
  inputs.forEach((input, i) => {
    for (const key of ["question", "context"] as const) {
      const value: unknown = input[key];
      if (typeof value !== "string") throw new InputError(`question answering input ${i + 1}: "${key}" must be a string`);
      if (value.trim() === "") throw new InputError(`question answering input ${i + 1}: the ${key} is empty; give a non-empty ${key}`);
    }
  });
}

export class QuestionAnsweringPipeline {
  constructor(readonly loaded: PipelineModel<BertForQuestionAnswering>) {}

  /** Loads a model folder as BertForQuestionAnswering (a folder without the QA head gets a random one and a warning). */
  static async load(dir: string, options: PipelineLoadOptions = {}): Promise<QuestionAnsweringPipeline> {
    const isQa = (m: AnyBertModel): m is BertForQuestionAnswering => m instanceof BertForQuestionAnswering;
    return new QuestionAnsweringPipeline(await loadPipelineModel(dir, "BertForQuestionAnswering", isQa, options));
  }

  /** A model already in memory with its tokenizer (e.g. just fine-tuned); the model is put in eval mode. */
  static fromParts(model: BertForQuestionAnswering, tokenizer: BertTokenizer, config: BertConfig = model.config): QuestionAnsweringPipeline {
    model.eval();
    return new QuestionAnsweringPipeline({ model, tokenizer, config, dir: "", warning: null });
  }

  /** Hugging Face's "newly initialized" warning when the folder had no QA head, else null. */
  get warning(): string | null {
    return this.loaded.warning;
  }

  private resolve(o: QuestionAnsweringOptions): Resolved {
    const { tokenizer, config } = this.loaded;
    const modelMax = Math.min(config.max_position_embeddings, tokenizer.modelMaxLength ?? Infinity);
    const maxSeqLength = positive("maxSeqLength", o.maxSeqLength, Math.min(384, modelMax));
    if (maxSeqLength > config.max_position_embeddings) {
      throw new InputError(`maxSeqLength ${maxSeqLength} is longer than the model's ${config.max_position_embeddings} positions; use at most ${config.max_position_embeddings}`);
    }
    const docStride = o.docStride ?? Math.min(128, Math.floor(maxSeqLength / 2));
    const maxQueryLength = positive("maxQuestionLength", o.maxQuestionLength, 64);
    return {
      topK: positive("topK", o.topK, 1),
      maxAnswerLength: positive("maxAnswerLength", o.maxAnswerLength, 15),
      windows: checkWindowOptions({ maxLength: maxSeqLength, docStride, maxQueryLength }),
      handleImpossibleAnswer: o.handleImpossibleAnswer ?? false,
      batchSize: positive("batchSize", o.batchSize, 8),
    };
  }

  /** For each input, its `topK` answers, best first. */
  run(inputs: ReadonlyArray<QuestionAnsweringInput>, options: QuestionAnsweringOptions = {}): QuestionAnsweringAnswer[][] {
    checkInputs(inputs);
    const o = this.resolve(options);
    const { model, tokenizer } = this.loaded;
    const windows: QaWindow[][] = inputs.map((input, i) =>
      encodeQaWindows(tokenizer, input.question, input.context, o.windows, `question answering input ${i + 1}`));
    const logits = windowLogits(model, windows.flat().map((w) => w.encoding), tokenizer.specialTokenId("pad"), o.batchSize);
    let at = 0;
    return inputs.map((input, i) => {
      const spans: ScoredSpan[] = [];
      let nullScore = Infinity;
      for (const window of windows[i]) {
        const found = windowSpans(window, logits[at++], o.topK, o.maxAnswerLength);
        spans.push(...found.spans);
        nullScore = Math.min(nullScore, found.nullScore);
      }
      const answers = spans.map((s) => ({ score: s.score, start: s.start, end: s.end, answer: input.context.slice(s.start, s.end) }));
      if (o.handleImpossibleAnswer) answers.push({ score: nullScore, start: 0, end: 0, answer: "" });
      // Stable: equal scores keep window order, as Python's sorted does.
      return answers.sort((a, b) => b.score - a.score).slice(0, o.topK);
    });
  }
}
