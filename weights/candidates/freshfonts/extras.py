"""What `scripts/webeval.py --extras` drew on each screen of a set (its pages drawn again, nothing rendered): close
marks as CSS bars, plates with a shadow or gradient, countdowns; and the screens whose outcome differs from the same
seed's set without extras (runs/current.yaml's policy on judge-policy's cached detections), with what each drew.

    python3 weights/candidates/freshfonts/extras.py data/webeval13x data/webeval13 13 300
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from agent.judgecache import cached_sets  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.synth import assets  # noqa: E402

spec = importlib.util.spec_from_file_location("webeval", ROOT / "scripts" / "webeval.py")
webeval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(webeval)


def drawn(seed: int, n: int) -> dict[str, set[str]]:
    """Screen id -> the extras its page got, by wrapping webeval's drawing functions while the pages are drawn."""
    seen: set[str] = set()

    def wrap(name: str, tag: str) -> None:
        f = getattr(webeval, name)

        def g(*a, **k):
            out = f(*a, **k)
            if out:  # plate_effect returns "" when it draws nothing
                seen.add(tag)
            return out

        setattr(webeval, name, g)

    wrap("css_x", "css-x")
    wrap("plate_effect", "plate-effect")
    wrap("countdown", "countdown")
    pool, icons, out = assets.load_pool("val"), Path("/tmp/closebot-webeval-icons/node_modules"), {}
    for i in range(n):
        seen.clear()
        webeval.EXTRAS[0] = random.Random(f"webextra:{seed}:{i}")
        webeval.page(random.Random(f"web:{seed}:{i}"), icons, pool)
        out[f"web_{seed}_{i:04d}"] = set(seen)
    return out


def outcomes(config: Path, data: Path) -> dict[str, str]:
    """Screen id -> its outcome under ``config``'s policy on the detections judge-policy cached for it."""
    cfg, sets, cached = cached_sets(argparse.Namespace(config=config, data=[data], limit=400))
    return {it.image_id: judge(it, d, cfg.policy).kind for it, d in zip(sets[data], cached[data], strict=True)}


def main() -> None:
    extra_set, base_set, seed, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    tags = drawn(seed, n)
    config = ROOT / "runs" / "current.yaml"
    with_x, without = outcomes(config, extra_set), outcomes(config, base_set)
    count = collections.Counter(t for ts in tags.values() for t in ts)
    print(f"screens with each extra (of {n}): " + ", ".join(f"{t} {c}" for t, c in sorted(count.items())))
    for t in sorted(count):
        on = [k for k, ts in tags.items() if t in ts]
        kinds = collections.Counter(with_x[k] for k in on)
        print(f"  {t:<13} outcomes with it: " + ", ".join(f"{k} {c}" for k, c in sorted(kinds.items())))
    print("screens whose outcome differs (with extras / without): ")
    for k in sorted(k for k in with_x if with_x[k] != without.get(k)):
        print(f"  {k}  {with_x[k]:<15} {without.get(k)!s:<15} {', '.join(sorted(tags[k])) or '-'}")


if __name__ == "__main__":
    main()
