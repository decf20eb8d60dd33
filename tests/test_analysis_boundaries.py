"""The rules of the model at their boundaries, on every store and on the library's
graph functions: a row in force from ``since`` inclusive to ``until`` exclusive, the
stronger of two links counting, the backup's tie-break, ``due_soon`` at the horizon.

Each test holds one boundary with exact answers on a hand-made account, so that
moving the boundary by one (``<`` for ``<=``, the first or last duplicate instead of
the stronger, ...) fails it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relgraph.analysis import portfolio as P
from relgraph.analysis.influencers import key_influencers, pagerank
from relgraph.analysis.paths import influence_paths
from relgraph.analysis.threads import contact_threads, rotation_risk
from relgraph.graph import build_graph
from relgraph.readwrite.jsonfile import read_obj

AS_OF = dt.date(2026, 11, 1)
TODAY = AS_OF.isoformat()
BEFORE = (AS_OF - dt.timedelta(days=30)).isoformat()


def data(contacts, staff, relationships, links=()):
    return {
        "accounts": [{"id": "A", "name": "Acme", "grade": "A"}],
        "contacts": [{"account": "A", **c} for c in contacts],
        "staff": [{"name": s["id"].upper(), **s} for s in staff],
        "relationships": list(relationships),
        "links": list(links),
    }


def contact(id, **more):
    return {"id": id, "name": id.upper(), **more}


def knows(staff, contact, strength, **more):
    # last_contact on as-of: no decay, the effective strength is the strength.
    return {"staff": staff, "contact": contact, "strength": strength, "last_contact": TODAY, **more}


# --- links: in force from since (inclusive) to until (exclusive) ---------------------------

LINK_BOUNDARY = data(
    [contact("c1", role="decision_maker"), contact("c2"), contact("c3")],
    [{"id": "s1"}],
    [knows("s1", "c2", 5), knows("s1", "c3", 5)],
    [
        # c2 influences c1 from as-of on: in force. c3 did until as-of: no longer.
        {"source": "c2", "target": "c1", "kind": "influences", "weight": 4, "since": TODAY},
        {"source": "c3", "target": "c1", "kind": "influences", "weight": 4, "since": BEFORE, "until": TODAY},
    ],
)


def test_link_boundaries_in_paths(make_store):
    expected = [
        {
            "score": 1.0 * 0.8,
            "nodes": ["s1", "c2", "c1"],
            "steps": [
                {"from": "s1", "to": "c2", "kind": "knows", "p": 1.0},
                {"from": "c2", "to": "c1", "kind": "influences", "p": 0.8},
            ],
        }
    ]
    got = P.paths_report(make_store(LINK_BOUNDARY), target="c1", as_of=AS_OF, k=3)["paths"]
    assert [{k: p[k] for k in ("score", "nodes", "steps")} for p in got] == expected
    assert influence_paths(build_graph(read_obj(LINK_BOUNDARY)), "c1", as_of=AS_OF, k=3) == expected


def test_link_boundaries_in_pagerank(make_store):
    # Only c2's link is in force: the one power edge runs from c1 to c2.
    expected = pagerank(["c1", "c2", "c3"], {("c1", "c2"): 4.0})
    rows = P.influencers_report(make_store(LINK_BOUNDARY), account="A", as_of=AS_OF)["contacts"]
    assert [r["id"] for r in rows] == ["c2", "c1", "c3"]
    assert {r["id"]: r["rank"] for r in rows} == pytest.approx(expected, rel=1e-12)
    G = build_graph(read_obj(LINK_BOUNDARY))
    assert key_influencers(G, "A", as_of=AS_OF) == rows


# --- the stronger of two links in the same direction counts ---------------------------------

DUPLICATE_LINKS = data(
    [contact("c1"), contact("c2"), contact("c3")],
    [{"id": "s1"}],
    [],
    [
        # Three rows for one pair (weights 1, 5, 2: first, stronger, last all differ)
        # and one reporting line from c1 to c3 of weight 3.
        {"source": "c2", "target": "c1", "kind": "influences", "weight": 1},
        {"source": "c2", "target": "c1", "kind": "influences", "weight": 5},
        {"source": "c2", "target": "c1", "kind": "influences", "weight": 2},
        {"source": "c1", "target": "c3", "kind": "reports_to", "weight": 3},
    ],
)


def test_the_stronger_duplicate_link_counts_in_pagerank(make_store):
    expected = pagerank(["c1", "c2", "c3"], {("c1", "c2"): 5.0, ("c1", "c3"): 3.0})
    rows = P.influencers_report(make_store(DUPLICATE_LINKS), account="A", as_of=AS_OF)["contacts"]
    assert [r["id"] for r in rows] == ["c2", "c3", "c1"]
    assert {r["id"]: r["rank"] for r in rows} == pytest.approx(expected, rel=1e-12)
    assert key_influencers(build_graph(read_obj(DUPLICATE_LINKS)), "A", as_of=AS_OF) == rows


# --- relationships: in force from since (inclusive) to until (exclusive) ------------------

RELATIONSHIP_BOUNDARY = data(
    [contact("c1", role="decision_maker")],
    [{"id": "s1"}, {"id": "s2"}],
    [
        knows("s1", "c1", 4, since=TODAY),  # starts on as-of: a thread
        knows("s2", "c1", 4, since=BEFORE, until=TODAY),  # ended on as-of: nothing
    ],
)


def test_relationship_boundaries(make_store):
    store = make_store(RELATIONSHIP_BOUNDARY)
    row = P.threads_report(store, as_of=AS_OF)["contacts"]
    assert [(r["id"], r["threads"], r["staff"], r["backup"]) for r in row] == [("c1", 1, ["s1"], None)]
    cells = P.coverage_report(store, as_of=AS_OF)["accounts"][0]["cells"]
    assert [(c["role"], c["status"], c["best_strength"]) for c in cells if c["contacts"]] == [
        ("decision_maker", "covered", 4.0)
    ]
    G = build_graph(read_obj(RELATIONSHIP_BOUNDARY))
    assert [(r["id"], r["staff"]) for r in contact_threads(G, as_of=AS_OF)] == [("c1", ["s1"])]


# --- the backup: the strongest non-thread, the lowest id among equals -----------------------

BACKUP_TIE = data(
    [contact("c1", role="decision_maker")],
    [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}, {"id": "s0", "active": False}],
    [
        knows("s3", "c1", 5),  # the one thread
        knows("s2", "c1", 2),  # s2 and s1 are equally strong: s1, the lower id, is the backup
        knows("s1", "c1", 2),
        knows("s0", "c1", 2.5),  # stronger, but inactive: no backup
    ],
)


def test_backup_tie_break_is_the_lowest_id(make_store):
    rows = P.threads_report(make_store(BACKUP_TIE), as_of=AS_OF)["contacts"]
    assert [(r["id"], r["staff"], r["backup"], r["backup_name"]) for r in rows] == [("c1", ["s3"], "s1", "S1")]
    G = build_graph(read_obj(BACKUP_TIE))
    assert [r["backup"] for r in contact_threads(G, as_of=AS_OF)] == ["s1"]


# --- rotation due exactly at the horizon is due soon -----------------------------------------

DUE = data(
    [contact("c1", role="decision_maker")],
    [
        # as-of + 180 days is 2027-04-30: due on it (soon), or the day after (not).
        {"id": "s1", "role": "account_manager", "in_role_since": "2024-04-30"},
        {"id": "s2", "role": "account_manager", "in_role_since": "2024-05-01"},
    ],
    [knows("s1", "c1", 5)],
)


def test_due_soon_on_the_horizon(make_store):
    rows = P.risk_report(make_store(DUE), as_of=AS_OF, horizon=180)["staff"]
    expected = [
        ("s1", dt.date(2027, 4, 30), True, 3 * 3, ["c1"]),
        ("s2", dt.date(2027, 5, 1), False, 0, []),
    ]
    assert [(r["id"], r["rotation_due"], r["due_soon"], r["risk"], r["sole_threads"]) for r in rows] == expected
    G = build_graph(read_obj(DUE))
    got = rotation_risk(G, as_of=AS_OF, horizon=180)
    assert [(r["id"], r["rotation_due"], r["due_soon"], r["risk"], r["sole_threads"]) for r in got] == expected
