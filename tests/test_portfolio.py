"""The portfolio layer reads a store's typed tables part by part: the file store
gives the whole portfolio at once, the Neo4j store one account's share at a time.
Every report must be the same either way, and the same as the library's graph
functions give on the store's whole graph."""

from __future__ import annotations

import datetime as dt

import pytest

from relgraph.analysis import portfolio
from relgraph.analysis.coverage import coverage, gaps
from relgraph.analysis.influencers import key_influencers
from relgraph.analysis.paths import influence_paths
from relgraph.analysis.threads import rotation_risk
from relgraph.demo import write_demo
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore

AS_OF = dt.date(2026, 11, 1)


class PerAccount:
    """The file store read as the Neo4j store reads: one account's share of the
    tables at a time (:meth:`FileStore.tables` of that account)."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def table_parts(self, accounts=None):
        for a in self._store.account_ids() if accounts is None else list(dict.fromkeys(accounts)):
            yield [a], self._store.tables([a])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    info = write_demo(d)
    return FileStore(d), info


CALLS = {
    "coverage": lambda f, s: f.coverage_report(s, as_of=AS_OF),
    "gaps": lambda f, s: f.gaps_report(s, as_of=AS_OF),
    "threads": lambda f, s: f.threads_report(s, as_of=AS_OF, all=True),
    "risk": lambda f, s: f.risk_report(s, as_of=AS_OF),
    "whatif": lambda f, s: f.whatif_report(s, without=["s-am-es", "s-pres"], as_of=AS_OF),
    "diff": lambda f, s: f.diff_report(s, since=dt.date(2026, 1, 1), as_of=AS_OF),
    "paths": lambda f, s: f.paths_report(s, target="nwm-ceo", as_of=AS_OF, k=5),
    "influencers": lambda f, s: f.influencers_report(s, account="nwm", as_of=AS_OF),
}


@pytest.mark.parametrize("command", sorted(CALLS))
def test_account_shares_give_the_same_answers(demo, command):
    store, _ = demo
    whole = CALLS[command](portfolio, store)
    assert whole == CALLS[command](portfolio, PerAccount(store))
    assert any(whole.values())  # a real answer, not an empty one


def test_tables_of_several_accounts_are_their_shares(demo):
    # Two accounts' tables at once hold what each account's share holds, once.
    store, _ = demo
    a, b = store.account_ids()[:2]
    both = store.tables([a, b])
    for name in ("contacts", "units", "relationships", "team", "staff", "touchpoints"):
        rows = both.rows(name)
        one, two = store.tables([a]).rows(name), store.tables([b]).rows(name)
        assert len(rows) == len({repr(r) for r in rows})  # each row once
        assert sorted(map(repr, rows)) == sorted({*map(repr, one), *map(repr, two)})
    assert coverage_report_of(store, [a, b]) == coverage_report_of(PerAccount(store), [a, b])


def coverage_report_of(store, accounts):
    return portfolio.coverage_report(store, as_of=AS_OF, accounts=accounts)["accounts"]


def test_reports_equal_the_graph_functions(demo):
    store, _ = demo
    G = store.graph()
    assert portfolio.coverage_report(store, as_of=AS_OF)["accounts"] == coverage(G, as_of=AS_OF)
    assert portfolio.gaps_report(store, as_of=AS_OF)["gaps"] == gaps(G, as_of=AS_OF)
    assert portfolio.risk_report(store, as_of=AS_OF)["staff"] == rotation_risk(G, as_of=AS_OF)
    got = portfolio.influencers_report(store, account="nwm", as_of=AS_OF)["contacts"]
    assert got == key_influencers(G, "nwm", as_of=AS_OF)
    paths = portfolio.paths_report(store, target="nwm-ceo", as_of=AS_OF, k=5)["paths"]
    assert [{k: p[k] for k in ("score", "nodes", "steps")} for p in paths] == influence_paths(
        G, "nwm-ceo", as_of=AS_OF, k=5
    )


TWO_ACCOUNTS = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "S"}, {"id": "B", "name": "Beta"}],
    "units": [{"id": "u1", "account": "A", "name": "HQ", "level": "hq"}],
    "contacts": [
        {"id": "a1", "name": "Ann", "account": "A", "unit": "u1", "role": "decision_maker"},
        {"id": "a2", "name": "Al", "account": "A", "level": "division", "influence": 5},
        {"id": "b1", "name": "Bo", "account": "B"},
    ],
    "staff": [{"id": "s1", "name": "Sam", "in_role_since": "2024-01-02"}, {"id": "s2", "name": "Sue"}],
    "relationships": [
        {"staff": "s1", "contact": "a1", "strength": 4, "last_contact": "2026-06-01", "since": "2025-01-01"},
        {"staff": "s2", "contact": "b1", "strength": 2},
    ],
    "links": [
        {"source": "a2", "target": "a1", "kind": "reports_to", "weight": 2.5},
        {"source": "a1", "target": "b1", "kind": "influences"},
    ],
    "team": [{"account": "A", "staff": "s2", "role": "delivery"}],
    "touchpoints": [{"date": "2026-07-05", "method": "visit", "staff": "s1", "contacts": "a1;b1"}],
}


def test_every_store_yields_the_same_typed_tables(make_store):
    # The contract: one account's share (and the whole data set) as the same typed
    # rows from every store, defaults applied, links between two accounts in neither.
    store = make_store(TWO_ACCOUNTS)
    files = FileStore.from_dataset(read_obj(TWO_ACCOUNTS))
    for accounts in (["A"], ["B"], None):
        got, expected = store.tables(accounts), files.tables(accounts)
        for name in expected.tables:
            assert got.rows(name) == expected.rows(name), (accounts, name)
    share = files.tables(["A"])
    assert [(r["source"], r["target"], r["weight"]) for r in share.rows("links")] == [("a2", "a1", 2.5)]
    assert [r["id"] for r in share.rows("staff")] == ["s1", "s2"]
    assert share.rows("contacts")[1]["influence"] == 5 and share.rows("contacts")[0]["influence"] == 3
    parts = list(store.table_parts(["B", "A"]))
    # Both stores yield the two accounts as one part (Neo4j reads them in one batch).
    assert [ids for ids, _ in parts] == [["B", "A"]]
