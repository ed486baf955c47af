// Reads the positional arguments of one kernel call. The TypeScript wrapper passes typed arrays and
// numbers positionally (no option objects: reading object properties through N-API costs more than the
// small kernels themselves). Typed arrays are used in place, without copies.
#pragma once
#include <node_api.h>

#include <cstdint>

#include "kernel_error.h"

namespace bertkit {

class Args {
 public:
  static constexpr size_t kMax = 24;

  Args(napi_env env, napi_callback_info info, const char* kernel);

  // A Float32Array argument with at least `minLength` elements.
  float* f32(size_t i, int64_t minLength);
  // A Float32Array argument, or null/undefined (returns nullptr).
  float* f32OrNull(size_t i, int64_t minLength);
  const int32_t* i32(size_t i, int64_t minLength);
  // Length of a typed-array argument.
  int64_t length(size_t i);
  // A non-negative integer (sizes, offsets, strides).
  int64_t size(size_t i);
  int64_t integer(size_t i);
  double number(size_t i);
  bool boolean(size_t i);

  [[noreturn]] void fail(const std::string& what) const;

  napi_env env() const { return env_; }

 private:
  void* typedArray(size_t i, napi_typedarray_type type, const char* typeName, int64_t minLength, bool nullable);
  napi_value arg(size_t i) const;

  napi_env env_;
  const char* kernel_;
  size_t argc_ = kMax;
  napi_value argv_[kMax];
};

// Index arithmetic is done in 64 bits: (B·H·T·T) overflows int32 for long sequences.
inline int64_t product(int64_t a, int64_t b) { return a * b; }

}  // namespace bertkit
