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


def _stored(tables: dict[str, list[dict]], extras: dict[str, list[str]]) -> dict[str, dict[str, list]]:
    """Columns of values as a database might store them (every model column, absent as None)."""
    out = {}
    for name, table in TABLES.items():
        cols = [c.name for c in table.columns] + extras.get(name, [])
        out[name] = {c: [r.get(c) for r in tables.get(name, [])] for c in cols}
    return out


STORED = {
    "accounts": [{"id": "A", "name": " Acme ", "grade": "a"}, {"id": "B", "name": "Beta", "region": 7}],
    "contacts": [
        {"id": "c1", "name": "Cy", "account": "A", "role": "Decision_Maker", "seniority": 4.0, "coach": "yes",
         "level": "HQ", "desk": 12},
        {"id": "c2", "name": "Di", "account": "B", "influence": 5, "level": "site", "desk": " d2 "},
    ],
    "staff": [{"id": "s1", "name": "Sam", "in_role_since": "2024-01-31", "active": False}],
    "relationships": [{"staff": "s1", "contact": "c1", "strength": 3.5, "last_contact": "2026-10-01"},
                      {"staff": "s1", "contact": "c2", "strength": 2}],
    "touchpoints": [{"date": "2026-09-01", "method": "Visit", "staff": ["s1"], "contacts": [" c1", "c2"]}],
}


@pytest.mark.parametrize("plain", [True, False], ids=["as stored by a push", "edited by hand"])
def test_columns_typed_as_the_validator_types_rows(plain):
    """The column-wise typing of a read gives exactly the typed tables of the
    row-by-row validator, whether the values are stored plainly (the fast path) or
    need the converters (other case, spaces, floats, text for numbers)."""
    from relgraph.stores.checked import check_dataset, checked_columns
    from relgraph.model import Dataset
    from relgraph.tables import TypedTables

    extras = {"contacts": ["desk"]}
    tables = STORED
    if plain:  # what a push stores: the validator's own values
        ds = Dataset(tables={t: [dict(r) for r in STORED.get(t, [])] for t in TABLES}, extras=extras)
        tables = check_dataset(ds, "bolt://x", whole=True)[0]
        tables = {t: [{c: (v.isoformat() if hasattr(v, "isoformat") else v) for c, v in r.items()} for r in tables[t]]
                  for t in TABLES}
    ds = Dataset(tables={t: [dict(r) for r in tables.get(t, [])] for t in TABLES}, extras=extras)
    want, problems, warnings = check_dataset(ds, "bolt://x", whole=True)
    assert problems == []
    stored = _stored(tables, extras)
    from relgraph.stores.checked import _as_converted

    # Plainly stored, every column is typed whole; edited by hand, some go cell by cell.
    slow = [(t, c.name) for t in TABLES for c in TABLES[t].columns if _as_converted(c, stored[t][c.name]) is None]
    assert (slow == []) == plain, slow
    got = checked_columns(stored, extras, "bolt://x", whole=True)
    expected = TypedTables.from_dataset(want)
    for t in TABLES:
        assert got.tables[t].equals(expected.tables[t]), t
    assert [str(w) for w in got.warnings] == [str(w) for w in warnings]
    assert got.rows("contacts")[0]["role"] == "decision_maker" and got.rows("contacts")[1]["desk"] == "d2"


def test_a_bad_stored_value_is_worded_as_the_validator_words_it():
    from relgraph.errors import InvalidData
    from relgraph.stores.checked import checked_columns

    bad = {**STORED, "relationships": [{"staff": "s1", "contact": "c1", "strength": 99},
                                       {"staff": "s1", "contact": "c9", "strength": 2}]}
    with pytest.raises(InvalidData) as e:
        checked_columns(_stored(bad, {"contacts": ["desk"]}), {"contacts": ["desk"]}, "bolt://x", whole=True)
    assert [str(p) for p in e.value.problems] == [
        "bolt://x: KNOWS s1->c1: strength 99 is out of range 1-5",
        "bolt://x: KNOWS s1->c9: contact: unknown contact 'c9'",
    ]
