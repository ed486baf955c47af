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

const LOADERS: { [T in PipelineTask]: (dir: string) => Promise<PipelineByTask[T]> } = {
  "fill-mask": (dir) => FillMaskPipeline.load(dir),
  embed: (dir) => EmbeddingPipeline.load(dir),
  "text-classification": (dir) => TextClassificationPipeline.load(dir),
  "token-classification": (dir) => TokenClassificationPipeline.load(dir),
  "question-answering": (dir) => QuestionAnsweringPipeline.load(dir),
  "next-sentence": (dir) => NextSentencePipeline.load(dir),
};

export const PIPELINE_TASKS = Object.keys(LOADERS) as PipelineTask[];

export function isPipelineTask(name: string): name is PipelineTask {
  return Object.hasOwn(LOADERS, name);
}

/** Loads `model` for `task`: a model folder, or a Hugging Face hub id ("org/name[@revision]") fetched into the shared cache. */
export async function pipeline<T extends PipelineTask>(task: T, model: string): Promise<PipelineByTask[T]> {
  if (!isPipelineTask(task)) throw new InputError(`unknown pipeline "${String(task)}"; use one of ${PIPELINE_TASKS.join(", ")}`);
  return LOADERS[task]((await resolveModel(model)).dir);
}
