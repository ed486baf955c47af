// How a kernel becomes a function of the addon. Its .cc file defines the binding in one place:
//
//   // What it computes.
//   BERTKIT_BINDING(softmax, "(x: f32, rows: number, cols: number, out: f32) => void") {
//     ... reads the call's positional arguments from `a` (an Args&, napi_args.h) ...
//   }
//
// which registers it at load (static initialisation); addon.cc's init exports every registered binding under
// its name. Nothing else in C++ lists the bindings.
//
// The signature is the same string as the function's entry in src/backend/native/signatures.ts, where the
// TypeScript types are derived from it; the addon exports them all (`signatures`), and loadAddon refuses an
// addon whose strings differ from the table's. Here, it is what each argument read is checked against (Args
// fails on reading argument i as another kind than the signature's, or on a result the signature does not
// say). A Float64Array read where the signature says f32 sends the call to the binding's JavaScript fallback,
// if it has one (see Instance): a binding reads all its arguments before it writes anything. Kinds: f32
// (Float32Array), i32 (Int32Array), i8 (Int8Array), u8 (Uint8Array), u16 (Uint16Array), each also `| null`,
// number, boolean, unary (a UnaryCode, activation_ops.h),
// binary (an op code of broadcast.cc); `name?: kind` for a trailing optional argument; void or number result.
//
// Adding a kernel: write it and its BERTKIT_BINDING in a .cc file (listed in binding.gyp's sources), add the
// same signature to signatures.ts, and bump kAbiVersion (addon.cc) with ABI_VERSION (addon.ts).
#pragma once
#include <node_api.h>

#include <string>
#include <vector>

#include "napi_args.h"
#include "signature.h"

namespace bertkit {

using BindingFn = void (*)(Args&);

struct Binding {
  const char* name;
  const char* text;  // the signature string
  napi_callback callback;
  Signature signature;
  size_t index = 0;  // in exportedBindings()
};

// Adds a binding to the registry (addon.cc). Registrations run during static initialisation, in no particular
// order across files. (The addon links its object files directly, so no registration is dropped the way an
// unreferenced member of a static library would be.)
void registerBinding(const char* name, const char* text, napi_callback callback);

struct Registration {
  Registration(const char* name, const char* text, napi_callback callback) { registerBinding(name, text, callback); }
};

// The registered bindings sorted by name, each with its index: what init exports, each function's callback
// data. Built once, after static initialisation (from init).
const std::vector<Binding>& exportedBindings();

// Per environment (the main thread and each worker that loads the addon): the JavaScript function that takes
// a binding's calls with a Float64Array where its signature says f32 (null: none, such calls fail), by index.
// Set by the addon's fallBackTo (addon.cc).
struct Instance {
  std::vector<napi_ref> fallbacks;
};

// The N-API entry point of a binding: runs it on the call's arguments, or, when it finds a Float64Array where
// its signature says f32, hands the call to the binding's fallback (without one, that is an error); a
// KernelError becomes a JavaScript RangeError.
template <BindingFn F>
napi_value entry(napi_env env, napi_callback_info info) {
  try {
    Args args(env, info);
    try {
      F(args);
      return args.result();
    } catch (const Float64Argument& f64) {
      napi_value result = nullptr;
      if (args.callFallback(&result)) return result;
      args.fail("argument " + std::to_string(f64.index) + " must be a Float32Array");
    }
  } catch (const KernelError& e) {
    napi_throw_range_error(env, nullptr, e.what());
    return nullptr;
  }
}

}  // namespace bertkit

#define BERTKIT_BINDING(name, signature)                                                                     \
  static void bertkitBind_##name(::bertkit::Args& a);                                                       \
  static const ::bertkit::Registration bertkitRegistration_##name{#name, signature,                         \
                                                                  &::bertkit::entry<bertkitBind_##name>};   \
  static void bertkitBind_##name(::bertkit::Args& a)
