"""WiSE-FT probe (Wortsman et al., "Robust fine-tuning of zero-shot models"): a network whose weights are
(1 - a) * parent + a * fine-tuned, tensor by tensor (integer tensors, batch norm's step counts, from the fine-tuned
one), written with the fine-tuned file's spec and manifest and a note of both files. SSD weights or verifier files.

Usage: python3 weights/candidates/stripmined/wise.py PARENT FINE_TUNED A OUT
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector import verifier, weights  # noqa: E402
from detector.errors import WeightsError  # noqa: E402

parent_path, tuned_path, a, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
try:
    load, fmt = weights.load_weights, weights.FORMAT
    parent, tuned = load(parent_path), load(tuned_path)
except WeightsError:
    load, fmt = verifier.load_verifier, verifier.FORMAT
    parent, tuned = load(parent_path), load(tuned_path)
assert parent.spec == tuned.spec, (parent.spec, tuned.spec)
assert parent.state_dict.keys() == tuned.state_dict.keys()
state = {
    k: ((1 - a) * parent.state_dict[k] + a * v) if v.is_floating_point() else v for k, v in tuned.state_dict.items()
}
manifest = {**tuned.manifest, "interpolated": {"parent": parent_path, "tuned": tuned_path, "alpha": a}}
manifest.pop("sha256", None)
weights.write_checked(out, fmt, tuned.spec.to_dict(), state, manifest)
print(f"{out}: {1 - a:g} x {parent_path} + {a:g} x {tuned_path} ({type(load(out).spec).__name__})")
