// Embedding lookup and its backward (a scatter-add into the table's gradient).
#include <string>

#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {

// Ids index rows of a table with `tableRows` rows; an id out of range would read or write outside it.
static void checkIds(Args& a, const int32_t* ids, int64_t n, int64_t tableRows) {
  for (int64_t i = 0; i < n; i++) {
    if (ids[i] < 0 || ids[i] >= tableRows) {
      a.fail("id " + std::to_string(ids[i]) + " at position " + std::to_string(i) + " is outside the table's " +
             std::to_string(tableRows) + " rows");
    }
  }
}

// out[i, :] = table[ids[i], :]
BERTKIT_BINDING(gather, "(table: f32, dim: number, ids: i32, out: f32) => void") {
  const int64_t dim = a.size(1), n = a.length(2);
  const float* table = a.f32(0, 0);
  const int64_t tableRows = dim == 0 ? 0 : a.length(0) / dim;
  const int32_t* ids = a.i32(2, n);
  float* out = a.f32(3, n * dim);
  if (dim == 0) return;
  checkIds(a, ids, n, tableRows);
  parallelFor(n, rowGrain(dim), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const float* src = table + static_cast<int64_t>(ids[i]) * dim;
      float* dst = out + i * dim;
      for (int64_t j = 0; j < dim; j++) dst[j] = src[j];
    }
  });
}

// gTable[ids[i], :] += gOut[i, :]. Repeated ids make rows collide, so the
// threads split the columns instead of the ids; each entry is then summed in id order, as the reference.
BERTKIT_BINDING(scatterAdd, "(gOut: f32, dim: number, ids: i32, gTable: f32) => void") {
  const int64_t dim = a.size(1), n = a.length(2);
  const float* gOut = a.f32(0, n * dim);
  const int32_t* ids = a.i32(2, n);
  float* gTable = a.f32(3, 0);
  if (dim == 0) return;
  checkIds(a, ids, n, a.length(3) / dim);
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (dim + kBlock - 1) / kBlock;
  parallelFor(blocks, rowGrain(n * kBlock), [&](int64_t b0, int64_t b1) {
    const int64_t c0 = b0 * kBlock, c1 = b1 * kBlock < dim ? b1 * kBlock : dim;
    for (int64_t i = 0; i < n; i++) {
      float* dst = gTable + static_cast<int64_t>(ids[i]) * dim;
      const float* src = gOut + i * dim;
      for (int64_t j = c0; j < c1; j++) dst[j] += src[j];
    }
  });
}

}  // namespace bertkit
