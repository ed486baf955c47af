/**
 * The next-sentence pipeline: for pairs of texts (A, B), the probability that B is the text that follows A,
 * from BERT's pre-training NSP classifier (BertForNextSentencePrediction; a BertForPreTraining folder has the
 * same head). Index 0 of the head's two logits means "B follows A" and index 1 "B is random", as in Hugging
 * Face; the probability is the softmax of the two.
 *
 * Pairs longer than the model's positions are truncated to fit, the longer text first.
 */
import type { AnyBertModel } from "../../bert/architectures.js";
import type { BertConfig } from "../../bert/config.js";
import { BertForNextSentencePrediction } from "../../bert/heads/pretraining.js";
import { collate, type CollatedBatch } from "../../data/collate.js";
import { InputError } from "../../errors.js";
import { noGrad } from "../../tensor/autograd.js";
import { scope } from "../../tensor/scope.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { inBatches, type PipelineModel } from "./load.js";
import { type LoadPipelineOptions, loadWithTokenizer, type TextPair } from "./text-classification.js";

export interface NextSentenceScore {
  /** Probability in 0…1 that the second text follows the first. */
  isNextProbability: number;
  /** The model's decision: isNextProbability ≥ 0.5. */
  isNext: boolean;
}

export interface NextSentenceOptions {
  /** Pairs per forward pass (default 32). */
  batchSize?: number;
}

/** Scores from (B, 2) NSP logits: softmax, index 0 = "is next". */
export function nextSentenceScores(logits: ArrayLike<number>): NextSentenceScore[] {
  const out: NextSentenceScore[] = [];
  for (let r = 0; r < logits.length / 2; r++) {
    // softmax of two: p0 = 1 / (1 + e^(l1 − l0))
    const isNextProbability = 1 / (1 + Math.exp(logits[2 * r + 1] - logits[2 * r]));
    out.push({ isNextProbability, isNext: isNextProbability >= 0.5 });
  }
  return out;
}

function checkPair(pair: unknown, i: number): TextPair {
  if (typeof pair === "object" && pair !== null && "text" in pair && "textPair" in pair && typeof pair.text === "string" && typeof pair.textPair === "string") {
    return { text: pair.text, textPair: pair.textPair };
  }
  throw new InputError(`next-sentence input ${i + 1} is ${JSON.stringify(pair)}; give a pair {text: "first", textPair: "the one that may follow"}`);
}

function isNsp(m: AnyBertModel): m is BertForNextSentencePrediction {
  return m instanceof BertForNextSentencePrediction;
}

export class NextSentencePipeline {
  readonly model: BertForNextSentencePrediction;
  readonly tokenizer: BertTokenizer;
  readonly config: BertConfig;
  /** Set when the folder had no NSP head (its scores are then random). */
  readonly warning: string | null;
  readonly maxLength: number;

  private constructor(parts: PipelineModel<BertForNextSentencePrediction>) {
    this.model = parts.model;
    this.tokenizer = parts.tokenizer;
    this.config = parts.config;
    this.warning = parts.warning;
    this.maxLength = Math.min(parts.config.max_position_embeddings, parts.tokenizer.modelMaxLength ?? Infinity);
  }

  /** A Hugging Face folder of a pre-trained BERT with its NSP head (BertForPreTraining or BertForNextSentencePrediction). */
  static async load(dir: string, options: LoadPipelineOptions = {}): Promise<NextSentencePipeline> {
    return new NextSentencePipeline(await loadWithTokenizer(dir, "BertForNextSentencePrediction", isNsp, options));
  }

  static fromParts(parts: PipelineModel<BertForNextSentencePrediction>): NextSentencePipeline {
    parts.model.eval();
    return new NextSentencePipeline(parts);
  }

  /** Scores of an already encoded batch ((B, T) inputs). */
  scoreBatch(batch: CollatedBatch): NextSentenceScore[] {
    return scope(() => noGrad(() => nextSentenceScores(this.model.forward(batch).logits.floats("next-sentence")))); // logits (B, 2)
  }

  run(pairs: readonly TextPair[], options: NextSentenceOptions = {}): NextSentenceScore[] {
    const checked = pairs.map((p, i) => checkPair(p, i));
    const encodeOptions = { maxLength: this.maxLength, truncation: "longest_first", padding: false } as const;
    const encodings = checked.map((p) => this.tokenizer.encode(p.text, p.textPair, encodeOptions));
    const padId = this.tokenizer.specialTokenId("pad");
    return inBatches(encodings, options.batchSize ?? 32, (batch) => this.scoreBatch(collate(batch, { padId })));
  }
}
