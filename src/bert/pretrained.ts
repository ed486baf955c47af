/**
 * Hugging Face model folders: `config.json` + `model.safetensors`. `loadPretrained` builds the class that
 * `architectures[0]` names (or the one asked for) and loads its weights, in float32 or — for inference — with
 * its Linear layers in bf16 or int8 (some of them kept in float32 if asked, or if the checkpoint keeps them);
 * `savePretrained` writes a folder that `transformers`' `from_pretrained` loads (and an int8 folder in bertkit's
 * documented layout, docs/quantization.md).
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { withSafetensors, writeSafetensors, type SafetensorsReader } from "../io/safetensors.js";
import { type AnyBertModel, type ArchitectureName, architectureNames, createModel, isArchitectureName } from "./architectures.js";
import { type BertConfig, readConfig, writeConfig } from "./config.js";
import { deferNormalDraws, drawPending } from "../nn/init.js";
import { KEPT_FP32_METADATA_KEY, keptOnLoad } from "./kept-in-checkpoint.js";
import {
  createLowPrecisionModel, fp32Layers, isModelDType, keepLinearsFloat32, keptLinearPaths, lowPrecisionPacker, linearLayers, MODEL_DTYPES, type ModelDType, modelDType,
} from "./low-precision.js";
import { type LoadReport, loadTensors, storedStateDict } from "./state-dict.js";
import { writeFileAtomic } from "../util/atomic-write.js";

export type { ModelDType } from "./low-precision.js";
/** For callers of `loadPretrained`: the precision of a loaded model and the Linear layers it keeps in float32. */
export { fp32Layers, modelDType } from "./low-precision.js";

export interface Pretrained {
  model: AnyBertModel;
  config: BertConfig;
  architecture: ArchitectureName;
  report: LoadReport;
  /** The precision the model was loaded in (of its converted layers; `fp32Layers(model)` lists any kept in float32). */
  dtype: ModelDType;
}

/**
 * `report.newlyInitialized` lists the keys of a head that the checkpoint did not have (a pre-training
 * checkpoint loaded into a task head): they are random until fine-tuned. `newlyInitializedWarning` words it
 * as Hugging Face does, for a caller to show.
 */
export interface LoadPretrainedOptions {
  /** Model class to build; defaults to `architectures[0]` of config.json. */
  architecture?: string;
  /**
   * Precision of the Linear layers (inference only for bf16 and int8; see docs/quantization.md). Default: the
   * checkpoint's own — int8 for a folder written by `bertkit quantize --dtype int8`, else fp32.
   */
  dtype?: ModelDType;
  /**
   * bf16/int8 only: pack the weights for the active backend while loading (default true), which keeps the peak
   * memory of the first forward pass down; false keeps the unpacked values, to save the model (`quantize`).
   */
  prepack?: boolean;
  /**
   * bf16/int8 only: Linear layers to keep in float32, as paths or patterns ("bert.encoder.layer.*.output.dense";
   * see src/bert/keep-fp32.ts). A pattern that matches no Linear layer is an error. Layers that the checkpoint
   * itself keeps in float32 stay so without being named. Ignored (but checked) for fp32.
   */
  keepFp32?: readonly string[];
}

/** The safetensors metadata and config.json entry that mark an int8 checkpoint. */
export const INT8_METADATA = { bertkit_quantization: "int8-per-channel-symmetric" } as const;
export const INT8_QUANTIZATION_CONFIG = {
  quant_method: "bertkit",
  weights: "int8-per-channel-symmetric",
  activations: "uint8-per-row-asymmetric-dynamic",
  modules: "every nn.Linear of the encoder and heads; embeddings, LayerNorm, biases and the tied MLM decoder stay float32",
} as const;

/** int8 when the folder says it was quantized (config.json or the weights' metadata), else fp32. */
function checkpointDType(config: BertConfig, file: SafetensorsReader, weightsPath: string): "int8" | "fp32" {
  const marked = file.metadata.bertkit_quantization;
  if (marked !== undefined && marked !== INT8_METADATA.bertkit_quantization) {
    throw new InputError(`${weightsPath}: bertkit_quantization "${marked}" is not one this version reads (${INT8_METADATA.bertkit_quantization})`);
  }
  return marked !== undefined || config.quantization_config !== undefined ? "int8" : "fp32";
}

export function loadPretrained(dir: string, options: LoadPretrainedOptions = {}): Pretrained {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`model folder ${dir} does not exist`);
  const configPath = join(dir, "config.json");
  const weightsPath = join(dir, "model.safetensors");
  for (const p of [configPath, weightsPath]) {
    if (!existsSync(p)) throw new InputError(`${p} is missing; a model folder needs config.json and model.safetensors`);
  }
  if (options.dtype !== undefined && !isModelDType(options.dtype)) {
    throw new InputError(`dtype "${String(options.dtype)}" is not one of ${MODEL_DTYPES.join(", ")}`);
  }
  const config = readConfig(configPath);
  const saved = config.architectures?.[0] ?? "BertModel";
  const architecture = options.architecture ?? saved;
  if (!isArchitectureName(architecture)) {
    const known = architectureNames().join(", ");
    throw new InputError(options.architecture === undefined
      ? `${configPath}: architectures[0] is "${architecture}", which bertkit does not have; pick one of ${known} (--class in the CLI)`
      : `model class "${architecture}" is not one bertkit has; pick one of ${known}`);
  }
  const loadOptions = { source: weightsPath, allowNewHead: architecture !== saved };
  return withSafetensors(weightsPath, (file) => {
    const stored = checkpointDType(config, file, weightsPath);
    const dtype = options.dtype ?? stored;
    if (stored === "int8" && dtype !== "int8") {
      throw new InputError(`${dir} is an int8 checkpoint (bertkit quantize); it loads only as int8 — drop --dtype ${dtype}, ` +
        "or load the fp32 folder it was quantized from");
    }
    const shapes = new Map(file.entries.map((e) => [e.name, e.shape]));
    // Each tensor is read when its parameter is filled, not the whole file first.
    const source = {
      names: [...shapes.keys()],
      shape: (name: string) => shapes.get(name) ?? [],
      read: (name: string) => file.read(name),
      readStored: (name: string) => file.readStored(name),
      fresh: true,
    };
    if (dtype === "fp32") {
      // Only the parameters the checkpoint lacks (a new head) are drawn, as building eagerly would have drawn them.
      const model = deferNormalDraws(() => createModel(architecture, config));
      keptLinearPaths(model, options.keepFp32 ?? []); // every layer is float32 anyway; a pattern must still match one
      const report = loadTensors(model, source, loadOptions);
      drawPending(model.parameters());
      model.eval();
      return { model, config, architecture, report, dtype };
    }
    // Each tensor is converted as it is read, and (with prepack) each layer packed as soon as its weight is in:
    // neither the float32 Linear weights nor all the unpacked low-precision ones are ever in memory together.
    // An untied decoder's model converts its float32 Linears at once (createLowPrecisionModel), so they are drawn eagerly.
    const build = (): AnyBertModel => createLowPrecisionModel(architecture, config, dtype, { initialize: false });
    const model = config.tie_word_embeddings ? deferNormalDraws(build) : build();
    keepLinearsFloat32(model, keptOnLoad(model, file, config, options.keepFp32 ?? [], { weights: weightsPath, config: configPath }));
    const packer = options.prepack === false ? null : lowPrecisionPacker(model);
    const report = loadTensors(model, source, { ...loadOptions, onLowPrecisionLoaded: packer === null ? undefined : (layer) => packer.loaded(layer) });
    drawPending(model.parameters());
    model.eval();
    packer?.finish();
    return { model, config, architecture, report, dtype };
  });
}

/**
 * Writes `config.json` and `model.safetensors` (tied decoder weight omitted, as `save_pretrained` does). An int8
 * model is written in bertkit's layout (I8 weights + F32 `weight_scale`, marked in the metadata and by
 * `quantization_config` in config.json); a bf16 model's Linear weights as BF16, the rest F32. Layers kept in
 * float32 are F32 and listed (`modules_to_not_convert` in `quantization_config`, and in the metadata).
 */
export function savePretrained(dir: string, model: AnyBertModel, config: BertConfig, architecture: ArchitectureName): void {
  mkdirSync(dir, { recursive: true });
  const dtype = modelDType(model);
  const kept = fp32Layers(model);
  const tensors = storedStateDict(model);
  const { quantization_config: _dropped, ...plain } = config;
  const quantization = kept.length > 0 ? { ...INT8_QUANTIZATION_CONFIG, modules_to_not_convert: kept } : INT8_QUANTIZATION_CONFIG;
  const written: BertConfig = dtype === "int8" ? { ...plain, quantization_config: quantization } : plain;
  const metadata: Record<string, string> = { format: "pt", ...(dtype === "int8" ? INT8_METADATA : {}), ...(kept.length > 0 ? { [KEPT_FP32_METADATA_KEY]: JSON.stringify(kept) } : {}) };
  // The weights first: config.json is what marks the folder int8, so it never describes weights not yet written.
  writeSafetensors(join(dir, "model.safetensors"), tensors, metadata);
  writeConfig(join(dir, "config.json"), written, architecture);
}

/** Hugging Face's warning for a head that was not in the checkpoint, or null when every key was loaded. */
export function newlyInitializedWarning(p: Pick<Pretrained, "architecture" | "report">, dir: string): string | null {
  const keys = p.report.newlyInitialized;
  if (keys.length === 0) return null;
  const shown = keys.length > 6 ? [...keys.slice(0, 6), `… ${keys.length - 6} more`] : keys;
  return `some weights of ${p.architecture} were not in the checkpoint at ${dir} and are newly initialized: ${shown.join(", ")}; ` +
    "its outputs are random until you fine-tune it";
}

/** The tokenizer's files, copied as they are by `quantizePretrained`. */
const TOKENIZER_FILES = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"] as const;

export interface QuantizeResult {
  architecture: ArchitectureName;
  /** Linear layers converted. */
  layers: number;
  /** Linear layers kept in float32 (`keepFp32`), in model order. */
  kept: string[];
  /** model.safetensors before and after, in bytes. */
  bytesBefore: number;
  bytesAfter: number;
  /** The other files copied (tokenizer). */
  copied: string[];
}

/**
 * `bertkit quantize`: the folder `dir` with its Linear weights in `dtype` (but those `keepFp32` names, which stay
 * F32), written to `out` (config.json, model.safetensors, and the tokenizer files copied), each file atomically.
 * `out` must not be `dir`.
 */
export function quantizePretrained(dir: string, out: string, dtype: "int8" | "bf16", options: { keepFp32?: readonly string[] } = {}): QuantizeResult {
  if (existsSync(out) && existsSync(dir) && realpathSync(out) === realpathSync(dir)) {
    throw new InputError(`--out ${out} is the model folder itself; write the quantized model to a new folder`);
  }
  const loaded = loadPretrained(dir, { dtype, prepack: false, keepFp32: options.keepFp32 });
  const kept = fp32Layers(loaded.model);
  const all = linearLayers(loaded.model).length;
  if (modelDType(loaded.model) === "fp32") {
    throw new InputError(`--keep-fp32 keeps all ${all} Linear layers in float32, so nothing would be quantized; name fewer layers`);
  }
  savePretrained(out, loaded.model, loaded.config, loaded.architecture);
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    if (!existsSync(join(dir, name))) continue;
    writeFileAtomic(join(out, name), readFileSync(join(dir, name)));
    copied.push(name);
  }
  const size = (d: string): number => statSync(join(d, "model.safetensors")).size;
  return { architecture: loaded.architecture, layers: all - kept.length, kept, bytesBefore: size(dir), bytesAfter: size(out), copied };
}
