#!/usr/bin/env bash
# Pre-training quality against Hugging Face's BERT-mini run (../shared/models/README.md): the same corpus, model
# and recipe (L4 H256, length 128, batch 128, AdamW lr 1e-3 betas 0.9/0.98 eps 1e-6, wd 0.01, warm-up 600, linear
# decay to 0 at 6,000 steps, clip 1.0, dynamic masking as Hugging Face's collator does), with one novel held out
# (pg98, A Tale of Two Cities) for masked-token accuracy. Runs for as long as you let it: Ctrl-C saves, and the
# same command continues (--resume). Prints the log's losses at Hugging Face's reported steps at the end.
#   bash bench/pretrain/quality.sh [OUT]          (default /tmp/bertkit-quality; needs ../shared)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/bertkit-quality}
SHARED=../shared
MODEL=$SHARED/models/gutenberg-mini
mkdir -p "$OUT"
train=()
for f in "$SHARED"/data/pretrain/gutenberg/*.txt; do [ "$(basename "$f")" = pg98.txt ] || train+=("$f"); done
train+=("$SHARED/data/pretrain/tinyshakespeare.txt")
[ -f "$OUT/train-shards/manifest.json" ] || ./bin/bertkit prepare --corpus "${train[@]}" --vocab "$MODEL" --out "$OUT/train-shards" --dupe-factor 1 --seed 1
[ -f "$OUT/heldout-shards/manifest.json" ] || ./bin/bertkit prepare --corpus "$SHARED/data/pretrain/gutenberg/pg98.txt" --vocab "$MODEL" --out "$OUT/heldout-shards" --dupe-factor 1 --seed 2
resume=()
[ -d "$OUT/run" ] && ls "$OUT/run" | grep -q '^checkpoint-' && resume=(--resume)
./bin/bertkit pretrain --data "$OUT/train-shards" --eval-data "$OUT/heldout-shards" --config mini --vocab "$MODEL" \
  --out "$OUT/run" --batch-size 128 --steps 6000 --lr 1e-3 --warmup 600 --betas 0.9,0.98 --eps 1e-6 --weight-decay 0.01 \
  --clip 1.0 --dropout 0.1 --dynamic-masking --seed 42 --eval-every 50 --save-every 25 --keep 2 "${resume[@]}" || true
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const hf = { 500: 6.57, 1000: 6.26, 2000: 5.90, 3000: 5.15, 4000: 4.16, 6000: 3.65 };
const steps = lines.filter((l) => !l.eval), evals = lines.filter((l) => l.eval);
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
for (const at of [1, 25, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 6000]) {
  const near = steps.filter((l) => Math.abs(l.step - at) <= 5).map((l) => l.loss);
  if (near.length === 0) continue;
  const ev = evals.find((e) => e.step >= at && e.step < at + 50);
  console.log(`step ${at}: loss ${mean(near).toFixed(3)} (mean of steps ±5)` + (hf[at] ? `, Hugging Face ${hf[at]}` : "") +
    (ev ? `; held-out masked accuracy ${(100 * ev.masked_accuracy).toFixed(1)}% at step ${ev.step}` : ""));
}' "$OUT/run/log.jsonl"
