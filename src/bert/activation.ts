/** Maps `hidden_act` from config.json to the activation kernel (fused with the bias add in Linear). */
import type { HiddenAct } from "./config.js";
import type { UnaryOp } from "../tensor/ops/unary.js";

export function activation(name: HiddenAct): UnaryOp {
  switch (name) {
    case "gelu":
      return "gelu";
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return "gelu_tanh";
    case "relu":
      return "relu";
  }
}
