#!/usr/bin/env bash
# Installs what closebot needs on a fresh Debian machine with Python 3.11: system packages (as root) and the
# Python package with its dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh adb chromium libcairo2 fonts-ipafont-gothic fonts-dejavu-core manpages-ja
python3 -c "import torch, torchvision" 2>/dev/null || python3 -m pip install -q torch==2.14.1 torchvision==0.29.1
python3 -m pip install -q -e ".[dev]"
