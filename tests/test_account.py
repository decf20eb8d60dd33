"""The account result (relgraph/analysis/account.py): exact figures of one tiny account
on every store, the map and the report holding to it, and the report's one read.

Account T (grade A) at 2024-06-01, no last_contact and no touchpoints (nothing decays).
Units t1 "HQ" (hq) > t2 "North" (province). Staff s1 Ann (account manager), s2 Bob
(solution), s3 Cy (executive, inactive). Team: s1 (no team role: their own role), s2 as
delivery.

  contact  cell                   key  relationships in force        threads  flag
  k1       hq decision-maker      yes  s1 4, s2 3                    2        -
  k3       hq finance, opponent   yes  none                          0        gap (unthreaded)
  w1       hq business            no   s2 2                          0        gap (weak cell)
  k2       province technical     yes  s1 3 (s2 5 ended 2024-01-01)  1        single
  u1       province user          no   s3 5 -> 0 (inactive)          0        gap (uncovered cell)
  o1       province other         no   s1 5                          1        - (in no cell)

Links: k2 reports to k1 three times (weights 2, 4, 3: the stronger, 4, counts), u1 reports to
k2 (weight 3, from 2024-06-01: in force), w1 influences k1 (until 2024-06-01: ended).

Paths to u1 (knows: strength / 5; reports_to both ways: weight / 5):
  s1 -> k1 -> k2 -> u1   0.8 x 0.8 x 0.6 = 0.384  (best; with weight 2 it would be 0.192)
  s1 -> k2 -> u1         0.6 x 0.6       = 0.36
  s2 -> k1 -> k2 -> u1   0.6 x 0.8 x 0.6 = 0.288
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from relgraph.analysis.account import LinkLine, Person, Tie, account_result, portfolio_lists
from relgraph.analysis.portfolio import coverage_report, gaps_report, risk_report, threads_report
from relgraph.readwrite import read
from relgraph.render import map_data, map_html, write_report
from relgraph.stores.files import FileStore

AS_OF = dt.date(2024, 6, 1)
DATA = Path(__file__).parent / "data"

TINY = {
    "accounts": [{"id": "T", "name": "Tango", "grade": "A"}],
    "units": [
        {"id": "t1", "account": "T", "name": "HQ", "level": "hq"},
        {"id": "t2", "account": "T", "name": "North", "level": "province", "parent": "t1"},
    ],
    "contacts": [
        {"id": "k1", "name": "Kai", "account": "T", "unit": "t1", "role": "decision_maker", "influence": 5},
        {"id": "k2", "name": "Kim", "account": "T", "unit": "t2", "role": "technical", "influence": 4},
        {"id": "k3", "name": "Kit", "account": "T", "unit": "t1", "role": "finance", "influence": 4, "attitude": "opponent"},
        {"id": "o1", "name": "Oda", "account": "T", "unit": "t2", "role": "other", "influence": 3},
        {"id": "u1", "name": "Uma", "account": "T", "unit": "t2", "role": "user", "influence": 3},
        {"id": "w1", "name": "Wen", "account": "T", "unit": "t1", "role": "business", "influence": 2},
    ],
    "staff": [
        {"id": "s1", "name": "Ann", "role": "account_manager", "seniority": 3},
        {"id": "s2", "name": "Bob", "role": "solution", "seniority": 2},
        {"id": "s3", "name": "Cy", "role": "executive", "seniority": 4, "active": False},
    ],
    "relationships": [
        {"staff": "s1", "contact": "k1", "strength": 4},
        {"staff": "s2", "contact": "k1", "strength": 3},
        {"staff": "s1", "contact": "k2", "strength": 3},
        {"staff": "s2", "contact": "k2", "strength": 5, "until": "2024-01-01"},
        {"staff": "s2", "contact": "w1", "strength": 2},
        {"staff": "s1", "contact": "o1", "strength": 5},
        {"staff": "s3", "contact": "u1", "strength": 5},
    ],
    "links": [
        {"source": "k2", "target": "k1", "kind": "reports_to", "weight": 2},
        {"source": "k2", "target": "k1", "kind": "reports_to", "weight": 4, "since": "2023-01-01"},
        {"source": "k2", "target": "k1", "kind": "reports_to", "weight": 3, "since": "2022-01-01"},
        {"source": "u1", "target": "k2", "kind": "reports_to", "weight": 3, "since": "2024-06-01"},
        {"source": "w1", "target": "k1", "kind": "influences", "weight": 3, "until": "2024-06-01"},
    ],
    "team": [{"staff": "s1", "account": "T"}, {"staff": "s2", "account": "T", "role": "delivery"}],
}


@pytest.fixture
def tiny_store(make_store):
    return make_store(TINY)


def test_account_result_exact(tiny_store):
    r = account_result(tiny_store.account_graph("T"), as_of=AS_OF)
    assert r.people == {
        "k1": Person("k1", key=True, threads=2, cell="covered", flag=None),
        "k2": Person("k2", key=True, threads=1, cell="covered", flag="single"),
        "k3": Person("k3", key=True, threads=0, cell="uncovered", flag="gap"),
        "o1": Person("o1", key=False, threads=1, cell=None, flag=None),
        "u1": Person("u1", key=False, threads=0, cell="uncovered", flag="gap"),
        "w1": Person("w1", key=False, threads=0, cell="weak", flag="gap"),
    }
    assert (r.unthreaded, r.single) == (("k3",), ("k2",))
    assert r.ties == {
        "k1": (Tie("s1", "k1", 4.0, True, 4.0), Tie("s2", "k1", 3.0, True, 3.0)),
        "k2": (Tie("s1", "k2", 3.0, True, 3.0),),  # s2's row ended in 2024-01
        "o1": (Tie("s1", "o1", 5.0, True, 5.0),),
        "u1": (Tie("s3", "u1", 0.0, False, 5.0),),  # recorded 5, inactive staff: 0
        "w1": (Tie("s2", "w1", 2.0, False, 2.0),),
    }
    assert r.links == (LinkLine("k2", "k1", "REPORTS_TO", 4.0), LinkLine("u1", "k2", "REPORTS_TO", 3.0))
    assert r.active_staff == {"s1", "s2"}
    assert r.team == {"s1": "account_manager", "s2": "delivery"}
    assert (r.id, r.levels, r.units, r.target, r.paths, r.lists) == ("T", ("hq", "province"), ("t1", "t2"), None, (), None)
    assert r.figures == {
        "id": "T",
        "name": "Tango",
        "grade": "A",
        "key_coverage": 2 / 3,
        "cell_coverage": 2 / 12,
        "multithreading": 1 / 3,
        "opponents": ["k3"],
        "triangle": ["account_manager", "delivery"],
        "unit_coverage": 1.0,
        "exec_ties": [],
        "activity": {m: 0 for m in ("visit", "model_site", "meeting", "tech_exchange", "research", "other", "total")},
        "contacts": 6,
        "key_contacts": 3,
    }
    cells = [(c["level"], c["role"], c["status"], c["contacts"], c["best_strength"]) for c in r.cells if c["status"] != "unknown"]
    assert cells == [
        ("hq", "decision_maker", "covered", ["k1"], 4.0),
        ("hq", "business", "weak", ["w1"], 2.0),
        ("hq", "finance", "uncovered", ["k3"], None),
        ("province", "technical", "covered", ["k2"], 3.0),
        ("province", "user", "uncovered", ["u1"], 0.0),
    ]
    assert len(r.blind_spots()) == 12 - 5
    assert [(c["level"], c["role"]) for c in r.gap_cells()] == [("hq", "business"), ("hq", "finance"), ("province", "user")]


DATED = {
    "accounts": [{"id": "D", "name": "Delta"}],
    "contacts": [{"id": f"x{i}", "name": f"X{i}", "account": "D", "role": "technical"} for i in range(1, 5)],
    "staff": [{"id": "s1", "name": "Ann"}, {"id": "s2", "name": "Bob"}],
    "relationships": [
        {"staff": "s1", "contact": "x1", "strength": 4, "last_contact": "2024-03-01"},
        {"staff": "s1", "contact": "x2", "strength": 3},
        {"staff": "s2", "contact": "x3", "strength": 4, "last_contact": "2024-05-20"},
        {"staff": "s2", "contact": "x4", "strength": 4, "last_contact": "2023-06-01"},
    ],
    "touchpoints": [
        {"date": "2024-05-01", "method": "meeting", "staff": ["s1"], "contacts": ["x1", "x2"]},
        {"date": "2024-04-10", "method": "visit", "staff": ["s1"], "contacts": ["x2"]},
        {"date": "2024-07-01", "method": "visit", "staff": ["s2"], "contacts": ["x3"]},  # after as-of: not yet
        {"date": "2023-09-05", "method": "visit", "staff": ["s2"], "contacts": ["x4"]},
    ],
}


def test_a_ties_last_contact_is_the_date_its_decay_runs_from(make_store):
    """The newest of the row's last_contact and the pair's touchpoints on or before
    as-of, inside the grace period too (where the strength has not decayed yet)."""
    store = make_store(DATED)
    r = account_result(store.tables(["D"]), as_of=AS_OF)
    assert {c: ts for c, ts in r.ties.items()} == {
        # 31 days after the touchpoint, newer than the row's date: inside the grace period.
        "x1": (Tie("s1", "x1", 4.0, True, 4.0, dt.date(2024, 5, 1)),),
        # No date on the row: the newest of its two touchpoints.
        "x2": (Tie("s1", "x2", 3.0, True, 3.0, dt.date(2024, 5, 1)),),
        "x3": (Tie("s2", "x3", 4.0, True, 4.0, dt.date(2024, 5, 20)),),
        # 270 days after the touchpoint: 90 of grace, then one half-life.
        "x4": (Tie("s2", "x4", 2.0, False, 4.0, dt.date(2023, 9, 5)),),
    }
    # The map's lines say the same, and so does the graph of the account.
    data = map_data(store.account_graph("D"), as_of=AS_OF)
    assert [(e["to"], e["strength"], e["last_contact"]) for e in data["edges"] if e["type"] == "KNOWS"] == [
        ("Contact:x1", 4.0, "2024-05-01"), ("Contact:x2", 3.0, "2024-05-01"), ("Contact:x3", 4.0, "2024-05-20"),
        ("Contact:x4", 2.0, "2023-09-05"),
    ]


def test_account_result_paths(tiny_store):
    G = tiny_store.account_graph("T")
    r = account_result(G, as_of=AS_OF, to="u1")
    assert [(p["nodes"], round(p["score"], 12)) for p in r.paths] == [
        (["s1", "k1", "k2", "u1"], 0.384),
        (["s1", "k2", "u1"], 0.36),
        (["s2", "k1", "k2", "u1"], 0.288),
    ]
    assert [p["nodes"] for p in account_result(G, as_of=AS_OF, to="u1", source="s2").paths] == [["s2", "k1", "k2", "u1"]]
    assert account_result(G, as_of=AS_OF, to="u1", source="s3").paths == ()  # inactive: no path starts there


def _embedded(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', html, re.S).group(1))


def _assert_map_is_the_result(data: dict, r) -> None:
    """The map's records say exactly what the account result says."""
    contacts = {n["ref"]: n for n in data["nodes"] if n["kind"] == "Contact"}
    assert {c: (n["key"], n["threads"], n.get("cell"), n.get("flag")) for c, n in contacts.items()} == {
        c: (p.key, p.threads, p.cell, p.flag) for c, p in r.people.items()
    }
    flagged = [n["id"] for n in data["nodes"] if n["kind"] == "Contact" and n.get("flag")]
    assert sorted(data["gaps"] + data["single"]) == sorted(flagged)
    assert {k[len("Contact:"):] for k in data["single"]} == {c for c, p in r.people.items() if p.flag == "single"}
    knows = sorted((e["from"], e["to"], e["strength"], e["strong"]) for e in data["edges"] if e["type"] == "KNOWS")
    ties = sorted((f"Staff:{t.staff}", f"Contact:{t.contact}", t.strength, t.strong) for ts in r.ties.values() for t in ts)
    assert knows == ties
    lines = [(e["from"], e["to"], e["type"], e["weight"]) for e in data["edges"] if "weight" in e]
    assert lines == [(f"Contact:{x.source}", f"Contact:{x.target}", x.type, x.weight) for x in r.links]
    assert data["account"] == dict(r.figures)
    assert data["cells"] == [dict(c) for c in r.cells]
    assert {n["ref"] for n in data["nodes"] if n["kind"] == "Staff" and n["active"]} == r.active_staff
    assert {n["ref"]: n["team_role"] for n in data["nodes"] if "team_role" in n} == r.team
    if r.paths:
        assert data["path"]["ids"] == r.paths[0]["nodes"]
        assert [p["ids"] for p in data["paths"]] == [p["nodes"] for p in r.paths[1:]]


def test_map_formats_the_result(tiny_store):
    G = tiny_store.account_graph("T")
    r = account_result(G, as_of=AS_OF, to="u1", lists=True)  # a map also lists gaps and successors
    html = map_html(G, as_of=AS_OF, to="u1")
    data = _embedded(html)
    _assert_map_is_the_result(map_data(G, r), r)
    # The weak cell's contact glows as a gap on the page itself.
    assert {n["ref"]: n.get("flag") for n in data["nodes"] if n["kind"] == "Contact"} == {
        "k1": None, "k3": "gap", "w1": "gap", "k2": "single", "u1": "gap", "o1": None,
    }
    assert data["gaps"] == ["Contact:w1", "Contact:k3", "Contact:u1"]  # map order: level, role, id
    assert data["single"] == ["Contact:k2"]
    assert map_data(G, r) == map_data(G, as_of=AS_OF, to="u1")


@pytest.mark.parametrize("path", ["render_tiny.json", "tiny"])
def test_maps_of_the_test_data_are_their_results(path):
    store = FileStore(DATA / path)
    for a in store.account_ids():
        G = store.account_graph(a)
        for as_of in (dt.date(2024, 6, 1), dt.date(2025, 6, 1)):
            r = account_result(G, as_of=as_of)
            _assert_map_is_the_result(map_data(G, as_of=as_of), r)


def _portfolio_commands(store, as_of):
    """What the report lists, from the portfolio commands (one store pass each)."""
    threads = threads_report(store, as_of=as_of)["contacts"]
    risk = risk_report(store, as_of=as_of)["staff"]
    return (
        coverage_report(store, as_of=as_of)["accounts"],
        gaps_report(store, as_of=as_of)["gaps"],
        [c for c in threads if c["threads"] <= 1],
        [s for s in risk if s["risk"] > 0 or s["due_soon"]],
    )


@pytest.mark.parametrize("path, as_of", [("render_tiny.json", dt.date(2024, 6, 1)), ("tiny", dt.date(2025, 6, 1))])
def test_portfolio_lists_are_the_commands_answers(make_store, path, as_of):
    store = make_store(read(DATA / path))
    results = (account_result(G, as_of=as_of, lists=True) for G in store.account_graphs())
    lists = portfolio_lists(results, store.staff(), as_of=as_of)
    assert (list(lists.accounts), list(lists.gaps), list(lists.single), list(lists.risk)) == _portfolio_commands(
        store, as_of
    )
    assert lists.staff_names == {s["id"]: s["name"] for s in store.staff()}
    assert set(lists.contact_names) == {n for G in store.account_graphs() for n, d in
                                        ((d["id"], d) for _, d in G.nodes(data=True) if d["kind"] == "Contact")}


def test_portfolio_lists_of_tiny(tiny_store):
    lists = portfolio_lists(
        [account_result(tiny_store.account_graph("T"), as_of=AS_OF, lists=True)], tiny_store.staff(), as_of=AS_OF
    )
    assert [(c["id"], c["threads"], c["staff"]) for c in lists.single] == [("k3", 0, []), ("k2", 1, ["s1"])]
    assert [(s["id"], s["risk"], s["sole_threads"]) for s in lists.risk] == [("s1", 3 * 4, ["k2"])]
    assert [(g["level"], g["role"], g["status"]) for g in lists.gaps][:3] == [
        ("hq", "finance", "uncovered"),  # 3 x 4 x 1
        ("hq", "technical", "unknown"),  # 3 x 3 x 1, then by level and role
        ("hq", "user", "unknown"),
    ]
    with pytest.raises(ValueError, match="has no lists"):
        portfolio_lists([account_result(tiny_store.account_graph("T"), as_of=AS_OF)], [], as_of=AS_OF)


class CountingStore:
    """A real store that counts how often each account is read."""

    def __init__(self, store):
        self.store = store
        self.reads: dict[str, int] = {}

    def __getattr__(self, name):
        if name in ("frame", "dataset", "graph", "account_dataset", "account_graph", "account_graphs", "table_parts"):
            raise AttributeError(name)  # the report reads each account's tables, nothing else
        return getattr(self.store, name)

    def tables(self, accounts=None):
        assert accounts is not None, "the report must not read the whole store"
        for a in accounts:
            self.reads[a] = self.reads.get(a, 0) + 1
        return self.store.tables(accounts)


@pytest.mark.parametrize("maps", [True, False])
def test_report_reads_each_account_once_and_matches_files(make_store, tmp_path, maps):
    ds = read(DATA / "render_tiny.json")
    counted = CountingStore(make_store(ds))
    paths = write_report(counted, tmp_path / "a" / "report.html", as_of=AS_OF, maps=maps)
    assert counted.reads == {"A": 1, "B/2 ü": 1}
    # The same pages, byte for byte, as from the JSON file itself.
    expected = write_report(FileStore(DATA / "render_tiny.json"), tmp_path / "b" / "report.html", as_of=AS_OF, maps=maps)
    assert [p.relative_to(tmp_path / "a") for p in paths] == [p.relative_to(tmp_path / "b") for p in expected]
    for p, q in zip(paths, expected):
        assert p.read_bytes() == q.read_bytes()


def test_map_data_needs_a_date_or_a_result(tiny_store):
    from relgraph.errors import UsageError

    with pytest.raises(UsageError, match="map_data needs as_of"):
        map_data(tiny_store.account_graph("T"))


def test_the_map_and_its_plan_build_the_access_graph_once(tiny_store, tmp_path, monkeypatch):
    """The account's result and its plan share one basis: the access graph is built
    once per map and per report account, and the plan is the one computed alone."""
    from relgraph.analysis import access
    from relgraph.analysis.plan import relationship_plan
    from relgraph.render import write_map

    built = []
    assemble = access._assemble
    monkeypatch.setattr(access, "_assemble", lambda *a, **k: built.append(1) or assemble(*a, **k))
    write_map(tiny_store, tmp_path / "m.html", account="T", as_of=AS_OF)
    assert len(built) == 1  # not once each for the threads, the gaps and the plan
    built.clear()
    write_report(tiny_store, tmp_path / "r" / "report.html", as_of=AS_OF)
    assert len(built) == 1  # the one account's
    typed = tiny_store.tables(["T"])
    r = account_result(typed, as_of=AS_OF, lists=True, horizon=120)
    assert r.basis.access(0) is r.basis.access(0)
    alone = relationship_plan(typed, as_of=AS_OF, horizon=120)
    # k2's only thread is s1, whom s2 succeeds through k1; nobody reaches the opponent
    # k3; grade A: s1, the best placed at each level, is to find the blind spots.
    assert [(a["kind"], a["owner"], a["target"], a["via"]) for a in alone[:3]] == [
        ("second_thread", "s2", "k2", ["k1"]), ("reach", None, "k3", []),
        ("blind_spot", "s1", {"level": "hq", "role": "technical"}, []),
    ]
    assert r.lists.successors == {"k2": "s2", "k3": None}
    assert relationship_plan(typed, as_of=AS_OF, horizon=120, result=r) == alone
    with pytest.raises(ValueError, match="other options"):
        relationship_plan(typed, as_of=AS_OF, result=r)  # horizon 180: the result's is 120
