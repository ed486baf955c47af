// A small persistent thread pool shared by every kernel except GEMM (OpenBLAS keeps its own threads).
// One pool per process (the addon may be loaded by several worker threads); calls are serialised.
#pragma once
#include <cstdint>
#include <functional>

namespace bertkit {

// Number of threads kernels use (the calling thread included). Set from BERTKIT_THREADS, else all cores.
int threadCount();
// Resizes the pool and OpenBLAS's thread count together.
void setThreadCount(int threads);

// Tells the idle workers to sleep now instead of spinning for the next job (which otherwise they do for a
// while after each job, as kernels come in quick succession). For a caller that knows a pause is coming, such as
// a server between batches, whose other threads need the cores meanwhile. The next job wakes them.
void parkThreads();

// Runs fn(task) for every task in [0, tasks), spread over the pool; returns when all are done.
void runTasks(int64_t tasks, const std::function<void(int64_t)>& fn);

// Splits [0, n) into at most threadCount() contiguous ranges of at least `grain` items and runs
// fn(begin, end) on each. Runs inline (no thread hand-off) when the work is too small to be worth it.
template <typename F>
void parallelFor(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  int64_t chunks = grain > 0 ? n / grain : n;
  const int64_t threads = threadCount();
  if (chunks > threads) chunks = threads;
  if (chunks <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  runTasks(chunks, [&](int64_t c) { fn(n * c / chunks, n * (c + 1) / chunks); });
}

// Rows of `cols` floats per task so that one task touches at least ~32K floats: below that, waking a
// thread (a few microseconds) costs more than it saves.
inline int64_t rowGrain(int64_t cols, int64_t workPerElement = 1) {
  const int64_t perRow = cols * workPerElement;
  const int64_t target = 32768;
  return perRow >= target ? 1 : (target + perRow - 1) / (perRow > 0 ? perRow : 1);
}

}  // namespace bertkit
