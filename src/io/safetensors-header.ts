import { FormatError } from "../errors.js";
import type { ByteSource } from "./byte-source.js";
import { formatShape } from "../util/format-shape.js";
import { SAFETENSORS_DTYPE_BITS, isSafetensorsDtype, type SafetensorsDtype } from "./safetensors-dtypes.js";

/**
 * Reads and validates the header of a safetensors file:
 *   [u64 little-endian N] [N bytes of JSON, maybe space-padded] [data buffer]
 * Everything is checked before any tensor byte is read, so a corrupt file fails here with a
 * FormatError instead of causing an out-of-bounds read or a huge allocation later.
 * The checks follow the reference implementation: the tensors must tile the data buffer exactly.
 */

/** The reference implementation's limit; real headers are a few KB per thousand tensors. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range in the data buffer, which starts at `SafetensorsHeader.dataStart` in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Sorted by name. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  /** File offset of the data buffer: 8 + header length. */
  dataStart: number;
}

const CORRUPT_FIX = "The file is corrupt, truncated or not a safetensors file; re-download or re-export it.";

/** `<source>: [tensor "<name>": ]<problem>. <fix>` */
export function safetensorsError(source: string, tensor: string | undefined, problem: string, fix = CORRUPT_FIX): FormatError {
  const where = tensor === undefined ? "" : `tensor ${quote(tensor)}: `;
  return new FormatError(`${source}: ${where}${problem}. ${fix}`);
}

export function readSafetensorsHeaderFrom(bytes: ByteSource, source: string): SafetensorsHeader {
  if (bytes.length < 8) {
    throw safetensorsError(source, undefined, `the file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  }
  const prefix = new DataView(bytes.read(0, 8).buffer);
  const headerLength = prefix.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw safetensorsError(source, undefined, `the header length is ${headerLength} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) {
    throw safetensorsError(source, undefined, `the header length is ${headerLength} bytes but only ${bytes.length - 8} bytes follow it`);
  }
  const json = decodeHeaderJson(bytes.read(8, Number(headerLength)), source);
  return { ...parseHeaderObject(json, bytes.length - dataStart, source), dataStart };
}

function decodeHeaderJson(headerBytes: Uint8Array, source: string): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw safetensorsError(source, undefined, "the header is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw safetensorsError(source, undefined, `the header is not valid JSON (${reason})`);
  }
}

function parseHeaderObject(json: unknown, bufferLength: number, source: string): Omit<SafetensorsHeader, "dataStart"> {
  if (!isPlainObject(json)) {
    throw safetensorsError(source, undefined, `the header is JSON ${describeJson(json)}, not an object`);
  }
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === "__metadata__") metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, bufferLength, source));
  }
  checkTiling(entries, bufferLength, source);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, metadata };
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (value === null) return {}; // the reference reader accepts null as "no metadata"
  if (!isPlainObject(value)) {
    throw safetensorsError(source, undefined, `"__metadata__" is JSON ${describeJson(value)}, not an object of strings`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw safetensorsError(source, undefined, `"__metadata__" entry ${quote(key)} is JSON ${describeJson(item)}, not a string`);
    }
  }
  // Object.fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function parseEntry(name: string, value: unknown, bufferLength: number, source: string): HeaderEntry {
  const fail = (problem: string): FormatError => safetensorsError(source, name, problem);
  if (!isPlainObject(value)) throw fail(`the header entry is JSON ${describeJson(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") throw fail(`"dtype" is ${describeJson(dtype)}, not a string`);
  if (!isSafetensorsDtype(dtype)) {
    throw fail(`unknown dtype ${quote(dtype)} (known: ${Object.keys(SAFETENSORS_DTYPE_BITS).join(", ")})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw fail(`"shape" is ${preview(shape)}, not an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(`"data_offsets" is ${preview(offsets)}, not a pair [begin, end] of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fail(`data_offsets [${begin}, ${end}] begin after their end`);
  if (end > bufferLength) {
    throw fail(`data_offsets [${begin}, ${end}] end past the data buffer, which is ${bufferLength} bytes`);
  }
  const byteLength = expectedByteLength(dtype, shape as number[], fail);
  if (end - begin !== byteLength) {
    throw fail(`data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${formatShape(shape)} of ${dtype} needs ${byteLength}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function expectedByteLength(dtype: SafetensorsDtype, shape: number[], fail: (problem: string) => FormatError): number {
  let elements = 1;
  for (const dim of shape) {
    elements *= dim;
    if (!Number.isSafeInteger(elements)) throw fail(`shape ${formatShape(shape)} has too many elements`);
  }
  const bits = elements * SAFETENSORS_DTYPE_BITS[dtype];
  if (!Number.isSafeInteger(bits)) throw fail(`shape ${formatShape(shape)} has too many elements`);
  if (bits % 8 !== 0) throw fail(`shape ${formatShape(shape)} of ${dtype} is not a whole number of bytes`);
  return bits / 8;
}

/** The spec forbids holes and overlaps: sorted by offset, each tensor starts where the last ended. */
function checkTiling(entries: HeaderEntry[], bufferLength: number, source: string): void {
  // Ties on `begin` put zero-size tensors first, so they never look like they overlap a neighbour.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: HeaderEntry | undefined;
  for (const entry of byOffset) {
    const reached = previous?.end ?? 0;
    if (previous !== undefined && entry.begin < previous.end) {
      throw safetensorsError(source, entry.name,
        `data_offsets [${entry.begin}, ${entry.end}] overlap tensor ${quote(previous.name)} at [${previous.begin}, ${previous.end}]`);
    }
    if (entry.begin > reached) {
      const after = previous === undefined ? "at the start of the data buffer" : `after tensor ${quote(previous.name)}`;
      throw safetensorsError(source, entry.name, `bytes ${reached}..${entry.begin} ${after} belong to no tensor`);
    }
    previous = entry;
  }
  const covered = previous?.end ?? 0;
  if (covered !== bufferLength) {
    throw safetensorsError(source, undefined,
      `the tensors cover ${covered} bytes of the ${bufferLength}-byte data buffer; ${bufferLength - covered} bytes at the end belong to no tensor`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Short text of a header value for an error message. Only one level deep: JSON.stringify on a
 * hostile, deeply nested value would overflow the stack.
 */
function preview(value: unknown): string {
  if (value === undefined) return "missing";
  const text = Array.isArray(value)
    ? `[${value.slice(0, 8).map(previewItem).join(",")}${value.length > 8 ? ",..." : ""}]`
    : previewItem(value);
  return clip(text, 60);
}

function previewItem(value: unknown): string {
  if (Array.isArray(value)) return "[...]";
  if (typeof value === "object" && value !== null) return "{...}";
  return typeof value === "string" ? JSON.stringify(clip(value, 60)) : String(value);
}

/** `[2, 3]`, shortened for a shape with very many dims. */
/** A name from the file, quoted; clipped so a hostile 100 MB name cannot flood the message. */
function quote(text: string): string {
  return JSON.stringify(clip(text, 200));
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}

function describeJson(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
