# The native CPU backend (float32). Built by `npm run build:native` (node-gyp); see native/README.md.
# Each kernel binding registers itself (BERTKIT_BINDING, src/bindings.h): a new kernel file goes in `sources`.
{
  "targets": [
    {
      "target_name": "bertkit_native",
      "sources": [
        "src/addon.cc",
        "src/napi_args.cc",
        "src/signature.cc",
        "src/thread_pool.cc",
        "src/blas.cc",
        "src/gemm.cc",
        "src/gemm_avx512.cc",
        "src/gemm_int8.cc",
        "src/gemm_int8_avx512.cc",
        "src/gemm_bf16.cc",
        "src/gemm_bf16_avx512.cc",
        "src/elementwise.cc",
        "src/broadcast.cc",
        "src/activations.cc",
        "src/softmax.cc",
        "src/layer_norm.cc",
        "src/embedding.cc",
        "src/losses.cc",
        "src/attention_common.cc",
        "src/attention.cc",
        "src/attention_backward.cc",
        "src/small_gemm.cc",
        "src/optimizer.cc",
        "src/dropout.cc",
        "src/layout.cc"
      ],
      # node's common.gypi turns exceptions off; the argument checks report errors by throwing. C++20 for
      # designated initialisers (GemmView{.m = …}). Hidden visibility: nothing but the module's entry point is
      # exported, so two builds of the addon in one process (bench/ab.ts) share no symbol (not even an inline
      # function's static, which GCC would otherwise make process-wide).
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      # x86-64-v3 (AVX2 + FMA) is the baseline; -fopenmp-simd only honours `#pragma omp simd` (no OpenMP runtime).
      # -ffp-contract=off: no implicit a·b + c fusing, so plain expressions round as the reference's do
      # (a fused gy·γ − mean(gy·γ) in the LayerNorm backward leaves a rounding residue where the reference
      # gets 0); FMAs where wanted are written as intrinsics.
      "cflags_cc": ["-std=c++20", "-fexceptions", "-fvisibility=hidden", "-O3", "-march=x86-64-v3", "-fopenmp-simd", "-ffp-contract=off", "-Wall", "-Wextra"],
      # libmvec: glibc's vectorised expf/tanhf/logf. OpenBLAS is opened at run time (see src/blas.cc), so it is not linked.
      "libraries": ["-lmvec", "-ldl", "-lpthread"]
    }
  ]
}
