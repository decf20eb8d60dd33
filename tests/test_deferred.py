"""Deferred imports (relgraph.deferred): networkx is loaded only when something uses
it, so a portfolio command on files never pays for it, and a deferred module works
as the module itself once used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "tiny"


def run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_coverage_run_on_files_never_loads_networkx():
    out = run(
        "import io, sys, contextlib\n"
        f"sys.argv = ['relgraph', 'coverage', {str(DATA)!r}, '--as-of', '2026-11-01', '--format', 'json']\n"
        "from relgraph.cli import main\n"
        "from relgraph.deferred import is_loaded\n"
        "buf = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "assert '\"accounts\"' in buf.getvalue()\n"
        "print('networkx' in sys.modules, is_loaded('networkx'))\n"
    )
    assert out == "True False\n"


def test_a_deferred_module_loads_on_first_use_and_is_the_module():
    out = run(
        "import sys\n"
        "from relgraph.deferred import defer, is_loaded\n"
        "stand_in = defer('networkx')\n"
        "import networkx as nx\n"
        "print(nx is stand_in, is_loaded('networkx'))\n"
        "G = nx.DiGraph([(1, 2), (2, 3)])\n"
        "from networkx.algorithms.dag import topological_sort\n"
        "print(is_loaded('networkx'), list(topological_sort(G)), type(G) is sys.modules['networkx'].DiGraph)\n"
        "print(defer('networkx') is sys.modules['networkx'], defer('no_such_module_here'))\n"
    )
    assert out == "True False\nTrue [1, 2, 3] True\nTrue None\n"
