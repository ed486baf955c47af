/**
 * `evaluateFinetuned()`: a fine-tuned folder and a data file of its task → the field's metrics (what
 * `bertkit evaluate` prints). The folder must hold the task's head: a pre-trained checkpoint would score at chance.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readConfig } from "../../bert/config.js";
import { loadStateDict } from "../../bert/state-dict.js";
import { InputError } from "../../errors.js";
import { readSafetensors } from "../../io/safetensors.js";
import type { Module } from "../../nn/module.js";
import { noGrad } from "../../tensor/autograd.js";
import { loadTokenizer } from "../../tokenizer/model-folder.js";
import type { FinetuneSpec } from "./spec.js";

export interface EvaluateFinetunedOptions {
  model: string;
  data: string;
  batchSize?: number;
}

export interface FinetunedEvaluation {
  metrics: Record<string, number>;
  examples: number;
  seconds: number;
}

export async function evaluateFinetuned<M extends Module, B, E>(spec: FinetuneSpec<M, B, E>, o: EvaluateFinetunedOptions): Promise<FinetunedEvaluation> {
  const configPath = join(o.model, "config.json");
  const weights = join(o.model, "model.safetensors");
  for (const p of [configPath, weights]) if (!existsSync(p)) throw new InputError(`${p} is missing; --model needs a fine-tuned model folder`);
  const config = readConfig(configPath);
  const saved = config.architectures?.[0] ?? "BertModel";
  if (saved !== spec.architecture) {
    throw new InputError(`${o.model} is a ${saved}, not a ${spec.architecture}; fine-tune it for ${spec.name} first (bertkit finetune ${spec.name} …)`);
  }
  const tokenizer = await loadTokenizer(o.model);
  const examples = spec.read(o.data, config);
  const model = spec.build(config);
  loadStateDict(model, readSafetensors(weights).tensors, { source: weights, allowNewHead: false });
  model.eval();
  const t0 = performance.now();
  const metrics = noGrad(() => spec.evaluate(model, tokenizer, config, examples, o.batchSize ?? 32));
  return { metrics, examples: spec.count(examples), seconds: (performance.now() - t0) / 1000 };
}
