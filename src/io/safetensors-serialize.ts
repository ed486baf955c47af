import { InputError } from "../errors.js";
import { littleEndianToHostInPlace } from "./dtype-convert.js";
import { formatShape } from "../util/format-shape.js";
import type { StoredTensorData } from "./safetensors-stored.js";
import { shapeSize } from "./tensor-data.js";

/**
 * Writes the safetensors layout the way the reference (Python/Rust) library does, so that for the
 * same tensors and at most one metadata key the bytes are identical:
 * - compact JSON header: "__metadata__" first (left out when empty), then the tensors in data order,
 *   each as {"dtype","shape","data_offsets"};
 * - data order: F32, I32, BF16, I8 (the reference sorts by descending dtype), then by name;
 * - header padded with spaces to a multiple of 8 bytes, so every tensor's data is 8-byte aligned.
 * Metadata keys are sorted (the reference writes them in hash order).
 */

const FILE_DTYPE = { float32: "F32", int32: "I32", bfloat16: "BF16", int8: "I8" } as const;
const DATA_ORDER = { float32: 0, int32: 1, bfloat16: 2, int8: 3 } as const;
const ARRAY_TYPE = { float32: Float32Array, int32: Int32Array, bfloat16: Uint16Array, int8: Int8Array } as const;

export function serializeTensors(
  tensors: Map<string, StoredTensorData> | Record<string, StoredTensorData>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const named = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))];
  for (const [name, tensor] of named) checkWritable(name, tensor);
  named.sort(([nameA, a], [nameB, b]) => DATA_ORDER[a.dtype] - DATA_ORDER[b.dtype] || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));

  // Built as text rather than via JSON.stringify(object): objects put integer-like keys ("0") first.
  const fields: string[] = [];
  const metadataJson = serializeMetadata(metadata);
  if (metadataJson !== undefined) fields.push(`"__metadata__":${metadataJson}`);
  let dataLength = 0;
  for (const [name, tensor] of named) {
    const begin = dataLength;
    dataLength += tensor.data.byteLength;
    fields.push(`${JSON.stringify(name)}:{"dtype":"${FILE_DTYPE[tensor.dtype]}","shape":[${tensor.shape.join(",")}],"data_offsets":[${begin},${dataLength}]}`);
  }
  const header = new TextEncoder().encode(`{${fields.join(",")}}`);
  const paddedLength = header.length + ((8 - (header.length % 8)) % 8);

  const out = new Uint8Array(8 + paddedLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(paddedLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + paddedLength); // ASCII spaces
  let position = 8 + paddedLength;
  for (const [, { data }] of named) {
    const target = out.subarray(position, position + data.byteLength);
    target.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    littleEndianToHostInPlace(target, data.BYTES_PER_ELEMENT); // the same swap turns host order into little-endian
    position += data.byteLength;
  }
  return out;
}

function serializeMetadata(metadata: Record<string, string>): string | undefined {
  const keys = Object.keys(metadata).sort();
  if (keys.length === 0) return undefined;
  for (const key of keys) {
    if (typeof metadata[key] !== "string") {
      throw new InputError(`safetensors metadata ${JSON.stringify(key)} is a ${typeof metadata[key]}; metadata values must be strings`);
    }
  }
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`).join(",")}}`;
}

function checkWritable(name: string, tensor: StoredTensorData): void {
  const fail = (problem: string): InputError => new InputError(`cannot write tensor ${JSON.stringify(name)} to safetensors: ${problem}`);
  if (name === "__metadata__") throw fail(`the name "__metadata__" is reserved for the file's metadata; rename the tensor`);
  const expected = Object.hasOwn(ARRAY_TYPE, tensor.dtype) ? ARRAY_TYPE[tensor.dtype] : undefined;
  if (expected === undefined) throw fail(`dtype ${JSON.stringify(tensor.dtype)} is not "float32" or "int32" (nor "bfloat16" or "int8", for low-precision weights)`);
  if (!(tensor.data instanceof expected)) {
    throw fail(`dtype is ${tensor.dtype} but data is a ${describeArray(tensor.data)}, not a ${expected.name}`);
  }
  const { shape } = tensor;
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw fail(`shape ${JSON.stringify(shape)} is not an array of non-negative integers`);
  }
  if (shapeSize(shape) !== tensor.data.length) {
    throw fail(`shape ${formatShape(shape)} has ${shapeSize(shape)} elements but data has ${tensor.data.length}`);
  }
}

function describeArray(value: unknown): string {
  return typeof value === "object" && value !== null ? value.constructor.name : typeof value;
}
