// Unary activations, and the fused bias + activation epilogue of a Linear layer, with their backwards.
#include "activation_ops.h"
#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {
namespace {

constexpr int64_t kGrain = 1 << 14;  // transcendental ops cost ~10x a load, so split smaller ranges

// out = act(x + bias) on rows [r0, r1) of a (rows, cols) matrix; bias == nullptr means no bias.
template <int Op>
void forwardRows(const float* x, const float* bias, int64_t cols, float* out, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    int64_t j = 0;
    for (; j + 8 <= cols; j += 8) {
      __m256 v = _mm256_loadu_ps(xr + j);
      if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + j));
      _mm256_storeu_ps(o + j, activate<Op>(v));
    }
    if (j < cols) {
      __m256 v = loadTail(xr + j, cols - j);
      if (bias != nullptr) v = _mm256_add_ps(v, loadTail(bias + j, cols - j));
      storeTail(o + j, cols - j, activate<Op>(v));
    }
  }
}

// gx = gy · act'(x + bias) on rows [r0, r1) and columns [c0, c1); y = act(x + bias).
template <int Op>
void backwardBlock(const float* x, const float* bias, const float* y, const float* gy, int64_t cols, float* gx,
                   int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  for (int64_t r = r0; r < r1; r++) {
    const int64_t o = r * cols;
    int64_t j = c0;
    for (; j + 8 <= c1; j += 8) {
      __m256 v = _mm256_loadu_ps(x + o + j);
      if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + j));
      const __m256 yv = y != nullptr ? _mm256_loadu_ps(y + o + j) : v;
      _mm256_storeu_ps(gx + o + j, activateBackward<Op>(v, yv, _mm256_loadu_ps(gy + o + j)));
    }
    if (j < c1) {
      const int64_t n = c1 - j;
      __m256 v = loadTail(x + o + j, n);
      if (bias != nullptr) v = _mm256_add_ps(v, loadTail(bias + j, n));
      const __m256 yv = y != nullptr ? loadTail(y + o + j, n) : v;
      storeTail(gx + o + j, n, activateBackward<Op>(v, yv, loadTail(gy + o + j, n)));
    }
  }
}

}  // namespace

void biasActivationTile(int64_t op, float* c, int64_t ldc, const float* bias, int64_t rows, int64_t cols) {
  dispatchUnary(op, [&](auto tag) {
    for (int64_t r = 0; r < rows; r++) forwardRows<decltype(tag)::value>(c + r * ldc, bias, cols, c + r * ldc, 0, 1);
  });
}

void biasActivationRows(int64_t op, float* c, const float* bias, int64_t rows, int64_t cols) {
  dispatchUnary(op, [&](auto tag) {
    parallelFor(rows, (kGrain + cols) / (cols + 1), [&](int64_t r0, int64_t r1) {
      forwardRows<decltype(tag)::value>(c, bias, cols, c, r0, r1);
    });
  });
}

// out = act(x)
BERTKIT_BINDING(unary, "(op: unary, x: f32, out: f32) => void") {
  const int64_t op = a.integer(0), n = a.length(1);
  const float* x = a.f32(1, 0);
  float* out = a.f32(2, n);
  const bool known = dispatchUnary(op, [&](auto tag) {
    parallelFor(n, kGrain, [&](int64_t b, int64_t e) { forwardRows<decltype(tag)::value>(x + b, nullptr, e - b, out + b, 0, 1); });
  });
  if (!known) a.fail("unknown op " + std::to_string(op));
}

// gx = gy · act'(x), y = act(x) given
BERTKIT_BINDING(unaryBackward, "(op: unary, x: f32, y: f32, gy: f32, gx: f32) => void") {
  const int64_t op = a.integer(0), n = a.length(1);
  const float* x = a.f32(1, 0);
  const float* y = a.f32(2, n);
  const float* gy = a.f32(3, n);
  float* gx = a.f32(4, n);
  const bool known = dispatchUnary(op, [&](auto tag) {
    parallelFor(n, kGrain, [&](int64_t b, int64_t e) {
      backwardBlock<decltype(tag)::value>(x + b, nullptr, y + b, gy + b, e - b, gx + b, 0, 1, 0, e - b);
    });
  });
  if (!known) a.fail("unknown op " + std::to_string(op));
}

// out = act(x + bias), x (rows, cols), bias (cols)
BERTKIT_BINDING(biasActivation,
                "(op: unary, x: f32, bias: f32, rows: number, cols: number, out: f32) => void") {
  const int64_t op = a.integer(0), rows = a.size(3), cols = a.size(4);
  const float* x = a.f32(1, rows * cols);
  const float* bias = a.f32(2, cols);
  float* out = a.f32(5, rows * cols);
  const bool known = dispatchUnary(op, [&](auto tag) {
    parallelFor(rows, (kGrain + cols) / (cols + 1), [&](int64_t r0, int64_t r1) {
      forwardRows<decltype(tag)::value>(x, bias, cols, out, r0, r1);
    });
  });
  if (!known) a.fail("unknown op " + std::to_string(op));
}

// gx = gy · act'(x + bias); gBias += Σ_rows gx (out = act(x + bias), given).
// Split by column blocks, so each gBias entry is summed by one thread, in row order (deterministic).
BERTKIT_BINDING(biasActivationBackward,
                "(op: unary, x: f32, bias: f32, out: f32, gy: f32, rows: number, cols: number, gx: f32, "
                "gBias: f32) => void") {
  const int64_t op = a.integer(0), rows = a.size(5), cols = a.size(6);
  const int64_t n = rows * cols;
  const float* x = a.f32(1, n);
  const float* bias = a.f32(2, cols);
  const float* y = a.f32(3, n);
  const float* gy = a.f32(4, n);
  float* gx = a.f32(7, n);
  float* gBias = a.f32(8, cols);
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (cols + kBlock - 1) / kBlock;
  const bool known = dispatchUnary(op, [&](auto tag) {
    parallelFor(blocks, (kGrain + rows * kBlock) / (rows * kBlock + 1), [&](int64_t b0, int64_t b1) {
      const int64_t c0 = b0 * kBlock, c1 = b1 * kBlock < cols ? b1 * kBlock : cols;
      backwardBlock<decltype(tag)::value>(x, bias, y, gy, cols, gx, 0, rows, c0, c1);
      for (int64_t r = 0; r < rows; r++) {
        const float* g = gx + r * cols;
        for (int64_t j = c0; j < c1; j++) gBias[j] += g[j];
      }
    });
  });
  if (!known) a.fail("unknown op " + std::to_string(op));
}

}  // namespace bertkit
