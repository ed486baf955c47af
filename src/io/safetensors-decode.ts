import type { ByteSource } from "./byte-source.js";
import {
  bfloat16ToFloat32, boolToInt32, float16ToFloat32, float32InPlace, float64ToFloat32, int16ToInt32, int32InPlace,
  int64ToInt32, int8ToInt32, littleEndianToHostInPlace, uint16ToInt32, uint32ToInt32, uint64ToInt32, uint8ToInt32, type OnOutOfRange,
} from "./dtype-convert.js";
import type { SafetensorsDtype } from "./safetensors-dtypes.js";
import type { StoredTensorData } from "./safetensors-stored.js";
import { safetensorsError, type HeaderEntry } from "./safetensors-header.js";
import type { TensorData } from "./tensor-data.js";

/** Decodes the owned little-endian bytes of one tensor; null for a dtype bertkit cannot compute in. */
type Decoder = ((owned: Uint8Array, onOutOfRange: OnOutOfRange) => Float32Array | Int32Array) | null;

// Typed over every spec dtype, so a dtype added to the table without a decision here does not compile.
const DECODERS: Record<SafetensorsDtype, Decoder> = {
  F32: float32InPlace,
  F16: float16ToFloat32,
  BF16: bfloat16ToFloat32,
  F64: float64ToFloat32,
  I32: int32InPlace,
  I64: int64ToInt32,
  U64: uint64ToInt32,
  U32: uint32ToInt32,
  I16: int16ToInt32,
  U16: uint16ToInt32,
  I8: int8ToInt32,
  U8: uint8ToInt32,
  BOOL: boolToInt32,
  C64: null,
  F4: null,
  F6_E2M3: null,
  F6_E3M2: null,
  F8_E5M2: null,
  F8_E4M3: null,
  F8_E8M0: null,
  F8_E4M3FNUZ: null,
  F8_E5M2FNUZ: null,
};

/** Reads one validated header entry's bytes from `bytes` and converts them to float32 / int32. */
export function decodeTensor(bytes: ByteSource, entry: HeaderEntry, dataStart: number, source: string): TensorData {
  const decode = DECODERS[entry.dtype];
  if (decode === null) {
    throw safetensorsError(source, entry.name, `dtype ${entry.dtype} is not supported (bertkit reads float and integer dtypes up to 64 bits)`,
      "Convert the checkpoint to F32, F16 or BF16 (e.g. in PyTorch: model.float(), then save_file).");
  }
  const onOutOfRange: OnOutOfRange = (index, value) => {
    const target = entry.dtype.startsWith("F") ? "float32" : "int32";
    throw safetensorsError(source, entry.name, `element ${index} of ${entry.dtype} is ${value}, outside the ${target} range`,
      `bertkit holds ${entry.dtype} tensors as ${target}; rescale or clip this tensor before saving it.`);
  };
  const data = decode(bytes.read(dataStart + entry.begin, entry.end - entry.begin), onOutOfRange);
  const shape = [...entry.shape];
  return data instanceof Float32Array ? { dtype: "float32", shape, data } : { dtype: "int32", shape, data };
}

/**
 * Like `decodeTensor`, but BF16 stays bfloat16 bits (Uint16Array) and I8 stays int8 (Int8Array): a low-precision
 * checkpoint's weights are read in their own width, not widened.
 */
export function decodeStoredTensor(bytes: ByteSource, entry: HeaderEntry, dataStart: number, source: string): StoredTensorData {
  if (entry.dtype !== "BF16" && entry.dtype !== "I8") return decodeTensor(bytes, entry, dataStart, source);
  const owned = bytes.read(dataStart + entry.begin, entry.end - entry.begin); // fresh, at byteOffset 0
  const shape = [...entry.shape];
  if (entry.dtype === "I8") return { dtype: "int8", shape, data: new Int8Array(owned.buffer, 0, owned.length) };
  littleEndianToHostInPlace(owned, 2);
  return { dtype: "bfloat16", shape, data: new Uint16Array(owned.buffer, 0, owned.length / 2) };
}
