/**
 * bertkit's library API. Layers, bottom up: backend (kernels) → tensor (ops + autograd) → nn → bert
 * (config, model, heads, checkpoints); io (safetensors) and tokenizer stand on their own.
 */
export * from "./errors.js";
export type { Kernels, FloatArray, GemmArgs, GemmEpilogue, PackedB, BroadcastArgs, UnaryOp, BinaryOp } from "./backend/kernels.js";
export { referenceKernels } from "./backend/reference/index.js";
export { setBackend, activeBackend, withBackend, kernelsFor } from "./backend/registry.js";
export { autoSelectBackend, loadNativeBackend } from "./backend/native/index.js";
import { autoSelectBackend } from "./backend/native/index.js";

// The library uses the native kernels when they are built (BERTKIT_BACKEND=reference to opt out).
autoSelectBackend();
export * from "./tensor/index.js";
export * from "./nn/index.js";
export * from "./bert/index.js";
export * from "./io/safetensors.js";
export { writeFileAtomic } from "./io/atomic-write.js";
export { runCli } from "./cli/main.js";
export { forwardFile } from "./cli/commands/forward.js";
export type { ForwardFileOptions } from "./cli/commands/forward.js";
export * from "./tokenizer/index.js";
export { InferenceWorker } from "./worker/inference-worker-client.js";
export type { WorkerInputs, WorkerRunOptions } from "./worker/inference-worker-client.js";
export { scope } from "./tensor/scope.js";
export { bufferPool } from "./tensor/pool.js";
export type { PoolStats } from "./tensor/pool.js";
export * from "./train/adamw.js";
export * from "./train/schedule.js";
export { measureThroughput, syntheticBatch } from "./perf/throughput.js";
export type { ThroughputOptions, ThroughputResult, BenchMode } from "./perf/throughput.js";
