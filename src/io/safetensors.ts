/**
 * The safetensors format (https://github.com/huggingface/safetensors): read any float or integer
 * dtype into float32 / int32, write float32 as F32 and int32 as I32.
 * Every malformed file gives a FormatError naming the file (and tensor) before any tensor is read.
 */
import { memoryByteSource, withFileByteSource, type ByteSource } from "./byte-source.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { decodeTensor } from "./safetensors-decode.js";
import { readSafetensorsHeaderFrom } from "./safetensors-header.js";
import { serializeTensors } from "./safetensors-serialize.js";
import type { TensorData } from "./tensor-data.js";

export type { TensorData } from "./tensor-data.js";

export interface SafetensorsFile {
  /** Sorted by name. */
  tensors: Map<string, TensorData>;
  metadata: Record<string, string>;
}

/** Parses bytes; `source` (a path or a label) appears in every error message. */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  return load(memoryByteSource(bytes), source);
}

/** Reads the file tensor by tensor, so memory peaks at the tensors' size, not twice the file. */
export function readSafetensors(path: string): SafetensorsFile {
  return withFileByteSource(path, (bytes) => load(bytes, path));
}

/** Reads only the header: names, dtypes (as in the file, e.g. "BF16"), shapes — for listing/validation without loading data. */
export function readSafetensorsHeader(path: string): Map<string, { dtype: string; shape: number[] }> {
  const { entries } = withFileByteSource(path, (bytes) => readSafetensorsHeaderFrom(bytes, path));
  return new Map(entries.map(({ name, dtype, shape }) => [name, { dtype, shape }]));
}

/**
 * float32 → F32, int32 → I32; byte-identical to the Python library's output for the same tensors.
 * Throws InputError if a shape does not match its data's length.
 */
export function serializeSafetensors(
  tensors: Map<string, TensorData> | Record<string, TensorData>,
  metadata?: Record<string, string>,
): Uint8Array {
  return serializeTensors(tensors, metadata);
}

/** Serializes and writes atomically (temp file + fsync + rename): a crash never leaves half a file. */
export function writeSafetensors(
  path: string,
  tensors: Map<string, TensorData> | Record<string, TensorData>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, serializeTensors(tensors, metadata));
}

function load(bytes: ByteSource, source: string): SafetensorsFile {
  const header = readSafetensorsHeaderFrom(bytes, source);
  const tensors = new Map<string, TensorData>();
  for (const entry of header.entries) tensors.set(entry.name, decodeTensor(bytes, entry, header.dataStart, source));
  return { tensors, metadata: header.metadata };
}
