"""Each screen's outcome (hit, miss, false_tap, ...) under the policy code of a given checkout, on the detections
judge-policy cached: to compare two versions of `policies/` screen by screen, run it once with each checkout's root
and diff the outputs (the cache is read from the current directory's runs/policy; run from the project root).

    git worktree add /tmp/wt 9128518
    python3 weights/candidates/browsermiss/outcomes.py /tmp/wt runs/current.yaml synth7 synth8 ... > old.txt
    python3 weights/candidates/browsermiss/outcomes.py . runs/current.yaml synth7 synth8 ... > new.txt
    diff old.txt new.txt
"""

import argparse
import sys
from pathlib import Path

root = str(Path(sys.argv[1]).resolve())
sys.path.insert(0, root)
import policies.decide  # noqa: E402
from agent.judgecache import cached_sets  # noqa: E402
from detector.evaluate import judge  # noqa: E402

if not policies.decide.__file__.startswith(root):
    sys.exit(f"policies.decide came from {policies.decide.__file__}, not from {root}")
args = argparse.Namespace(config=Path(sys.argv[2]), data=[Path("data") / s for s in sys.argv[3:]], limit=400)
cfg, sets, cached = cached_sets(args)
for set_root, items in sets.items():
    for it, dets in zip(items, cached[set_root], strict=True):
        print(set_root.name, it.image_id, judge(it, dets, cfg.policy).kind)
