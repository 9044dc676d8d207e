"""The retraining loop (`agent.proof.prove_loop`) with its stages timed, as tests/test_proof.py runs it but with
its settings from the command line, on an adb server of its own.

Usage: python3 weights/candidates/proveloop/run.py SECONDS STEPS SYNTH_N VERIFIER_EPOCHS WORK_DIR
(the test: 75 120 160 4)
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from agent.config import load_config
from agent.demo import free_port, with_adb_port
from agent.proof import ProofOptions, prove_loop
from detector.verifier import Verifier

port = free_port()
subprocess.run(["adb", "-P", str(port), "start-server"], check=True, capture_output=True)
try:
    cfg = with_adb_port(load_config(), None, port)
    seconds, steps, synth_n, vep = (float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    opts = ProofOptions(
        work=Path(sys.argv[5]),
        weights=Path(cfg.detector.weights),
        seconds=seconds,
        steps=steps,
        synth_n=synth_n,
        verifier_epochs=vep,
    )
    verifier = Verifier.load(cfg.detector.verifier_weights(), cfg.detector.verifier.max_candidates)
    t0 = time.monotonic()
    res = prove_loop(cfg, opts, say=lambda s: print(f"{time.monotonic() - t0:7.1f} {s}", flush=True), verifier=verifier)
    print(f"{time.monotonic() - t0:7.1f} done")
    print(res.table())
    print(json.dumps({k: v for k, v in res.to_dict().items()}))
finally:
    subprocess.run(["adb", "-P", str(port), "kill-server"], capture_output=True)
