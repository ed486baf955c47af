/**
 * A fine-tuned model's task metrics in fp32 and in low precision on one data file, computed by the same
 * evaluation code `bertkit evaluate` runs (the task spec's `evaluate`): accuracy/F1 for an SST-2 classifier,
 * entity precision/recall/F1 for a CoNLL NER model. Only the loading differs: `loadPretrained(dir, { dtype })`.
 */
import type { ModelDType } from "../../src/bert/low-precision.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { InputError } from "../../src/errors.js";
import { anyTaskSpec, type TaskName } from "../../src/tasks/finetune/specs.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { loadTokenizer } from "../../src/tokenizer/model-folder.js";

export interface TaskAgreement {
  task: TaskName;
  model: string;
  data: string;
  examples: number;
  fp32: Record<string, number>;
  low: Record<string, number>;
}

/** What `taskMetrics` measures: the metrics and how many examples they are over. */
export interface TaskMetrics {
  metrics: Record<string, number>;
  examples: number;
}

/**
 * A fine-tuned model's metrics on `data`, loaded in `load.dtype` (with `load.keepFp32` kept in float32). Returns
 * an evaluator, so that the tokenizer is loaded once for many loads.
 */
export async function taskEvaluator(task: TaskName, dir: string, data: string, maxLength: number, batchSize: number): Promise<(load: { dtype: ModelDType; keepFp32?: readonly string[] }) => TaskMetrics> {
  const spec = anyTaskSpec(task, { maxLength, classification: { header: true } });
  const tokenizer = await loadTokenizer(dir);
  return (load) => {
    const loaded = loadPretrained(dir, { architecture: spec.architecture, ...load });
    if (loaded.report.newlyInitialized.length > 0) {
      throw new InputError(`${dir} has no trained ${spec.architecture} head (${loaded.report.newlyInitialized[0]} is missing); give a model fine-tuned for ${task}`);
    }
    const examples = spec.read(data, loaded.config);
    return { metrics: noGrad(() => spec.evaluate(loaded.model, tokenizer, loaded.config, examples, batchSize)), examples: spec.count(examples) };
  };
}

export async function taskAgreement(task: TaskName, dir: string, data: string, dtype: ModelDType, maxLength: number, batchSize: number): Promise<TaskAgreement> {
  const evaluate = await taskEvaluator(task, dir, data, maxLength, batchSize);
  const fp32 = evaluate({ dtype: "fp32" });
  const low = evaluate({ dtype });
  return { task, model: dir, data, examples: fp32.examples, fp32: fp32.metrics, low: low.metrics };
}
