"""One-off: judge-policy.py's cached detections of C (made before ``zoom.coarse`` existed) filed under the key of
C0 = C with ``coarse: 0``, whose detections are the same by construction (the coarse look's branch never runs at 0,
and nothing else changed): the key is the settings' repr, which gained ``coarse=0.0``.

    python3 weights/candidates/coarselook/rekey.py C C0 --data data/synth7 ...   (copies, never overwrites)"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402


def main() -> int:
    old_cfg, new_cfg = load_config(Path(sys.argv[1])), load_config(Path(sys.argv[2]))
    roots = [Path(a) for a in sys.argv[4::2]]
    assert new_cfg.detector.inference.zoom.coarse == 0, "C0 must have coarse: 0"
    key = jp.detector_key(
        Path(new_cfg.detector.weights), jp.verifier_path(new_cfg, None), new_cfg.detector.inference, 400
    )
    old_key = list(key)
    old_key[3] = key[3].replace(", coarse=0.0)", ")")
    assert old_key[3] != key[3] and old_cfg.detector.weights == new_cfg.detector.weights
    for root in roots:
        items = load_items([root], "val")[:400]
        cache = Path("runs/policy")
        src, dst = jp.cache_path(cache, root, old_key, items), jp.cache_path(cache, root, key, items)
        if not dst.exists():
            shutil.copyfile(src, dst)
        print(f"{root.name}: {src.name} -> {dst.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
