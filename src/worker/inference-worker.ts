/**
 * Worker-thread side of `InferenceWorker`: loads the model once, then answers run requests with every
 * output under Hugging Face's names. Output buffers are transferred, not copied.
 */
import { parentPort, workerData } from "node:worker_threads";
import { namedOutputs } from "../inference/named-outputs.js";
import { loadPretrained } from "../bert/pretrained.js";
import { BertkitError } from "../errors.js";
import type { TensorData } from "../io/safetensors.js";
import { Tensor } from "../tensor/tensor.js";
import { configure } from "../backend/configure.js";
import type { RunRequest, WorkerInit, WorkerReply } from "./protocol.js";

function asTensor(t: TensorData | null): Tensor | null {
  return t === null ? null : new Tensor(t.data, t.shape);
}

function reply(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(msg, transfer);
}

function start(): void {
  const init = workerData as WorkerInit;
  let loaded;
  try {
    configure(init.configuration);
    loaded = loadPretrained(init.modelDir, { architecture: init.architecture, dtype: init.dtype });
  } catch (err) {
    reply({ kind: "error", id: null, message: (err as Error).message, userError: err instanceof BertkitError });
    return;
  }
  const { model, architecture } = loaded;
  reply({ kind: "ready", architecture });
  parentPort?.on("message", (req: RunRequest) => {
    try {
      const inputIds = asTensor(req.inputIds);
      if (inputIds === null) throw new Error("internal: input_ids missing");
      const outputs = namedOutputs(model, { inputIds, attentionMask: asTensor(req.attentionMask), tokenTypeIds: asTensor(req.tokenTypeIds) }, { hiddenStates: req.hiddenStates, attentions: req.attentions });
      const list: [string, TensorData][] = [...outputs].map(([name, t]) => [name, { dtype: "float32", shape: [...t.shape], data: Float32Array.from(t.data) }]);
      reply({ kind: "result", id: req.id, outputs: list }, list.map(([, t]) => t.data.buffer as ArrayBuffer));
    } catch (err) {
      reply({ kind: "error", id: req.id, message: (err as Error).message, userError: err instanceof BertkitError });
    }
  });
}

start();
