/**
 * Worker-thread side of `WorkerPool`: loads the served model once, then computes lane batches (lanes.ts) and
 * answers each with its results (vector buffers transferred, not copied) or its error (user errors keep their
 * TEI error type, so the client gets the same answer as without workers).
 */
import { parentPort, workerData } from "node:worker_threads";
import { configure, parkComputeThreads } from "../backend/configure.js";
import { BertkitError } from "../errors.js";
import { ApiError } from "./errors.js";
import { computations, type LaneName } from "./lanes.js";
import { loadServedModel } from "./served-model.js";
import type { ComputeReply, ComputeRequest, ComputeWorkerInit } from "./worker-protocol.js";

function reply(msg: ComputeReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(msg, transfer);
}

async function start(): Promise<void> {
  const init = workerData as ComputeWorkerInit;
  let run;
  try {
    configure(init.configuration);
    run = computations(await loadServedModel(init.dir, { pooling: init.pooling, dtype: init.dtype }));
  } catch (error) {
    reply({ kind: "error", id: null, message: (error as Error).message, userError: error instanceof BertkitError, errorType: null });
    return;
  }
  const lanes = run;
  reply({ kind: "ready" });
  parentPort?.on("message", (req: ComputeRequest) => {
    try {
      const results = (lanes[req.lane as LaneName] as (items: unknown[]) => unknown[])(req.items);
      const buffers = results.filter((r): r is Float32Array => r instanceof Float32Array).map((r) => r.buffer as ArrayBuffer);
      reply({ kind: "result", id: req.id, results }, buffers);
      // The main thread now answers this batch and parses the next requests: give it the cores.
      parkComputeThreads();
    } catch (error) {
      reply({
        kind: "error", id: req.id, message: (error as Error).message,
        userError: error instanceof BertkitError, errorType: error instanceof ApiError ? error.errorType : null,
      });
    }
  });
}

void start();
