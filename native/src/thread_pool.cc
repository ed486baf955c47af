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
#include "gemm_avx512.h"

namespace bertkit {
namespace {

// Workers sleep on a condition variable between jobs. After a job they spin briefly first, because
// kernels come in quick succession during a forward pass and a futex wake-up costs several microseconds.
//
// The caller takes tasks too and returns as soon as every task is done: it never waits for a worker
// that has not woken up (on a busy machine a descheduled worker would otherwise stall every kernel for
// a scheduler time slice). So a worker may wake late and must not run a stale job: the generation is
// odd while run() rewrites the job, and a worker announces itself in `active_` and then re-checks the
// generation before touching the job (seq_cst on both sides, as in Dekker's algorithm). run() waits for
// `active_` to drain before rewriting the job fields.
class Pool {
 public:
  // How long an idle worker spins before it sleeps. Between two kernels of a forward pass the JavaScript
  // side runs for tens of microseconds, often more; a worker asleep by then wakes (futex, and on a VM a
  // halted vCPU) only after the caller has done much of the next GEMM alone: BERT-mini's forward took 1.5×
  // as long with a 30 µs spin as with 2 ms. When OpenBLAS runs the GEMMs (no AVX-512), its own threads need
  // the cores, so the workers spin only briefly.
  static int64_t spinMicros() { return gemmAvx512Supported() ? 2000 : 30; }

  explicit Pool(int threads) : spinMicros_(spinMicros()) {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { work(); });
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_ += 2;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Idle workers stop spinning and sleep until the next job (see parkThreads).
  void park() { parked_.store(true, std::memory_order_relaxed); }

  void run(int64_t tasks, const std::function<void(int64_t)>& fn) {
    parked_.store(false, std::memory_order_relaxed);
    generation_.fetch_add(1);  // odd: the job is being rewritten
    while (active_.load() != 0) __builtin_ia32_pause();
    job_ = &fn;
    tasks_ = tasks;
    next_.store(0);
    done_.store(0);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1);  // even: published
    }
    wake_.notify_all();
    drain();
    while (done_.load(std::memory_order_acquire) < tasks) __builtin_ia32_pause();
  }

 private:
  void drain() {
    for (;;) {
      const int64_t t = next_.fetch_add(1);
      if (t >= tasks_) return;
      (*job_)(t);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  // Waits for a published generation other than `seen`: spins a while (spinMicros_), then sleeps.
  uint64_t awaitJob(uint64_t seen) {
    auto ready = [&](uint64_t g) { return g != seen && (g & 1) == 0; };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(spinMicros_);
    for (int i = 0;; i++) {
      const uint64_t g = generation_.load();
      if (ready(g)) return g;
      __builtin_ia32_pause();
      if ((i & 31) == 31 && (parked_.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() > deadline)) break;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return ready(generation_.load()); });
    return generation_.load();
  }

  void work() {
    uint64_t seen = 0;
    for (;;) {
      const uint64_t g = awaitJob(seen);
      if (stop_) return;
      active_.fetch_add(1);
      if (generation_.load() == g) {  // still the job we woke for: its fields are stable until active_ drops
        drain();
        seen = g;
      }
      active_.fetch_sub(1);
    }
  }

  const int64_t spinMicros_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> parked_{false};  // set by park(), cleared by run()
  std::atomic<int> active_{0};
  // The current job, written by run() while the generation is odd and no worker is active.
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> done_{0};
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

void parkThreads() {
  std::lock_guard<std::mutex> lock(runMutex);
  thePool().park();
}

void runTasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  std::lock_guard<std::mutex> lock(runMutex);
  thePool().run(tasks, fn);
}

}  // namespace bertkit
