/**
 * The safetensors format (https://github.com/huggingface/safetensors): read any float or integer
 * dtype into float32 / int32 (or BF16 / I8 in their own width, `withSafetensors`), write float32 as F32, int32 as
 * I32, bfloat16 bits as BF16 and int8 as I8.
 * Every malformed file gives a FormatError naming the file (and tensor) before any tensor is read.
 */
import { InputError } from "../errors.js";
import { memoryByteSource, withFileByteSource, type ByteSource } from "./byte-source.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { decodeStoredTensor, decodeTensor } from "./safetensors-decode.js";
import { readSafetensorsHeaderFrom } from "./safetensors-header.js";
import { serializeTensors } from "./safetensors-serialize.js";
import type { StoredTensorData } from "./safetensors-stored.js";
import type { TensorData } from "./tensor-data.js";

export type { TensorData } from "./tensor-data.js";
export type { RawTensorData, StoredTensorData } from "./safetensors-stored.js";

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

/** One file opened for reading tensor by tensor (see `withSafetensors`). */
export interface SafetensorsReader {
  readonly metadata: Record<string, string>;
  /** Names, dtypes as in the file (e.g. "BF16") and shapes, sorted by name. */
  readonly entries: ReadonlyArray<{ name: string; dtype: string; shape: number[] }>;
  /** One tensor as `readSafetensors` gives it (float32 / int32). */
  read(name: string): TensorData;
  /** One tensor with BF16 kept as bfloat16 bits and I8 as int8; other dtypes as `read`. */
  readStored(name: string): StoredTensorData;
}

/**
 * Opens `path`, validates its header and hands `use` a reader that decodes one tensor per call: a loader that
 * converts each tensor as it goes (e.g. quantizes it) holds one float32 tensor at a time, not the whole file.
 */
export function withSafetensors<T>(path: string, use: (reader: SafetensorsReader) => T): T {
  return withFileByteSource(path, (bytes) => {
    const header = readSafetensorsHeaderFrom(bytes, path);
    const byName = new Map(header.entries.map((e) => [e.name, e]));
    const entry = (name: string): (typeof header.entries)[number] => {
      const found = byName.get(name);
      if (found === undefined) throw new InputError(`${path}: no tensor "${name}"`);
      return found;
    };
    return use({
      metadata: header.metadata,
      entries: header.entries.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
      read: (name) => decodeTensor(bytes, entry(name), header.dataStart, path),
      readStored: (name) => decodeStoredTensor(bytes, entry(name), header.dataStart, path),
    });
  });
}

/**
 * float32 → F32, int32 → I32, bfloat16 → BF16, int8 → I8; byte-identical to the Python library's output for the same tensors.
 * Throws InputError if a shape does not match its data's length.
 */
export function serializeSafetensors(
  tensors: Map<string, StoredTensorData> | Record<string, StoredTensorData>,
  metadata?: Record<string, string>,
): Uint8Array {
  return serializeTensors(tensors, metadata);
}

/** Serializes and writes atomically (temp file + fsync + rename): a crash never leaves half a file. */
export function writeSafetensors(
  path: string,
  tensors: Map<string, StoredTensorData> | Record<string, StoredTensorData>,
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
