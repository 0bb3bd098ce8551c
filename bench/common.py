"""What the benchmarks share: the settings of a bench app and a peak-memory probe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "granite lantern over quiet harbour"  # must pass the strength check
# A bench app: cheap Argon2 (sign-ins are not what is measured), quiet logs, the schema made
# by the bench itself.
SETTINGS = {
    "SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
    "AUTO_MIGRATE": False,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_TIME_COST": 1,
    "LOG_LEVEL": "WARNING",
    "SYNC_CHECKLISTS": False,
}


def peak_rss(script: str, *args: str) -> float:
    """The last line a fresh `script --one ARGS...` prints: its peak RSS, measured alone."""
    output = subprocess.run(
        [sys.executable, script, "--one", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    return float(output.strip().splitlines()[-1])
