// What the CPU running the addon can do, checked once. Each kernel chooses its own code path from these
// facts; the GEMM adds BERTKIT_GEMM=blas on top (gemmAvx512Supported in gemm_avx512.h), which concerns the
// GEMM alone.
#pragma once

// On a function: compile it for AVX-512 (F, DQ, BW, VL) while the rest of the addon targets x86-64-v3.
// Call such functions only when cpuHasAvx512() says the CPU has it.
#define BERTKIT_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
// The same plus the int8 dot product (vpdpbusd) and the bfloat16 one (vdpbf16ps), for the low-precision GEMMs
// (gemm_int8*.cc, gemm_bf16*.cc). Their fallback kernels (vpmaddwd, widening FMA) are compiled with these
// targets too, as instantiations of one template; that they contain no VNNI or BF16 instruction was checked
// with objdump (native/README.md, "Design").
#define BERTKIT_AVX512_VNNI __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512vnni")))
#define BERTKIT_AVX512_BF16 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512bf16")))

namespace bertkit {

// AVX-512 F, DQ, BW and VL: everything a BERTKIT_AVX512 function may use.
inline bool cpuHasAvx512() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  }();
  return has;
}

// AVX-512 VNNI (vpdpbusd) on top of cpuHasAvx512().
inline bool cpuHasAvx512Vnni() {
  static const bool has = [] {
    __builtin_cpu_init();
    return cpuHasAvx512() && __builtin_cpu_supports("avx512vnni");
  }();
  return has;
}

// AVX-512 BF16 (vdpbf16ps) on top of cpuHasAvx512().
inline bool cpuHasAvx512Bf16() {
  static const bool has = [] {
    __builtin_cpu_init();
    return cpuHasAvx512() && __builtin_cpu_supports("avx512bf16");
  }();
  return has;
}

// AVX2 and FMA: the addon's baseline (x86-64-v3).
inline bool cpuHasAvx2Fma() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
}

}  // namespace bertkit
