"""The figures of SPEC section 2 on tiny hand-made data sets, worked out by hand.

Every test that takes ``make_store`` runs once per store and must get the same answer.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relgraph.analysis import portfolio as P
from relgraph.analysis.coverage import coverage, gaps
from relgraph.analysis.influencers import key_influencers
from relgraph.analysis.paths import influence_paths
from relgraph.analysis.strength import effective_strengths
from relgraph.analysis.threads import contact_threads, redundancy, rotation_due, rotation_risk
from relgraph.analysis.whatif import diff, whatif
from relgraph.errors import NotFound, UsageError
from relgraph.graph import build_graph
from relgraph.readwrite.jsonfile import read_obj

AS_OF = dt.date(2024, 1, 1)

# The "coach funnel" account (grade A, weight 3), as of 2024-01-01:
#
#   staff: am (account_manager, seniority 2), sol (solution, 3; team role empty),
#          exe (executive, 5, INACTIVE)
#   units: u-hq (hq) > u-prov (province) > u-city (city, no contacts)
#   contacts (unit, role, seniority, influence):
#     ceo   u-hq   decision_maker 5 5   key
#     coach u-hq   technical      5 3   coach, not key (influence 3)
#     cto   u-hq   technical      4 4   key
#     fin   u-prov finance        2 4   key, OPPONENT
#     proc  u-prov procurement    2 4   key
#   relationships:
#     am-coach 4, sol-coach 5 (no dates: no decay)
#     am-fin 2
#     exe-ceo 5 (inactive: counts 0.0)
#     am-cto 3, last contact 2023-04-06: 270 days before as-of, 90 of grace, then
#            one half-life -> 1.5 (weak); strong (3.0) on 2023-07-05, the grace's last day
#     sol-fin 4 from 2023-01-01 until 2023-10-01 (ended before as-of)
#     sol-proc 4 since 2023-09-01
#   links: coach influences ceo (4 -> p 0.8); fin reports_to ceo (5 -> p 1.0 both ways);
#          proc reports_to fin (5)
#   The opponent fin may end a route but not be passed through: its out-edges
#   (fin->ceo, fin->proc) are not in the access graph.
FUNNEL = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "A"}],
    "units": [
        {"id": "u-hq", "account": "A", "name": "HQ", "level": "hq"},
        {"id": "u-prov", "account": "A", "name": "Province", "level": "province", "parent": "u-hq"},
        {"id": "u-city", "account": "A", "name": "City", "level": "city", "parent": "u-prov"},
    ],
    "contacts": [
        {"id": "ceo", "name": "Ceo", "account": "A", "unit": "u-hq", "role": "decision_maker",
         "seniority": 5, "influence": 5},
        {"id": "coach", "name": "Coach", "account": "A", "unit": "u-hq", "role": "technical",
         "seniority": 5, "influence": 3, "coach": True},
        {"id": "cto", "name": "Cto", "account": "A", "unit": "u-hq", "role": "technical",
         "seniority": 4, "influence": 4},
        {"id": "fin", "name": "Fin", "account": "A", "unit": "u-prov", "role": "finance",
         "influence": 4, "attitude": "opponent"},
        {"id": "proc", "name": "Proc", "account": "A", "unit": "u-prov", "role": "procurement",
         "influence": 4},
    ],
    "staff": [
        {"id": "am", "name": "Alice", "role": "account_manager", "seniority": 2, "in_role_since": "2021-08-01"},
        {"id": "sol", "name": "Sam", "role": "solution", "seniority": 3, "in_role_since": "2020-02-29"},
        {"id": "exe", "name": "Eve", "role": "executive", "seniority": 5, "active": False},
    ],
    "relationships": [
        {"staff": "am", "contact": "coach", "strength": 4},
        {"staff": "sol", "contact": "coach", "strength": 5},
        {"staff": "am", "contact": "fin", "strength": 2},
        {"staff": "exe", "contact": "ceo", "strength": 5},
        {"staff": "am", "contact": "cto", "strength": 3, "last_contact": "2023-04-06"},
        {"staff": "sol", "contact": "fin", "strength": 4, "since": "2023-01-01", "until": "2023-10-01"},
        {"staff": "sol", "contact": "proc", "strength": 4, "since": "2023-09-01"},
    ],
    "links": [
        {"source": "coach", "target": "ceo", "kind": "influences", "weight": 4},
        {"source": "fin", "target": "ceo", "kind": "reports_to", "weight": 5},
        {"source": "proc", "target": "fin", "kind": "reports_to", "weight": 5},
    ],
    "team": [
        {"account": "A", "staff": "am", "role": "account_manager"},
        {"account": "A", "staff": "sol"},
        {"account": "A", "staff": "exe", "role": "executive"},
    ],
    "touchpoints": [
        # Only exe (inactive) and ceo/fin: they count for activity, not for strengths.
        {"date": "2023-06-01", "method": "visit", "staff": "exe", "contacts": "ceo"},  # 214 days: in
        {"date": "2023-01-01", "method": "meeting", "staff": "exe", "contacts": "ceo"},  # 365 days: out
        {"date": "2023-01-02", "method": "research", "staff": "exe", "contacts": "ceo;fin"},  # 364: in
        {"date": "2024-01-02", "method": "other", "staff": "exe", "contacts": "ceo"},  # after as-of
    ],
}

NO_ACTIVITY = {"visit": 0, "model_site": 0, "meeting": 0, "tech_exchange": 0, "research": 0, "other": 0}

# The figures at 2024-01-01. Key contacts: ceo, cto, fin, proc; only proc has a
# thread (sol). Cells: 3 levels x 6 roles = 18, covered: hq/technical (coach),
# province/procurement (proc). Units with a relationship > 0: u-hq (coach), u-prov.
FIGURES = {
    "key_coverage": 0.25,
    "cell_coverage": 2 / 18,
    "multithreading": 0.0,
    "opponents": ["fin"],
    "triangle": ["account_manager", "solution"],  # exe is inactive
    "unit_coverage": 2 / 3,
    "exec_ties": [],
    "activity": {**NO_ACTIVITY, "visit": 1, "research": 1, "total": 2},
    "contacts": 5,
    "key_contacts": 4,
}


def cell(level, role, status="unknown", contacts=(), best=None):
    return {"level": level, "role": role, "status": status, "contacts": list(contacts), "best_strength": best}


ROLES = ["decision_maker", "technical", "business", "finance", "user", "procurement"]


def funnel_cells():
    cells = [cell(lv, r) for lv in ("hq", "province", "city") for r in ROLES]
    cells[0] = cell("hq", "decision_maker", "uncovered", ["ceo"], 0.0)  # only the inactive exe
    cells[1] = cell("hq", "technical", "covered", ["coach", "cto"], 5.0)
    cells[9] = cell("province", "finance", "weak", ["fin"], 2.0)
    cells[11] = cell("province", "procurement", "covered", ["proc"], 4.0)
    return cells


@pytest.fixture
def funnel(make_store):
    store = make_store(FUNNEL)
    yield store
    store.close()


def test_effective_strengths_funnel():
    G = build_graph(read_obj(FUNNEL))
    assert effective_strengths(G, as_of=AS_OF) == {
        ("Staff:am", "Contact:coach"): 4.0,
        ("Staff:sol", "Contact:coach"): 5.0,
        ("Staff:am", "Contact:fin"): 2.0,
        ("Staff:exe", "Contact:ceo"): 0.0,
        ("Staff:am", "Contact:cto"): 1.5,  # 3 * 0.5 ** ((270 - 90) / 180)
        ("Staff:sol", "Contact:proc"): 4.0,
    }
    # On 2023-07-05: am-cto within its grace, sol-fin in force, sol-proc not yet.
    old = effective_strengths(G, as_of=dt.date(2023, 7, 5))
    assert old[("Staff:am", "Contact:cto")] == 3.0
    assert old[("Staff:sol", "Contact:fin")] == 4.0
    assert ("Staff:sol", "Contact:proc") not in old


def test_effective_strength_touchpoints_and_periods():
    # Without a grace period (grace 0), so that only the half-life counts:
    # s1-c1: row 1 strength 4, last contact 2023-01-01, but a touchpoint on 2023-07-01
    # lists both: 180 days before 2023-12-28 -> 4 * 0.5 = 2.0. Row 2 (strength 5)
    # ended on 2023-06-01. Row 3 (strength 1) decays from the touchpoint too: 0.5.
    # The strongest row in force counts: 2.0. A later touchpoint (after as-of) and
    # one listing s1 with another contact are ignored.
    # s1-c2: last contact after as-of -> no decay: 3.0. s2-c1: half-life 90 -> 4 * 0.25.
    data = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [{"id": "c1", "name": "One", "account": "A"}, {"id": "c2", "name": "Two", "account": "A"}],
        "staff": [{"id": "s1", "name": "Sa"}, {"id": "s2", "name": "Sb"}],
        "relationships": [
            {"staff": "s1", "contact": "c1", "strength": 4, "last_contact": "2023-01-01"},
            {"staff": "s1", "contact": "c1", "strength": 5, "until": "2023-06-01"},
            {"staff": "s1", "contact": "c1", "strength": 1},
            {"staff": "s1", "contact": "c2", "strength": 3, "last_contact": "2024-05-01"},
            {"staff": "s2", "contact": "c1", "strength": 4, "last_contact": "2023-06-29"},
        ],
        "touchpoints": [
            {"date": "2023-07-01", "method": "meeting", "staff": "s1", "contacts": "c1"},
            {"date": "2023-12-29", "method": "meeting", "staff": "s1", "contacts": "c1"},
            {"date": "2023-12-01", "method": "meeting", "staff": "s1", "contacts": "c2"},
        ],
    }
    G = build_graph(read_obj(data))
    as_of = dt.date(2023, 12, 28)
    got = effective_strengths(G, as_of=as_of, half_life=180, grace=0)
    assert got[("Staff:s1", "Contact:c1")] == 2.0
    assert got[("Staff:s1", "Contact:c2")] == 3.0  # the touchpoint is older than last_contact
    assert got[("Staff:s2", "Contact:c1")] == 4 * 0.5 ** (182 / 180)
    assert effective_strengths(G, as_of=as_of, half_life=91, grace=0)[("Staff:s2", "Contact:c1")] == 1.0
    # With the default grace of 90 days: 4 * 0.5 ** ((182 - 90) / 180).
    assert effective_strengths(G, as_of=as_of)[("Staff:s2", "Contact:c1")] == 4 * 0.5 ** (92 / 180)


def test_coverage_funnel(funnel):
    r = P.coverage_report(funnel, as_of=AS_OF)
    assert r["as_of"] == AS_OF
    [acc] = r["accounts"]
    assert acc == {"id": "A", "name": "Acme", "grade": "A", **FIGURES, "cells": funnel_cells()}


def test_coverage_library_equals_store(funnel):
    G = build_graph(read_obj(FUNNEL))
    assert coverage(G, as_of=AS_OF) == P.coverage_report(funnel, as_of=AS_OF)["accounts"]


def test_gaps_funnel(funnel):
    r = P.gaps_report(funnel, as_of=AS_OF)
    got = [(g["level"], g["role"], g["status"], g["priority"], g["contacts"], g["suggested_staff"]) for g in r["gaps"]]
    # sol's rotation was due on 2023-02-28 (in role since 2020-02-29, 3 years): due
    # soon, never suggested. Leaving sol out, am is best placed everywhere.
    # hq/decision_maker: 3 * 5 * (1 - 0/5) = 15; am -> coach -> ceo (0.8 * 0.8).
    # Blind spots: 3 * 3 = 9, suggested for the best path to any contact at their
    # level (hq: am -> coach; province: am -> coach -> ceo -> fin = 0.64 beats
    # am -> fin = 0.4; city: nobody there). province/finance: 3 * 4 * (1 - 2/5) = 7.2.
    expected = [("hq", "decision_maker", "uncovered", 15.0, ["ceo"], "am")]
    expected += [("hq", r, "unknown", 9.0, [], "am") for r in ("business", "finance", "user", "procurement")]
    expected += [("province", r, "unknown", 9.0, [], "am") for r in ("decision_maker", "technical", "business", "user")]
    expected += [("city", r, "unknown", 9.0, [], None) for r in ROLES]
    expected += [("province", "finance", "weak", pytest.approx(7.2), ["fin"], "am")]
    assert got == expected
    assert r["gaps"][0]["suggested_staff_name"] == "Alice"
    assert [g["priority"] for g in P.gaps_report(funnel, as_of=AS_OF, limit=2)["gaps"]] == [15.0, 9.0]


def test_threads_funnel(funnel):
    rows = P.threads_report(funnel, as_of=AS_OF)["contacts"]
    got = [(r["id"], r["threads"], r["staff"], r["redundancy"], r["rank_gap"], r["backup"]) for r in rows]
    # The backup is the successor: never sol (due soon, see test_gaps_funnel).
    # ceo: no thread (exe is inactive); every route passes the coach -> redundancy 1;
    # backup am (am -> coach -> ceo).
    # cto: am's relationship decayed to 1.5: no thread, am is the backup; one route.
    # fin: am (weak) and sol -> coach -> ceo -> fin: 2 node-disjoint routes.
    # proc: single-threaded by sol; fin -> proc is not a route (fin is an opponent),
    # so nobody but sol reaches proc: no backup.
    assert got == [
        ("ceo", 0, [], 1, None, "am"),
        ("cto", 0, [], 1, None, "am"),
        ("fin", 0, [], 2, None, "am"),
        ("proc", 1, ["sol"], 1, 2 - 3, None),
    ]
    assert {k: rows[0][k] for k in ("name", "account", "role", "influence")} == {
        "name": "Ceo", "account": "A", "role": "decision_maker", "influence": 5
    }
    # --all adds the coach: two threads (am, sol) and two routes, but a rank gap of
    # 5 - 3 = 2 (our best-ranked thread is sol).
    rows = P.threads_report(funnel, as_of=AS_OF, all=True)["contacts"]
    assert [(r["id"], r["threads"], r["redundancy"], r["rank_gap"]) for r in rows][-1] == ("coach", 2, 2, 2)
    assert [r["id"] for r in rows] == ["ceo", "cto", "fin", "proc", "coach"]


def test_coach_funnel_redundancy():
    # Two threads to the coach (redundancy 2), but the ceo behind them is reached only
    # through the coach: redundancy 1 however many of us know the coach.
    G = build_graph(read_obj(FUNNEL))
    assert redundancy(G, "coach", as_of=AS_OF) == 2
    assert redundancy(G, "ceo", as_of=AS_OF) == 1
    assert [r["threads"] for r in contact_threads(G, as_of=AS_OF, all=True) if r["id"] == "coach"] == [2]


def test_rank_gap():
    # vp (seniority 4) is known strongly by e1 (seniority 1) and e2 (2): two threads,
    # two routes, but rank gap 4 - 2 = 2 -> listed. dir (3) with the same two: gap 1.
    data = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [
            {"id": "vp", "name": "Vp", "account": "A", "role": "decision_maker", "seniority": 4},
            {"id": "dir", "name": "Dir", "account": "A", "role": "decision_maker", "seniority": 3},
        ],
        "staff": [{"id": "e1", "name": "Ea", "seniority": 1}, {"id": "e2", "name": "Eb", "seniority": 2}],
        "relationships": [
            {"staff": s, "contact": c, "strength": v}
            for c in ("vp", "dir")
            for s, v in (("e1", 4), ("e2", 5))
        ],
    }
    G = build_graph(read_obj(data))
    rows = contact_threads(G, as_of=AS_OF)
    assert [(r["id"], r["threads"], r["staff"], r["redundancy"], r["rank_gap"]) for r in rows] == [
        ("vp", 2, ["e1", "e2"], 2, 2)
    ]


def test_thread_of_strength_zero_is_no_route():
    # With --strong 0 a relationship decayed to 0.0 is still a thread, but no route
    # (the access graph only has edges above 0): vp has two threads and redundancy 1,
    # so it is listed. e2's 5 * 0.5 ** (1461 days / 1) underflows to 0.0.
    data = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [{"id": "vp", "name": "Vp", "account": "A", "role": "decision_maker"}],
        "staff": [{"id": "e1", "name": "Ea"}, {"id": "e2", "name": "Eb"}],
        "relationships": [
            {"staff": "e1", "contact": "vp", "strength": 4},
            {"staff": "e2", "contact": "vp", "strength": 5, "last_contact": "2020-01-01"},
        ],
    }
    G = build_graph(read_obj(data))
    assert effective_strengths(G, as_of=AS_OF, half_life=1) == {("Staff:e1", "Contact:vp"): 4.0,
                                                                ("Staff:e2", "Contact:vp"): 0.0}
    rows = contact_threads(G, as_of=AS_OF, half_life=1, strong=0)
    assert [(r["id"], r["threads"], r["staff"], r["redundancy"]) for r in rows] == [("vp", 2, ["e1", "e2"], 1)]
    assert contact_threads(G, as_of=AS_OF, half_life=180, strong=0) == []  # two routes: not listed


def test_risk_funnel(funnel):
    r = P.risk_report(funnel, as_of=AS_OF)
    # sol is the only thread of key contact proc: 3 (grade A) * 4. Rotation: sol
    # 2020-02-29 + 3 years = 2023-02-28 (overdue: due soon); am 2021-08-01 + 3 =
    # 2024-08-01, after as-of + 180 days (2024-06-29). exe is inactive: not listed.
    got = [(s["id"], s["risk"], s["sole_threads"], s["rotation_due"], s["due_soon"]) for s in r["staff"]]
    assert got == [
        ("sol", 12, ["proc"], dt.date(2023, 2, 28), True),
        ("am", 0, [], dt.date(2024, 8, 1), False),
    ]
    r = P.risk_report(funnel, as_of=AS_OF, horizon=365, rotation_years=4)
    assert [(s["id"], s["rotation_due"], s["due_soon"]) for s in r["staff"]] == [
        ("sol", dt.date(2024, 2, 29), True),  # a leap year again
        ("am", dt.date(2025, 8, 1), False),
    ]


def test_risk_lists_staff_in_no_account(make_store):
    data = {**FUNNEL, "staff": FUNNEL["staff"] + [{"id": "zed", "name": "Zed"}]}
    store = make_store(data)
    assert [s["id"] for s in P.risk_report(store, as_of=AS_OF)["staff"]] == ["sol", "am", "zed"]


def test_rotation_due():
    assert rotation_due(dt.date(2020, 2, 29), 3) == dt.date(2023, 2, 28)
    assert rotation_due(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 29)
    assert rotation_due(None, 3) is None


def test_rotation_risk_library_equals_store(funnel):
    G = build_graph(read_obj(FUNNEL))
    assert rotation_risk(G, as_of=AS_OF) == P.risk_report(funnel, as_of=AS_OF)["staff"]


def test_paths_funnel(funnel):
    r = P.paths_report(funnel, target="ceo", as_of=AS_OF)
    assert r["target"] == "ceo"
    # sol -> coach -> ceo: 1.0 * 0.8; am -> coach -> ceo: 0.8 * 0.8. am -> fin -> ceo
    # passes the opponent fin; exe is inactive.
    assert [(p["nodes"], p["score"]) for p in r["paths"]] == [
        (["sol", "coach", "ceo"], 0.8),
        (["am", "coach", "ceo"], 0.8 * 0.8),
    ]
    assert r["paths"][0]["steps"] == [
        {"from": "sol", "to": "coach", "kind": "knows", "p": 1.0},
        {"from": "coach", "to": "ceo", "kind": "influences", "p": 0.8},
    ]
    # Through opponents: also sol -> proc -> fin -> ceo (0.8 * 1.0 * 1.0, a tie with
    # the first, after it by node ids) and am -> fin -> ceo (0.4 * 1.0).
    r = P.paths_report(funnel, target="ceo", as_of=AS_OF, through_opponents=True, k=5)
    assert [(p["nodes"], p["score"]) for p in r["paths"]] == [
        (["sol", "coach", "ceo"], 0.8),
        (["sol", "proc", "fin", "ceo"], 0.8),
        (["am", "coach", "ceo"], 0.8 * 0.8),
        (["am", "fin", "ceo"], 0.4),
    ]
    assert r["paths"][3]["steps"][1] == {"from": "fin", "to": "ceo", "kind": "reports_to", "p": 1.0}
    r = P.paths_report(funnel, target="proc", as_of=AS_OF, source="am", through_opponents=True)
    # Down the reporting lines, both through fin: am -> coach -> ceo -> fin -> proc
    # (0.8 * 0.8 * 1.0 * 1.0) and am -> fin -> proc (0.4 * 1.0).
    assert [(p["nodes"], p["score"]) for p in r["paths"]] == [
        (["am", "coach", "ceo", "fin", "proc"], 0.8 * 0.8),
        (["am", "fin", "proc"], 0.4),
    ]
    assert P.paths_report(funnel, target="proc", as_of=AS_OF, source="am")["paths"] == []
    assert P.paths_report(funnel, target="ceo", as_of=AS_OF, source="exe")["paths"] == []


def test_paths_ties_by_ids():
    # s-b and s-a reach t directly with 0.8; s-c through x with 1.0 * 0.8: equal
    # scores are ordered by their node id sequences.
    data = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [{"id": "t", "name": "T", "account": "A"}, {"id": "x", "name": "X", "account": "A"}],
        "staff": [{"id": s, "name": s.upper()} for s in ("s-c", "s-b", "s-a")],
        "relationships": [
            {"staff": "s-b", "contact": "t", "strength": 4},
            {"staff": "s-a", "contact": "t", "strength": 4},
            {"staff": "s-c", "contact": "x", "strength": 5},
        ],
        "links": [{"source": "x", "target": "t", "kind": "influences", "weight": 4}],
    }
    G = build_graph(read_obj(data))
    paths = influence_paths(G, "t", as_of=AS_OF, k=5)
    assert [p["nodes"] for p in paths] == [["s-a", "t"], ["s-b", "t"], ["s-c", "x", "t"]]
    assert [p["score"] for p in paths] == [0.8, 0.8, 0.8]
    assert [p["nodes"] for p in influence_paths(G, "t", as_of=AS_OF, k=2)] == [["s-a", "t"], ["s-b", "t"]]


def test_influencers_funnel(funnel):
    r = P.influencers_report(funnel, account="A", as_of=AS_OF)
    rows = r["contacts"]
    # Edges towards power: ceo -> coach (coach influences ceo, 4), fin -> ceo
    # (reports_to, 5), proc -> fin (5). cto has no edge. With d = 0.85 and n = 5,
    # dangling coach and cto spread evenly. Solved by hand (x = rank):
    #   proc = cto = b,  fin = b + 0.85 b = 1.85 b,  ceo = b + 0.85 * 1.85 b,
    #   coach = b + 0.85 * ceo,  where b = 0.03 + 0.17 * (coach + cto).
    b_coef = {"proc": 1.0, "cto": 1.0, "fin": 1.85, "ceo": 1 + 0.85 * 1.85}
    b_coef["coach"] = 1 + 0.85 * b_coef["ceo"]
    # b = 0.03 + 0.17 * b * (coach + cto coefficients)
    b = 0.03 / (1 - 0.17 * (b_coef["coach"] + b_coef["cto"]))
    expected = {k: v * b for k, v in b_coef.items()}
    assert sum(expected.values()) == pytest.approx(1.0)
    assert [x["id"] for x in rows] == ["coach", "ceo", "fin", "cto", "proc"]  # cto = proc: by id
    for x in rows:
        assert x["rank"] == pytest.approx(expected[x["id"]], abs=1e-12)
    assert [(x["id"], x["best_strength"], x["threads"]) for x in rows] == [
        ("coach", 5.0, 2), ("ceo", 0.0, 0), ("fin", 2.0, 0), ("cto", 1.5, 0), ("proc", 4.0, 1)
    ]
    assert len(P.influencers_report(funnel, account="A", as_of=AS_OF, limit=2)["contacts"]) == 2
    G = build_graph(read_obj(FUNNEL))
    assert key_influencers(G, "A", as_of=AS_OF) == rows


def test_whatif_funnel(funnel):
    r = P.whatif_report(funnel, as_of=AS_OF, without=["sol"])
    [acc] = r["accounts"]
    assert acc["before"] == FIGURES
    # Without sol: proc loses its only thread (key coverage 1/4 -> 0); the coach
    # keeps am; province/procurement becomes uncovered (sol counts 0): 1 of 18.
    assert acc["after"] == {
        **FIGURES, "key_coverage": 0.0, "cell_coverage": 1 / 18, "triangle": ["account_manager"]
    }
    # proc's heir: am could only come down through the opponent fin -> nobody.
    assert [(x["contact"], x["heir"]) for x in r["lost"]] == [("proc", None)]
    r = P.whatif_report(funnel, as_of=AS_OF, without=["am"])
    # Without am the coach keeps sol; nobody loses their last thread.
    assert r["lost"] == []
    assert r["accounts"][0]["after"]["triangle"] == ["solution"]


def test_whatif_heir():
    # c is known strongly by s1 only; s2 reaches c through m (m manages c).
    data = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [{"id": "c", "name": "C", "account": "A"}, {"id": "m", "name": "M", "account": "A"}],
        "staff": [{"id": "s1", "name": "Sa"}, {"id": "s2", "name": "Sb"}],
        "relationships": [
            {"staff": "s1", "contact": "c", "strength": 4},
            {"staff": "s2", "contact": "m", "strength": 3},
        ],
        "links": [{"source": "c", "target": "m", "kind": "reports_to", "weight": 4}],
    }
    G = build_graph(read_obj(data))
    r = whatif(G, as_of=AS_OF, without=["s1"])
    assert [(x["contact"], x["heir"]) for x in r["lost"]] == [("c", "s2")]


def test_diff_funnel(funnel):
    since = dt.date(2023, 7, 5)
    r = P.diff_report(funnel, since=since, as_of=AS_OF)
    assert (r["since"], r["as_of"]) == (since, AS_OF)
    # On 2023-07-05 am-cto was strong (3.0) and sol-fin in force; sol-proc began on
    # 2023-09-01.
    assert [(x["staff"], x["contact"]) for x in r["gained"]] == [("sol", "proc")]
    assert [(x["staff"], x["contact"]) for x in r["lost"]] == [("am", "cto"), ("sol", "fin")]
    [acc] = r["accounts"]
    assert acc["after"] == FIGURES
    assert acc["before"]["key_coverage"] == 0.5  # cto and fin of 4
    assert acc["before"]["activity"] == {**NO_ACTIVITY, "visit": 1, "meeting": 1, "research": 1, "total": 3}
    G = build_graph(read_obj(FUNNEL))
    assert diff(G, since=since, as_of=AS_OF)["gained"] == r["gained"]
    with pytest.raises(UsageError):
        P.diff_report(funnel, since=dt.date(2024, 2, 1), as_of=AS_OF)


def test_empty_shares_are_null(make_store):
    # An account with no contacts and no units: no key contacts, no cells, no units.
    store = make_store(
        {"accounts": [{"id": "E", "name": "Empty"}], "contacts": [], "staff": [], "relationships": []}
    )
    [acc] = P.coverage_report(store, as_of=AS_OF)["accounts"]
    assert (acc["key_coverage"], acc["cell_coverage"], acc["multithreading"], acc["unit_coverage"]) == (
        None, None, None, None
    )
    assert acc["cells"] == []
    assert P.gaps_report(store, as_of=AS_OF)["gaps"] == []


def test_unknown_ids(funnel):
    with pytest.raises(NotFound, match="'nope'"):
        P.coverage_report(funnel, as_of=AS_OF, accounts=["nope"])
    with pytest.raises(NotFound, match="'nope'"):
        P.paths_report(funnel, target="nope", as_of=AS_OF)
    with pytest.raises(NotFound, match="'nobody'"):
        P.paths_report(funnel, target="ceo", source="nobody", as_of=AS_OF)
    with pytest.raises(NotFound, match="'nobody'"):
        P.whatif_report(funnel, without=["nobody"], as_of=AS_OF)
    with pytest.raises(NotFound, match="'nope'"):
        P.influencers_report(funnel, account="nope", as_of=AS_OF)
    G = build_graph(read_obj(FUNNEL))
    with pytest.raises(NotFound):
        gaps(G, as_of=AS_OF, accounts=["nope"])
