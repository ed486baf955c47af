/** Messages between `InferenceWorker` (main thread) and `inference-worker.ts` (worker thread). */
import type { Configuration } from "../backend/configure.js";
import type { TensorData } from "../io/safetensors.js";
import type { ModelDType } from "../bert/low-precision.js";

export interface WorkerInit {
  modelDir: string;
  architecture?: string;
  /** Precision of the Linear layers (docs/quantization.md); default: the folder's own. */
  dtype?: ModelDType;
  /** The parent's backend and threads at start, so the worker computes as the caller configured. */
  configuration: Configuration;
}

export interface RunRequest {
  id: number;
  inputIds: TensorData;
  attentionMask: TensorData | null;
  tokenTypeIds: TensorData | null;
  hiddenStates: boolean;
  attentions: boolean;
}

export type WorkerReply =
  | { kind: "ready"; architecture: string }
  | { kind: "result"; id: number; outputs: [string, TensorData][] }
  | { kind: "error"; id: number | null; message: string; userError: boolean };
