#!/usr/bin/env bash
# Installs what closebot needs on a fresh Debian machine with Python 3.11: system packages (as root) and the
# Python package with its dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  for pkg in adb chromium libcairo2 fonts-ipafont-gothic fonts-dejavu-core manpages-ja; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup: apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
python3 -c "import torch, torchvision" 2>/dev/null || python3 -m pip install -q torch==2.14.1 torchvision==0.29.1
python3 -m pip install -q -e ".[dev]"
