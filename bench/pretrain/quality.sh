#!/usr/bin/env bash
# Pre-training quality against Hugging Face's BERT-mini run (../shared/models/README.md): the same corpus, model
# and recipe (L4 H256, length 128, batch 128, AdamW lr 1e-3 betas 0.9/0.98 eps 1e-6, wd 0.01, warm-up 600, linear
# decay to 0 at 6,000 steps, clip 1.0, dynamic masking as Hugging Face's collator does), with one novel held out
# (pg98, A Tale of Two Cities) for masked-token accuracy. Runs for as long as you let it: Ctrl-C saves, and the
# same command continues (--resume). At the end, compare.ts prints our losses at Hugging Face's reported steps and
# draws both curves into OUT/quality.svg.
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
# Our loss at Hugging Face's reported steps (a table) and both curves with held-out accuracy (OUT/quality.svg).
npx vite-node bench/pretrain/compare.ts -- "$OUT/run/log.jsonl" --out "$OUT/quality.svg"
