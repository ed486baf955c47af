/**
 * The fine-tuning tasks by name, as the CLI and `finetune()` callers pick them: each name's spec built from
 * one options object (the maximum length, and each task's own settings).
 */
import type { Module } from "../../nn/module.js";
import { classificationSpec, type ClassificationSpecOptions } from "./classification/spec.js";
import { qaSpec, type QaSpecOptions } from "./qa/spec.js";
import type { FinetuneSpec } from "./spec.js";
import type { TaskName } from "./task-names.js";
import { tokenClassificationSpec, type TokenClassificationSpecOptions } from "./token-classification/spec.js";

export { TASK_NAMES, type TaskName } from "./task-names.js";

/** Any task's spec, with its model, batch and example types forgotten (what `finetune()` needs is generic). */
export type AnyTaskSpec = FinetuneSpec<Module, unknown, unknown>;

export interface TaskSpecOptions {
  maxLength: number;
  classification?: Omit<ClassificationSpecOptions, "maxLength">;
  qa?: Omit<QaSpecOptions, "maxLength">;
  tokenClassification?: Omit<TokenClassificationSpecOptions, "maxLength">;
}

export function anyTaskSpec(task: TaskName, o: TaskSpecOptions): AnyTaskSpec {
  switch (task) {
    case "classification":
      return classificationSpec({ ...o.classification, maxLength: o.maxLength });
    case "qa":
      return qaSpec({ ...o.qa, maxLength: o.maxLength });
    case "token-classification":
      return tokenClassificationSpec({ ...o.tokenClassification, maxLength: o.maxLength });
  }
}
