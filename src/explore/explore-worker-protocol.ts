/** Messages between `ExploreWorker` (main thread) and explore-worker.ts (the worker thread running the model). */
import type { Configuration } from "../backend/configure.js";
import type { ModelDType } from "../bert/low-precision.js";
import type { ExploreData, ExploreModelInfo, ExploreRequest } from "./explore-data.js";

export interface ExploreWorkerInit {
  modelDir: string;
  /** Precision of the Linear layers (docs/quantization.md); default: the folder's own. */
  dtype?: ModelDType;
  /** The parent's backend and threads, so the worker computes as the caller configured. */
  configuration: Configuration;
}

export interface ExploreWorkerRequest {
  id: number;
  request: ExploreRequest;
}

export type ExploreWorkerReply =
  | { kind: "ready"; info: ExploreModelInfo }
  | { kind: "result"; id: number; data: ExploreData }
  | { kind: "error"; id: number | null; message: string; userError: boolean };
