// Elementwise kernels: scalar affine, accumulation, and sums over one axis.
#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {

constexpr int64_t kElementGrain = 1 << 15;

// out = a · alpha + beta
BERTKIT_BINDING(affineScalar, "(a: f32, alpha: number, beta: number, out: f32) => void") {
  const int64_t n = a.length(0);
  const float* x = a.f32(0, 0);
  const float alpha = static_cast<float>(a.number(1)), beta = static_cast<float>(a.number(2));
  float* out = a.f32(3, n);
  parallelFor(n, kElementGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) out[i] = x[i] * alpha + beta;
  });
}

// dst += src
BERTKIT_BINDING(accumulate, "(dst: f32, src: f32) => void") {
  const int64_t n = a.length(0);
  float* dst = a.f32(0, 0);
  const float* src = a.f32(1, n);
  parallelFor(n, kElementGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) dst[i] += src[i];
  });
}

// Sums src (outer, axis, inner) over the middle axis into out (outer, inner) for outer rows [o0, o1)
// and inner columns [i0, i1). Adds row by row in axis order, as the reference does.
static void sumAxisBlock(const float* src, int64_t axis, int64_t inner, float* out, int64_t o0, int64_t o1, int64_t i0,
                         int64_t i1) {
  for (int64_t o = o0; o < o1; o++) {
    float* d = out + o * inner;
    for (int64_t i = i0; i < i1; i++) d[i] = 0;
    for (int64_t r = 0; r < axis; r++) {
      const float* s = src + (o * axis + r) * inner;
      for (int64_t i = i0; i < i1; i++) d[i] += s[i];
    }
  }
}

// out (outer, inner) = Σ over the middle axis of src (outer, axis, inner)
BERTKIT_BINDING(sumAxis, "(src: f32, outer: number, axis: number, inner: number, out: f32) => void") {
  const int64_t outer = a.size(1), axis = a.size(2), inner = a.size(3);
  const float* src = a.f32(0, outer * axis * inner);
  float* out = a.f32(4, outer * inner);
  const int64_t work = axis * inner;  // per outer row
  if (outer >= threadCount() || inner < 64) {
    parallelFor(outer, rowGrain(work), [&](int64_t o0, int64_t o1) { sumAxisBlock(src, axis, inner, out, o0, o1, 0, inner); });
  } else {
    // Few outer rows (a bias gradient: outer = 1): split the columns instead, in blocks of 16 floats.
    const int64_t blocks = (inner + 15) / 16;
    parallelFor(blocks, rowGrain(16 * axis * outer), [&](int64_t b0, int64_t b1) {
      const int64_t i1 = b1 * 16 < inner ? b1 * 16 : inner;
      sumAxisBlock(src, axis, inner, out, 0, outer, b0 * 16, i1);
    });
  }
}

}  // namespace bertkit
