#!/usr/bin/env bash
# Builds and runs bench/peak/peak.cc: the register-only peak of fp32 FMA, bf16 and int8 dot products on 1..N threads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/../out"
g++ -O2 -march=native -std=c++17 -pthread "$here/peak.cc" -o "$here/../out/peak"
echo "$(date -u +%F), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
"$here/../out/peak" "$@"
