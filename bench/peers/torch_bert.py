"""PyTorch peer for bertkit's benchmarks: a plain BERT in PyTorch with Hugging Face's parameter names.

Hugging Face `transformers` is not installable here (no PyPI), so this file defines the same model
(post-LN encoder, GELU-erf, tied MLM decoder) in ~100 lines, loads bertkit's `model.safetensors`
(parsed with numpy), and can
  * time a forward pass or a pre-training step (MLM + NSP, backward, clipping, AdamW),
  * export the forward pass to ONNX for onnxruntime,
  * write its outputs for a correctness check against bertkit.
Prints one JSON line. Usage: python3 torch_bert.py MODE --model DIR [--batch B --seq T --threads N --seconds S --out FILE]
"""
import argparse, json, math, resource, struct, time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": np.float32, "I32": np.int32, "I64": np.int64}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dtypes[e["dtype"]]).reshape(e["shape"]).copy())
    return out


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.heads = c["num_attention_heads"]
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=c["layer_norm_eps"]), nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.up, self.down = nn.Linear(h, i), nn.Linear(i, h)
        self.drop = c["hidden_dropout_prob"]

    def forward(self, x, bias):  # x (B, T, C), bias (B, 1, 1, T)
        b, t, c = x.shape
        split = lambda y: y.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        s = q @ k.transpose(-1, -2) / math.sqrt(c // self.heads) + bias
        p = F.dropout(s.softmax(-1), self.drop, self.training)
        ctx = (p @ v).transpose(1, 2).reshape(b, t, c)
        x = self.ln1(F.dropout(self.o(ctx), self.drop, self.training) + x)
        return self.ln2(F.dropout(self.down(F.gelu(self.up(x))), self.drop, self.training) + x)


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], h)
        self.pos = nn.Embedding(c["max_position_embeddings"], h)
        self.typ = nn.Embedding(c["type_vocab_size"], h)
        self.ln = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.pool = nn.Linear(h, h)
        self.mlm_dense, self.mlm_ln = nn.Linear(h, h), nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.mlm_bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.nsp = nn.Linear(h, 2)
        self.drop = c["hidden_dropout_prob"]

    def encode(self, ids, mask, types):
        t = ids.shape[1]
        x = self.word(ids) + self.typ(types) + self.pos(torch.arange(t).unsqueeze(0))
        x = F.dropout(self.ln(x), self.drop, self.training)
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def forward(self, ids, mask, types):
        return self.encode(ids, mask, types)

    def pretraining_loss(self, ids, mask, types, labels, nsl):
        x = self.encode(ids, mask, types)
        pooled = torch.tanh(self.pool(x[:, 0]))
        h = self.mlm_ln(F.gelu(self.mlm_dense(x)))
        logits = h @ self.word.weight.t() + self.mlm_bias
        mlm = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)
        return mlm + F.cross_entropy(self.nsp(pooled), nsl)

    def load_hf(self, sd):
        g = lambda k: sd.get("bert." + k, sd.get(k))
        pairs = {"word.weight": "embeddings.word_embeddings.weight", "pos.weight": "embeddings.position_embeddings.weight",
                 "typ.weight": "embeddings.token_type_embeddings.weight", "ln.weight": "embeddings.LayerNorm.weight",
                 "ln.bias": "embeddings.LayerNorm.bias", "pool.weight": "pooler.dense.weight", "pool.bias": "pooler.dense.bias"}
        for i in range(len(self.layers)):
            p = f"encoder.layer.{i}."
            for ours, theirs in [("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                                 ("o", "attention.output.dense"), ("ln1", "attention.output.LayerNorm"), ("up", "intermediate.dense"),
                                 ("down", "output.dense"), ("ln2", "output.LayerNorm")]:
                for w in ("weight", "bias"):
                    pairs[f"layers.{i}.{ours}.{w}"] = p + theirs + "." + w
        own = dict(self.named_parameters())
        with torch.no_grad():
            for ours, theirs in pairs.items():
                own[ours].copy_(g(theirs))
            for ours, theirs in [("mlm_dense.weight", "cls.predictions.transform.dense.weight"), ("mlm_dense.bias", "cls.predictions.transform.dense.bias"),
                                 ("mlm_ln.weight", "cls.predictions.transform.LayerNorm.weight"), ("mlm_ln.bias", "cls.predictions.transform.LayerNorm.bias"),
                                 ("mlm_bias", "cls.predictions.bias"), ("nsp.weight", "cls.seq_relationship.weight"), ("nsp.bias", "cls.seq_relationship.bias")]:
                if theirs in sd:
                    own[ours].copy_(sd[theirs])


def synthetic(c, b, t, gen):
    ids = torch.randint(5, c["vocab_size"], (b, t), generator=gen)
    labels = torch.where(torch.rand(b, t, generator=gen) < 0.15, ids, torch.full_like(ids, -100))
    types = (torch.arange(t) >= t // 2).long().expand(b, t).contiguous()
    return ids, torch.ones(b, t, dtype=torch.long), types, labels, torch.randint(0, 2, (b,), generator=gen)


def peak_rss_mib():
    """VmHWM (reset by exec), not ru_maxrss, which a child inherits from its parent."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(step, seconds):
    step()
    n, start = 0, time.perf_counter()
    while n < 2 or time.perf_counter() - start < seconds:
        step()
        n += 1
    return n, time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["forward", "train", "export", "outputs"])
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--out")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    c = json.load(open(a.model + "/config.json"))
    model = Bert(c)
    model.load_hf(read_safetensors(a.model + "/model.safetensors"))
    ids, mask, types, labels, nsl = synthetic(c, a.batch, a.seq, torch.Generator().manual_seed(1))
    if a.mode == "export":
        model.eval()
        torch.onnx.export(model, (ids, mask, types), a.out, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], opset_version=14,
                          dynamic_axes={k: {0: "batch", 1: "seq"} for k in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]})
        print(json.dumps({"exported": a.out}))
        return
    if a.mode == "outputs":  # last_hidden_state on the synthetic batch, for a correctness check
        model.eval()
        with torch.no_grad():
            out = model(ids, mask, types)
        np.save(a.out, out.numpy())
        np.save(a.out.replace(".npy", "-ids.npy"), ids.numpy().astype(np.int32))
        print(json.dumps({"saved": a.out}))
        return
    if a.mode == "forward":
        model.eval()
        def step():
            with torch.no_grad():
                model(ids, mask, types)
    else:
        model.train()
        decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "ln" in n)]
        rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "ln" in n]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=1e-4, eps=1e-6)
        def step():
            loss = model.pretraining_loss(ids, mask, types, labels, nsl)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
    n, secs = timed(step, a.seconds)
    seq_per_s = n * a.batch / secs
    print(json.dumps({"seq_per_s": seq_per_s, "tokens_per_s": seq_per_s * a.seq,
                      "peak_rss_mib": peak_rss_mib(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
