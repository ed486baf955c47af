#include "attention_common.h"

#include <string>

#include "avx512_util.h"
#include "cpu_features.h"
#include "small_gemm.h"

namespace bertkit {

Attention::Attention(Args& a, int64_t rowStride)
    : B(a.size(0)), T(a.size(1)), H(a.size(2)), D(a.size(3)), C(H * D), scale(static_cast<float>(a.number(4))),
      ld(rowStride == 0 ? C : rowStride) {
  if (ld < C) a.fail("the q, k, v row stride " + std::to_string(ld) + " is below heads × headSize = " + std::to_string(C));
  // The last row needs only C floats: k and v may be views that start C and 2C floats into a (B, T, 3C) array.
  const int64_t rows = B * T, extent = rows == 0 ? 0 : (rows - 1) * ld + C, bhtt = B * H * T * T;
  q = a.f32(5, extent);
  k = a.f32(6, extent);
  v = a.f32(7, extent);
  keyMask = a.isNullish(8) ? nullptr : a.i32(8, B * T);
  lengths = a.i32(9, B);
  causal = a.boolean(10);
  dropMask = a.f32OrNull(11, bhtt);
  probs = a.f32OrNull(12, bhtt);
  for (int64_t b = 0; b < B; b++) {
    if (lengths[b] < 0 || lengths[b] > T) {
      a.fail("lengths[" + std::to_string(b) + "] = " + std::to_string(lengths[b]) + " is outside [0, " +
             std::to_string(T) + "]");
    }
  }
}

int64_t Attention::keys(int64_t b) const {
  int64_t end = T;
  if (keyMask != nullptr) {
    while (end > 0 && keyMask[b * T + end - 1] == 0) end--;
  }
  if (causal && end > lengths[b]) end = lengths[b];
  return end;
}

float* scratch(int slot, int64_t size) {
  thread_local std::vector<float> buffers[8];
  std::vector<float>& buf = buffers[slot];
  if (static_cast<int64_t>(buf.size()) < size) buf.resize(static_cast<size_t>(size));
  return buf.data();
}

const float* packHead(const float* head, int64_t C, int64_t rows, int64_t D, int slot) {
  const int64_t ld = roundUp8(D);
  float* buf = scratch(slot, rows * ld);
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t d = 0; d < D; d++) buf[r * ld + d] = head[r * C + d];
    for (int64_t d = D; d < ld; d++) buf[r * ld + d] = 0.0f;
  }
  return buf;
}

namespace {

// packHeadTransposed with 16 × 16 register transposes, reading the head in place.
BERTKIT_AVX512 float* packHeadTransposed512(const float* head, int64_t C, int64_t rows, int64_t D, int slot) {
  const int64_t rp = roundUp8(rows);
  float* t = scratch(slot, D * rp);
  for (int64_t r0 = 0; r0 < rp; r0 += 16) {
    const __mmask16 columns = firstN(rp - r0);  // of t: 8 or 16
    for (int64_t d0 = 0; d0 < D; d0 += 16) {
      const __mmask16 dm = firstN(D - d0);
      __m512 v[16];
      for (int64_t i = 0; i < 16; i++) {
        v[i] = r0 + i < rows ? _mm512_maskz_loadu_ps(dm, head + (r0 + i) * C + d0) : _mm512_setzero_ps();
      }
      transpose16(v);
      const int64_t depth = D - d0 < 16 ? D - d0 : 16;
      for (int64_t q = 0; q < depth; q++) _mm512_mask_storeu_ps(t + (d0 + q) * rp + r0, columns, v[q]);
    }
  }
  return t;
}

}  // namespace

float* packHeadTransposed(const float* head, int64_t C, int64_t rows, int64_t D, int slot, int tmpSlot) {
  if (cpuHasAvx512()) return packHeadTransposed512(head, C, rows, D, slot);
  const float* packed = packHead(head, C, rows, D, tmpSlot);
  const int64_t dp = roundUp8(D), rp = roundUp8(rows);
  float* t = scratch(slot, D * rp);
  for (int64_t d = 0; d < D; d++) {
    for (int64_t r = 0; r < rows; r++) t[d * rp + r] = packed[r * dp + d];
    for (int64_t r = rows; r < rp; r++) t[d * rp + r] = 0.0f;
  }
  return t;
}

void gemmIntoHead(const float* A, int64_t lda, const float* B, int64_t ldb, float* head, int64_t C, int64_t m,
                  int64_t D, int64_t k, int slot) {
  if (D % 8 == 0) {
    smallGemm(A, lda, B, ldb, head, C, m, D, k);
    return;
  }
  const int64_t dp = roundUp8(D);
  float* tmp = scratch(slot, m * dp);
  smallGemm(A, lda, B, ldb, tmp, dp, m, dp, k);
  for (int64_t r = 0; r < m; r++) {
    for (int64_t d = 0; d < D; d++) head[r * C + d] = tmp[r * dp + d];
  }
}

}  // namespace bertkit
