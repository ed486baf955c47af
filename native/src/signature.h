// A binding's signature string, "(x: f32, rows: number, cols: number, out: f32) => void" (the form of
// src/backend/native/signatures.ts), read into one bit per argument and kind: what Args checks each read
// against (bindings.h).
#pragma once
#include <cstdint>
#include <string>

namespace bertkit {

struct Signature {
  uint32_t f32 = 0;        // f32 or f32 | null
  uint32_t i32 = 0;        // i32 or i32 | null
  uint32_t i8 = 0;         // i8 (Int8Array) or i8 | null
  uint32_t u8 = 0;         // u8 (Uint8Array) or u8 | null
  uint32_t u16 = 0;        // u16 (Uint16Array) or u16 | null
  uint32_t numbers = 0;    // number, unary (an op code), binary (an op code)
  uint32_t booleans = 0;   // boolean
  uint32_t nullable = 0;   // `| null`, or an optional argument (`name?: kind`)
  int count = 0;           // arguments
  bool returnsNumber = false;
  std::string error;       // why the string does not parse; empty when it does
};

Signature parseSignature(const std::string& text);

}  // namespace bertkit
