// Reads the positional arguments of one kernel call. The TypeScript side passes typed arrays and numbers
// positionally (no option objects: reading object properties through N-API costs more than the small kernels
// themselves). Typed arrays are used in place, without copies. Every read is checked against the binding's
// signature (bindings.h): reading argument i as another kind than the signature's is an error.
#pragma once
#include <node_api.h>

#include <cstdint>

#include "kernel_error.h"
#include "signature.h"

namespace bertkit {

struct Binding;

// Thrown by a read that finds a Float64Array where the signature says f32; entry (bindings.h) then hands the
// call to the binding's JavaScript fallback, if it has one. So a binding reads (checks) all its arguments
// before it writes anything, as the argument checks require anyway.
struct Float64Argument {
  size_t index;
};

class Args {
 public:
  static constexpr size_t kMax = 24;

  // The binding (its name for error messages, its signature) comes from the callback's data pointer.
  Args(napi_env env, napi_callback_info info);

  // Calls the binding's JavaScript fallback with the call's arguments, if this environment has one, and
  // returns true (then *result is its result, or null while its exception is pending); false without one.
  bool callFallback(napi_value* result);

  // A Float32Array argument with at least `minLength` elements.
  float* f32(size_t i, int64_t minLength);
  // A Float32Array argument, or null/undefined (returns nullptr).
  float* f32OrNull(size_t i, int64_t minLength);
  const int32_t* i32(size_t i, int64_t minLength);
  // An Int32Array argument the kernel writes.
  int32_t* i32Out(size_t i, int64_t minLength);
  // Int8Array, Uint8Array and Uint16Array arguments (low-precision weights; the kernels may write u8 and u16).
  const int8_t* i8(size_t i, int64_t minLength);
  uint8_t* u8(size_t i, int64_t minLength);
  uint16_t* u16(size_t i, int64_t minLength);
  // Length of a typed-array argument.
  int64_t length(size_t i);
  // True for a null or undefined argument.
  bool isNullish(size_t i);
  // A non-negative integer (sizes, offsets, strides).
  int64_t size(size_t i);
  int64_t integer(size_t i);
  double number(size_t i);
  bool boolean(size_t i);

  [[noreturn]] void fail(const std::string& what) const;

  // Sets the call's return value (a JS number); kernels that write outputs return undefined.
  void returnNumber(double v) { result_ = v; hasResult_ = true; }
  napi_value result() const;

 private:
  struct View {
    bool loaded = false;
    bool isTyped = false;
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* data = nullptr;
  };

  void* typedArray(size_t i, napi_typedarray_type type, int64_t minLength, bool nullable);
  // Fails unless the signature gives argument i one of the kinds in `mask` (a Signature field).
  void expect(size_t i, uint32_t Signature::*mask, const char* kind) const {
    if (i >= 32 || ((signature_->*mask >> i) & 1) == 0) notInSignature(i, kind);
  }
  [[noreturn]] void notInSignature(size_t i, const char* kind) const;
  // The typed-array facts of argument i, read once (one N-API call) and cached.
  const View& view(size_t i);
  napi_value arg(size_t i) const;

  napi_env env_;
  const Binding* binding_ = nullptr;
  const Signature* signature_ = nullptr;
  double result_ = 0;
  bool hasResult_ = false;
  size_t argc_ = kMax;
  napi_value argv_[kMax];
  View views_[kMax];
};

}  // namespace bertkit
