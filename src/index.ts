/**
 * bertkit's library API. Layers, bottom up: backend (kernels) → tensor (ops + autograd) → nn → bert
 * (config, model, heads, checkpoints); io (safetensors) and tokenizer stand on their own.
 */
export * from "./errors.js";
export type { Kernels, FloatArray, GemmArgs, GemmEpilogue, PackedB, BroadcastArgs, BinaryOp } from "./backend/kernels.js";
export { referenceKernels } from "./backend/reference/index.js";
export { setBackend, activeBackend, withBackend, kernelsFor } from "./backend/registry.js";
// Nothing is chosen at import: configure() sets backend and threads; BERTKIT_BACKEND/BERTKIT_THREADS are the defaults.
export { configure, configuration, BACKEND_CHOICES } from "./backend/configure.js";
export type { BackendChoice, Configuration, ConfigureOptions } from "./backend/configure.js";
export { loadNativeBackend } from "./backend/native/index.js";
export * from "./tensor/index.js";
export * from "./nn/index.js";
export * from "./bert/index.js";
export * from "./io/safetensors.js";
export { writeFileAtomic } from "./util/atomic-write.js";
export { forwardFile, readModelInputs, INPUT_NAMES, INPUT_DTYPES } from "./inference/forward-file.js";
export type { ForwardFileOptions, ForwardFileResult } from "./inference/forward-file.js";
export { namedOutputs } from "./inference/named-outputs.js";
export type { NamedOutputOptions } from "./inference/named-outputs.js";
export { collate, collatedLength } from "./data/collate.js";
export type { CollateOptions, CollatedBatch } from "./data/collate.js";
export { readJsonLines, readTextRecords, parseJsonLine, textRecordSchema } from "./data/jsonl.js";
export type { JsonLine, TextRecord, ReadJsonLinesOptions } from "./data/jsonl.js";
export { tokenizeJsonLines, encodeRecord, encodingOutput } from "./data/tokenize-jsonl.js";
export type { EncodingOutput, TokenizeRecordsOptions, TokenizeRecordsResult, TooLongInput } from "./data/tokenize-jsonl.js";
export { modelMaxLength } from "./data/model-max-length.js";
export type { ModelMaxLength } from "./data/model-max-length.js";
export * from "./tokenizer/index.js";
export { InferenceWorker } from "./worker/inference-worker-client.js";
export type { WorkerInputs, WorkerRunOptions } from "./worker/inference-worker-client.js";
export { scope } from "./tensor/scope.js";
export { bufferPool } from "./tensor/pool.js";
export type { PoolStats } from "./tensor/pool.js";
export * from "./train/index.js";
export { measureThroughput, syntheticBatch } from "./perf/throughput.js";
export type { ThroughputOptions, ThroughputResult, BenchMode } from "./perf/throughput.js";
// Pre-training: corpus → shards (`bertkit prepare`), shards → a trained model (`bertkit pretrain`), evaluation, plots.
export { prepareShards, PREPARE_DEFAULTS } from "./data/pretraining/prepare.js";
export type { PrepareShardsOptions, PrepareProgress } from "./data/pretraining/prepare.js";
export { loadPretrainingTokenizer } from "./data/pretraining/vocab-source.js";
export { maskTokens, maskingVocab } from "./data/pretraining/masking.js";
export type { MaskingVocab, MaskingOptions, MaskedRow } from "./data/pretraining/masking.js";
export { SHARD_TENSORS, IGNORE_INDEX, MANIFEST_FILE, manifestSchema, vocabHash } from "./data/pretraining/shard-format.js";
export type { ShardManifest } from "./data/pretraining/shard-format.js";
export { openShards } from "./data/pretraining/shard-dataset.js";
export type { PretrainingBatch, OpenShardsOptions } from "./data/pretraining/shard-dataset.js";
export { pretrainingTask } from "./tasks/pretraining/pretraining-task.js";
export type { PretrainingTaskOptions } from "./tasks/pretraining/pretraining-task.js";
export { pretrain, PLOT_FILE } from "./tasks/pretraining/pretrain.js";
export type { PretrainOptions, PretrainResult } from "./tasks/pretraining/pretrain.js";
export { evaluatePretraining, evaluatePretrainingModel } from "./inference/evaluate-pretraining.js";
export type { PretrainingEvaluation, EvaluatePretrainingOptions } from "./inference/evaluate-pretraining.js";
export { plotTrainingLog } from "./report/plot.js";
export { readTrainingLog } from "./report/training-log.js";
