// Broadcast binary ops (see BroadcastArgs): out[idx] = a[idx·aStrides] op b[idx·bStrides].
// Axes are first simplified (size-1 axes dropped, axes contiguous in a, b and out merged), so the
// common cases (same layout; a bias row over a matrix; a mask over heads) become one long inner loop
// with unit or zero strides, which vectorises.
#include <vector>

#include "bindings.h"
#include "thread_pool.h"

namespace bertkit {
namespace {

enum Op { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

struct Layout {
  std::vector<int64_t> shape, sa, sb;
};

Layout simplify(const int32_t* dims, int64_t rank) {
  Layout l;
  for (int64_t d = 0; d < rank; d++) {
    const int64_t n = dims[d], sa = dims[rank + d], sb = dims[2 * rank + d];
    if (n == 1) continue;
    if (!l.shape.empty() && l.sa.back() == sa * n && l.sb.back() == sb * n) {
      l.shape.back() *= n;  // the previous axis steps over this whole axis in both inputs: merge
      l.sa.back() = sa;
      l.sb.back() = sb;
      continue;
    }
    l.shape.push_back(n);
    l.sa.push_back(sa);
    l.sb.push_back(sb);
  }
  if (l.shape.empty()) {
    l.shape.push_back(1);
    l.sa.push_back(0);
    l.sb.push_back(0);
  }
  return l;
}

template <int O>
inline float apply(float x, float y) {
  if constexpr (O == kAdd) return x + y;
  if constexpr (O == kSub) return x - y;
  if constexpr (O == kMul) return x * y;
  return x / y;
}

// One run of the innermost axis; the unit/zero-stride cases are separate loops so they vectorise.
template <int O>
inline void innerRun(const float* a, int64_t sa, const float* b, int64_t sb, float* out, int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t j = 0; j < n; j++) out[j] = apply<O>(a[j], b[j]);
  } else if (sa == 1 && sb == 0) {
    const float y = b[0];
    for (int64_t j = 0; j < n; j++) out[j] = apply<O>(a[j], y);
  } else if (sa == 0 && sb == 1) {
    const float x = a[0];
    for (int64_t j = 0; j < n; j++) out[j] = apply<O>(x, b[j]);
  } else {
    for (int64_t j = 0; j < n; j++) out[j] = apply<O>(a[j * sa], b[j * sb]);
  }
}

template <int O>
void run(const Layout& l, const float* a, const float* b, float* out) {
  const int64_t rank = static_cast<int64_t>(l.shape.size());
  const int64_t inner = l.shape[rank - 1];
  int64_t outer = 1;
  for (int64_t d = 0; d < rank - 1; d++) outer *= l.shape[d];
  parallelFor(outer, rowGrain(inner), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      // Offsets of outer row r, from its index digits (rank is small after simplification).
      int64_t rest = r, ao = 0, bo = 0;
      for (int64_t d = rank - 2; d >= 0; d--) {
        const int64_t i = rest % l.shape[d];
        rest /= l.shape[d];
        ao += i * l.sa[d];
        bo += i * l.sb[d];
      }
      innerRun<O>(a + ao, l.sa[rank - 1], b + bo, l.sb[rank - 1], out + r * inner, inner);
    }
  });
}

int64_t reach(const Layout& l, const std::vector<int64_t>& strides) {
  int64_t last = 0;
  for (size_t d = 0; d < l.shape.size(); d++) last += (l.shape[d] - 1) * strides[d];
  return last + 1;
}

}  // namespace

// dims = [outShape (rank), aStrides (rank), bStrides (rank)]
BERTKIT_BINDING(broadcastBinary, "(op: binary, a: f32, b: f32, out: f32, rank: number, dims: i32) => void") {
  const int64_t op = a.integer(0), rank = a.size(4);
  const int32_t* dims = a.i32(5, 3 * rank);
  int64_t size = 1;
  for (int64_t d = 0; d < rank; d++) {
    if (dims[d] < 0 || dims[rank + d] < 0 || dims[2 * rank + d] < 0) a.fail("negative shape or stride");
    size *= dims[d];
  }
  float* out = a.f32(3, size);
  if (size == 0) return;
  const Layout l = simplify(dims, rank);
  const float* x = a.f32(1, reach(l, l.sa));
  const float* y = a.f32(2, reach(l, l.sb));
  switch (op) {
    case kAdd: return run<kAdd>(l, x, y, out);
    case kSub: return run<kSub>(l, x, y, out);
    case kMul: return run<kMul>(l, x, y, out);
    case kDiv: return run<kDiv>(l, x, y, out);
    default: a.fail("unknown op " + std::to_string(op));
  }
}

}  // namespace bertkit
