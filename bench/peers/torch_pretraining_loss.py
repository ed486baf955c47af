"""Continues a bertkit checkpoint in PyTorch: loads a folder written by bertkit's savePretrained (config.json +
model.safetensors, Hugging Face names) into torch_bert.py's BERT and prints the pre-training loss on one batch.

The batch is a safetensors file with the pre-training shard tensors (I32 input_ids, token_type_ids,
attention_mask, labels (B, T), next_sentence_label (B)). The model runs in eval mode (no dropout).
Prints one JSON line: {"loss", "mlm_loss", "nsp_loss", "torch"}.
Usage: python3 torch_pretraining_loss.py --model DIR --batch FILE.safetensors
"""
import argparse, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch_bert import Bert, read_safetensors  # noqa: E402


def losses(model, b):
    ids, mask, types = b["input_ids"].long(), b["attention_mask"].long(), b["token_type_ids"].long()
    x = model.encode(ids, mask, types)
    pooled = torch.tanh(model.pool(x[:, 0]))
    logits = model.mlm_ln(F.gelu(model.mlm_dense(x))) @ model.word.weight.t() + model.mlm_bias
    mlm = F.cross_entropy(logits.view(-1, logits.shape[-1]), b["labels"].long().view(-1), ignore_index=-100)
    nsp = F.cross_entropy(model.nsp(pooled), b["next_sentence_label"].long())
    return mlm, nsp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", required=True)
    a = ap.parse_args()
    with open(os.path.join(a.model, "config.json")) as f:
        config = json.load(f)
    if config.get("hidden_act", "gelu") != "gelu":
        sys.exit(f"torch_bert.py implements GELU (erf) only; {a.model} has hidden_act {config['hidden_act']}")
    model = Bert(config)
    model.load_hf(read_safetensors(os.path.join(a.model, "model.safetensors")))
    model.eval()
    with torch.no_grad():
        mlm, nsp = losses(model, read_safetensors(a.batch))
    print(json.dumps({"loss": (mlm + nsp).item(), "mlm_loss": mlm.item(), "nsp_loss": nsp.item(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
