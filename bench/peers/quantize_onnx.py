"""Dynamic int8 quantization of an fp32 ONNX graph, as onnxruntime's `quantize_dynamic(model, out,
weight_type=QuantType.QInt8)` does with its defaults, written with the `onnx` package only (the onnxruntime
Python package is not installable here). It is the int8 peer of bertkit's benchmarks: onnxruntime-node runs
the result, and its graph optimizer fuses the pattern below into MatMulIntegerToFloat / DynamicQuantizeMatMul.

What changes (quantize_dynamic's defaults: per_channel=False, reduce_range=False, MatMulConstBOnly):
  * every MatMul whose B is a float initializer (a Linear weight, stored (K, N)):
        x ─DynamicQuantizeLinear→ (x_q uint8, x_scale, x_zp)        one per activation, shared by its MatMuls
        MatMulInteger(x_q, W_q int8, x_zp, W_zp) → int32 ─Cast→ float ─Mul(x_scale · W_scale)→ y
    W is quantized symmetrically to [-127, 127] with zero point 0: scale = max|W| / 127, q = round-half-even(W / scale);
    one scale per tensor, or per output column (axis 1) with --per-channel. The bias Add after it stays.
  * every Gather whose data is a float initializer (the embedding tables): the table becomes int8 the same way
    and a DequantizeLinear follows the Gather (quantize_dynamic's default op list includes Gather; bertkit keeps
    embeddings in fp32: --no-gather gives that variant).
  * Gemm with a float initializer B (not in quantize_dynamic's list; our exports have none): rewritten as
    MatMul (+ Add of C) first, then quantized as above, so a graph from another exporter is covered too.
Afterwards the graph is checked: no MatMul may still take a float initializer as B.

Usage: python3 quantize_onnx.py IN.onnx OUT.onnx [--per-channel] [--no-gather]
Prints one JSON line: counts of what was rewritten and the file sizes.
"""
import argparse, json, os, sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INT8_MAX = 127  # symmetric int8 range [-127, 127], as quantize_dynamic uses for QInt8 weights


def quantize_symmetric(w, axis=None):
    """(q int8, scale float32, zero point int8): per tensor (axis None) or one scale per slice along `axis`."""
    w = w.astype(np.float32)
    if axis is None:
        absmax = np.float32(np.abs(w).max()) if w.size else np.float32(0)
    else:
        absmax = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis))
    scale = (np.asarray(absmax, dtype=np.float64) / INT8_MAX).astype(np.float32)  # (max - min) / (qmax - qmin)
    scale = np.where(scale == 0, np.float32(1), scale).astype(np.float32)  # an all-zero weight keeps scale 1
    shape = [1] * w.ndim
    if axis is not None:
        shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -INT8_MAX, INT8_MAX).astype(np.int8)
    return q, scale, np.zeros(scale.shape, dtype=np.int8)


class Rewriter:
    def __init__(self, model, per_channel, gather):
        self.graph = model.graph
        self.per_channel = per_channel
        self.gather = gather
        self.inits = {t.name: t for t in self.graph.initializer}
        self.new_inits = []
        self.quantized_weights = {}  # (name, axis) → (q name, scale name, zp name)
        self.quantized_inputs = {}  # activation name → (q, scale, zp) outputs of its DynamicQuantizeLinear
        self.counts = {"matmul": 0, "gather": 0, "gemm": 0, "dynamic_quantize": 0}

    def float_init(self, name):
        t = self.inits.get(name)
        return t if t is not None and t.data_type == TensorProto.FLOAT else None

    def weight(self, name, axis):
        key = (name, axis)
        if key not in self.quantized_weights:
            q, scale, zp = quantize_symmetric(numpy_helper.to_array(self.inits[name]), axis)
            names = (name + "_quantized", name + "_scale", name + "_zero_point")
            if axis is not None:
                names = tuple(n + "_per_channel" for n in names)
            for n, a in zip(names, (q, scale, zp)):
                self.new_inits.append(numpy_helper.from_array(a, n))
            self.quantized_weights[key] = names
        return self.quantized_weights[key]

    def activation(self, name, out):
        if name not in self.quantized_inputs:
            names = (name + "_quantized", name + "_scale", name + "_zero_point")
            out.append(helper.make_node("DynamicQuantizeLinear", [name], list(names), name + "_QuantizeLinear"))
            self.quantized_inputs[name] = names
            self.counts["dynamic_quantize"] += 1
        return self.quantized_inputs[name]

    def matmul(self, node, out):
        a, b = node.input[0], node.input[1]
        x_q, x_scale, x_zp = self.activation(a, out)
        w_q, w_scale, w_zp = self.weight(b, 1 if self.per_channel else None)
        base = node.name or node.output[0]
        acc, acc_f, mult = base + "_output_quantized", base + "_output_quantized_cast_output", base + "_quant_scales_mul:0"
        out.append(helper.make_node("MatMulInteger", [x_q, w_q, x_zp, w_zp], [acc], base + "_quant"))
        out.append(helper.make_node("Cast", [acc], [acc_f], base + "_output_quantized_cast", to=TensorProto.FLOAT))
        out.append(helper.make_node("Mul", [x_scale, w_scale], [mult], base + "_quant_scales_mul"))
        out.append(helper.make_node("Mul", [acc_f, mult], [node.output[0]], base + "_quant_output_scale_mul"))
        self.counts["matmul"] += 1

    def gather_node(self, node, out):
        w_q, w_scale, w_zp = self.weight(node.input[0], None)
        gathered = node.output[0] + "_quantized"
        out.append(helper.make_node("Gather", [w_q, node.input[1]], [gathered], node.name, axis=attr(node, "axis", 0)))
        out.append(helper.make_node("DequantizeLinear", [gathered, w_scale, w_zp], [node.output[0]], node.output[0] + "_DequantizeLinear"))
        self.counts["gather"] += 1

    def gemm_as_matmul(self, node):
        """Gemm(A, B, C) with constant B → [MatMul(A, B'), Add(·, C)] with alpha and transB folded into B'."""
        if attr(node, "transA", 0) != 0 or attr(node, "beta", 1.0) != 1.0:
            return None
        w = numpy_helper.to_array(self.inits[node.input[1]]).astype(np.float32)
        if attr(node, "transB", 0) == 1:
            w = w.T
        w = w * np.float32(attr(node, "alpha", 1.0))
        name = node.input[1] + "_gemm_kn"
        self.inits[name] = numpy_helper.from_array(np.ascontiguousarray(w), name)
        self.new_inits.append(self.inits[name])
        has_bias = len(node.input) > 2 and node.input[2] != ""
        product = node.output[0] + "_matmul" if has_bias else node.output[0]
        nodes = [helper.make_node("MatMul", [node.input[0], name], [product], (node.name or node.output[0]) + "_matmul")]
        if has_bias:
            nodes.append(helper.make_node("Add", [product, node.input[2]], [node.output[0]], (node.name or node.output[0]) + "_bias"))
        self.counts["gemm"] += 1
        return nodes

    def run(self):
        out = []
        for node in self.graph.node:
            if node.op_type == "Gemm" and self.float_init(node.input[1]) is not None:
                rewritten = self.gemm_as_matmul(node)
                if rewritten is not None:
                    self.matmul(rewritten[0], out)
                    out.extend(rewritten[1:])
                    continue
            if node.op_type == "MatMul" and self.float_init(node.input[1]) is not None:
                self.matmul(node, out)
            elif node.op_type == "Gather" and self.gather and self.float_init(node.input[0]) is not None:
                self.gather_node(node, out)
            else:
                out.append(node)
        del self.graph.node[:]
        self.graph.node.extend(out)
        self.graph.initializer.extend(self.new_inits)
        used = {i for n in self.graph.node for i in n.input} | {o.name for o in self.graph.output}
        kept = [t for t in self.graph.initializer if t.name in used]  # the fp32 weights replaced above go
        del self.graph.initializer[:]
        self.graph.initializer.extend(kept)


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def check(model):
    """Raises when a MatMul or Gemm still multiplies by a float initializer (a Linear left in fp32)."""
    inits = {t.name: t.data_type for t in model.graph.initializer}
    left = [n.name or n.output[0] for n in model.graph.node
            if n.op_type in ("MatMul", "Gemm") and inits.get(n.input[1]) == TensorProto.FLOAT]
    if left:
        raise SystemExit(f"quantize_onnx: {len(left)} MatMul/Gemm node(s) still take an fp32 weight: {', '.join(left[:5])}")
    ops = [n.op_type for n in model.graph.node]
    return {op: ops.count(op) for op in ("MatMul", "MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--per-channel", action="store_true", help="one weight scale per output column (quantize_dynamic per_channel=True)")
    ap.add_argument("--no-gather", action="store_true", help="keep embedding tables (Gather data) in fp32")
    ap.add_argument("--check-only", action="store_true", help="only check INPUT: no MatMul left with an fp32 weight")
    a = ap.parse_args()
    if not os.path.isfile(a.input):
        sys.exit(f"quantize_onnx: {a.input} does not exist; export one with torch_bert.py export --model DIR --out FILE")
    model = onnx.load(a.input)
    if a.check_only:
        print(json.dumps({"checked": a.input, "ops": check(model)}))
        return
    r = Rewriter(model, a.per_channel, not a.no_gather)
    r.run()
    onnx.checker.check_model(model)
    ops = check(model)
    onnx.save(model, a.output)
    print(json.dumps({"quantized": a.output, "per_channel": a.per_channel, "rewritten": r.counts, "ops": ops,
                      "bytes_in": os.path.getsize(a.input), "bytes_out": os.path.getsize(a.output)}))


if __name__ == "__main__":
    main()
