/**
 * Reference fused attention (see `AttentionArgs`). Shape legend: B batch, T tokens, H heads, D head size,
 * C = H·D. Q, K, V and the output are (B, T, C) with head h in columns h·D … h·D + D − 1.
 */
import type { AttentionArgs, AttentionBackwardArgs } from "../kernels.js";

/** Keys a query may attend to: unmasked, and not after the query when causal. */
function keyVisible(p: AttentionArgs, b: number, q: number, k: number): boolean {
  if (p.causal && k > q) return false;
  return p.keyMask === null || p.keyMask[b * p.tokens + k] !== 0;
}

export function attention(p: AttentionArgs): void {
  const { batch: B, tokens: T, heads: H, headSize: D, q, k, v, out } = p;
  const C = H * D;
  const ld = p.qkvStride ?? C;
  // Without a probs output, each row's probabilities go through a scratch row of the same precision.
  const probs = p.probs ?? (out instanceof Float64Array ? new Float64Array(T) : new Float32Array(T));
  out.fill(0);
  probs.fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < p.lengths[b]; i++) {
        const full = ((b * H + h) * T + i) * T;
        const row = p.probs === null ? 0 : full;
        const qo = (b * T + i) * ld + h * D;
        const oo = (b * T + i) * C + h * D;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          probs[row + j] = 0;
          if (!keyVisible(p, b, i, j)) continue;
          const ko = (b * T + j) * ld + h * D;
          let s = 0;
          for (let d = 0; d < D; d++) s += q[qo + d] * k[ko + d];
          s *= p.scale;
          probs[row + j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < T; j++) {
          if (!keyVisible(p, b, i, j) || max === -Infinity) continue;
          const e = Math.exp(probs[row + j] - max);
          probs[row + j] = e;
          sum += e;
        }
        for (let j = 0; j < T; j++) {
          if (!keyVisible(p, b, i, j) || max === -Infinity) {
            probs[row + j] = 0;
            continue;
          }
          probs[row + j] /= sum;
          const w = probs[row + j] * (p.dropMask === null ? 1 : p.dropMask[full + j]);
          const vo = (b * T + j) * ld + h * D;
          for (let d = 0; d < D; d++) out[oo + d] += w * v[vo + d];
        }
      }
    }
  }
}

export function attentionBackward(p: AttentionBackwardArgs): void {
  const { batch: B, tokens: T, heads: H, headSize: D, q, k, v, probs, gOut, gq, gk, gv } = p;
  const C = H * D;
  gq.fill(0);
  gk.fill(0);
  gv.fill(0);
  const gP = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < p.lengths[b]; i++) {
        const row = ((b * H + h) * T + i) * T;
        const qo = (b * T + i) * C + h * D;
        // gV[j] += P̃[i, j] · gOut[i];  gP̃[i, j] = gOut[i] · V[j];  gP = gP̃ ⊙ mask
        let dot = 0;
        for (let j = 0; j < T; j++) {
          const pij = probs[row + j];
          if (pij === 0) {
            gP[j] = 0;
            continue;
          }
          const keep = p.dropMask === null ? 1 : p.dropMask[row + j];
          const vo = (b * T + j) * C + h * D;
          let g = 0;
          for (let d = 0; d < D; d++) {
            g += gOut[qo + d] * v[vo + d];
            gv[vo + d] += pij * keep * gOut[qo + d];
          }
          gP[j] = g * keep;
          dot += gP[j] * pij;
        }
        // gS = P ⊙ (gP − Σ gP·P) · scale;  gQ[i] += gS[i, j] K[j];  gK[j] += gS[i, j] Q[i]
        for (let j = 0; j < T; j++) {
          const pij = probs[row + j];
          if (pij === 0) continue;
          const gs = pij * (gP[j] - dot) * p.scale;
          const ko = (b * T + j) * C + h * D;
          for (let d = 0; d < D; d++) {
            gq[qo + d] += gs * k[ko + d];
            gk[ko + d] += gs * q[qo + d];
          }
        }
      }
    }
  }
}
