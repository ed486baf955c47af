// The addon's entry point: loads OpenBLAS, starts the thread pool, and exports one function per kernel
// plus a few for configuration. The exported names and argument orders are the `NativeAddon`
// interface in src/backend/native/addon.ts; bump kAbiVersion when either changes.
#include <node_api.h>

#include <string>

#include "bindings.h"
#include "blas.h"
#include "thread_pool.h"

namespace bertkit {
namespace {

constexpr int kAbiVersion = 5;

// (threads?) → the thread count in use; with a positive argument, sets it first.
void bindThreads(Args& a) {
  if (!a.isNullish(0)) {
    const int64_t n = a.integer(0);
    if (n < 1 || n > 1024) a.fail("thread count must be in [1, 1024], got " + std::to_string(n));
    setThreadCount(static_cast<int>(n));
  }
  a.returnNumber(threadCount());
}

napi_value makeString(napi_env env, const std::string& s) {
  napi_value v = nullptr;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

napi_value makeNumber(napi_env env, double d) {
  napi_value v = nullptr;
  napi_create_double(env, d, &v);
  return v;
}

#define KERNEL(name, fn) {name, nullptr, entry<fn>, nullptr, nullptr, nullptr, napi_enumerable, const_cast<char*>(name)}

napi_value init(napi_env env, napi_value exports) {
  try {
    loadBlas();
    threadCount();  // starts the pool and sets OpenBLAS's threads
  } catch (const KernelError& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
  const napi_property_descriptor props[] = {
      KERNEL("gemm", bindGemm),
      KERNEL("packedLength", bindPackedLength),
      KERNEL("packB", bindPackB),
      KERNEL("blasGemm", bindBlasGemm),
      KERNEL("broadcastBinary", bindBroadcastBinary),
      KERNEL("affineScalar", bindAffineScalar),
      KERNEL("accumulate", bindAccumulate),
      KERNEL("sumAxis", bindSumAxis),
      KERNEL("unary", bindUnary),
      KERNEL("unaryBackward", bindUnaryBackward),
      KERNEL("biasActivation", bindBiasActivation),
      KERNEL("biasActivationBackward", bindBiasActivationBackward),
      KERNEL("softmax", bindSoftmax),
      KERNEL("softmaxBackward", bindSoftmaxBackward),
      KERNEL("logSoftmax", bindLogSoftmax),
      KERNEL("logSoftmaxBackward", bindLogSoftmaxBackward),
      KERNEL("layerNorm", bindLayerNorm),
      KERNEL("addLayerNorm", bindAddLayerNorm),
      KERNEL("layerNormBackward", bindLayerNormBackward),
      KERNEL("gather", bindGather),
      KERNEL("scatterAdd", bindScatterAdd),
      KERNEL("crossEntropy", bindCrossEntropy),
      KERNEL("crossEntropyBackward", bindCrossEntropyBackward),
      KERNEL("bceWithLogits", bindBceWithLogits),
      KERNEL("bceWithLogitsBackward", bindBceWithLogitsBackward),
      KERNEL("attention", bindAttention),
      KERNEL("attentionBackward", bindAttentionBackward),
      KERNEL("adamw", bindAdamw),
      KERNEL("dropoutMask", bindDropoutMask),
      KERNEL("sumSquares", bindSumSquares),
      KERNEL("permute", bindPermute),
      KERNEL("copyBlocks", bindCopyBlocks),
      KERNEL("threads", bindThreads),
      {"abiVersion", nullptr, nullptr, nullptr, nullptr, makeNumber(env, kAbiVersion), napi_enumerable, nullptr},
      {"blas", nullptr, nullptr, nullptr, nullptr, makeString(env, blasInfo()), napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace
}  // namespace bertkit

NAPI_MODULE_INIT() { return bertkit::init(env, exports); }
