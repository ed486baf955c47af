// The addon's entry point: loads OpenBLAS, starts the thread pool, and exports every registered binding
// (BERTKIT_BINDING, bindings.h) under its name, plus: abiVersion, blas (OpenBLAS's configuration),
// signatures (each binding's signature string, by name) and fallBackTo (below). The TypeScript side is
// src/backend/native/addon.ts; bump kAbiVersion when the exported surface or the meaning of an argument
// changes (a changed signature is caught by loadAddon's comparison anyway).
#include <node_api.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bindings.h"
#include "blas.h"
#include "thread_pool.h"

namespace bertkit {
namespace {

// Constructed on first use, as registrations run during static initialisation. Not an inline function's
// static: GCC makes those process-wide (STB_GNU_UNIQUE), and two builds of the addon loaded into one process
// (bench/ab.ts) would then share one registry.
std::vector<Binding>& registry() {
  static std::vector<Binding> bindings;
  return bindings;
}

}  // namespace

void registerBinding(const char* name, const char* text, napi_callback callback) {
  registry().push_back(Binding{name, text, callback, parseSignature(text)});
}

const std::vector<Binding>& exportedBindings() {
  static const std::vector<Binding> bindings = [] {
    std::vector<Binding> sorted = registry();
    std::sort(sorted.begin(), sorted.end(),
              [](const Binding& x, const Binding& y) { return std::strcmp(x.name, y.name) < 0; });
    for (size_t i = 0; i < sorted.size(); i++) sorted[i].index = i;
    return sorted;
  }();
  return bindings;
}

namespace {

constexpr int kAbiVersion = 7;

napi_value makeString(napi_env env, const char* s) {
  napi_value v = nullptr;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value makeNumber(napi_env env, double d) {
  napi_value v = nullptr;
  napi_create_double(env, d, &v);
  return v;
}

napi_property_descriptor value(const char* name, napi_value v) {
  return {name, nullptr, nullptr, nullptr, nullptr, v, napi_enumerable, nullptr};
}

void deleteInstance(napi_env env, void* data, void*) {
  auto* instance = static_cast<Instance*>(data);
  for (napi_ref ref : instance->fallbacks) {
    if (ref != nullptr) napi_delete_reference(env, ref);
  }
  delete instance;
}

// fallBackTo(functions): for each binding with f32 arguments, the function of the same name in `functions`,
// if there is one, becomes its fallback in this environment: a call with a Float64Array where the signature
// says f32 goes to it, with the same arguments (the native backend's float64 calls, for gradient checks, go
// to the reference kernels this way). A binding absent from `functions` keeps the fallback it had.
napi_value fallBackTo(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value functions = nullptr;
  Instance* instance = nullptr;
  napi_valuetype type = napi_undefined;
  napi_get_cb_info(env, info, &argc, &functions, nullptr, nullptr);
  if (argc < 1 || napi_typeof(env, functions, &type) != napi_ok || type != napi_object ||
      napi_get_instance_data(env, reinterpret_cast<void**>(&instance)) != napi_ok || instance == nullptr) {
    napi_throw_type_error(env, nullptr, "bertkit native fallBackTo: expects an object of functions");
    return nullptr;
  }
  for (const Binding& b : exportedBindings()) {
    napi_value fn = nullptr;
    bool has = false;
    if (b.signature.f32 == 0 || napi_has_named_property(env, functions, b.name, &has) != napi_ok || !has) continue;
    if (napi_get_named_property(env, functions, b.name, &fn) != napi_ok || napi_typeof(env, fn, &type) != napi_ok) {
      return nullptr;
    }
    if (type != napi_function) {
      const std::string message = std::string("bertkit native fallBackTo: ") + b.name + " is not a function";
      napi_throw_type_error(env, nullptr, message.c_str());
      return nullptr;
    }
    napi_ref& ref = instance->fallbacks[b.index];
    if (ref != nullptr) napi_delete_reference(env, ref);
    napi_create_reference(env, fn, 1, &ref);
  }
  return nullptr;
}

// Large blocks get their own memory mappings, returned to the system when freed. glibc's default raises that
// threshold (from 128 KiB up to 32 MiB) whenever a mapped block is freed, after which blocks of a few MiB — a
// layer's activations, a weight being converted while a model loads — come from the heap, where freed ones
// leave holes that stay resident: BERT-base's int8 peak was ~16 MiB higher. Fixing the threshold stops that.
// (The same as MALLOC_MMAP_THRESHOLD_=131072, which still overrides it; no effect outside glibc.)
void fixMmapThreshold() {
#if defined(__GLIBC__)
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

napi_value init(napi_env env, napi_value exports) {
  fixMmapThreshold();
  try {
    loadBlas();
    threadCount();  // starts the pool and sets OpenBLAS's threads
  } catch (const KernelError& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
  const std::vector<Binding>& bindings = exportedBindings();
  napi_value signatures = nullptr;
  napi_create_object(env, &signatures);
  std::vector<napi_property_descriptor> props;
  for (const Binding& b : bindings) {
    std::string problem;
    if (!b.signature.error.empty()) problem = "cannot read the signature " + std::string(b.text) + ": " + b.signature.error;
    if (b.index > 0 && std::strcmp(bindings[b.index - 1].name, b.name) == 0) problem = "registered twice";
    if (!problem.empty()) {
      napi_throw_error(env, nullptr, ("bertkit native " + std::string(b.name) + ": " + problem).c_str());
      return nullptr;
    }
    // The binding doubles as the callback's data: Args reads its name and signature there.
    props.push_back(
        {b.name, nullptr, b.callback, nullptr, nullptr, nullptr, napi_enumerable, const_cast<Binding*>(&b)});
    napi_set_named_property(env, signatures, b.name, makeString(env, b.text));
  }
  napi_value fallBackToFn = nullptr;
  napi_create_function(env, "fallBackTo", NAPI_AUTO_LENGTH, fallBackTo, nullptr, &fallBackToFn);
  props.push_back(value("abiVersion", makeNumber(env, kAbiVersion)));
  props.push_back(value("blas", makeString(env, blasInfo().c_str())));
  props.push_back(value("signatures", signatures));
  props.push_back(value("fallBackTo", fallBackToFn));
  napi_set_instance_data(env, new Instance{std::vector<napi_ref>(bindings.size(), nullptr)}, deleteInstance, nullptr);
  napi_define_properties(env, exports, props.size(), props.data());
  return exports;
}

}  // namespace

// The thread count in use; with an argument, sets it first (kernels and OpenBLAS together).
BERTKIT_BINDING(threads, "(count?: number) => number") {
  if (!a.isNullish(0)) {
    const int64_t n = a.integer(0);
    if (n < 1 || n > 1024) a.fail("thread count must be in [1, 1024], got " + std::to_string(n));
    setThreadCount(static_cast<int>(n));
  }
  a.returnNumber(threadCount());
}

// Idle compute threads sleep now instead of spinning for the next kernel (a pause is coming).
BERTKIT_BINDING(parkThreads, "() => void") {
  (void)a;
  parkThreads();
}

}  // namespace bertkit

NAPI_MODULE_INIT() { return bertkit::init(env, exports); }
