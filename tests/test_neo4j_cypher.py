"""The analyst queries of cypher/ held to the Python analyses, over a real Bolt server.

Each query runs exactly as shipped (the text of the file, parameters as an analyst
would set them in cypher-shell) against the data pushed into the test server, and
must give the answers of relgraph.analysis on the same data: on the small RICH data
set of test_neo4j.py and on the demo portfolio.

FalkorDB runs every analyst query as written. Its one known divergence that these
data avoid: date('2024-02-29') + duration({years: 3}) gives 2027-03-01 there, where
Neo4j and Python give 2027-02-28 (rotation_risk.cypher on 29 February).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bolt import TEST_BATCH_SIZE
from test_neo4j import RICH

from relgraph.analysis.coverage import coverage
from relgraph.analysis.paths import influence_paths
from relgraph.analysis.strength import strengths_at
from relgraph.analysis.rules import key_contacts
from relgraph.analysis.threads import contact_threads, rotation_risk
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore
from relgraph.stores.neo4j import Neo4jStore, cypher_text, statements

pytestmark = pytest.mark.neo4j

RICH_AS_OF = dt.date(2024, 8, 1)


@pytest.fixture(scope="module")
def demo_ds(tmp_path_factory):
    from relgraph.demo import DEMO_AS_OF, write_demo
    from relgraph.readwrite import read

    d = tmp_path_factory.mktemp("demo") / "demo"
    write_demo(d)
    return read(d), DEMO_AS_OF


@pytest.fixture(params=[("rich", 90.0), ("demo", 90.0), ("rich", 0.0), ("demo", 30.0)], ids=lambda p: f"{p[0]}-grace{p[1]:g}")
def case(request, bolt_server):
    """(file graph, Bolt store, as-of, grace) for one data set pushed into the server."""
    name, grace = request.param
    if name == "rich":
        ds, as_of = read_obj(RICH), RICH_AS_OF
    else:
        ds, as_of = request.getfixturevalue("demo_ds")
    store = Neo4jStore(bolt_server.driver(), database=bolt_server.database, batch_size=TEST_BATCH_SIZE)
    store.push(ds)
    return FileStore.from_dataset(ds).graph(), store, as_of, grace


def run_file(store: Neo4jStore, name: str, **params):
    """Run cypher/<name>.cypher as shipped; every $parameter it names must be given."""
    (query,) = statements(cypher_text(f"{name}.cypher"))
    wanted = set(re.findall(r"\$(\w+)", query))
    assert wanted == set(params), f"{name}.cypher takes {sorted(wanted)}"
    header = cypher_text(f"{name}.cypher").split("\n\n")[0]
    for p in wanted:  # the header documents every parameter
        assert f"${p}" in header
    return store.run(query, params)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def test_every_analyst_query_is_headed_by_what_it_answers():
    from importlib import resources

    files = sorted(p.name for p in resources.files("relgraph.cypher").iterdir() if p.name.endswith(".cypher"))
    assert {"coverage.cypher", "threads.cypher", "rotation_risk.cypher", "influence_paths.cypher",
            "key_contacts.cypher", "schema.cypher", "read.cypher", "write.cypher"} <= set(files)
    for f in files:
        text = cypher_text(f)
        assert text.startswith(f"// {f} -- "), f
        assert "Parameters:" in text.split("\n\n")[0] or f == "schema.cypher", f


def test_every_file_on_disk_holds_its_preludes_as_written_once():
    """The analyst files stay complete for cypher-shell, and their shared block is the
    one of cypher/prelude/: editing one copy by hand fails here."""
    from relgraph import cypher

    spliced = [f for f in cypher.files() if "// BEGIN effective_strength(" in cypher_text(f)]
    assert spliced == ["coverage.cypher", "influence_paths.cypher", "key_contacts.cypher",
                       "rotation_risk.cypher", "threads.cypher"]
    for f in cypher.files():
        assert cypher.text(f) == cypher_text(f), f"{f}: run python -m relgraph.cypher"
    block = cypher.prelude("effective_strength")
    assert block.count("0.5 ^") == 1
    for f in spliced:  # the decay is written in the prelude only
        assert statements(cypher_text(f))[0].count("0.5 ^") == 1, f


def test_a_hand_edit_of_a_prelude_copy_is_undone_by_splicing():
    from relgraph import cypher

    text = cypher_text("threads.cypher")
    edited = text.replace("max(t.date) AS touched", "min(t.date) AS touched")
    assert edited != text and cypher.splice(edited) == text


# A key contact known at exactly the strong threshold (3, no decay) by s1 and weakly by
# s2; a second at 2.9 by s1 only: 1 and 0 threads.
BOUNDARY = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "A"}],
    "contacts": [
        {"id": "k1", "name": "Kay One", "account": "A", "role": "decision_maker"},
        {"id": "k2", "name": "Kay Two", "account": "A", "role": "technical", "influence": 4},
    ],
    "staff": [{"id": "s1", "name": "Sam One"}, {"id": "s2", "name": "Sue Two"}],
    "relationships": [
        {"staff": "s1", "contact": "k1", "strength": 3},
        {"staff": "s2", "contact": "k1", "strength": 2, "last_contact": "2024-08-01"},
        {"staff": "s1", "contact": "k2", "strength": 2.9},
    ],
}


def test_threads_at_exactly_the_strong_threshold(bolt_server):
    ds = read_obj(BOUNDARY)
    store = Neo4jStore(bolt_server.driver(), database=bolt_server.database, batch_size=TEST_BATCH_SIZE)
    store.push(ds)
    got = run_file(store, "threads", account=None, asOf=RICH_AS_OF.isoformat(), grace=90.0, halfLife=180.0, strong=3.0)
    rows = [(r["id"], r["threads"], r["staff"], r["rankGap"]) for r in got]
    assert rows == [("k2", 0, [], None), ("k1", 1, ["s1"], 0)]
    G = FileStore.from_dataset(ds).graph()
    assert sorted(rows) == sorted(
        (r["id"], r["threads"], r["staff"], r["rank_gap"]) for r in contact_threads(G, as_of=RICH_AS_OF)
    )


def test_threads(case):
    G, store, as_of, grace = case
    got = run_file(store, "threads", account=None, asOf=as_of.isoformat(), grace=grace, halfLife=180.0, strong=3.0)
    want = [
        r for r in contact_threads(G, as_of=as_of, grace=grace) if r["threads"] <= 1 or (r["rank_gap"] or 0) >= 2
    ]
    assert sorted((r["account"], r["id"], r["threads"], r["staff"], r["rankGap"]) for r in got) == sorted(
        (r["account"], r["id"], r["threads"], r["staff"], r["rank_gap"]) for r in want
    )
    assert got  # the data sets have fragile key contacts


def test_key_contacts(case):
    G, store, as_of, grace = case
    got = run_file(store, "key_contacts", account=None, asOf=as_of.isoformat(), grace=grace, halfLife=180.0, strong=3.0)
    st = strengths_at(G, as_of=as_of, grace=grace)
    want = {
        d["id"]: (d["account"], d["level"], [G.nodes[s]["id"] for s in st.threads.get(c, [])], st.best(c))
        for c, d in G.nodes(data=True)
        if d["kind"] == "Contact" and key_contacts(d["role"], d["influence"])
    }
    assert {r["id"] for r in got} == set(want)
    for r in got:
        account, level, staff, best = want[r["id"]]
        assert (r["account"], r["level"], r["staff"], r["threads"]) == (account, level, staff, len(staff))
        assert close(r["bestStrength"], best), r


def test_rotation_risk(case):
    G, store, as_of, grace = case
    got = run_file(store, "rotation_risk", asOf=as_of.isoformat(), grace=grace, halfLife=180.0, strong=3.0,
                   rotationYears=3, horizon=180)
    want = rotation_risk(G, as_of=as_of, grace=grace)
    assert [(r["id"], r["risk"], r["soleThreads"], r["rotationDue"], r["dueSoon"]) for r in got] == [
        (r["id"], r["risk"], r["sole_threads"], r["rotation_due"] and r["rotation_due"].isoformat(), r["due_soon"])
        for r in want
    ]


def test_coverage(case):
    G, store, as_of, grace = case
    got = run_file(store, "coverage", account=None, asOf=as_of.isoformat(), grace=grace, halfLife=180.0, strong=3.0)
    want = [(a["id"], c) for a in coverage(G, as_of=as_of, grace=grace) for c in a["cells"]]
    assert len(got) == len(want)
    for r, (account, c) in zip(got, want):
        assert (r["account"], r["level"], r["role"], r["status"], r["contacts"]) == (
            account, c["level"], c["role"], c["status"], c["contacts"]
        )
        assert close(r["bestStrength"], c["best_strength"]), r


def test_influence_paths(case):
    G, store, as_of, grace = case
    targets = sorted(d["id"] for _, d in G.nodes(data=True) if d["kind"] == "Contact" and key_contacts(d["role"], d["influence"]))
    checked = 0
    for target in targets[:12]:
        for through in (False, True):
            got = run_file(store, "influence_paths", target=target, source=None, k=3, throughOpponents=through,
                           asOf=as_of.isoformat(), grace=grace, halfLife=180.0)
            want = influence_paths(G, target, as_of=as_of, grace=grace, k=3, through_opponents=through)
            if any(len(p["nodes"]) > 6 for p in want):
                continue  # longer than the query's 5 steps
            assert [r["nodes"] for r in got] == [p["nodes"] for p in want], target
            for r, p in zip(got, want):
                assert close(r["score"], p["score"])
                assert [(s["from"], s["to"], s["kind"]) for s in r["steps"]] == [
                    (s["from"], s["to"], s["kind"]) for s in p["steps"]
                ]
                assert all(close(a["p"], b["p"]) for a, b in zip(r["steps"], p["steps"]))
            checked += 1
    assert checked >= 4


def test_refresh_due(case):
    """cypher/refresh_due.cypher gives the refresh dates of relgraph plan: every
    thread to a key contact that fades within the horizon, on the day it last holds."""
    from relgraph.analysis.frame import frame_from_graph, is_key
    from relgraph.analysis.plan import refresh_dues, strengths

    G, store, as_of, grace = case
    F = frame_from_graph(G)
    ps = strengths(F.strengths, as_of=as_of, half_life=180.0, grace=grace, strong=3.0)
    key = is_key(F)
    threads = [(s, c) for s, c, on in zip(ps.staff.tolist(), ps.contact.tolist(), ps.strong.tolist()) if on and key[c]]
    dues = refresh_dues(F.strengths, threads, as_of=as_of, horizon=180, half_life=180.0, grace=grace, strong=3.0)
    want = sorted(
        (F.account_ids[F.contact_account[c]], F.contact_ids[c], F.staff_ids[s], d.isoformat())
        for (s, c), d in dues.items()
    )
    got = run_file(store, "refresh_due", account=None, asOf=as_of.isoformat(), halfLife=180.0, grace=grace,
                   strong=3.0, horizon=180)
    assert [(r["account"], r["contact"], r["staff"], r["due"]) for r in got] == want
    assert want  # the data hold threads that fade
