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

  // The kernel's name (for error messages) comes from the callback's data pointer.
  Args(napi_env env, napi_callback_info info);

  // A Float32Array argument with at least `minLength` elements.
  float* f32(size_t i, int64_t minLength);
  // A Float32Array argument, or null/undefined (returns nullptr).
  float* f32OrNull(size_t i, int64_t minLength);
  const int32_t* i32(size_t i, int64_t minLength);
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

  void* typedArray(size_t i, napi_typedarray_type type, const char* typeName, int64_t minLength, bool nullable);
  // The typed-array facts of argument i, read once (one N-API call) and cached.
  const View& view(size_t i);
  napi_value arg(size_t i) const;

  napi_env env_;
  const char* kernel_ = "kernel";
  double result_ = 0;
  bool hasResult_ = false;
  size_t argc_ = kMax;
  napi_value argv_[kMax];
  View views_[kMax];
};

using Binding = void (*)(Args&);

// The N-API entry point of a binding: reads arguments, runs it, turns a KernelError into a JS exception.
template <Binding F>
napi_value entry(napi_env env, napi_callback_info info) {
  try {
    Args args(env, info);
    F(args);
    return args.result();
  } catch (const KernelError& e) {
    napi_throw_range_error(env, nullptr, e.what());
    return nullptr;
  }
}

}  // namespace bertkit
