/**
 * The dtypes of the safetensors spec (huggingface/safetensors `Dtype`) and their width in bits.
 * A dtype outside this table makes a file malformed; one inside it that bertkit cannot decode
 * (see safetensors-decode.ts) can still be listed by readSafetensorsHeader.
 */
export const SAFETENSORS_DTYPE_BITS = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  I16: 16,
  U16: 16,
  I32: 32,
  U32: 32,
  I64: 64,
  U64: 64,
  F16: 16,
  BF16: 16,
  F32: 32,
  F64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BITS;

export function isSafetensorsDtype(name: string): name is SafetensorsDtype {
  return Object.hasOwn(SAFETENSORS_DTYPE_BITS, name);
}
