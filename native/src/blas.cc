// OpenBLAS reads OPENBLAS_CORETYPE once, when the library is loaded. Its own detection is unreliable
// on new CPUs: 0.3.21 (Debian 12) runs this project's AVX-512 Xeon VMs with its SSE3 "Prescott" kernels
// (5x slower than SkylakeX) and treats Zen 4 as AVX2-only. So, unless the user set OPENBLAS_CORETYPE,
// we choose from the CPU's features before dlopen-ing the library. Linking OpenBLAS directly would run
// its initialiser before any code of ours.
#include "blas.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "cpu_features.h"
#include "kernel_error.h"

namespace bertkit {
namespace {

// CBLAS enum values (cblas.h); fixed by the CBLAS standard.
constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*,
                         int);
using SetThreadsFn = void (*)(int);
using StringFn = char* (*)();

SgemmFn sgemmFn = nullptr;
SetThreadsFn setThreadsFn = nullptr;
StringFn configFn = nullptr;
StringFn coreNameFn = nullptr;
std::once_flag loaded;
std::string loadError;

const char* chooseCoreType() {
  if (cpuHasAvx512()) return "SkylakeX";
  if (cpuHasAvx2Fma()) return "Haswell";
  return nullptr;  // leave it to OpenBLAS
}

void open() {
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    if (const char* core = chooseCoreType()) setenv("OPENBLAS_CORETYPE", core, 0);
  }
  void* lib = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so"}) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) break;
  }
  if (lib == nullptr) {
    loadError = std::string("cannot load OpenBLAS (") + dlerror() +
                "); install it with: apt-get install libopenblas-dev";
    return;
  }
  sgemmFn = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
  setThreadsFn = reinterpret_cast<SetThreadsFn>(dlsym(lib, "openblas_set_num_threads"));
  configFn = reinterpret_cast<StringFn>(dlsym(lib, "openblas_get_config"));
  coreNameFn = reinterpret_cast<StringFn>(dlsym(lib, "openblas_get_corename"));
  if (sgemmFn == nullptr || setThreadsFn == nullptr) loadError = "the loaded libopenblas lacks cblas_sgemm";
}

}  // namespace

void loadBlas() {
  std::call_once(loaded, open);
  if (!loadError.empty()) throw KernelError(loadError);
}

void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  sgemmFn(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
          static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta, c,
          static_cast<int>(ldc));
}

void setBlasThreads(int threads) {
  if (setThreadsFn != nullptr) setThreadsFn(threads);
}

std::string blasInfo() {
  if (configFn == nullptr) return "OpenBLAS not loaded";
  std::string info = configFn();
  if (coreNameFn != nullptr) info += std::string(" (core ") + coreNameFn() + ")";
  return info;
}

}  // namespace bertkit
