// AdamW (decoupled weight decay, bias-corrected, as torch.optim.AdamW) and Σx² for gradient clipping.
#include <cmath>
#include <vector>

#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {

// One AdamW step in place on param, m and v (see AdamWArgs).
BERTKIT_BINDING(adamw,
                "(param: f32, grad: f32, m: f32, v: f32, lr: number, beta1: number, beta2: number, eps: number, "
                "weightDecay: number, step: number, gradScale: number) => void") {
  const int64_t n = a.length(0);
  float* param = a.f32(0, 0);
  const float* grad = a.f32(1, n);
  float* m = a.f32(2, n);
  float* v = a.f32(3, n);
  const double lr = a.number(4), beta1 = a.number(5), beta2 = a.number(6), eps = a.number(7);
  const double weightDecay = a.number(8), step = a.number(9), gradScale = a.number(10);
  // The per-step constants in double, as the reference; the per-element update in float.
  const float stepSize = static_cast<float>(lr / (1 - std::pow(beta1, step)));
  const float invSqrtBc2 = static_cast<float>(1 / std::sqrt(1 - std::pow(beta2, step)));
  const float decay = static_cast<float>(1 - lr * weightDecay);
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float c1 = static_cast<float>(1 - beta1), c2 = static_cast<float>(1 - beta2);
  const float e = static_cast<float>(eps), gs = static_cast<float>(gradScale);
  parallelFor(n, 1 << 14, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const float g = grad[i] * gs;
      const float mi = b1 * m[i] + c1 * g;
      const float vi = b2 * v[i] + c2 * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = param[i] * decay - stepSize * (mi / (std::sqrt(vi) * invSqrtBc2 + e));
    }
  });
}

// Σ x², in double; per-task partial sums are added in task order (deterministic).
BERTKIT_BINDING(sumSquares, "(x: f32) => number") {
  const int64_t n = a.length(0);
  const float* x = a.f32(0, 0);
  constexpr int64_t kGrain = 1 << 16;
  int64_t tasks = n / kGrain;
  if (tasks > threadCount()) tasks = threadCount();
  if (tasks < 1) tasks = 1;
  std::vector<double> partial(static_cast<size_t>(tasks), 0.0);
  auto work = [&](int64_t t) {
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = n * t / tasks; i < n * (t + 1) / tasks; i++) s += static_cast<double>(x[i]) * x[i];
    partial[t] = s;
  };
  if (tasks == 1) {
    work(0);
  } else {
    runTasks(tasks, work);
  }
  double total = 0;
  for (double p : partial) total += p;
  a.returnNumber(total);
}

}  // namespace bertkit
