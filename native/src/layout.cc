// Data movement: axis permutation and strided block copies (slices, concatenation).
#include <vector>

#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {

// dims = [shape (rank), perm (rank)]; out has shape[perm[i]] on axis i.
// Output axes that stay adjacent in x are merged, so (B, T, H, D) → (B, H, T, D) copies runs of D floats.
BERTKIT_BINDING(permute, "(x: f32, out: f32, rank: number, dims: i32) => void") {
  const int64_t rank = a.size(2);
  const int32_t* dims = a.i32(3, 2 * rank);
  std::vector<int64_t> inStride(static_cast<size_t>(rank));
  int64_t size = 1;
  for (int64_t d = rank - 1; d >= 0; d--) {
    if (dims[d] < 0) a.fail("negative shape");
    inStride[d] = size;
    size *= dims[d];
  }
  const float* x = a.f32(0, size);
  float* out = a.f32(1, size);
  if (size == 0) return;
  std::vector<int64_t> shape, stride;  // output axes (size-1 dropped, mergeable merged), with input strides
  for (int64_t i = 0; i < rank; i++) {
    const int64_t p = dims[rank + i];
    if (p < 0 || p >= rank) a.fail("bad permutation");
    const int64_t n = dims[p];
    if (n == 1) continue;
    if (!shape.empty() && stride.back() == inStride[p] * n) {
      shape.back() *= n;
      stride.back() = inStride[p];
    } else {
      shape.push_back(n);
      stride.push_back(inStride[p]);
    }
  }
  if (shape.empty()) {
    out[0] = x[0];
    return;
  }
  const int64_t r = static_cast<int64_t>(shape.size());
  const int64_t inner = shape[r - 1], step = stride[r - 1];
  const int64_t outer = size / inner;
  parallelFor(outer, rowGrain(inner), [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; o++) {
      int64_t rest = o, src = 0;
      for (int64_t d = r - 2; d >= 0; d--) {
        src += (rest % shape[d]) * stride[d];
        rest /= shape[d];
      }
      float* dst = out + o * inner;
      if (step == 1) {
        for (int64_t j = 0; j < inner; j++) dst[j] = x[src + j];
      } else {
        for (int64_t j = 0; j < inner; j++) dst[j] = x[src + j * step];
      }
    }
  });
}

// dst[dstOff + r·dstStride + j] (+)= src[srcOff + r·srcStride + j] for r < rows, j < len
BERTKIT_BINDING(copyBlocks,
                "(src: f32, srcOff: number, srcStride: number, dst: f32, dstOff: number, dstStride: number, "
                "rows: number, len: number, accumulate: boolean) => void") {
  const int64_t srcOff = a.size(1), srcStride = a.size(2), dstOff = a.size(4), dstStride = a.size(5);
  const int64_t rows = a.size(6), len = a.size(7);
  const bool acc = a.boolean(8);
  if (rows == 0 || len == 0) return;
  const float* src = a.f32(0, srcOff + (rows - 1) * srcStride + len);
  float* dst = a.f32(3, dstOff + (rows - 1) * dstStride + len);
  parallelFor(rows, rowGrain(len), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* s = src + srcOff + r * srcStride;
      float* d = dst + dstOff + r * dstStride;
      if (acc) {
        for (int64_t j = 0; j < len; j++) d[j] += s[j];
      } else {
        for (int64_t j = 0; j < len; j++) d[j] = s[j];
      }
    }
  });
}

}  // namespace bertkit
