/**
 * `--dtype fp32|bf16|int8`, shared by the inference commands: the precision of the model's Linear layers
 * (docs/quantization.md). Left out, a folder loads in its own precision (int8 for a `bertkit quantize --dtype int8`
 * folder, else fp32).
 */
import { Option } from "commander";
import { MODEL_DTYPES, type ModelDType } from "../bert/model-dtypes.js";

export type { ModelDType } from "../bert/model-dtypes.js";

const DESCRIPTION = "precision of the Linear layers for inference: fp32, bf16 or int8 (default: the folder's own — int8 for a quantized folder, else fp32)";

export function dtypeOption(description = DESCRIPTION): Option {
  return new Option("--dtype <dtype>", description).choices(MODEL_DTYPES);
}

/** The flag as commander parsed it (choices already checked). */
export interface DtypeFlag {
  dtype?: ModelDType;
}
