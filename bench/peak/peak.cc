// The arithmetic peak of one instruction on this CPU: a loop of 24 independent AVX-512 multiply-adds on registers
// only (no memory), on 1..N threads at once. What the GEMM micro-kernels are measured against (their "% of peak"):
// vfmadd231ps (float32, 32 flops per instruction), vdpbf16ps (bf16, 64), vpdpbusd (uint8 × int8, 128 ops).
// The loops are inline assembly so that the compiler cannot spill accumulators (its intrinsics version did).
//
//   bash bench/peak/run.sh [THREADS]     (builds with g++ -march=native; needs AVX-512 VNNI and BF16)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

// float32 FMA: 24 independent accumulators (zmm8–zmm31), so only throughput limits the loop.
__attribute__((noinline)) void fmaLoop(long iterations) {
  asm volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
      "vpxord %%zmm1, %%zmm1, %%zmm1\n\t"
      "1:\n\t"
      "vfmadd231ps %%zmm1, %%zmm0, %%zmm8\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm9\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm10\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm11\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm12\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm13\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm14\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm15\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm16\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm17\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm18\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm19\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm20\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm21\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm22\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm23\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm24\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm25\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm26\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm27\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm28\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm29\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm30\n\tvfmadd231ps %%zmm1, %%zmm0, %%zmm31\n\t"
      "dec %0\n\t"
      "jnz 1b\n\t"
      : "+r"(iterations)
      :
      : "memory", "zmm0", "zmm1", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27", "zmm28", "zmm29", "zmm30", "zmm31");
}

// bf16 pair dot products: 24 independent accumulators (zmm8–zmm31), so only throughput limits the loop.
__attribute__((noinline)) void bf16Loop(long iterations) {
  asm volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
      "vpxord %%zmm1, %%zmm1, %%zmm1\n\t"
      "1:\n\t"
      "vdpbf16ps %%zmm1, %%zmm0, %%zmm8\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm9\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm10\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm11\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm12\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm13\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm14\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm15\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm16\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm17\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm18\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm19\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm20\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm21\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm22\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm23\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm24\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm25\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm26\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm27\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm28\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm29\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm30\n\tvdpbf16ps %%zmm1, %%zmm0, %%zmm31\n\t"
      "dec %0\n\t"
      "jnz 1b\n\t"
      : "+r"(iterations)
      :
      : "memory", "zmm0", "zmm1", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27", "zmm28", "zmm29", "zmm30", "zmm31");
}

// uint8 × int8 quad dot products: 24 independent accumulators (zmm8–zmm31), so only throughput limits the loop.
__attribute__((noinline)) void int8Loop(long iterations) {
  asm volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
      "vpxord %%zmm1, %%zmm1, %%zmm1\n\t"
      "1:\n\t"
      "vpdpbusd %%zmm1, %%zmm0, %%zmm8\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm9\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm10\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm11\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm12\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm13\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm14\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm15\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm16\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm17\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm18\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm19\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm20\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm21\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm22\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm23\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm24\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm25\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm26\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm27\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm28\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm29\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm30\n\tvpdpbusd %%zmm1, %%zmm0, %%zmm31\n\t"
      "dec %0\n\t"
      "jnz 1b\n\t"
      : "+r"(iterations)
      :
      : "memory", "zmm0", "zmm1", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27", "zmm28", "zmm29", "zmm30", "zmm31");
}

constexpr long kIterations = 20000000;
constexpr int kAccumulators = 24;

// Operations per second (×1e9) of `threads` threads each running loop(kIterations) at once.
double rate(void (*loop)(long), int threads, double opsPerInstruction) {
  std::vector<std::thread> pool;
  const auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; t++) pool.emplace_back([loop] { loop(kIterations); });
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return threads * kIterations * kAccumulators * opsPerInstruction / seconds / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const int maxThreads = argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  std::printf("| threads | fp32 vfmadd231ps GFLOP/s | bf16 vdpbf16ps GFLOP/s | int8 vpdpbusd GOP/s |\n|---:|---:|---:|---:|\n");
  for (int threads = 1; threads <= maxThreads; threads++) {
    double best[3] = {0, 0, 0};
    for (int round = 0; round < 3; round++) {  // best of three: the host's slow spells are not the CPU's peak
      const double r[3] = {rate(fmaLoop, threads, 32), rate(bf16Loop, threads, 64), rate(int8Loop, threads, 128)};
      for (int i = 0; i < 3; i++) best[i] = r[i] > best[i] ? r[i] : best[i];
    }
    std::printf("| %d | %.0f | %.0f | %.0f |\n", threads, best[0], best[1], best[2]);
  }
}
