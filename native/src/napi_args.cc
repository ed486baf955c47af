#include "napi_args.h"

#include <cmath>
#include <string>

namespace bertkit {

Args::Args(napi_env env, napi_callback_info info, const char* kernel) : env_(env), kernel_(kernel) {
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) fail("cannot read arguments");
  if (argc_ > kMax) argc_ = kMax;
}

void Args::fail(const std::string& what) const {
  throw KernelError(std::string("bertkit native ") + kernel_ + ": " + what);
}

napi_value Args::arg(size_t i) const {
  if (i >= argc_) fail("missing argument " + std::to_string(i));
  return argv_[i];
}

void* Args::typedArray(size_t i, napi_typedarray_type type, const char* typeName, int64_t minLength, bool nullable) {
  napi_value v = arg(i);
  if (nullable) {
    napi_valuetype t;
    napi_typeof(env_, v, &t);
    if (t == napi_null || t == napi_undefined) return nullptr;
  }
  bool isTyped = false;
  napi_is_typedarray(env_, v, &isTyped);
  if (!isTyped) fail("argument " + std::to_string(i) + " must be a " + typeName);
  napi_typedarray_type actual;
  size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env_, v, &actual, &length, &data, nullptr, nullptr);
  if (actual != type) fail("argument " + std::to_string(i) + " must be a " + typeName);
  if (static_cast<int64_t>(length) < minLength) {
    fail("argument " + std::to_string(i) + " has " + std::to_string(length) + " elements, needs at least " +
         std::to_string(minLength));
  }
  return data;
}

float* Args::f32(size_t i, int64_t minLength) {
  return static_cast<float*>(typedArray(i, napi_float32_array, "Float32Array", minLength, false));
}

float* Args::f32OrNull(size_t i, int64_t minLength) {
  return static_cast<float*>(typedArray(i, napi_float32_array, "Float32Array", minLength, true));
}

const int32_t* Args::i32(size_t i, int64_t minLength) {
  return static_cast<const int32_t*>(typedArray(i, napi_int32_array, "Int32Array", minLength, false));
}

int64_t Args::length(size_t i) {
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_get_typedarray_info(env_, arg(i), &type, &length, nullptr, nullptr, nullptr) != napi_ok) {
    fail("argument " + std::to_string(i) + " must be a typed array");
  }
  return static_cast<int64_t>(length);
}

double Args::number(size_t i) {
  double v = 0;
  if (napi_get_value_double(env_, arg(i), &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
  return v;
}

int64_t Args::integer(size_t i) {
  double v = number(i);
  if (!std::isfinite(v) || v != std::floor(v)) fail("argument " + std::to_string(i) + " must be an integer");
  return static_cast<int64_t>(v);
}

int64_t Args::size(size_t i) {
  int64_t v = integer(i);
  if (v < 0) fail("argument " + std::to_string(i) + " must be non-negative, got " + std::to_string(v));
  return v;
}

bool Args::boolean(size_t i) {
  bool v = false;
  if (napi_get_value_bool(env_, arg(i), &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a boolean");
  return v;
}

}  // namespace bertkit
