"""Shared fixtures.

``make_store`` is parametrized over every store: a test that takes it runs once on the
file store and once on each Bolt server available (see tests/bolt.py), and must get the
same answers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The load cache (relgraph/cache.py) of the suite's runs, and of the commands they
# start, goes to a folder of its own, never into the user's ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="relgraph-test-cache-")

BOLT_SERVERS = [pytest.param("falkordb", marks=pytest.mark.neo4j)]
if os.environ.get("RELGRAPH_TEST_NEO4J_URI"):
    BOLT_SERVERS.append(pytest.param("neo4j", marks=pytest.mark.neo4j))
STORES = ["files", *BOLT_SERVERS]


def _bolt_unavailable(message: str) -> None:
    """Skip, or fail when CI=true: on CI a Bolt server that cannot start is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def generate(tmp_path_factory):
    """``generate(name, *options)``: a portfolio made by ``scripts/generate`` with
    ``options`` (``--accounts``, ``--contacts``, ...), in a new temporary folder."""
    import subprocess
    import sys

    def make(name: str, *options: str) -> Path:
        out = tmp_path_factory.mktemp(name)
        subprocess.run([sys.executable, str(Path(__file__).parent.parent / "scripts" / "generate"), "--out", str(out),
                        *options, "--force"], check=True, capture_output=True)
        return out

    return make


@pytest.fixture(scope="session")
def falkordb_server():
    """A FalkorDB Bolt server for the whole session (tests/bolt.py)."""
    from bolt import start_falkordb

    try:
        server = start_falkordb()
    except Exception as e:
        _bolt_unavailable(f"FalkorDB Bolt server could not start: {e}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_server():
    """The real Neo4j named by RELGRAPH_TEST_NEO4J_URI."""
    from bolt import neo4j_from_env

    try:
        server = neo4j_from_env()
    except Exception as e:
        _bolt_unavailable(f"Neo4j at $RELGRAPH_TEST_NEO4J_URI is not usable: {e}")
    yield server
    server.stop()


@pytest.fixture(params=BOLT_SERVERS)
def bolt_server(request):
    """Each Bolt server available, with an empty graph."""
    server = request.getfixturevalue(f"{request.param}_server")
    server.clear()
    return server


@pytest.fixture(params=STORES)
def make_store(request):
    """Return a function ``make_store(obj_or_dataset) -> GraphStore`` for the current
    store kind; ``obj_or_dataset`` is a data set dict (as in a JSON data file) or a
    :class:`relgraph.model.Dataset`."""
    from relgraph.readwrite.jsonfile import read_obj
    from relgraph.stores.files import FileStore

    def make(data):
        ds = read_obj(data) if isinstance(data, dict) else data
        if request.param == "files":
            return FileStore.from_dataset(ds)
        # A Bolt store: the data set pushed into the session's server (the graph is
        # cleared first, so only the latest store made in a test is current).
        from bolt import bolt_store

        server = request.getfixturevalue(f"{request.param}_server")
        server.clear()
        store = bolt_store(server)  # (its push recorded: pushed again if the server dies under a CLI run)
        store.push(ds)
        return store

    return make


# --- the browser tests (test_browser*.py) ---------------------------------------------

CHROMIUM = os.environ.get("RELGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
