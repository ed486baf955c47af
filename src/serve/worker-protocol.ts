/** Messages between `WorkerPool` (main thread) and `compute-worker.ts` (worker threads). */
import type { Configuration } from "../backend/configure.js";
import type { Pooling } from "../inference/pipelines/pooling.js";
import type { ModelDType } from "../bert/low-precision.js";
import type { ApiErrorType } from "./errors.js";

export interface ComputeWorkerInit {
  dir: string;
  pooling: Pooling;
  /** The main thread's model precision, so that every worker loads the same model. */
  dtype?: ModelDType;
  configuration: Configuration;
}

export interface ComputeRequest {
  id: number;
  lane: string;
  items: unknown[];
}

export type ComputeReply =
  | { kind: "ready" }
  | { kind: "result"; id: number; results: unknown[] }
  | { kind: "error"; id: number | null; message: string; userError: boolean; errorType: ApiErrorType | null };
