"""A Bolt server that stops answering: every command fails in bounded time, in one line.

The servers here are a few lines of socket code on the loopback interface: one that
accepts connections and never says a word, and one that answers the Bolt handshake
and HELLO (as Neo4j 4.4 would) and then goes silent, as a server does that hangs
mid-transaction. Both stop when the test ends.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

import pytest
from click.testing import CliRunner

from relgraph.cli import cli


def _chunk(message: bytes) -> bytes:
    return struct.pack(">H", len(message)) + message + b"\0\0"


def _tiny(text: str) -> bytes:
    data = text.encode()
    return bytes([0x80 + len(data)]) + data


HELLO_SUCCESS = _chunk(b"\xb1\x70\xa2" + _tiny("server") + _tiny("Neo4j/4.4.0")
                       + _tiny("connection_id") + _tiny("bolt-1"))


class SilentServer:
    """A loopback TCP server; with ``bolt=True`` it answers the handshake and HELLO
    of each connection, then reads and never answers."""

    def __init__(self, *, bolt: bool):
        self.bolt = bolt
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            if self.bolt:
                threading.Thread(target=self._answer_hello, args=(conn,), daemon=True).start()

    def _answer_hello(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            data = b""
            while len(data) < 20:  # magic and four version proposals
                data += conn.recv(20 - len(data)) or b"?" * 20
            conn.sendall(b"\x00\x00\x04\x04")  # Bolt 4.4
            conn.recv(65536)  # HELLO
            conn.sendall(HELLO_SUCCESS)
            while conn.recv(65536):  # BEGIN, RUN, ...: never answered
                pass
        except OSError:
            pass

    def stop(self) -> None:
        self.stopped.set()
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.fixture
def silent_bolt():
    server = SilentServer(bolt=True)
    yield server
    server.stop()


def run(args, **env):
    start = time.monotonic()
    r = CliRunner().invoke(cli, args, env={"NEO4J_USERNAME": "", "NEO4J_PASSWORD": "", **env})
    return r, time.monotonic() - start


@pytest.mark.parametrize(
    "args",
    [["cypher", "{uri}", "RETURN 1"], ["coverage", "{uri}"], ["risk", "{uri}"], ["paths", "{uri}", "--to", "c1"],
     ["push", "{data}", "{uri}"]],
)
def test_a_server_that_stops_answering_fails_after_the_timeout(silent_bolt, tmp_path, args):
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"accounts": [{"id": "A", "name": "Acme", "grade": "A"}], "contacts": [],
                                "staff": [], "relationships": []}))
    uri = f"bolt://127.0.0.1:{silent_bolt.port}"
    r, took = run([a.format(uri=uri, data=data) for a in args], RELGRAPH_NEO4J_TIMEOUT="1.5")
    assert r.exit_code == 1
    assert r.stderr == f"Error: {uri} gave no answer within 1.5 s; set RELGRAPH_NEO4J_TIMEOUT to wait longer\n"
    assert 1.5 <= took < 8


def test_a_silent_port_says_how_long_it_waited():
    server = SilentServer(bolt=False)
    try:
        uri = f"bolt://127.0.0.1:{server.port}"
        r, took = run(["cypher", uri, "RETURN 1"])
    finally:
        server.stop()
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: cannot reach {uri}: no answer within ")
    waited = int(r.stderr.split("within ")[1].split(" s")[0])
    assert abs(waited - took) <= 1.5


@pytest.mark.parametrize("value", ["x", "0", "-1", "nan", "inf"])
def test_a_bad_timeout_is_a_usage_error(value):
    r, _ = run(["cypher", "bolt://127.0.0.1:1", "RETURN 1"], RELGRAPH_NEO4J_TIMEOUT=value)
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: RELGRAPH_NEO4J_TIMEOUT={value!r}: give the seconds a transaction may take, e.g. 60\n"
    )


@pytest.mark.parametrize("port", ["abc", "99999"])
def test_a_bad_port_is_a_usage_error(port):
    for args in (["cypher", f"bolt://127.0.0.1:{port}", "RETURN 1"], ["coverage", f"bolt://127.0.0.1:{port}"]):
        r, _ = run(args)
        assert r.exit_code == 2
        assert r.stderr == (
            f"Error: not a usable Neo4j URI 'bolt://127.0.0.1:{port}': the port must be a number from 0 to 65535\n"
        )


def test_the_store_takes_the_timeout_as_a_parameter(silent_bolt, monkeypatch):
    from relgraph.errors import StoreUnavailable
    from relgraph.stores.neo4j import Neo4jStore

    monkeypatch.setenv("RELGRAPH_NEO4J_TIMEOUT", "600")
    monkeypatch.setenv("NEO4J_USERNAME", "")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    uri = f"bolt://127.0.0.1:{silent_bolt.port}"
    store = Neo4jStore(uri, timeout=0.5)
    start = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"gave no answer within 0\.5 s"):
        store.run("MATCH (n) RETURN count(n) AS n")
    store.close()  # returns at once, the stuck transaction notwithstanding
    assert time.monotonic() - start < 3
