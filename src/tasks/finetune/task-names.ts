/** The fine-tuning tasks by name, on their own so that the CLI can check a task name without loading the tasks. */
import type { FinetuneTaskName } from "./spec.js";

export type TaskName = FinetuneTaskName;
export const TASK_NAMES: readonly TaskName[] = ["classification", "qa", "token-classification"];
