/**
 * Batches computed off the event loop: `size` worker threads, each with its own copy of the model, each
 * computing one batch at a time with `threads / size` compute threads. The scheduler runs at most `size`
 * batches at once (its `parallel`), so a batch always finds an idle worker; the main thread only parses,
 * validates, tokenizes to count tokens, and answers.
 *
 * The worker script is compiled JavaScript: beside this file in dist/, or, when running from TypeScript
 * sources (tests), dist/src/serve/compute-worker.js of the checkout.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { configuration } from "../backend/configure.js";
import { BertkitError, InputError } from "../errors.js";
import type { Pooling } from "../inference/pipelines/pooling.js";
import type { ModelDType } from "../bert/low-precision.js";
import { ApiError } from "./errors.js";
import type { BatchRunner, LaneResult } from "./lanes.js";
import type { ComputeReply, ComputeRequest, ComputeWorkerInit } from "./worker-protocol.js";

function workerScript(): URL {
  const beside = new URL("./compute-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/src/serve/compute-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new BertkitError("the serve worker script is not built; run `npm run build`");
}

function toError(msg: Extract<ComputeReply, { kind: "error" }>): Error {
  if (msg.errorType !== null) return new ApiError(msg.errorType, msg.message);
  return msg.userError ? new InputError(msg.message) : new Error(msg.message);
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class WorkerPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: unknown[]) => void; reject: (e: Error) => void; slot: Slot }>();

  private constructor(private readonly slots: Slot[]) {
    for (const slot of slots) {
      slot.worker.on("message", (msg: ComputeReply) => {
        if (msg.kind === "ready" || msg.id === null) return;
        const waiter = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (waiter === undefined) return;
        waiter.slot.busy = false;
        if (msg.kind === "result") waiter.resolve(msg.results);
        else waiter.reject(toError(msg));
      });
      slot.worker.on("error", (error) => this.failAll(error));
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Starts `size` workers, each loading the model folder; resolves when all are ready. */
  static async start(dir: string, pooling: Pooling, size: number, dtype?: ModelDType): Promise<WorkerPool> {
    const base = configuration();
    const init: ComputeWorkerInit = { dir, pooling, dtype, configuration: { ...base, threads: Math.max(1, Math.floor(base.threads / size)) } };
    const started = Array.from({ length: size }, () => new Promise<Slot>((resolve, reject) => {
      const worker = new Worker(workerScript(), { workerData: init });
      const onFirst = (msg: ComputeReply): void => {
        worker.off("message", onFirst);
        if (msg.kind === "ready") resolve({ worker, busy: false });
        else if (msg.kind === "error") {
          void worker.terminate();
          reject(toError(msg));
        }
      };
      worker.on("message", onFirst);
      worker.once("error", reject);
    }));
    return new WorkerPool(await Promise.all(started));
  }

  /** Computes one lane batch on an idle worker. */
  readonly run: BatchRunner = (lane, items) => {
    const slot = this.slots.find((s) => !s.busy);
    if (slot === undefined) return Promise.reject(new Error("internal: more batches than workers"));
    slot.busy = true;
    const id = this.nextId++;
    const req: ComputeRequest = { id, lane, items };
    return new Promise<LaneResult<typeof lane>[]>((resolve, reject) => {
      this.pending.set(id, { resolve: (r) => resolve(r as LaneResult<typeof lane>[]), reject, slot });
      slot.worker.postMessage(req);
    });
  };

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.failAll(new Error("serve worker pool closed"));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
