/**
 * Linear layers that an int8/bf16 checkpoint keeps in float32 (written by `bertkit quantize --keep-fp32`, layout in
 * docs/quantization.md): such a layer's `<layer>.weight` is F32 with no `<layer>.weight_scale`, beside the I8 or
 * BF16 weights of the converted layers, and the kept paths are listed in config.json's
 * `quantization_config.modules_to_not_convert` (int8) and in the safetensors metadata
 * (`bertkit_modules_to_not_convert`, a JSON array; int8 and bf16). The file's dtypes decide; the lists, when
 * present, must agree with them.
 */
import { FormatError, InputError } from "../errors.js";
import type { SafetensorsReader } from "../io/safetensors.js";
import type { Module } from "../nn/module.js";
import type { BertConfig } from "./config.js";
import { linearLayers } from "./low-precision.js";
import { matchKeepFp32 } from "./keep-fp32.js";
import { canonicalKey, WEIGHT_SCALE_SUFFIX } from "./state-dict.js";

/** The safetensors metadata key that lists the kept layers (a JSON array of paths). */
export const KEPT_FP32_METADATA_KEY = "bertkit_modules_to_not_convert";

type Checkpoint = Pick<SafetensorsReader, "metadata" | "entries">;

/** Every `<layer>.weight_scale` needs an I8 `<layer>.weight` beside it. */
function checkScales(file: Checkpoint, source: string): void {
  const dtypes = new Map(file.entries.map((e) => [e.name, e.dtype]));
  for (const { name } of file.entries) {
    if (!name.endsWith(`.weight${WEIGHT_SCALE_SUFFIX}`)) continue;
    const weight = name.slice(0, -WEIGHT_SCALE_SUFFIX.length);
    const dtype = dtypes.get(weight);
    if (dtype === "I8") continue;
    throw new FormatError(`${source}: "${name}" holds the scales of an int8 weight, but "${weight}" is ${dtype === undefined ? "missing" : `${dtype}, not I8`}; ` +
      "the file is inconsistent — quantize the float32 folder again (bertkit quantize)");
  }
}

/** A list of paths, or an error naming where it was read from. */
function pathList(value: unknown, where: string, source: string): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw new FormatError(`${source}: ${where} must be a list of Linear layer paths, got ${JSON.stringify(value)}`);
}

/** The kept-layer lists the folder records, each with where it came from. */
function recordedLists(config: BertConfig, file: Checkpoint, source: string, configSource: string): { where: string; paths: string[] }[] {
  const lists: { where: string; paths: string[] }[] = [];
  const q: unknown = config.quantization_config;
  if (typeof q === "object" && q !== null && "modules_to_not_convert" in q && q.modules_to_not_convert !== null && q.modules_to_not_convert !== undefined) {
    const where = `${configSource}: quantization_config.modules_to_not_convert`;
    lists.push({ where, paths: pathList(q.modules_to_not_convert, "quantization_config.modules_to_not_convert", configSource) });
  }
  const meta = file.metadata[KEPT_FP32_METADATA_KEY];
  if (meta !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(meta);
    } catch {
      parsed = meta;
    }
    lists.push({ where: `${source}: metadata ${KEPT_FP32_METADATA_KEY}`, paths: pathList(parsed, `metadata ${KEPT_FP32_METADATA_KEY}`, source) });
  }
  return lists;
}

/**
 * The Linear layers of `model` (just built in int8/bf16, before loading) that stay float32 when `file` is loaded
 * into it: those the checkpoint keeps — a float32 weight in a file whose other Linear weights are I8 or BF16 —
 * and those `asked` names (patterns, src/bert/keep-fp32.ts), which must not be I8 in the file (their float32
 * values are gone). Checks that scales go with I8 weights and that recorded lists agree with the file.
 */
export function keptOnLoad(model: Module, file: Checkpoint, config: BertConfig, asked: readonly string[], files: { weights: string; config: string }): string[] {
  const source = files.weights;
  checkScales(file, source);
  const paths = linearLayers(model).map(([path]) => path);
  const linear = new Set(paths);
  const hasPrefix = paths.some((p) => p.startsWith("bert."));
  const decoderTied = !linear.has("cls.predictions.decoder");
  /** A checkpoint name's Linear layer in this model, or null. */
  const layerOf = (name: string): string | null => {
    const key = canonicalKey(name, hasPrefix, decoderTied);
    if (key === null || !key.endsWith(".weight")) return null;
    const path = key.slice(0, -".weight".length);
    return linear.has(path) ? path : null;
  };
  const stored = new Map<string, string>(); // layer path → its weight's dtype in the file
  for (const { name, dtype } of file.entries) {
    const path = layerOf(name);
    if (path !== null && !stored.has(path)) stored.set(path, dtype);
  }
  const lowFile = [...stored.values()].some((d) => d === "I8" || d === "BF16");
  const inFile = new Set(lowFile ? paths.filter((p) => stored.get(p) === "F32") : []);

  const names = new Set(file.entries.map((e) => e.name));
  for (const { where, paths: listed } of recordedLists(config, file, source, files.config)) {
    const recorded = new Set<string>();
    for (const p of listed) {
      if (!names.has(`${p}.weight`)) throw new FormatError(`${where} lists "${p}", but ${source} has no "${p}.weight"`);
      const path = layerOf(`${p}.weight`);
      if (path !== null) recorded.add(path); // null: a head this model class does not have
    }
    for (const p of recorded) {
      if (!inFile.has(p)) throw new FormatError(`${where} lists "${p}" as kept in float32, but its weight is ${stored.get(p) ?? "missing"} in ${source}; the folder is inconsistent`);
    }
    for (const p of inFile) {
      if (!recorded.has(p)) throw new FormatError(`${source}: "${p}.weight" is F32 among quantized weights, but ${where} does not list it; the folder is inconsistent`);
    }
  }

  const wanted = matchKeepFp32(paths, asked);
  for (const p of wanted) {
    if (stored.get(p) === "I8") {
      throw new InputError(`keep-fp32: ${p} is int8 in ${source}, its float32 weight is gone; quantize the float32 folder again with --keep-fp32`);
    }
  }
  const kept = new Set([...inFile, ...wanted]);
  return paths.filter((p) => kept.has(p));
}
