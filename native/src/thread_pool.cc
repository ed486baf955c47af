#include "thread_pool.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "blas.h"

namespace bertkit {
namespace {

// Workers sleep on a condition variable between jobs. After a job they spin briefly first, because
// kernels come in quick succession during a forward pass and a futex wake-up costs several microseconds.
// Every job ends with all workers checked in (a barrier), so no worker can still be reading one job's
// fields when the next job overwrites them.
class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { work(); });
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int64_t tasks, const std::function<void(int64_t)>& fn) {
    job_ = &fn;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    finished_.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    drain();
    const int workers = static_cast<int>(workers_.size());
    while (finished_.load(std::memory_order_acquire) < workers) __builtin_ia32_pause();
  }

 private:
  void drain() {
    for (;;) {
      const int64_t t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks_) return;
      (*job_)(t);
    }
  }

  // Waits for a generation other than `seen`: spins up to ~30 µs, then sleeps.
  uint64_t awaitJob(uint64_t seen) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
    for (int i = 0;; i++) {
      const uint64_t g = generation_.load(std::memory_order_acquire);
      if (g != seen) return g;
      __builtin_ia32_pause();
      if ((i & 31) == 31 && std::chrono::steady_clock::now() > deadline) break;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    return generation_.load(std::memory_order_acquire);
  }

  void work() {
    uint64_t seen = 0;
    for (;;) {
      seen = awaitJob(seen);
      if (stop_) return;
      drain();
      finished_.fetch_add(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  bool stop_ = false;
  // The current job; written by run() before the generation bump that publishes it.
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int> finished_{0};
};

int cpusAvailable() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

int initialThreads() {
  if (const char* env = std::getenv("BERTKIT_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return cpusAvailable();
}

std::mutex runMutex;  // one job at a time: worker_threads may share the pool
Pool* pool = nullptr;  // never destroyed: joining threads during process teardown can hang
std::atomic<int> threads{0};

Pool& thePool() {
  if (pool == nullptr) {
    const int n = initialThreads();
    pool = new Pool(n);
    threads.store(n);
    setBlasThreads(n);
  }
  return *pool;
}

}  // namespace

int threadCount() {
  int n = threads.load(std::memory_order_relaxed);
  if (n == 0) {
    std::lock_guard<std::mutex> lock(runMutex);
    n = thePool().size();
  }
  return n;
}

void setThreadCount(int n) {
  if (n < 1) n = 1;
  std::lock_guard<std::mutex> lock(runMutex);
  thePool();
  if (pool->size() != n) {
    delete pool;
    pool = new Pool(n);
  }
  threads.store(n);
  setBlasThreads(n);
}

void runTasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  std::lock_guard<std::mutex> lock(runMutex);
  thePool().run(tasks, fn);
}

}  // namespace bertkit
