/**
 * Inference off the main thread: a model loaded in a worker thread, so that a server's event loop keeps
 * serving while BERT computes. `run` resolves with every output under Hugging Face's names.
 *
 *   const worker = await InferenceWorker.start("models/my-bert");
 *   const outputs = await worker.run({ inputIds, attentionMask });   // Map<string, TensorData>
 *   await worker.close();
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ModelDType } from "../bert/low-precision.js";
import { configuration } from "../backend/configure.js";
import { BertkitError, InputError } from "../errors.js";
import type { TensorData } from "../io/safetensors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { RunRequest, WorkerInit, WorkerReply } from "./protocol.js";

export interface WorkerInputs {
  inputIds: Tensor; // (B, T) int32
  attentionMask?: Tensor | null;
  tokenTypeIds?: Tensor | null;
}

export interface WorkerRunOptions {
  hiddenStates?: boolean;
  attentions?: boolean;
}

/** The compiled worker script; from TypeScript sources (tests) fall back to the build in dist/. */
function workerScript(): URL {
  const beside = new URL("./inference-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/src/worker/inference-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new BertkitError("the inference worker script is not built; run `npm run build`");
}

function plain(t: Tensor | null | undefined): TensorData | null {
  if (t === null || t === undefined) return null;
  return { dtype: "int32", shape: [...t.shape], data: Int32Array.from(t.ints("worker input")) };
}

export class InferenceWorker {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (o: Map<string, TensorData>) => void; reject: (e: Error) => void }>();

  private constructor(private readonly worker: Worker, readonly architecture: string) {
    worker.on("message", (msg: WorkerReply) => {
      if (msg.kind === "ready" || msg.id === null) return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.kind === "result") waiter?.resolve(new Map(msg.outputs));
      else waiter?.reject(msg.userError ? new InputError(msg.message) : new Error(msg.message));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", (code) => this.failAll(new Error(`inference worker exited with code ${code}`)));
  }

  /** Starts a worker and loads the model folder in it. */
  static start(modelDir: string, options: { architecture?: string; dtype?: ModelDType } = {}): Promise<InferenceWorker> {
    const init: WorkerInit = { modelDir, architecture: options.architecture, dtype: options.dtype, configuration: configuration() };
    const worker = new Worker(workerScript(), { workerData: init });
    return new Promise((resolve, reject) => {
      const onFirst = (msg: WorkerReply): void => {
        worker.off("message", onFirst);
        if (msg.kind === "ready") resolve(new InferenceWorker(worker, msg.architecture));
        else if (msg.kind === "error") {
          void worker.terminate();
          reject(msg.userError ? new InputError(msg.message) : new Error(msg.message));
        }
      };
      worker.on("message", onFirst);
      worker.once("error", reject);
    });
  }

  run(inputs: WorkerInputs, options: WorkerRunOptions = {}): Promise<Map<string, TensorData>> {
    const id = this.nextId++;
    const inputIds = plain(inputs.inputIds);
    if (inputIds === null) throw new InputError("run: inputIds is required");
    const req: RunRequest = {
      id, inputIds, attentionMask: plain(inputs.attentionMask), tokenTypeIds: plain(inputs.tokenTypeIds),
      hiddenStates: options.hiddenStates === true, attentions: options.attentions === true,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
    this.failAll(new Error("inference worker closed"));
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
