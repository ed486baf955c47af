/**
 * The model and tokenizer a pipeline runs: a Hugging Face folder loaded as the class the pipeline needs
 * (a checkpoint without that head gets a freshly initialised one, and a warning saying so), in eval mode.
 */
import type { AnyBertModel, ArchitectureName } from "../../bert/architectures.js";
import type { BertConfig } from "../../bert/config.js";
import type { ModelDType } from "../../bert/low-precision.js";
import { loadPretrained, newlyInitializedWarning } from "../../bert/pretrained.js";
import { InputError } from "../../errors.js";
import { loadTokenizer } from "../../tokenizer/model-folder.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";

export interface PipelineModel<M extends AnyBertModel> {
  model: M;
  tokenizer: BertTokenizer;
  config: BertConfig;
  /** The folder it came from. */
  dir: string;
  /** Hugging Face's "newly initialized" warning when the folder lacked the head, else null. */
  warning: string | null;
}

/** How every pipeline can load its model. */
export interface PipelineLoadOptions {
  /** Precision of the Linear layers (see `loadPretrained`); default: the folder's own. */
  dtype?: ModelDType;
}

/** Loads `dir` as `architecture`; `isModel` narrows the class (e.g. `(m) => m instanceof BertForMaskedLM`). */
export async function loadPipelineModel<M extends AnyBertModel>(
  dir: string, architecture: ArchitectureName, isModel: (m: AnyBertModel) => m is M, options: PipelineLoadOptions = {},
): Promise<PipelineModel<M>> {
  const tokenizer = await loadTokenizer(dir);
  const loaded = loadPretrained(dir, { architecture, dtype: options.dtype });
  if (!isModel(loaded.model)) throw new InputError(`${dir}: expected a ${architecture}, got ${loaded.architecture}`);
  if (loaded.config.vocab_size < tokenizer.vocab.size) {
    throw new InputError(`${dir}: the tokenizer has ${tokenizer.vocab.size} tokens but the model only ${loaded.config.vocab_size}; use the tokenizer the model was trained with`);
  }
  loaded.model.eval();
  return { model: loaded.model, tokenizer, config: loaded.config, dir, warning: newlyInitializedWarning(loaded, dir) };
}

/** Runs `fn` on consecutive slices of `items` of at most `batchSize`, concatenating the results. */
export function inBatches<T, R>(items: readonly T[], batchSize: number, fn: (batch: readonly T[], offset: number) => R[]): R[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be a positive integer, got ${batchSize}`);
  const out: R[] = [];
  for (let i = 0; i < items.length; i += batchSize) out.push(...fn(items.slice(i, i + batchSize), i));
  return out;
}
