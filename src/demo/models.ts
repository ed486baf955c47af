/**
 * The models the inference stages compare: the pre-trained one (the demo's own, or a folder given with --model)
 * and its untrained twin — the same architecture and config with the random weights that the run's seed gives,
 * which for the demo's own model is exactly the model its pre-training started from. Each comes as the
 * fill-mask pipeline (its MLM head) and the embedding pipeline (its encoder).
 */
import type { BertConfig } from "../bert/config.js";
import { BertForPreTraining } from "../bert/heads/pretraining.js";
import { EmbeddingPipeline } from "../inference/pipelines/embed.js";
import { FillMaskPipeline } from "../inference/pipelines/fill-mask.js";
import { loadPipelineModel } from "../inference/pipelines/load.js";
import { manualSeed } from "../nn/random-state.js";

export interface DemoModels {
  config: BertConfig;
  fillMask: FillMaskPipeline;
  untrainedFillMask: FillMaskPipeline;
  embed: EmbeddingPipeline;
}

const isPreTraining = (m: unknown): m is BertForPreTraining => m instanceof BertForPreTraining;

/**
 * `dir` loaded as BertForPreTraining, and `untrained` (or, when not given, a model of its config initialised
 * from `seed`). `note` receives the loader's warning when the folder lacks a head (its guesses are then random).
 */
export async function demoModels(dir: string, seed: number, note: (line: string) => void, untrained?: BertForPreTraining): Promise<DemoModels> {
  const loaded = await loadPipelineModel(dir, "BertForPreTraining", isPreTraining);
  if (loaded.warning !== null) note(loaded.warning);
  let twin = untrained;
  if (twin === undefined) {
    manualSeed(seed);
    twin = new BertForPreTraining(loaded.config);
  }
  twin.eval();
  return {
    config: loaded.config,
    fillMask: new FillMaskPipeline(loaded.model, loaded.tokenizer),
    untrainedFillMask: new FillMaskPipeline(twin, loaded.tokenizer),
    embed: new EmbeddingPipeline(loaded.model.bert, loaded.tokenizer),
  };
}
