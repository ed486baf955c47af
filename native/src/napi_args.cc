#include "napi_args.h"

#include <cmath>
#include <string>

#include "bindings.h"

namespace bertkit {

Args::Args(napi_env env, napi_callback_info info) : env_(env) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, &data) != napi_ok) {
    throw KernelError("bertkit native: cannot read arguments");
  }
  binding_ = static_cast<const Binding*>(data);
  signature_ = &binding_->signature;
}

bool Args::callFallback(napi_value* result) {
  Instance* instance = nullptr;
  if (napi_get_instance_data(env_, reinterpret_cast<void**>(&instance)) != napi_ok || instance == nullptr) return false;
  const napi_ref ref = instance->fallbacks[binding_->index];
  napi_value fn = nullptr, self = nullptr;
  if (ref == nullptr || napi_get_reference_value(env_, ref, &fn) != napi_ok || fn == nullptr) return false;
  napi_get_undefined(env_, &self);
  *result = nullptr;
  napi_call_function(env_, self, fn, argc_ < kMax ? argc_ : kMax, argv_, result);
  return true;
}

napi_value Args::result() const {
  if (hasResult_ != signature_->returnsNumber) {
    fail(hasResult_ ? "returned a number, but its signature says void"
                    : "returned nothing, but its signature says number");
  }
  napi_value v = nullptr;
  if (hasResult_) napi_create_double(env_, result_, &v);
  return v;
}

void Args::fail(const std::string& what) const {
  throw KernelError(std::string("bertkit native ") + binding_->name + ": " + what);
}

void Args::notInSignature(size_t i, const char* kind) const {
  fail("reads argument " + std::to_string(i) + " as " + kind + ", which its signature " + binding_->text +
       " does not say");
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

namespace {

// The signature field and the name of each typed-array kind.
struct ArrayKind {
  uint32_t Signature::*mask;
  const char* name;
};

ArrayKind arrayKind(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return {&Signature::f32, "Float32Array"};
    case napi_int32_array: return {&Signature::i32, "Int32Array"};
    case napi_int8_array: return {&Signature::i8, "Int8Array"};
    case napi_uint8_array: return {&Signature::u8, "Uint8Array"};
    default: return {&Signature::u16, "Uint16Array"};
  }
}

}  // namespace

void* Args::typedArray(size_t i, napi_typedarray_type type, int64_t minLength, bool nullable) {
  const ArrayKind kind = arrayKind(type);
  const char* typeName = kind.name;
  expect(i, kind.mask, (std::string(type == napi_int8_array || type == napi_int32_array ? "an " : "a ") + typeName).c_str());
  if (nullable && isNullish(i)) return nullptr;
  const View& v = view(i);
  if (!v.isTyped || v.type != type) {
    if (v.isTyped && v.type == napi_float64_array && type == napi_float32_array) throw Float64Argument{i};
    fail("argument " + std::to_string(i) + " must be a " + typeName);
  }
  if (static_cast<int64_t>(v.length) < minLength) {
    fail("argument " + std::to_string(i) + " has " + std::to_string(v.length) + " elements, needs at least " +
         std::to_string(minLength));
  }
  return v.data;
}

float* Args::f32(size_t i, int64_t minLength) {
  return static_cast<float*>(typedArray(i, napi_float32_array, minLength, false));
}

float* Args::f32OrNull(size_t i, int64_t minLength) {
  return static_cast<float*>(typedArray(i, napi_float32_array, minLength, true));
}

const int32_t* Args::i32(size_t i, int64_t minLength) {
  return static_cast<const int32_t*>(typedArray(i, napi_int32_array, minLength, false));
}

int32_t* Args::i32Out(size_t i, int64_t minLength) {
  return static_cast<int32_t*>(typedArray(i, napi_int32_array, minLength, false));
}

const int8_t* Args::i8(size_t i, int64_t minLength) {
  return static_cast<const int8_t*>(typedArray(i, napi_int8_array, minLength, false));
}

uint8_t* Args::u8(size_t i, int64_t minLength) {
  return static_cast<uint8_t*>(typedArray(i, napi_uint8_array, minLength, false));
}

uint16_t* Args::u16(size_t i, int64_t minLength) {
  return static_cast<uint16_t*>(typedArray(i, napi_uint16_array, minLength, false));
}

int64_t Args::length(size_t i) {
  const uint32_t arrays = signature_->f32 | signature_->i32 | signature_->i8 | signature_->u8 | signature_->u16;
  if (i >= 32 || ((arrays >> i) & 1) == 0) fail("reads the length of argument " + std::to_string(i) + ", not an array");
  const View& v = view(i);
  if (!v.isTyped) fail("argument " + std::to_string(i) + " must be a typed array");
  return static_cast<int64_t>(v.length);
}

double Args::number(size_t i) {
  expect(i, &Signature::numbers, "a number");
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
  expect(i, &Signature::booleans, "a boolean");
  bool v = false;
  if (napi_get_value_bool(env_, arg(i), &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a boolean");
  return v;
}

}  // namespace bertkit
