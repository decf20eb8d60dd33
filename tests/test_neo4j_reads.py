"""The Neo4j store reads a portfolio in batches of accounts: a portfolio command costs
a few queries plus at most one per 50 accounts, in one transaction per batch, and
answers exactly as the same data on files."""

from __future__ import annotations

import logging
import math
import subprocess
import sys
from pathlib import Path

import pytest
from bolt import TEST_BATCH_SIZE
from test_neo4j import invoke

from relgraph.stores import neo4j as neo4j_store

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
ACCOUNTS = 12
COMMANDS = (["coverage"], ["gaps"], ["threads", "--all"], ["risk"])


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reads") / "p"
    subprocess.run(
        [sys.executable, str(SCRIPTS / "generate"), "--out", str(out), "--accounts", str(ACCOUNTS),
         "--contacts", "360", "--staff", "40", "--seed", "5"],
        check=True, capture_output=True,
    )
    return out


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


def counted(server, args) -> tuple[str, int]:
    """The command's stdout on ``server`` and the number of queries it sent."""
    log = neo4j_store.QUERY_LOG
    counter, level = _Counter(), log.level
    log.addHandler(counter)
    log.setLevel(logging.DEBUG)
    try:
        r = invoke(server, [args[0], server.uri, *args[1:]])
    finally:
        log.removeHandler(counter)
        log.setLevel(level)
    assert r.exit_code == 0, r.output
    return r.stdout, counter.n


@pytest.mark.neo4j
def test_portfolio_commands_read_in_batches_and_match_files(bolt_server, portfolio, monkeypatch):
    r = invoke(bolt_server, ["push", str(portfolio), bolt_server.uri, "--batch-size", str(TEST_BATCH_SIZE)])
    assert r.exit_code == 0, r.output
    when = ["--as-of", "2026-11-01", "--format", "json"]
    for args in COMMANDS:
        on_files = invoke(bolt_server, [args[0], str(portfolio), *args[1:], *when])
        assert on_files.exit_code == 0, on_files.output
        out, n = counted(bolt_server, [*args, *when])
        assert out == on_files.stdout
        # One batch: the account ids, the extra columns, eight reads of the batch.
        assert n == 10, args
        # Batches of 5 accounts: 3 batches of eight reads (and risk's list of every
        # staff member, which no batch then holds), the same answer.
        monkeypatch.setattr(neo4j_store, "ACCOUNTS_PER_READ", 5)
        out, n = counted(bolt_server, [*args, *when])
        monkeypatch.undo()
        assert out == on_files.stdout
        assert n == 2 + 8 * math.ceil(ACCOUNTS / 5) + (args[0] == "risk"), args
