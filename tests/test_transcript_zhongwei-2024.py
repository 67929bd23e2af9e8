"""The zhongwei-2024 (Ningxia) golden transcript passes its own checker.

tests/golden/check_zhongwei-2024.py checks the transcript's format, that every figure and sentence
occurs in the reference text, and reports (without failing) the document's own inconsistencies.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECKER = Path(__file__).resolve().parent / "golden" / "check_zhongwei-2024.py"


def test_zhongwei_2024_transcript_checker_passes():
    out = subprocess.run([sys.executable, str(CHECKER), "--quiet"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "format errors: 0" in out.stdout
    assert "missing figures/sentences: 0" in out.stdout
    assert "stronger source checks not matched: 0" in out.stdout
