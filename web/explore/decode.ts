/**
 * Reading the page data's base64 arrays (see src/explore/explore-data.ts) back into typed arrays, and the
 * attention tensor of a view as an accessor: attention(layer, head) → (T, T) row-major [query][key].
 */
import type { ExploreView } from "../../src/explore/explore-data.js";

function bytes(text: string): ArrayBuffer {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out.buffer;
}

export function float32s(text: string): Float32Array {
  return new Float32Array(bytes(text));
}

/** Uint16 p·65535 → probabilities. */
export function probabilities(text: string): Float32Array {
  const u = new Uint16Array(bytes(text));
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] / 65535;
  return out;
}

/** A view's attentions decoded once: layer → (H, T, T). */
export class Attentions {
  private readonly layers: Float32Array[];

  constructor(view: ExploreView, readonly heads: number, readonly tokens: number) {
    this.layers = view.attentions.map(probabilities);
  }

  get layerCount(): number {
    return this.layers.length;
  }

  /** (T, T) of one head, or the mean over heads when head is -1. */
  matrix(layer: number, head: number): Float32Array {
    const t2 = this.tokens * this.tokens;
    const all = this.layers[layer];
    if (head >= 0) return all.subarray(head * t2, (head + 1) * t2);
    const mean = new Float32Array(t2);
    for (let h = 0; h < this.heads; h++) for (let i = 0; i < t2; i++) mean[i] += all[h * t2 + i] / this.heads;
    return mean;
  }
}
