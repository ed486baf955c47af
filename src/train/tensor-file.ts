/**
 * float32 tensors in the safetensors layout (https://github.com/huggingface/safetensors: 8-byte header
 * length, JSON header, little-endian data), written and read one tensor at a time with no copy of the whole
 * file in memory — a checkpoint of a large model holds weights plus two optimizer moments.
 *
 * Why not io/: the trainer may import only nn, tensor and backend (docs/architecture.md), and a checkpoint
 * folder is made atomic as a whole (checkpoint-dir.ts), so each file needs no temp-and-rename of its own.
 * Files written here are ordinary safetensors files that io/ and the Python library read.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { FormatError } from "../errors.js";

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function checkHost(): void {
  if (endianness() !== "LE") throw new Error("checkpoint files are little-endian; this host is big-endian");
}

/** Writes (and fsyncs) `path`; tensors in the given order. */
export function writeTensorFile(path: string, tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): void {
  checkHost();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const end = offset + t.data.byteLength;
    header[t.name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Buffer.alloc(json.length + ((8 - (json.length % 8)) % 8), 0x20);
  json.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  const fd = openSync(path, "w");
  try {
    writeSync(fd, length);
    writeSync(fd, padded);
    for (const t of tensors) writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Reads every tensor of a float32 safetensors file, with its metadata. */
export function readTensorFile(path: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  checkHost();
  const fd = openSync(path, "r");
  try {
    const read = (bytes: Uint8Array, position: number): void => {
      for (let done = 0; done < bytes.length;) {
        const n = readSync(fd, bytes, done, bytes.length - done, position + done);
        if (n === 0) throw new FormatError(`${path}: file ends early (truncated?)`);
        done += n;
      }
    };
    const lengthBytes = Buffer.alloc(8);
    read(lengthBytes, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE());
    if (headerLength > 100_000_000) throw new FormatError(`${path}: header of ${headerLength} bytes is not a safetensors header`);
    const headerBytes = Buffer.alloc(headerLength);
    read(headerBytes, 8);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(headerBytes.toString("utf8")) as Record<string, unknown>;
    } catch {
      throw new FormatError(`${path}: header is not JSON`);
    }
    const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
    const tensors = new Map<string, NamedTensor>();
    for (const [name, value] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const entry = value as HeaderEntry;
      const [begin, end] = entry.data_offsets;
      const size = entry.shape.reduce((a, b) => a * b, 1);
      if (entry.dtype !== "F32" || end - begin !== size * 4) throw new FormatError(`${path}: "${name}" is not ${size} float32 values`);
      const data = new Float32Array(size);
      read(new Uint8Array(data.buffer), 8 + headerLength + begin);
      tensors.set(name, { name, shape: entry.shape, data });
    }
    return { tensors, metadata };
  } finally {
    closeSync(fd);
  }
}
