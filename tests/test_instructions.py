"""scripts/instructions: the instruction count of a relgraph command (callgrind),
the same from run to run, or a clear error where valgrind is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "instructions"
DEMO = Path(__file__).resolve().parent.parent / "relgraph" / "demo" / "data"


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=600)


def test_without_valgrind_it_says_what_to_install(tmp_path):
    r = run("validate", str(DEMO), env={"PATH": str(tmp_path)})
    assert r.returncode == 2
    assert r.stderr.strip() == "instructions: valgrind is not installed (Debian: apt-get install valgrind)"


def test_without_a_command_it_says_so():
    r = run()
    assert r.returncode == 2 and "no relgraph command given" in r.stderr


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_the_count_is_the_same_from_run_to_run(tmp_path):
    (tmp_path / "validate").mkdir()  # (a folder named as the command: the command stays a command)
    counts = []
    for _ in range(2):
        r = run("validate", str(DEMO), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        m = re.match(r"([\d,]+) instructions: relgraph validate ", r.stdout)
        assert m, r.stdout
        counts.append(int(m.group(1).replace(",", "")))
    assert counts[0] > 10**8
    assert abs(counts[0] - counts[1]) / counts[0] < 0.002  # (the threads' scheduling: a few in ten thousand)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_a_command_that_fails_shows_its_error_and_no_count(tmp_path):
    r = run("validate", str(tmp_path / "no-such-folder"))
    assert r.returncode == 1 and r.stdout == ""
    assert "no-such-folder" in r.stderr  # relgraph's own message, not valgrind's
    assert "instructions: relgraph validate " in r.stderr and "failed (exit 2)" in r.stderr
