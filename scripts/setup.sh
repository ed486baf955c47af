#!/usr/bin/env bash
# Sets bertkit up on a fresh Debian machine with Node.js ≥ 20: the system packages (OpenBLAS, which the native
# kernels link; Chromium, for the page tests), the npm packages from the lockfile, and the build (native addon +
# TypeScript).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
# Headless Chromium: the page tests of `bertkit explore` drive it with puppeteer-core.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${need[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# onnxruntime-node (a benchmark peer) would otherwise try to download CUDA libraries in its postinstall.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
npm run build
