#include "napi_args.h"

#include <cmath>
#include <string>

namespace bertkit {

Args::Args(napi_env env, napi_callback_info info) : env_(env) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, &data) != napi_ok) fail("cannot read arguments");
  if (data != nullptr) kernel_ = static_cast<const char*>(data);
}

napi_value Args::result() const {
  napi_value v = nullptr;
  if (hasResult_) napi_create_double(env_, result_, &v);
  return v;
}

void Args::fail(const std::string& what) const {
  throw KernelError(std::string("bertkit native ") + kernel_ + ": " + what);
}

// Missing arguments read as undefined (N-API fills argv up to kMax).
napi_value Args::arg(size_t i) const {
  if (i >= kMax) fail("argument index out of range");
  return argv_[i];
}

bool Args::isNullish(size_t i) {
  napi_valuetype t;
  napi_typeof(env_, arg(i), &t);
  return t == napi_null || t == napi_undefined;
}

const Args::View& Args::view(size_t i) {
  View& v = views_[i < kMax ? i : 0];
  if (!v.loaded) {
    v.loaded = true;
    v.isTyped = napi_get_typedarray_info(env_, arg(i), &v.type, &v.length, &v.data, nullptr, nullptr) == napi_ok;
  }
  return v;
}

void* Args::typedArray(size_t i, napi_typedarray_type type, const char* typeName, int64_t minLength, bool nullable) {
  if (nullable && isNullish(i)) return nullptr;
  const View& v = view(i);
  if (!v.isTyped || v.type != type) fail("argument " + std::to_string(i) + " must be a " + typeName);
  if (static_cast<int64_t>(v.length) < minLength) {
    fail("argument " + std::to_string(i) + " has " + std::to_string(v.length) + " elements, needs at least " +
         std::to_string(minLength));
  }
  return v.data;
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
  const View& v = view(i);
  if (!v.isTyped) fail("argument " + std::to_string(i) + " must be a typed array");
  return static_cast<int64_t>(v.length);
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
