// LayerNorm over the last axis (biased variance, as PyTorch), the fused residual-add variant, and the
// backward. Row statistics are accumulated in double.
#include <cmath>
#include <vector>

#include "bindings.h"
#include "row_ops.h"
#include "thread_pool.h"

namespace bertkit {
namespace {

void normalizeRow(const float* x, const float* gamma, const float* beta, int64_t cols, float eps, float* out,
                  float* mean, float* rstd) {
  const double mu = rowSum(x, cols) / static_cast<double>(cols);
  double var = 0;
#pragma omp simd reduction(+ : var)
  for (int64_t j = 0; j < cols; j++) {
    const double d = x[j] - mu;
    var += d * d;
  }
  const double rs = 1.0 / std::sqrt(var / static_cast<double>(cols) + eps);
  *mean = static_cast<float>(mu);
  *rstd = static_cast<float>(rs);
  const float m = static_cast<float>(mu), r = static_cast<float>(rs);
  for (int64_t j = 0; j < cols; j++) out[j] = (x[j] - m) * r * gamma[j] + beta[j];
}

// One row of the backward's elementwise part: x̂ and g = gy·γ into buffers, and the row's share of the
// gGamma/gBeta sums. __restrict: with this many pointers GCC would not vectorise behind alias checks.
void backwardRowParts(const float* __restrict xr, const float* __restrict gr, const float* __restrict gamma, float mu,
                      float rs, int64_t cols, float* __restrict xh, float* __restrict g, float* __restrict pg,
                      float* __restrict pb) {
  for (int64_t j = 0; j < cols; j++) {
    xh[j] = (xr[j] - mu) * rs;
    g[j] = gr[j] * gamma[j];
    pg[j] += gr[j] * xh[j];
    pb[j] += gr[j];
  }
}

}  // namespace

// out = LayerNorm(x) over rows of cols; writes each row's mean and 1/σ for the backward.
BERTKIT_BINDING(layerNorm,
                "(x: f32, gamma: f32, beta: f32, rows: number, cols: number, eps: number, out: f32, mean: f32, "
                "rstd: f32) => void") {
  const int64_t rows = a.size(3), cols = a.size(4);
  const float eps = static_cast<float>(a.number(5));
  const float* x = a.f32(0, rows * cols);
  const float* gamma = a.f32(1, cols);
  const float* beta = a.f32(2, cols);
  float* out = a.f32(6, rows * cols);
  float* mean = a.f32(7, rows);
  float* rstd = a.f32(8, rows);
  parallelFor(rows, rowGrain(cols, 4), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      normalizeRow(x + r * cols, gamma, beta, cols, eps, out + r * cols, mean + r, rstd + r);
    }
  });
}

// sum = x + residual; out = LayerNorm(sum)
BERTKIT_BINDING(addLayerNorm,
                "(x: f32, residual: f32, gamma: f32, beta: f32, rows: number, cols: number, eps: number, out: f32, "
                "sum: f32, mean: f32, rstd: f32) => void") {
  const int64_t rows = a.size(4), cols = a.size(5);
  const float eps = static_cast<float>(a.number(6));
  const float* x = a.f32(0, rows * cols);
  const float* residual = a.f32(1, rows * cols);
  const float* gamma = a.f32(2, cols);
  const float* beta = a.f32(3, cols);
  float* out = a.f32(7, rows * cols);
  float* sum = a.f32(8, rows * cols);
  float* mean = a.f32(9, rows);
  float* rstd = a.f32(10, rows);
  parallelFor(rows, rowGrain(cols, 4), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r * cols;
      for (int64_t j = 0; j < cols; j++) sum[o + j] = x[o + j] + residual[o + j];
      normalizeRow(sum + o, gamma, beta, cols, eps, out + o, mean + r, rstd + r);
    }
  });
}

// With x̂ = (x − μ)·rstd and g = gy·γ:
// gx = rstd · (g − mean(g) − x̂ · mean(g·x̂)); gGamma += Σ gy·x̂, gBeta += Σ gy over rows. Each task
// sums its rows' gGamma/gBeta into its own buffer; the buffers are added in task order. Every loop is
// a plain elementwise loop or a row_ops reduction, so that all of it vectorises.
BERTKIT_BINDING(layerNormBackward,
                "(x: f32, gamma: f32, mean: f32, rstd: f32, gy: f32, rows: number, cols: number, gx: f32, "
                "gGamma: f32, gBeta: f32) => void") {
  const int64_t rows = a.size(5), cols = a.size(6);
  const float* x = a.f32(0, rows * cols);
  const float* gamma = a.f32(1, cols);
  const float* mean = a.f32(2, rows);
  const float* rstd = a.f32(3, rows);
  const float* gy = a.f32(4, rows * cols);
  float* gx = a.f32(7, rows * cols);
  float* gGamma = a.f32(8, cols);
  float* gBeta = a.f32(9, cols);
  const int64_t grain = rowGrain(cols, 6);
  int64_t tasks = rows / grain;
  if (tasks > threadCount()) tasks = threadCount();
  if (tasks < 1) tasks = 1;
  // Per task: gGamma and gBeta partial sums, then x̂ and g of the current row.
  std::vector<float> buffers(static_cast<size_t>(tasks * 4 * cols), 0.0f);
  auto work = [&](int64_t t) {
    float* pg = buffers.data() + t * 4 * cols;
    float* pb = pg + cols;
    float* xh = pb + cols;
    float* g = xh + cols;
    for (int64_t r = rows * t / tasks; r < rows * (t + 1) / tasks; r++) {
      const float* xr = x + r * cols;
      const float* gr = gy + r * cols;
      const float mu = mean[r], rs = rstd[r];
      backwardRowParts(xr, gr, gamma, mu, rs, cols, xh, g, pg, pb);
      const float meanG = static_cast<float>(rowSum(g, cols) / cols);
      const float meanGX = static_cast<float>(rowDot(g, xh, cols) / cols);
      float* o = gx + r * cols;
      for (int64_t j = 0; j < cols; j++) o[j] = rs * (g[j] - meanG - xh[j] * meanGX);
    }
  };
  if (tasks == 1) {
    work(0);
  } else {
    runTasks(tasks, work);
  }
  for (int64_t t = 0; t < tasks; t++) {
    const float* p = buffers.data() + t * 4 * cols;
    for (int64_t j = 0; j < cols; j++) {
      gGamma[j] += p[j];
      gBeta[j] += p[cols + j];
    }
  }
}

}  // namespace bertkit
