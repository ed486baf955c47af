import type { Tensor } from "../../tensor/tensor.js";

/** Heads on the pooled [CLS] vector are always built with a pooler; this narrows the type. */
export function requirePooled(pooled: Tensor | null): Tensor {
  if (pooled === null) throw new Error("internal: this head needs BertModel built with a pooler");
  return pooled;
}
