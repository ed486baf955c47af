/**
 * A tensor as it crosses the file boundary: a dtype tag, a shape and a flat row-major array.
 * Every float format in a file is read as float32 and every integer format as int32.
 */
export type TensorData =
  | { dtype: "float32"; shape: number[]; data: Float32Array }
  | { dtype: "int32"; shape: number[]; data: Int32Array };

/** Number of elements of a shape; 1 for a scalar (shape []). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}
