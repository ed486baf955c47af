/**
 * The precisions a model's Linear layers can have, on their own so that the CLI can list them as `--dtype` choices
 * without loading the model code (src/bert/low-precision.ts re-exports them).
 */

/** The precision of a model's Linear weights: float32, bfloat16, or int8 (per-channel symmetric). */
export type ModelDType = "fp32" | "bf16" | "int8";
export const MODEL_DTYPES: readonly ModelDType[] = ["fp32", "bf16", "int8"];
