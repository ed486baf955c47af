/** Conversions between dtypes. Not differentiable: the result is a new leaf. */
import { sizeOf } from "../shape.js";
import { allocFloat, type FloatDType, Tensor } from "../tensor.js";

export function toFloat(x: Tensor, dtype: FloatDType = "float32"): Tensor {
  const out = allocFloat(dtype, sizeOf(x.shape));
  out.set(x.data);
  return new Tensor(out, x.shape);
}
