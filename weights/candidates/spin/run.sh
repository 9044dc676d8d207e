#!/usr/bin/env bash
# ONNX Runtime's idle threads spinning or sleeping (detector/runtime.py: session.intra_op.allow_spinning 0): the
# shipped pair's whole detect in separate processes, alternated three times: sleeping (the shipped setting),
# spinning, spinning with PyTorch's post-processing on one thread. Then the network alone, both settings as two
# sessions of one process (the comparison that misled, README "Measured"). Output: out.txt.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
probe=weights/candidates/spin/spin-probe.py
for _ in 1 2 3; do
  for setting in "0 2" "1 2" "1 1"; do
    # shellcheck disable=SC2086  # two arguments
    python3 $probe pipeline $setting 2>/dev/null
  done
done
python3 $probe network-pair 2>/dev/null
