/**
 * Tensors as a low-precision checkpoint stores them, kept in their own width instead of widened: BF16 as its
 * 16-bit patterns and I8 as signed bytes (see docs/quantization.md for the int8 layout). Every other dtype is
 * read as the plain `TensorData` (float32 / int32).
 */
import type { TensorData } from "./tensor-data.js";

export type RawTensorData =
  | { dtype: "bfloat16"; shape: number[]; data: Uint16Array }
  | { dtype: "int8"; shape: number[]; data: Int8Array };

/** What a checkpoint file holds: float32 / int32, or BF16 bits and I8 values. */
export type StoredTensorData = TensorData | RawTensorData;
