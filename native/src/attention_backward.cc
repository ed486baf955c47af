// Fused multi-head attention backward, from the saved probabilities P. Per (b, h), with P̃ = P ⊙ keep:
//   gV = P̃ᵀ gOut,  gP = (gOut Vᵀ) ⊙ keep,  gS = P ⊙ (gP − rowsum(gP ⊙ P)) · scale,
//   gQ = gS K,  gK = gSᵀ Q.
// Four small GEMMs over the real queries (tq) and the computed keys (tk); padding rows get zeros.
#include "attention_common.h"
#include "bindings.h"
#include "small_gemm.h"

namespace bertkit {
namespace {

enum Slot { kPT, kGO, kVt, kGS, kGST, kOperand, kOut };

struct Grads {
  const float* gOut;
  float *gq, *gk, *gv;
};

void zeroRows(float* head, int64_t C, int64_t from, int64_t to, int64_t D) {
  for (int64_t r = from; r < to; r++) {
    for (int64_t d = 0; d < D; d++) head[r * C + d] = 0;
  }
}

void head(const Attention& at, const Grads& g, int64_t b, int64_t h) {
  const int64_t T = at.T, D = at.D, C = at.C;
  const int64_t tq = at.queries(b), tk = at.keys(b), tkp = roundUp8(tk), tqp = roundUp8(tq), dp = roundUp8(D);
  const int64_t base = b * T * C + h * D;
  const float* probs = at.probs + (b * at.H + h) * T * T;
  const float* keep = at.dropMask == nullptr ? nullptr : at.dropMask + (b * at.H + h) * T * T;
  float* gq = g.gq + base;
  float* gk = g.gk + base;
  float* gv = g.gv + base;
  zeroRows(gq, C, tq, T, D);
  zeroRows(gk, C, tk, T, D);
  zeroRows(gv, C, tk, T, D);
  if (tk == 0) return;
  if (tq == 0) {
    zeroRows(gk, C, 0, tk, D);
    zeroRows(gv, C, 0, tk, D);
    return;
  }
  // gV (tk, D) = P̃ᵀ (tk, tq) · gOut (tq, D)
  float* pt = scratch(kPT, tk * tqp);
  for (int64_t j = 0; j < tk; j++) {
    for (int64_t i = 0; i < tq; i++) {
      const float p = probs[i * T + j];
      pt[j * tqp + i] = keep == nullptr ? p : p * keep[i * T + j];
    }
  }
  const float* go = packHead(g.gOut + base, C, tq, D, kGO);  // (tq, dp)
  gemmIntoHead(pt, tqp, go, dp, gv, C, tk, D, tq, kOut);
  // gP̃ (tq, tkp) = gOut (tq, D) · Vᵀ (D, tkp)
  const float* vt = packHeadTransposed(at.v + base, C, tk, D, kVt, kOperand);  // Vᵀ (D, tkp)
  float* gs = scratch(kGS, tq * tkp);
  smallGemm(go, dp, vt, tkp, gs, tkp, tq, tkp, D);
  // gS = P ⊙ (gP − Σ gP·P) · scale, gP = gP̃ ⊙ keep; entries with P = 0 (masked keys) get no gradient.
  for (int64_t i = 0; i < tq; i++) {
    float* row = gs + i * tkp;
    const float* p = probs + i * T;
    const float* kp = keep == nullptr ? nullptr : keep + i * T;
    if (kp != nullptr) {
      for (int64_t j = 0; j < tk; j++) row[j] *= kp[j];
    }
    for (int64_t j = 0; j < tk; j++) row[j] = p[j] == 0 ? 0.0f : row[j];
    double dot = 0;
#pragma omp simd reduction(+ : dot)
    for (int64_t j = 0; j < tk; j++) dot += static_cast<double>(row[j]) * p[j];
    const float d = static_cast<float>(dot);
    for (int64_t j = 0; j < tk; j++) row[j] = p[j] * (row[j] - d) * at.scale;
    for (int64_t j = tk; j < tkp; j++) row[j] = 0;
  }
  // gQ (tq, D) = gS (tq, tk) · K (tk, D)
  gemmIntoHead(gs, tkp, packHead(at.k + base, C, tk, D, kOperand), dp, gq, C, tq, D, tk, kOut);
  // gK (tk, D) = gSᵀ (tk, tq) · Q (tq, D)
  float* gst = scratch(kGST, tk * tqp);
  for (int64_t j = 0; j < tk; j++) {
    for (int64_t i = 0; i < tq; i++) gst[j * tqp + i] = gs[i * tkp + j];
  }
  gemmIntoHead(gst, tqp, packHead(at.q + base, C, tq, D, kOperand), dp, gk, C, tk, D, tq, kOut);
}

}  // namespace

// See AttentionBackwardArgs (src/backend/kernels.ts).
BERTKIT_BINDING(attentionBackward,
                "(batch: number, tokens: number, heads: number, headSize: number, scale: number, q: f32, k: f32, "
                "v: f32, keyMask: i32 | null, lengths: i32, causal: boolean, dropMask: f32 | null, probs: f32, "
                "gOut: f32, gq: f32, gk: f32, gv: f32) => void") {
  const Attention at(a, 0);
  if (at.probs == nullptr) a.fail("attentionBackward needs the probabilities the forward saved (argument 12)");
  const int64_t btc = at.B * at.T * at.C;
  const Grads g{a.f32(13, btc), a.f32(14, btc), a.f32(15, btc), a.f32(16, btc)};
  at.forEachHead([&](int64_t b, int64_t h) { head(at, g, b, h); });
}

}  // namespace bertkit
