#!/usr/bin/env bash
# Fine-tuning quality against Hugging Face (../shared/models/README.md): ../shared/models/gutenberg-mini fine-tuned
# with Hugging Face's recipes, and the same architecture from random initialisation, scored on the dev sets.
#   bash bench/finetune/quality.sh [OUT] [TASKS...]     (default /tmp/bertkit-finetune; tasks: sst2 conll squad)
#   BERTKIT_INIT="pretrained random" selects the starting points (default both); BERTKIT_SEED another seed (default 42).
# Every run is a normal `bertkit finetune` (Ctrl-C saves; re-running the same command continues it), followed by
# `bertkit evaluate`. Prints one line per run: task, start, metrics, Hugging Face's numbers, wall time, tokens/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/bertkit-finetune}
shift || true
TASKS=("$@")
[ ${#TASKS[@]} -gt 0 ] || TASKS=(sst2 conll squad)
INITS=(${BERTKIT_INIT:-pretrained random})
SHARED=../shared
MODEL=$SHARED/models/gutenberg-mini
DATA=$SHARED/data
SEED=${BERTKIT_SEED:-42}
COMMON=(--clip 1.0 --dropout 0.1 --seed "$SEED" --batch-size 32 --lr 1e-4)
# SST-2's recipe names warm-up, weight decay and epsilon; CoNLL's and SQuAD's do not, so they get Hugging Face
# Trainer's defaults (no warm-up, no weight decay, eps 1e-8, plain shuffled batches: group_by_length is off).
SST2_RECIPE=(--weight-decay 0.01 --eps 1e-6 --warmup-ratio 0.1)
HF_DEFAULTS=(--weight-decay 0 --eps 1e-8 --warmup-ratio 0 --no-group-by-length)
mkdir -p "$OUT"

run() { # name init task train eval epochs flags... (flags: for finetune and evaluate; RECIPE: finetune only)
  local name=$1 init=$2 task=$3 train=$4 eval=$5 epochs=$6; shift 6
  local dir="$OUT/$name-$init" extra=()
  [ "$SEED" = 42 ] || dir="$dir-seed$SEED"
  [ "$init" = random ] && extra+=(--random-init)
  ls "$dir" 2>/dev/null | grep -q '^checkpoint-' && extra+=(--resume)
  local t0=$SECONDS
  if [ ! -f "$dir/eval_results.json" ]; then
    ./bin/bertkit finetune "$task" --model "$MODEL" --train "$train" --eval "$eval" --out "$dir" --epochs "$epochs" \
      "${COMMON[@]}" "${RECIPE[@]}" "$@" "${extra[@]}"
  fi
  local seconds=$((SECONDS - t0))
  ./bin/bertkit evaluate "$task" --model "$dir" --data "$eval" --json "$@" > "$dir/dev.json"
  node -e '
const [name, init, seconds, dir] = process.argv.slice(1);
const fs = require("fs");
const m = JSON.parse(fs.readFileSync(dir + "/dev.json", "utf8"));
const steps = fs.readFileSync(dir + "/log.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((l) => !l.eval);
const tps = steps.reduce((s, l) => s + l.tokens_per_s, 0) / Math.max(steps.length, 1);
const hf = { sst2: { pretrained: "accuracy 80.7", random: "accuracy 81.7" }, squad: { pretrained: "EM/F1 4.6/12.3", random: "EM/F1 1.1/9.5" },
  conll: { pretrained: "F1 69.7", random: "F1 60.9" } }[name][init];
const ours = name === "sst2" ? `accuracy ${m.accuracy.toFixed(1)}` : name === "squad" ? `EM/F1 ${m.exact_match.toFixed(1)}/${m.f1.toFixed(1)}` : `F1 ${m.f1.toFixed(1)}`;
console.log(`${name} ${init}${dir.includes("-seed") ? " " + dir.split("-").pop() : ""}: ${ours} (Hugging Face ${hf}); ${steps.length} steps, ${seconds} s this call, ${Math.round(tps)} tokens/s mean`);
' "$name" "$init" "$seconds" "$dir" | tee -a "$OUT/summary.txt"
}

for init in "${INITS[@]}"; do
  for t in "${TASKS[@]}"; do
    case $t in
      sst2) RECIPE=("${SST2_RECIPE[@]}"); run sst2 "$init" classification "$DATA/classification/sst2/train.tsv" "$DATA/classification/sst2/dev.tsv" 2 --max-length 64 ;;
      conll) RECIPE=("${HF_DEFAULTS[@]}"); run conll "$init" token-classification "$DATA/ner/conll2003/train.txt" "$DATA/ner/conll2003/valid.txt" 3 --max-length 128 ;;
      squad) RECIPE=("${HF_DEFAULTS[@]}"); run squad "$init" qa "$DATA/qa/squad-v1.1/train.json" "$DATA/qa/squad-v1.1/dev.json" 3 --max-length 256 --doc-stride 64 --max-query-length 48 --n-best 20 --max-answer-length 30 ;;
      *) echo "unknown task $t (sst2, conll, squad)" >&2; exit 2 ;;
    esac
  done
done
