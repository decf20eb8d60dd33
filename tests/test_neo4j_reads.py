"""The Neo4j store reads a portfolio in batches of accounts: a portfolio command costs
a few queries plus at most one per 50 accounts, in one transaction per batch, asks
only for the columns it keeps, and answers exactly as the same data on files."""

from __future__ import annotations

import logging
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bolt import TEST_BATCH_SIZE
from test_neo4j import invoke

from relgraph.model import TABLES
from relgraph.stores import neo4j as neo4j_store

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
ACCOUNTS = 120
SMALL_BATCH = 40
COMMANDS = (["coverage"], ["gaps"], ["threads", "--all"], ["risk"])


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reads") / "p"
    subprocess.run(
        [sys.executable, str(SCRIPTS / "generate"), "--out", str(out), "--accounts", str(ACCOUNTS),
         "--contacts", "480", "--staff", "40", "--seed", "5"],
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
    bound = 10 + ACCOUNTS / 50
    for args in COMMANDS:
        on_files = invoke(bolt_server, [args[0], str(portfolio), *args[1:], *when])
        assert on_files.exit_code == 0, on_files.output
        out, n = counted(bolt_server, [*args, *when])
        assert out == on_files.stdout
        # One batch: the account ids, the extra columns, the batch's rows and its staff.
        assert n == 4, args
        # Batches of 40 accounts: 3 batches of two reads (and risk's list of every
        # staff member, which no batch then holds), the same answer.
        monkeypatch.setattr(neo4j_store, "ACCOUNTS_PER_READ", SMALL_BATCH)
        out, n = counted(bolt_server, [*args, *when])
        monkeypatch.undo()
        assert out == on_files.stdout
        assert n == 2 + 2 * math.ceil(ACCOUNTS / SMALL_BATCH) + (args[0] == "risk"), args
        assert n <= bound, args


def _row_lists(query: str) -> dict[str, tuple[str, list[str]]]:
    """Table -> (its node or relationship variable, the items of the row list it
    collects) of a read statement."""
    out = {}
    for items, table, var in re.findall(r"collect\(\[(.*?)\[k IN \$extras\.(\w+) \| (\w)\[k\]\]\]\)", query, re.S):
        out[table] = (var, [x.strip() for x in items.split(",") if x.strip()])
    return out


def test_reads_ask_only_for_the_columns_kept():
    """Every read returns named properties, never a whole property map, and each row of
    a batch lists ``seq``, then every column of its table in the model's order (the
    order the store takes them in), then the extra columns."""
    assert "properties(" not in neo4j_store.cypher_text("read.cypher")
    queries = neo4j_store.named_queries("read.cypher")
    rows = _row_lists(queries["batch"])
    assert sorted(rows) == sorted(t for t in TABLES if t != "staff")
    rows.update(_row_lists(queries["staff_by_id"]))
    assert _row_lists(queries["staff_all"]) == _row_lists(queries["staff_by_id"])
    endpoints = {"relationships": ["s.id", "c.id"], "links": ["x.id", "y.id", "toLower(type(r))"],
                 "team": ["a.id", "s.id"]}
    for table, (var, got) in rows.items():
        names = neo4j_store.property_names(table)
        ends = iter(endpoints.get(table, []))
        want = [f"{var}.seq"] + [f"{var}.{names[c.name]}" if c.name in names else next(ends)
                                 for c in TABLES[table].columns]
        assert got == want, table


@pytest.mark.neo4j
def test_a_batch_reads_extra_columns_and_rows_over_many_records(bolt_server, monkeypatch):
    """Extra columns come back as text, defaults as files give them, and rows split
    over several records read as one table, in the data set's order."""
    from relgraph.readwrite.jsonfile import read_obj

    contacts = [{"id": f"c{i}", "name": f"C {i}", "account": "A", "role": "user", "desk": i} for i in range(7)]
    data = {"accounts": [{"id": "A", "name": "Acme"}], "contacts": contacts[::-1],
            "staff": [{"id": "s1", "name": "Sam"}],
            "relationships": [{"staff": "s1", "contact": c["id"], "strength": 3} for c in contacts]}
    store = neo4j_store.Neo4jStore(bolt_server.driver(), database=bolt_server.database, batch_size=TEST_BATCH_SIZE)
    store.push(read_obj(data))
    monkeypatch.setattr(neo4j_store, "ROWS_PER_RECORD", 3)
    store = neo4j_store.Neo4jStore(bolt_server.driver(), database=bolt_server.database)
    typed = store.tables(["A"])
    rows = typed.rows("contacts")
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(6, -1, -1)]
    assert [r["desk"] for r in rows] == [str(i) for i in range(6, -1, -1)]
    assert (rows[0]["influence"], rows[0]["seniority"], rows[0]["coach"], rows[0]["attitude"]) == (3, 2, False, "unknown")
    assert typed.tables["relationships"].column("contact").to_pylist() == [c["id"] for c in contacts]
    assert store.queries == 4  # ids, extras, the batch, its staff
