"""scripts/peers.py: the DuckDB and polars peers of the benchmark give relgraph's key
and cell coverage of every account (they are what ``coverage`` is timed against, so
they must answer the same question)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from relgraph.analysis.frame import pair_strengths

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _peers():
    spec = importlib.util.spec_from_file_location("peers", SCRIPTS / "peers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("peers") / "p"
    subprocess.run(
        [sys.executable, str(SCRIPTS / "generate"), "--out", str(out), "--accounts", "6", "--contacts", "900",
         "--staff", "80", "--seed", "7"],
        check=True, capture_output=True,
    )
    # One account with nothing in it: both shares of an empty set are null.
    with open(out / "accounts.csv", "a", encoding="utf-8") as f:
        f.write("a999,Empty Account,C,telecom,North\n")
    return out


def relgraph_coverage(data: Path, *options: str) -> list[dict]:
    r = subprocess.run(
        [sys.executable, "-m", "relgraph", "coverage", str(data), *options, "--format", "json"],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    return [{k: a[k] for k in ("id", "key_coverage", "cell_coverage")} for a in json.loads(r.stdout)["accounts"]]


# relgraph's default grace period (none before SPEC v2 brought one in), which the
# peers are given so that both apply the same decay.
GRACE = inspect.signature(pair_strengths).parameters.get("grace")
DEFAULT_GRACE = 0.0 if GRACE is None else float(GRACE.default)


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize(
    "as_of, half_life, strong",
    [("2026-11-01", 180.0, 3.0), ("2026-03-15", 90.0, 2.5)],
)
def test_peer_gives_relgraphs_key_and_cell_coverage(portfolio, engine, as_of, half_life, strong):
    pytest.importorskip(engine)
    want = relgraph_coverage(portfolio, "--as-of", as_of, "--half-life", str(half_life), "--strong", str(strong))
    got = _peers().PEERS[engine](
        portfolio, dt.date.fromisoformat(as_of), half_life=half_life, grace=DEFAULT_GRACE, strong=strong
    )
    assert got == want
    assert want[-1] == {"id": "a999", "key_coverage": None, "cell_coverage": None}
    # The data are not degenerate: shares strictly between 0 and 1 occur.
    assert any(0 < a["key_coverage"] < 1 for a in want[:-1])
    assert any(0 < a["cell_coverage"] < 1 for a in want[:-1])


def test_peer_command_prints_the_accounts_as_json(portfolio):
    pytest.importorskip("duckdb")
    r = subprocess.run(
        [sys.executable, str(SCRIPTS / "peers.py"), "duckdb", str(portfolio), "--as-of", "2026-11-01",
         "--grace", str(DEFAULT_GRACE)],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(r.stdout)["accounts"] == relgraph_coverage(portfolio, "--as-of", "2026-11-01")
