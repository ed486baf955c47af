/**
 * The model a server answers with: one folder loaded once, its encoder shared by every route. The folder's
 * class (config.json `architectures[0]`) decides which routes compute: every BERT embeds; a sequence
 * classifier also predicts (and reranks when it has one label); a masked LM fills masks; a QA model answers
 * questions; a token classifier tags tokens. Routes the class cannot serve answer 424 (TEI's model-type error).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { numLabels, type BertConfig } from "../bert/config.js";
import { readConfig } from "../bert/config.js";
import { EmbeddingPipeline } from "../inference/pipelines/embed.js";
import { FillMaskPipeline } from "../inference/pipelines/fill-mask.js";
import { POOLINGS, type Pooling } from "../inference/pipelines/pooling.js";
import { modelDType, type ModelDType } from "../bert/low-precision.js";
import { QuestionAnsweringPipeline } from "../inference/pipelines/question-answering.js";
import { TextClassificationPipeline } from "../inference/pipelines/text-classification.js";
import { TokenClassificationPipeline } from "../inference/pipelines/token-classification.js";
import type { BertTokenizer } from "../tokenizer/tokenizer.js";
import { ApiError } from "./errors.js";

export interface ServedModel {
  dir: string;
  /** The name /info reports (the hub id when loaded from the hub, else the folder). */
  modelId: string;
  /** The hub commit, when known. */
  sha: string | null;
  architecture: string;
  config: BertConfig;
  tokenizer: BertTokenizer;
  /** Longest input in tokens, special tokens included. */
  maxInputLength: number;
  pooling: Pooling;
  /** Precision of the Linear layers as loaded (--dtype, else the folder's own). */
  dtype: ModelDType;
  embed: EmbeddingPipeline;
  classifier: TextClassificationPipeline | null;
  fillMask: FillMaskPipeline | null;
  questionAnswering: QuestionAnsweringPipeline | null;
  tokenClassification: TokenClassificationPipeline | null;
}

export interface LoadServedModelOptions {
  modelId?: string;
  sha?: string | null;
  /** Default: sentence-transformers' 1_Pooling/config.json when the folder has one, else "mean". */
  pooling?: Pooling;
  /** Precision of the Linear layers (docs/quantization.md); default: the folder's own. */
  dtype?: ModelDType;
}

/** The pooling a sentence-transformers folder declares (1_Pooling/config.json), or null. */
export function sentenceTransformersPooling(dir: string): Pooling | null {
  const path = join(dir, "1_Pooling", "config.json");
  if (!existsSync(path)) return null;
  const flags: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof flags !== "object" || flags === null) return null;
  const set = (name: string): boolean => (flags as Record<string, unknown>)[name] === true;
  if (set("pooling_mode_cls_token")) return "cls";
  if (set("pooling_mode_max_tokens")) return "max";
  if (set("pooling_mode_mean_tokens")) return "mean";
  return null;
}

export async function loadServedModel(dir: string, options: LoadServedModelOptions = {}): Promise<ServedModel> {
  const config = readConfig(join(dir, "config.json"));
  const architecture = config.architectures?.[0] ?? "BertModel";
  const pooling = options.pooling ?? sentenceTransformersPooling(dir) ?? "mean";
  if (!POOLINGS.includes(pooling)) throw new ApiError("Validation", `unknown pooling ${pooling}; use one of ${POOLINGS.join(", ")}`);
  let classifier: TextClassificationPipeline | null = null;
  let fillMask: FillMaskPipeline | null = null;
  let questionAnswering: QuestionAnsweringPipeline | null = null;
  let tokenClassification: TokenClassificationPipeline | null = null;
  let embed: EmbeddingPipeline;
  const load = { dtype: options.dtype };
  // The head pipeline's encoder doubles as the embedding model, so the weights are in memory once.
  if (architecture === "BertForSequenceClassification") {
    classifier = await TextClassificationPipeline.load(dir, load);
    embed = new EmbeddingPipeline(classifier.model.bert, classifier.tokenizer);
  } else if (architecture === "BertForMaskedLM" || architecture === "BertForPreTraining") {
    fillMask = await FillMaskPipeline.load(dir, load);
    embed = new EmbeddingPipeline(fillMask.model.bert, fillMask.tokenizer, { warning: "no trained pooler" });
  } else if (architecture === "BertForQuestionAnswering") {
    questionAnswering = await QuestionAnsweringPipeline.load(dir, load);
    embed = new EmbeddingPipeline(questionAnswering.loaded.model.bert, questionAnswering.loaded.tokenizer, { warning: "no trained pooler" });
  } else if (architecture === "BertForTokenClassification") {
    tokenClassification = await TokenClassificationPipeline.load(dir, load);
    embed = new EmbeddingPipeline(tokenClassification.model.bert, tokenClassification.tokenizer, { warning: "no trained pooler" });
  } else {
    embed = await EmbeddingPipeline.load(dir, load);
  }
  const tokenizer = embed.tokenizer;
  const maxInputLength = Math.min(config.max_position_embeddings, tokenizer.modelMaxLength ?? Infinity);
  return {
    dir, modelId: options.modelId ?? dir, sha: options.sha ?? null, architecture, config, tokenizer, maxInputLength, pooling,
    dtype: modelDType(embed.model), embed, classifier, fillMask, questionAnswering, tokenClassification,
  };
}

/** TEI's /info `model_type`: classifier, reranker (a one-label classifier) or embedding. */
export function modelType(m: ServedModel): Record<string, unknown> {
  if (m.classifier !== null) {
    const id2label = Object.fromEntries(m.classifier.labels.map((label, i) => [String(i), label]));
    return numLabels(m.config) === 1 ? { reranker: { id2label } } : { classifier: { id2label } };
  }
  return { embedding: { pooling: m.pooling } };
}

/** TEI's /info `model_dtype` names (TEI says float32, float16, bfloat16; int8 is bertkit's). */
export const TEI_DTYPE_NAMES: Record<ModelDType, string> = { fp32: "float32", bf16: "bfloat16", int8: "int8" };

/** The pipeline for a route, or TEI's model-type error (424). */
export function need<P>(pipeline: P | null, route: string, m: ServedModel): P {
  if (pipeline === null) throw new ApiError("Backend", `${route} is not served by this model: ${m.modelId} is a ${m.architecture}`);
  return pipeline;
}
