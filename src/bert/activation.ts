/** Maps `hidden_act` from config.json to the activation op. */
import type { HiddenAct } from "./config.js";
import { gelu, geluTanh, relu } from "../tensor/ops/unary.js";
import type { Tensor } from "../tensor/tensor.js";

export function activation(name: HiddenAct): (x: Tensor) => Tensor {
  switch (name) {
    case "gelu":
      return gelu;
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return geluTanh;
    case "relu":
      return relu;
  }
}
