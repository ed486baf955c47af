/**
 * `pipeline(task, dir)`: a model folder ready for one kind of inference, by the task names Hugging Face uses
 * (plus `embed` and `next-sentence`). Each pipeline is a class with `run(inputs, options)`; see its file.
 *
 *   const fill = await pipeline("fill-mask", "models/gutenberg-mini");
 *   fill.run(["He opened the [MASK] and went out."])[0].masks[0][0].token_str  // "door"
 */
import { InputError } from "../../errors.js";
import { resolveModel } from "../../hub/resolve.js";
import { EmbeddingPipeline } from "./embed.js";
import { FillMaskPipeline } from "./fill-mask.js";
import type { PipelineLoadOptions } from "./load.js";
import { NextSentencePipeline } from "./next-sentence.js";
import { QuestionAnsweringPipeline } from "./question-answering.js";
import { TextClassificationPipeline } from "./text-classification.js";
import { TokenClassificationPipeline } from "./token-classification.js";

export interface PipelineByTask {
  "fill-mask": FillMaskPipeline;
  embed: EmbeddingPipeline;
  "text-classification": TextClassificationPipeline;
  "token-classification": TokenClassificationPipeline;
  "question-answering": QuestionAnsweringPipeline;
  "next-sentence": NextSentencePipeline;
}

export type PipelineTask = keyof PipelineByTask;

const LOADERS: { [T in PipelineTask]: (dir: string, options: PipelineLoadOptions) => Promise<PipelineByTask[T]> } = {
  "fill-mask": (dir, o) => FillMaskPipeline.load(dir, o),
  embed: (dir, o) => EmbeddingPipeline.load(dir, o),
  "text-classification": (dir, o) => TextClassificationPipeline.load(dir, o),
  "token-classification": (dir, o) => TokenClassificationPipeline.load(dir, o),
  "question-answering": (dir, o) => QuestionAnsweringPipeline.load(dir, o),
  "next-sentence": (dir, o) => NextSentencePipeline.load(dir, o),
};

export const PIPELINE_TASKS = Object.keys(LOADERS) as PipelineTask[];

export function isPipelineTask(name: string): name is PipelineTask {
  return Object.hasOwn(LOADERS, name);
}

/**
 * Loads `model` for `task`: a model folder, or a Hugging Face hub id ("org/name[@revision]") fetched into the shared
 * cache; `options.dtype` runs it in bf16 or int8 (docs/quantization.md).
 */
export async function pipeline<T extends PipelineTask>(task: T, model: string, options: PipelineLoadOptions = {}): Promise<PipelineByTask[T]> {
  if (!isPipelineTask(task)) throw new InputError(`unknown pipeline "${String(task)}"; use one of ${PIPELINE_TASKS.join(", ")}`);
  return LOADERS[task]((await resolveModel(model)).dir, options);
}
