// Fused multi-head attention forward. Per (b, h): S = scale · Q Kᵀ over the real queries and the keys
// up to the last unmasked one, P = softmax(S) over visible keys, out = (P ⊙ dropMask) V.
#include <cmath>

#include "attention_common.h"
#include "avx512_util.h"
#include "bindings.h"
#include "cpu_features.h"
#include "row_ops.h"
#include "small_gemm.h"

namespace bertkit {
namespace {

enum Slot { kQ, kKt, kScores, kV, kOut };

// Softmax of one score row over its visible keys; writes P to `probs` (unless null) and P ⊙ keep to
// `weighted` (tk keys, then zeros up to the padded width tkp). A row with no visible key is all zeros.
void softmaxVisible(const Attention& at, int64_t b, int64_t i, float* s, int64_t tk, int64_t tkp, float* probs,
                    const float* keep, float* weighted) {
  for (int64_t j = 0; j < tk; j++) s[j] *= at.scale;
  if (at.keyMask != nullptr) {
    const int32_t* mask = at.keyMask + b * at.T;
    for (int64_t j = 0; j < tk; j++) s[j] = mask[j] != 0 ? s[j] : -INFINITY;
  }
  if (at.causal) {
    for (int64_t j = i + 1; j < tk; j++) s[j] = -INFINITY;
  }
  const float max = rowMax(s, tk);
  if (max == -INFINITY) {  // no visible key
    for (int64_t j = 0; j < tkp; j++) weighted[j] = 0;
    if (probs != nullptr) for (int64_t j = 0; j < tk; j++) probs[j] = 0;
    return;
  }
  const float inv = static_cast<float>(1.0 / rowExpSum(s, tk, max, s));
  if (probs == nullptr) {
    if (keep == nullptr) for (int64_t j = 0; j < tk; j++) weighted[j] = s[j] * inv;
    else for (int64_t j = 0; j < tk; j++) weighted[j] = s[j] * inv * keep[j];
  } else if (keep == nullptr) {
    for (int64_t j = 0; j < tk; j++) weighted[j] = probs[j] = s[j] * inv;
  } else {
    for (int64_t j = 0; j < tk; j++) {
      const float p = s[j] * inv;
      probs[j] = p;
      weighted[j] = p * keep[j];
    }
  }
  for (int64_t j = tk; j < tkp; j++) weighted[j] = 0;
}

// softmaxVisible on 16 lanes with v16exp (AVX-512 CPUs): the same visibility rules and outputs.
BERTKIT_AVX512 void softmaxVisible512(const Attention& at, int64_t b, int64_t i, float* s, int64_t tk, int64_t tkp,
                                      float* probs, const float* keep, float* weighted) {
  const __m512 scale = _mm512_set1_ps(at.scale), minusInf = _mm512_set1_ps(-INFINITY);
  const int32_t* mask = at.keyMask == nullptr ? nullptr : at.keyMask + b * at.T;
  __m512 vmax = minusInf;
  for (int64_t j = 0; j < tk; j += 16) {
    const __mmask16 lanes = firstN(tk - j);
    __mmask16 visible = lanes;
    if (mask != nullptr) {
      visible = _mm512_mask_cmpneq_epi32_mask(lanes, _mm512_maskz_loadu_epi32(lanes, mask + j), _mm512_setzero_si512());
    }
    if (at.causal) visible &= firstN(i + 1 - j);
    const __m512 v = _mm512_mask_mul_ps(minusInf, visible, _mm512_maskz_loadu_ps(lanes, s + j), scale);
    _mm512_mask_storeu_ps(s + j, lanes, v);
    vmax = _mm512_mask_max_ps(vmax, lanes, vmax, v);
  }
  const float max = _mm512_reduce_max_ps(vmax);
  if (max == -INFINITY) {  // no visible key
    for (int64_t j = 0; j < tkp; j++) weighted[j] = 0;
    if (probs != nullptr) for (int64_t j = 0; j < tk; j++) probs[j] = 0;
    return;
  }
  const __m512 shift = _mm512_set1_ps(max);
  __m512 sum = _mm512_setzero_ps();
  for (int64_t j = 0; j < tk; j += 16) {
    const __mmask16 lanes = firstN(tk - j);
    const __m512 e = _mm512_maskz_mov_ps(lanes, v16exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, s + j), shift)));
    _mm512_mask_storeu_ps(s + j, lanes, e);
    sum = _mm512_add_ps(sum, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
  for (int64_t j = 0; j < tk; j += 16) {
    const __mmask16 lanes = firstN(tk - j);
    const __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, s + j), inv);
    if (probs != nullptr) _mm512_mask_storeu_ps(probs + j, lanes, p);
    const __m512 w = keep == nullptr ? p : _mm512_mul_ps(p, _mm512_maskz_loadu_ps(lanes, keep + j));
    _mm512_mask_storeu_ps(weighted + j, lanes, w);
  }
  for (int64_t j = tk; j < tkp; j++) weighted[j] = 0;
}

void head(const Attention& at, float* out, int64_t b, int64_t h) {
  const int64_t T = at.T, D = at.D, C = at.C;
  const int64_t tq = at.queries(b), tk = at.keys(b), tkp = roundUp8(tk);
  float* probs = at.probs == nullptr ? nullptr : at.probs + (b * at.H + h) * T * T;  // (T, T) block of this head
  const float* keep = at.dropMask == nullptr ? nullptr : at.dropMask + (b * at.H + h) * T * T;
  float* o = out + b * T * C + h * D;
  const float* q = at.q + b * T * at.ld + h * D;
  const float* k = at.k + b * T * at.ld + h * D;
  const float* v = at.v + b * T * at.ld + h * D;
  // Padding rows and columns of P and out are zero.
  if (probs != nullptr) {
    for (int64_t i = 0; i < T; i++) {
      for (int64_t j = i < tq ? tk : 0; j < T; j++) probs[i * T + j] = 0;
    }
  }
  for (int64_t i = tq; i < T; i++) {
    for (int64_t d = 0; d < D; d++) o[i * C + d] = 0;
  }
  if (tq == 0) return;
  const float* kt = packHeadTransposed(k, at.ld, tk, D, kKt, kV);  // Kᵀ (D, tkp)
  float* s = scratch(kScores, tq * tkp);  // (tq, tkp): scores, then P ⊙ keep
  smallGemm(packHead(q, at.ld, tq, D, kQ), roundUp8(D), kt, tkp, s, tkp, tq, tkp, D);
  const bool avx512 = cpuHasAvx512();  // the CPU decides, not BERTKIT_GEMM (which concerns the GEMM)
  for (int64_t i = 0; i < tq; i++) {
    float* row = s + i * tkp;
    float* probsRow = probs == nullptr ? nullptr : probs + i * T;
    const float* keepRow = keep == nullptr ? nullptr : keep + i * T;
    if (avx512) softmaxVisible512(at, b, i, row, tk, tkp, probsRow, keepRow, row);
    else softmaxVisible(at, b, i, row, tk, tkp, probsRow, keepRow, row);
  }
  gemmIntoHead(s, tkp, packHead(v, at.ld, tk, D, kV), roundUp8(D), o, C, tq, D, tk, kOut);
}

}  // namespace

// See AttentionArgs (src/backend/kernels.ts). probs may be null (not written); q, k, v rows are qkvStride floats
// apart (0: C).
BERTKIT_BINDING(attention,
                "(batch: number, tokens: number, heads: number, headSize: number, scale: number, q: f32, k: f32, "
                "v: f32, keyMask: i32 | null, lengths: i32, causal: boolean, dropMask: f32 | null, "
                "probs: f32 | null, out: f32, qkvStride: number) => void") {
  const Attention at(a, a.size(14));
  float* out = a.f32(13, at.B * at.T * at.C);
  at.forEachHead([&](int64_t b, int64_t h) { head(at, out, b, h); });
}

}  // namespace bertkit
