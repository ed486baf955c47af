/**
 * bertkit's library API. Layers, bottom up: backend (kernels) → tensor (ops + autograd) → nn → bert
 * (config, model, heads, checkpoints); io (safetensors) and tokenizer stand on their own.
 */
export * from "./errors.js";
export type { Kernels, FloatArray, GemmArgs, GemmEpilogue, PackedB, BroadcastArgs, BinaryOp } from "./backend/kernels.js";
export { referenceKernels } from "./backend/reference/index.js";
export { setBackend, activeBackend, withBackend, kernelsFor } from "./backend/registry.js";
// Nothing is chosen at import: configure() sets backend and threads; BERTKIT_BACKEND/BERTKIT_THREADS are the defaults.
export { configure, configuration, parkComputeThreads, BACKEND_CHOICES } from "./backend/configure.js";
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
// Fine-tuning: a task spec (classification, qa, token-classification) + finetune() on the trainer; evaluation.
export { finetune, FINETUNE_DEFAULTS } from "./tasks/finetune/finetune.js";
export type { FinetuneOptions, FinetuneResult } from "./tasks/finetune/finetune.js";
export { evaluateFinetuned } from "./tasks/finetune/evaluate-finetuned.js";
export type { EvaluateFinetunedOptions, FinetunedEvaluation } from "./tasks/finetune/evaluate-finetuned.js";
export type { FinetuneSpec, FinetuneDataset, FinetuneTaskName } from "./tasks/finetune/spec.js";
export { anyTaskSpec, TASK_NAMES } from "./tasks/finetune/specs.js";
export type { AnyTaskSpec, TaskSpecOptions } from "./tasks/finetune/specs.js";
export { classificationSpec } from "./tasks/finetune/classification/spec.js";
export type { ClassificationSpecOptions } from "./tasks/finetune/classification/spec.js";
export { qaSpec } from "./tasks/finetune/qa/spec.js";
export type { QaSpecOptions } from "./tasks/finetune/qa/spec.js";
export { tokenClassificationSpec } from "./tasks/finetune/token-classification/spec.js";
export type { TokenClassificationSpecOptions } from "./tasks/finetune/token-classification/spec.js";
export { readTable } from "./data/finetune/table-file.js";
export type { Table, TableFormat, ReadTableOptions } from "./data/finetune/table-file.js";
export { readSquad, parseSquad } from "./data/finetune/squad.js";
export type { SquadExamples, SquadQuestion, SquadAnswer, SquadVersion } from "./data/finetune/squad.js";
export { readConll, parseConll, iob1ToIob2 } from "./data/finetune/conll.js";
export type { ConllExamples, ConllSentence, TagScheme } from "./data/finetune/conll.js";
// Metrics as the field reports them: percentages in 0–100, correlations in −1…1.
export * from "./metrics/classification.js";
export { seqevalScores, chunks } from "./metrics/seqeval.js";
export type { SeqevalResult, Chunk, TypeScores } from "./metrics/seqeval.js";
export { normalizeAnswer, exactMatchScore, f1Score, squadV1Metrics, squadV2Metrics } from "./metrics/squad.js";
export type { SquadReference, SquadV1Metrics, SquadV2Options } from "./metrics/squad.js";
// Pipelines: pipeline(task, dir) or the classes.
export { pipeline, PIPELINE_TASKS, isPipelineTask } from "./inference/pipelines/index.js";
export type { PipelineByTask, PipelineTask } from "./inference/pipelines/index.js";
export { FillMaskPipeline, huggingFaceOutput } from "./inference/pipelines/fill-mask.js";
export type { FillMaskCandidate, FillMaskResult, FillMaskOptions, MaskedLanguageModel } from "./inference/pipelines/fill-mask.js";
export { EmbeddingPipeline, Embeddings } from "./inference/pipelines/embed.js";
export type { EmbedOptions } from "./inference/pipelines/embed.js";
export { POOLINGS } from "./inference/pipelines/pooling.js";
export type { Pooling } from "./inference/pipelines/pooling.js";
export { rankBySimilarity, cosineSimilarity } from "./inference/pipelines/similarity.js";
export type { RankedText, SimilarityOptions } from "./inference/pipelines/similarity.js";
export { TextClassificationPipeline } from "./inference/pipelines/text-classification.js";
export type { TextPair, TextClassificationInput, LabelScore, ScoreFunction, TextClassificationOptions } from "./inference/pipelines/text-classification.js";
export { NextSentencePipeline } from "./inference/pipelines/next-sentence.js";
export type { NextSentenceScore, NextSentenceOptions } from "./inference/pipelines/next-sentence.js";
export { TokenClassificationPipeline } from "./inference/pipelines/token-classification.js";
export type { AggregationStrategy, EntityGroup, TokenEntity, TokenClassificationRunOptions } from "./inference/pipelines/token-classification.js";
export { QuestionAnsweringPipeline } from "./inference/pipelines/question-answering.js";
// `bertkit explore`: a model's tokens, embeddings, attention (bidirectional vs causal), MLM and NSP, as one page.
export { computeExploreData } from "./explore/compute.js";
export { loadExploreModel } from "./explore/explore-model.js";
export type { ExploreModel } from "./explore/explore-model.js";
export { exportExplorePage } from "./explore/export-page.js";
export { startExploreServer } from "./explore/server.js";
export type * from "./explore/explore-data.js";
// `bertkit serve` (Text Embeddings Inference's API) and the Hugging Face hub client (`bertkit download`).
export * from "./serve/index.js";
export * from "./hub/index.js";
// `bertkit demo`: the story of BERT on the novels in data/demo.
export { runDemo } from "./demo/run-demo.js";
export type { DemoOptions } from "./demo/run-demo.js";
export type { DemoSummary } from "./demo/summary.js";
