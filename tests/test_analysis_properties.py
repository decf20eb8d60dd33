"""Properties of the analyses on random small portfolios (hypothesis).

The access graph, paths, redundancy and PageRank are checked against independent
computations: an access graph rebuilt here from the rows, every simple path
enumerated by networkx, networkx's own node connectivity and PageRank.
"""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from networkx.algorithms.connectivity import local_node_connectivity

from relgraph.analysis import portfolio as P
from relgraph.analysis.access import FrameAccounts
from relgraph.analysis.coverage import FIGURES, coverage, gaps
from relgraph.analysis.influencers import key_influencers, pagerank, power_edges
from relgraph.analysis.paths import influence_paths
from relgraph.analysis.strength import effective_strengths, in_force
from relgraph.analysis.threads import contact_threads, redundancy, rotation_risk
from relgraph.analysis.whatif import whatif
from relgraph.graph import build_graph
from relgraph.model import ATTITUDES, CONTACT_ROLES, LEVELS, STAFF_ROLES
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore

AS_OF = dt.date(2024, 1, 1)
DATES = st.one_of(st.none(), st.dates(dt.date(2022, 6, 1), dt.date(2024, 3, 1)).map(dt.date.isoformat))


@st.composite
def portfolios(draw, max_contacts=9):
    n_acc = draw(st.integers(1, 2))
    accounts = [
        {"id": f"A{i}", "name": f"Account {i}", "grade": draw(st.sampled_from("SABC"))} for i in range(n_acc)
    ]
    n_contacts = draw(st.integers(1, max_contacts))
    contacts = []
    for i in range(n_contacts):
        contacts.append(
            {
                "id": f"c{i}",
                "name": f"Contact {i}",
                "account": f"A{draw(st.integers(0, n_acc - 1))}",
                "level": draw(st.sampled_from(LEVELS)),
                "role": draw(st.sampled_from(CONTACT_ROLES)),
                "seniority": draw(st.integers(1, 5)),
                "influence": draw(st.integers(1, 5)),
                "attitude": draw(st.sampled_from(ATTITUDES)),
            }
        )
    n_staff = draw(st.integers(1, 4))
    staff = [
        {
            "id": f"s{i}",
            "name": f"Staff {i}",
            "role": draw(st.sampled_from(STAFF_ROLES)),
            "seniority": draw(st.integers(1, 5)),
            "active": draw(st.sampled_from([True, True, True, False])),
            "in_role_since": draw(DATES),
        }
        for i in range(n_staff)
    ]
    rels = []
    for _ in range(draw(st.integers(0, 3 * n_contacts))):
        since, until = draw(DATES), draw(DATES)
        if since is not None and until is not None and until <= since:
            since, until = until, (since if until < since else None)
        rels.append(
            {
                "staff": f"s{draw(st.integers(0, n_staff - 1))}",
                "contact": f"c{draw(st.integers(0, n_contacts - 1))}",
                "strength": draw(st.integers(1, 5)),
                "last_contact": draw(DATES),
                "since": since,
                "until": until,
            }
        )
    links = []
    for _ in range(draw(st.integers(0, 2 * n_contacts))):
        a, b = draw(st.integers(0, n_contacts - 1)), draw(st.integers(0, n_contacts - 1))
        kind = draw(st.sampled_from(["reports_to", "influences"]))
        if a == b or (kind == "reports_to" and a < b):
            continue  # reports_to only from higher to lower index: never a cycle
        links.append(
            {"source": f"c{a}", "target": f"c{b}", "kind": kind, "weight": draw(st.integers(1, 5)),
             "since": draw(DATES), "until": None}
        )
    touchpoints = []
    for _ in range(draw(st.integers(0, 4))):
        touchpoints.append(
            {
                "date": draw(st.dates(dt.date(2022, 6, 1), dt.date(2024, 3, 1))).isoformat(),
                "method": draw(st.sampled_from(["visit", "meeting", "research"])),
                "staff": f"s{draw(st.integers(0, n_staff - 1))}",
                "contacts": f"c{draw(st.integers(0, n_contacts - 1))}",
            }
        )
    return {
        "accounts": accounts,
        "contacts": contacts,
        "staff": staff,
        "relationships": rels,
        "links": links,
        "touchpoints": touchpoints,
    }


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def independent_access(data, account, *, through_opponents=False):
    """The access graph of SPEC section 2, rebuilt from the rows (ids as nodes)."""
    G = build_graph(read_obj(data))
    eff = effective_strengths(G, as_of=AS_OF)
    contacts = {c["id"]: c for c in data["contacts"] if c["account"] == account}
    active = {s["id"] for s in data["staff"] if s["active"]}
    H = nx.DiGraph()
    H.add_nodes_from(contacts)

    def put(u, v, p, kind):
        if u == v:
            return
        if not through_opponents and u in contacts and contacts[u]["attitude"] == "opponent":
            return
        if not H.has_edge(u, v) or H[u][v]["p"] < p:
            H.add_edge(u, v, p=p, kind=kind)

    for (s, c), value in eff.items():
        s, c = s.split(":", 1)[1], c.split(":", 1)[1]
        if c in contacts and s in active and value > 0:
            put("staff:" + s, c, value / 5, "knows")
    for link in data["links"]:
        a, b = link["source"], link["target"]
        since = link["since"] and dt.date.fromisoformat(link["since"])
        if a in contacts and b in contacts and in_force({"since": since}, AS_OF):
            put(a, b, link["weight"] / 5, link["kind"])
            if link["kind"] == "reports_to":
                put(b, a, link["weight"] / 5, "reports_to")
    return H


def staff_of(H):
    return [n for n in H if n.startswith("staff:")]


@SETTINGS
@given(portfolios())
def test_paths_are_the_k_best_simple_paths(data):
    G = build_graph(read_obj(data))
    for c in data["contacts"]:
        H = independent_access(data, c["account"])
        every = []
        for s in staff_of(H):
            for path in nx.all_simple_paths(H, s, c["id"]):
                score = math.prod(H[u][v]["p"] for u, v in zip(path, path[1:]))
                every.append((-round(score, 12), [path[0][6:], *path[1:]], score))
        every.sort(key=lambda x: (x[0], len(x[1]), x[1]))  # equal scores: fewer steps, then ids
        got = influence_paths(G, c["id"], as_of=AS_OF, k=4)
        assert [p["nodes"] for p in got] == [x[1] for x in every[:4]]
        for p in got:
            # A path's score is the product of its steps.
            assert p["score"] == math.prod(s["p"] for s in p["steps"])
            assert [s["from"] for s in p["steps"]] == p["nodes"][:-1]
            assert [s["to"] for s in p["steps"]] == p["nodes"][1:]
            assert p["score"] == pytest.approx(next(x[2] for x in every if x[1] == p["nodes"]))


@SETTINGS
@given(portfolios())
def test_paths_through_opponents_and_from_one_staff(data):
    G = build_graph(read_obj(data))
    for c in data["contacts"]:
        H = independent_access(data, c["account"], through_opponents=True)
        for s in staff_of(H)[:2]:
            best = max(
                (math.prod(H[u][v]["p"] for u, v in zip(p, p[1:])) for p in nx.all_simple_paths(H, s, c["id"])),
                default=None,
            )
            got = influence_paths(G, c["id"], as_of=AS_OF, k=1, source=s[6:], through_opponents=True)
            if best is None:
                assert got == []
            else:
                assert got[0]["nodes"][0] == s[6:]
                assert got[0]["score"] == pytest.approx(best)


@SETTINGS
@given(portfolios())
def test_redundancy_is_node_connectivity_from_the_staff(data):
    G = build_graph(read_obj(data))
    for c in data["contacts"]:
        H = independent_access(data, c["account"])
        H.add_node("SOURCE")
        for s in staff_of(H):
            H.add_edge("SOURCE", s)
        expected = local_node_connectivity(H, "SOURCE", c["id"]) if nx.has_path(H, "SOURCE", c["id"]) else 0
        assert redundancy(G, c["id"], as_of=AS_OF) == expected


@SETTINGS
@given(portfolios())
def test_whatif_without_nobody_is_coverage(data):
    G = build_graph(read_obj(data))
    cov = coverage(G, as_of=AS_OF)
    r = whatif(G, as_of=AS_OF, without=[])
    assert r["lost"] == []
    for acc, w in zip(cov, r["accounts"]):
        figures = {k: v for k, v in acc.items() if k not in ("id", "name", "grade", "cells")}
        assert set(FIGURES) <= set(figures)
        assert w["id"] == acc["id"]
        assert w["before"] == w["after"] == figures


@SETTINGS
@given(portfolios())
def test_threads_imply_strong_best_strength(data):
    G = build_graph(read_obj(data))
    strong = 3.0
    for acc in coverage(G, as_of=AS_OF, strong=strong):
        for cell in acc["cells"]:
            if cell["status"] == "covered":
                assert cell["best_strength"] >= strong
            if cell["status"] == "weak":
                assert 0 < cell["best_strength"] < strong
            assert (cell["status"] == "unknown") == (cell["contacts"] == [])
        for row in key_influencers(G, acc["id"], as_of=AS_OF, strong=strong):
            if row["threads"] >= 1:
                assert row["best_strength"] >= strong
    for row in contact_threads(G, as_of=AS_OF, all=True):
        assert row["threads"] == len(row["staff"])
        assert row["threads"] <= 1 or row["redundancy"] <= 1 or row["rank_gap"] >= 2
        assert row["redundancy"] >= row["threads"]  # each thread is a route of its own
        assert (row["rank_gap"] is None) == (row["threads"] == 0)
        assert row["backup"] not in row["staff"]


@SETTINGS
@given(portfolios())
def test_pagerank_matches_networkx(data):
    G = build_graph(read_obj(data))
    parts = FrameAccounts.of_graph(G, as_of=AS_OF)
    for a in range(len(parts.F.account_ids)):
        contacts = parts.contacts(a)
        edges = power_edges(parts, a)
        H = nx.DiGraph()
        H.add_nodes_from(contacts)
        for (u, v), w in edges.items():
            H.add_edge(u, v, weight=w)
        expected = nx.algorithms.link_analysis.pagerank_alg._pagerank_python(H, tol=1e-14, max_iter=10_000)
        got = pagerank(contacts, edges)
        assert got == pytest.approx(expected, abs=1e-10)


@SETTINGS
@given(portfolios())
def test_store_by_account_equals_whole_graph(data):
    # The store hands out one account at a time (cross-account links dropped); the
    # library on the whole graph ignores those links: same answers.
    ds = read_obj(data)
    G = build_graph(ds)
    store = FileStore.from_dataset(ds)
    assert P.coverage_report(store, as_of=AS_OF)["accounts"] == coverage(G, as_of=AS_OF)
    assert P.gaps_report(store, as_of=AS_OF)["gaps"] == gaps(G, as_of=AS_OF)
    assert P.threads_report(store, as_of=AS_OF, all=True)["contacts"] == contact_threads(G, as_of=AS_OF, all=True)
    assert P.risk_report(store, as_of=AS_OF)["staff"] == rotation_risk(G, as_of=AS_OF)


@SETTINGS
@given(portfolios())
def test_gaps_are_the_cells_not_covered(data):
    # gaps sorts the contacts of the cells not covered alone; coverage every cell.
    G = build_graph(read_obj(data))
    cells = [
        (a["id"], c["level"], c["role"], c["status"], c["contacts"], c["best_strength"])
        for a in coverage(G, as_of=AS_OF) for c in a["cells"] if c["status"] != "covered"
    ]
    found = [
        (g["account"], g["level"], g["role"], g["status"], g["contacts"], g["best_strength"])
        for g in gaps(G, as_of=AS_OF)
    ]
    assert sorted(found) == sorted(cells)


@SETTINGS
@given(portfolios())
def test_gap_suggestion_starts_a_best_path(data):
    G = build_graph(read_obj(data))
    for gap in gaps(G, as_of=AS_OF):
        targets = gap["contacts"] or [
            c["id"]
            for c in data["contacts"]
            if c["account"] == gap["account"] and c["level"] == gap["level"]
        ]
        best = {}
        for t in targets:
            for p in influence_paths(G, t, as_of=AS_OF, k=1):
                best[t] = p
        if not best:
            assert gap["suggested_staff"] is None
            continue
        top = max(p["score"] for p in best.values())
        starts = set()
        for t in targets:  # every staff member starting a path as good as the best
            for p in influence_paths(G, t, as_of=AS_OF, k=20):
                if p["score"] >= top * (1 - 1e-12):
                    starts.add(p["nodes"][0])
        assert gap["suggested_staff"] == min(starts)
