"""The Neo4j store over a real Bolt server (tests/bolt.py): round trip, idempotent
push, the push and cypher commands, and clean errors.

Test data keeps to what FalkorDB's Bolt endpoint can carry (see tests/bolt.py): no
apostrophes, identifier-like extra column names, floats with at most 6 decimals.
"""

from __future__ import annotations

import functools
import json
import time

import networkx as nx
import pytest
from bolt import TEST_BATCH_SIZE, bolt_store, free_port
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore
from relgraph.stores.neo4j import (
    dataset_revision,
    schema_statements,
    statements,
    touchpoint_keys,
    write_clauses,
)

# Two accounts with everything the format has: units in a hierarchy, contacts with
# and without units (and levels), extras in several tables, dates, fractional
# strengths, one pair with two rows (two periods), both link kinds, a link across
# accounts, an inactive staff member, a staff member in no team, two identical
# touchpoints and one listing contacts of both accounts.
RICH = {
    "accounts": [
        {"id": "A", "name": "Acme Telecom", "grade": "S", "region": "North", "owner_code": "X1"},
        {"id": "B", "name": "Beta Mobile", "grade": "B"},
    ],
    "units": [
        {"id": "u1", "account": "A", "name": "HQ", "level": "hq"},
        {"id": "u2", "account": "A", "name": "Province East", "level": "province", "parent": "u1"},
        {"id": "u3", "account": "A", "name": "City One", "level": "city", "parent": "u2", "function": "ops"},
        {"id": "v1", "account": "B", "name": "B HQ", "level": "hq"},
    ],
    "contacts": [
        {"id": "c1", "name": "Wang Wei", "account": "A", "unit": "u1", "role": "decision_maker",
         "influence": 5, "seniority": 5, "attitude": "supporter", "coach": True, "email": "w@a.example"},
        {"id": "c2", "name": "Li Na", "account": "A", "unit": "u2", "role": "technical", "influence": 4},
        {"id": "c3", "name": "Zhao Min", "account": "A", "level": "county", "role": "finance",
         "attitude": "opponent", "notes": "met twice"},
        {"id": "c4", "name": "Sun Li", "account": "A", "unit": "u3", "role": "procurement"},
        {"id": "d1", "name": "Dora Diaz", "account": "B", "unit": "v1", "role": "decision_maker"},
        {"id": "d2", "name": "Dan Dee", "account": "B", "role": "user"},
    ],
    "staff": [
        {"id": "s1", "name": "Ann Lee", "role": "account_manager", "seniority": 3, "in_role_since": "2022-03-01"},
        {"id": "s2", "name": "Bob Ray", "role": "solution", "office": "Berlin"},
        {"id": "s3", "name": "Cem Oz", "role": "executive", "seniority": 4, "active": False},
        {"id": "s4", "name": "Dee Fox", "role": "delivery"},
    ],
    "relationships": [
        {"staff": "s1", "contact": "c1", "strength": 4, "last_contact": "2024-05-01", "since": "2020-01-01"},
        {"staff": "s1", "contact": "c1", "strength": 2.5, "since": "2018-01-01", "until": "2020-01-01"},
        {"staff": "s2", "contact": "c2", "strength": 3.25, "notes": "via project", "channel": "wechat"},
        {"staff": "s3", "contact": "c3", "strength": 5},
        {"staff": "s4", "contact": "d1", "strength": 1},
        {"staff": "s1", "contact": "d2", "strength": 2, "last_contact": "2023-12-31"},
    ],
    "links": [
        {"source": "c2", "target": "c1", "kind": "reports_to"},
        {"source": "c3", "target": "c1", "kind": "influences", "weight": 4.5, "since": "2021-06-01"},
        {"source": "c4", "target": "c2", "kind": "reports_to", "weight": 2},
        {"source": "d1", "target": "c1", "kind": "influences"},
    ],
    "touchpoints": [
        {"date": "2024-06-01", "method": "visit", "staff": "s1;s2", "contacts": "c1;c2", "notes": "plant tour"},
        {"date": "2024-06-01", "method": "visit", "staff": "s1;s2", "contacts": "c1;c2", "notes": "plant tour"},
        {"date": "2024-07-15", "method": "meeting", "staff": "s4", "contacts": "d1;c4"},
    ],
    "team": [
        {"account": "A", "staff": "s1", "role": "account_manager"},
        {"account": "A", "staff": "s2"},
        {"account": "B", "staff": "s4", "role": "delivery", "since_year": "2021"},
    ],
}


def edge_multiset(G: nx.MultiDiGraph) -> list[str]:
    return sorted(json.dumps([u, v, d], sort_keys=True, default=str) for u, v, d in G.edges(data=True))


def assert_same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert list(G.nodes) == list(H.nodes)  # same keys, in the same order
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert edge_multiset(G) == edge_multiset(H)
    assert G.graph["touchpoints"] == H.graph["touchpoints"]
    assert G.graph["extras"] == H.graph["extras"]


def snapshot(server) -> list[str]:
    """Every node and relationship of the test graph with its properties (sorted)."""
    with server.driver().session(database=server.database) as s:
        nodes = s.execute_read(lambda tx: [r.data() for r in tx.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")])
        rels = s.execute_read(
            lambda tx: [
                r.data()
                for r in tx.run(
                    "MATCH (a)-[r]->(b) RETURN coalesce(a.id, a.key) AS a, type(r) AS t, "
                    "properties(r) AS p, coalesce(b.id, b.key) AS b"
                )
            ]
        )
    return sorted(json.dumps(x, sort_keys=True) for x in nodes + rels)


@pytest.fixture
def rich():
    return read_obj(RICH)


# --- without a server -------------------------------------------------------------------


def test_write_clauses_ignore_strings_comments_and_names():
    assert write_clauses("MATCH (n:Set {name: 'CREATE'}) WHERE n.delete = 1 RETURN n /* MERGE */ // SET") == []
    assert write_clauses("MATCH (n) DETACH DELETE n") == ["DETACH", "DELETE"]
    assert write_clauses("match (n) set n.x = $set") == ["SET"]
    assert write_clauses("LOAD CSV FROM 'file:///x' AS r RETURN r") == ["LOAD CSV"]
    assert write_clauses("CALL apoc.create.node(['X'], {}) YIELD node RETURN node") == ["CALL apoc.create.node"]
    assert write_clauses("CALL db.labels()") == []


def test_schema_dialects():
    neo = schema_statements("neo4j")
    assert neo[0] == "CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE"
    assert len(neo) == 8
    other = schema_statements("other", existing={("Account", "id")})
    assert other[0] == "CREATE INDEX FOR (n:Unit) ON (n.id)"
    assert other[-1] == "CREATE INDEX FOR (n:Contact) ON (n.account)"
    assert len(other) == 7


def test_statements_split_files():
    assert statements("// head\nMATCH (n) RETURN n;\n// only a comment;\nRETURN 1;\n") == [
        "MATCH (n) RETURN n",
        "RETURN 1",
    ]


def test_touchpoint_keys_are_content_and_occurrence(rich):
    keys = touchpoint_keys(rich["touchpoints"])
    assert keys[0] != keys[1]  # identical rows are two touchpoints
    assert touchpoint_keys(rich["touchpoints"]) == keys  # deterministic
    assert dataset_revision(rich) == dataset_revision(read_obj(RICH))


# --- round trip ------------------------------------------------------------------------


@pytest.mark.neo4j
def test_round_trip_reproduces_the_file_store(bolt_server, rich):
    files = FileStore.from_dataset(rich)
    store = bolt_store(bolt_server)
    store.push(rich)
    assert store.account_ids() == ["A", "B"]
    for a in ("A", "B"):
        assert_same_graph(store.account_graph(a), files.account_graph(a))
    assert store.dataset() == rich
    assert store.dataset().extras == rich.extras
    assert_same_graph(store.graph(), files.graph())
    assert store.staff() == files.staff()
    assert [G.graph["touchpoints"] for G in store.account_graphs()] == [
        G.graph["touchpoints"] for G in files.account_graphs()
    ]
    assert store.locate("Contact", "d2") == "B"
    assert store.locate("Unit", "u3") == "A"
    assert store.locate("Account", "A") == "A"
    assert store.locate("Staff", "s3") is None
    with pytest.raises(Exception, match="unknown contact 'zz'"):
        store.locate("Contact", "zz")
    with pytest.raises(Exception, match="unknown account 'Q'"):
        store.account_graph("Q")


@pytest.mark.neo4j
def test_stored_shape(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    store = bolt_store(bolt_server)
    rows = store.run(
        "MATCH (s:Staff {id: 's1'})-[k:KNOWS]->(c:Contact {id: 'c1'}) "
        "RETURN k.strength AS strength, k.lastContact AS last, k.since AS since, k.seq AS seq ORDER BY seq"
    )
    # Dates as ISO strings; one KNOWS per row, keyed by its row position.
    assert rows == [
        {"strength": 4, "last": "2024-05-01", "since": "2020-01-01", "seq": 0},
        {"strength": 2.5, "last": None, "since": "2018-01-01", "seq": 1},
    ]
    rows = store.run(
        "MATCH (p)-[:ATTENDED]->(t:Touchpoint {date: '2024-07-15'}) RETURN p.id AS id, labels(p) AS l ORDER BY id"
    )
    assert rows == [{"id": "c4", "l": ["Contact"]}, {"id": "d1", "l": ["Contact"]}, {"id": "s4", "l": ["Staff"]}]
    rows = store.run("MATCH (u:Unit {id: 'u3'})-[:PART_OF]->(p)-[:PART_OF]->(q)-[:PART_OF]->(a:Account) RETURN a.id AS a")
    assert rows == [{"a": "A"}]
    assert store.run("MATCH (s:Staff {id: 's1'}) RETURN s.inRoleSince AS d") == [{"d": "2022-03-01"}]


# --- idempotent push -----------------------------------------------------------------


@pytest.mark.neo4j
def test_push_twice_leaves_the_same_database(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    first = snapshot(bolt_server)
    counts = bolt_store(bolt_server).push(rich)
    assert snapshot(bolt_server) == first
    assert counts["prune nodes"] == 0 and counts["prune relationships"] == 0
    # 4 accounts+units... : 2 accounts, 4 units, 6 contacts, 4 staff, 3 touchpoints, 1 meta
    assert len([x for x in first if x.startswith('{"l"')]) == 20


class Interrupted(Exception):
    pass


@pytest.mark.neo4j
def test_push_after_a_failure_part_way_completes_it(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    complete = snapshot(bolt_server)
    bolt_server.clear()
    batches = []

    def stop_after_8(step, done, total):
        batches.append(step)
        if len(batches) == 8:
            raise Interrupted(step)

    with pytest.raises(Interrupted):
        bolt_store(bolt_server).push(rich, progress=stop_after_8)
    partial = snapshot(bolt_server)
    assert 0 < len(partial) < len(complete)
    bolt_store(bolt_server).push(rich)
    assert snapshot(bolt_server) == complete


@pytest.mark.neo4j
def test_push_of_another_data_set_removes_what_it_no_longer_has(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    smaller = {k: v for k, v in RICH.items() if k not in ("touchpoints", "links")}
    smaller["contacts"] = [c for c in RICH["contacts"] if c["account"] == "B"]
    smaller["relationships"] = [r for r in RICH["relationships"] if r["contact"].startswith("d")]
    smaller["accounts"] = [{"id": "B", "name": "Beta Mobile", "grade": "A"}]
    smaller["units"] = [u for u in RICH["units"] if u["account"] == "B"]
    smaller["team"] = [t for t in RICH["team"] if t["account"] == "B"]
    ds = read_obj(smaller)
    store = bolt_store(bolt_server)
    counts = store.push(ds, replace_all=True)
    assert counts["prune nodes"] == 1 + 3 + 4 + 3  # account A, units u1-u3, contacts c1-c4, 3 touchpoints
    assert store.dataset() == ds
    assert store.account_ids() == ["B"]


# --- the CLI -----------------------------------------------------------------------


def invoke(server, args, record=True, **kw):
    """Run the CLI against the test server. FalkorDB's Bolt endpoint now and then
    hangs the handshake of a new connection, or dies under load (see tests/bolt.py);
    a run that failed to connect is retried there, never on a real Neo4j, after the
    server is restarted with the test's pushes replayed when it no longer answers.
    Every command retried here is a read or an idempotent push."""
    for attempt in range(3):
        server.settle()
        r = CliRunner().invoke(cli, args, env=server.env(), catch_exceptions=False, **kw)
        server.settle()  # absorb the hang the CLI's own closing connection leaves behind
        if server.name != "falkordb" or r.exit_code != 1 or attempt == 2:
            break
        server.recover()  # before the next attempt
    if record and args and args[0] in WRITES and r.exit_code == 0:
        server.pushes.append(functools.partial(_push_again, server, args, kw))
    return r


WRITES = ("push", "log", "relate", "import", "init")
"""The commands that write to a database: each one a test ran there is run again, in
order, on a server restarted under the test (its graph is lost with it)."""


def _push_again(server, args, kw):
    """Replay a write of the test on a restarted server (:meth:`BoltServer.recover`)."""
    r = invoke(server, args, record=False, **kw)
    assert r.exit_code == 0, f"writing again on the restarted server failed: {r.output}"


@pytest.fixture
def rich_file(tmp_path):
    p = tmp_path / "rich.json"
    p.write_text(json.dumps(RICH))
    return p


@pytest.mark.neo4j
def test_cli_push_then_analyses_match_files(bolt_server, rich_file):
    r = invoke(bolt_server, ["push", str(rich_file), bolt_server.uri, "--batch-size", str(TEST_BATCH_SIZE)])
    assert r.exit_code == 0, r.output
    assert "push: contacts 6/6" in r.stderr
    assert r.stderr.splitlines()[-1] == f"pushed {rich_file} to {bolt_server.uri}: 19 nodes; 0 stale nodes removed"
    for args in (["coverage"], ["threads", "--all"], ["risk"], ["paths", "--to", "c1"], ["summary"]):
        dated = args + (["--as-of", "2024-08-01"] if args[0] != "summary" else [])
        on_files = invoke(bolt_server, [dated[0], str(rich_file), *dated[1:], "--format", "json"])
        on_bolt = invoke(bolt_server, [dated[0], bolt_server.uri, *dated[1:], "--format", "json"])
        assert on_files.exit_code == 0, on_files.output
        assert on_bolt.stdout == on_files.stdout


@pytest.mark.neo4j
def test_a_falkordb_that_dies_under_a_test_is_restarted_with_its_pushes(bolt_server, rich_file):
    """The test harness's own recovery (tests/bolt.py): a FalkorDB killed between two
    CLI runs is restarted, the test's push replayed, and the read answers as before."""
    if bolt_server.name != "falkordb":
        pytest.skip("only FalkorDB is restarted by the tests")
    r = invoke(bolt_server, ["push", str(rich_file), bolt_server.uri, "--batch-size", str(TEST_BATCH_SIZE)])
    assert r.exit_code == 0, r.output
    before = invoke(bolt_server, ["coverage", bolt_server.uri, "--as-of", "2024-08-01", "--format", "json"])
    assert before.exit_code == 0, before.output
    restarts = bolt_server.restarts
    bolt_server.process.kill()
    bolt_server.process.wait(timeout=10)
    with pytest.warns(UserWarning, match="stopped answering; restarted it"):
        after = invoke(bolt_server, ["coverage", bolt_server.uri, "--as-of", "2024-08-01", "--format", "json"])
    assert bolt_server.restarts == restarts + 1
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout


@pytest.mark.neo4j
def test_a_falkordb_that_dies_under_a_test_gets_every_write_again(bolt_server, rich_file):
    """The harness replays, in order, the data sets a test pushed through a store and
    the CLI writes it made (`log`, `relate`), not only the CLI's pushes: a test that
    logged a meeting reads it after a restart."""
    if bolt_server.name != "falkordb":
        pytest.skip("only FalkorDB is restarted by the tests")
    bolt_store(bolt_server).push(read_obj(json.loads(rich_file.read_text())))
    r = invoke(bolt_server, ["log", bolt_server.uri, "--date", "2024-07-20", "--method", "meeting", "--staff", "s1",
                             "--contacts", "c1"])
    assert r.exit_code == 0, r.output
    before = invoke(bolt_server, ["coverage", bolt_server.uri, "--as-of", "2024-08-01", "--format", "json"])
    assert before.exit_code == 0, before.output
    assert '"meeting":1' in before.stdout
    bolt_server.process.kill()
    bolt_server.process.wait(timeout=10)
    with pytest.warns(UserWarning, match="stopped answering; restarted it"):
        after = invoke(bolt_server, ["coverage", bolt_server.uri, "--as-of", "2024-08-01", "--format", "json"])
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout


@pytest.mark.neo4j
def test_cli_push_bad_data_writes_nothing(bolt_server, tmp_path):
    bad = dict(RICH, contacts=[dict(RICH["contacts"][0], influence=9)] + RICH["contacts"][1:])
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad))
    r = invoke(bolt_server, ["push", str(p), bolt_server.uri])
    assert r.exit_code == 2
    assert "contacts[0]" in r.stderr
    assert snapshot(bolt_server) == []


@pytest.mark.neo4j
def test_cli_cypher_reads_as_json_and_table(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    q = "MATCH (c:Contact) WHERE c.influence >= $min RETURN c.id AS id, c.influence AS influence ORDER BY id"
    r = invoke(bolt_server, ["cypher", bolt_server.uri, q, "--param", "min=4", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [{"id": "c1", "influence": 5}, {"id": "c2", "influence": 4}]
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (a:Account {id: $id}) RETURN a.name AS name",
                             "--param", "id=B"])
    assert r.stdout == "name\n-----------\nBeta Mobile\n(1 records)\n"
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (a:Account {id: 'A'}) RETURN a", "--format", "json"])
    node = json.loads(r.stdout)[0]["a"]
    assert node["labels"] == ["Account"] and node["properties"]["name"] == "Acme Telecom"


@pytest.mark.neo4j
def test_cli_cypher_refuses_writes_without_write(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    before = snapshot(bolt_server)
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (a:Account) SET a.name = 'x'"])
    assert r.exit_code == 2
    assert r.stderr == "Error: the query writes (SET); nothing was run. Add --write to allow writes\n"
    assert snapshot(bolt_server) == before
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (a:Account {id: $id}) SET a.region = $r",
                             "--param", "id=B", "--param", "r=South", "--write"])
    assert r.exit_code == 0, r.output
    assert bolt_store(bolt_server).run("MATCH (a:Account {id: 'B'}) RETURN a.region AS r") == [{"r": "South"}]


def test_cli_unreachable_server_is_one_line_and_fast():
    port = free_port()
    start = time.monotonic()
    r = CliRunner().invoke(cli, ["cypher", f"bolt://127.0.0.1:{port}", "RETURN 1"],
                           env={"NEO4J_USERNAME": "", "NEO4J_PASSWORD": ""})
    assert time.monotonic() - start < 10
    assert r.exit_code == 1
    assert r.stderr == f"Error: cannot reach bolt://127.0.0.1:{port}: connection refused\n"
    r = CliRunner().invoke(cli, ["coverage", f"neo4j://127.0.0.1:{port}"])
    assert r.exit_code == 1
    assert r.stderr == f"Error: cannot reach neo4j://127.0.0.1:{port}: connection refused\n"


def test_cli_refuses_passwords_in_the_uri():
    r = CliRunner().invoke(cli, ["cypher", "bolt://neo4j:secret@127.0.0.1:7687", "RETURN 1"])
    assert r.exit_code == 2
    assert r.stderr == "Error: put the user name and password in NEO4J_USERNAME / NEO4J_PASSWORD, not in the URI\n"
    assert "secret" not in r.output


@pytest.mark.neo4j
def test_cli_cypher_syntax_error_is_one_line(bolt_server):
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATC (n) RETURN n"])
    assert r.exit_code == 1
    assert len(r.stderr.splitlines()) == 1
    # Neo4j names the problem; FalkorDB answers every error as UnknownError.
    expected = "Error: Cypher syntax error" if bolt_server.name == "neo4j" else "Error: query failed"
    assert r.stderr.startswith(expected)


@pytest.mark.neo4j
def test_cli_wrong_password_and_missing_database(bolt_server):
    if bolt_server.name != "neo4j":
        pytest.skip("FalkorDB's Bolt endpoint checks no credentials and ignores the database name")
    env = dict(bolt_server.env(), NEO4J_PASSWORD="wrong-password")
    r = CliRunner().invoke(cli, ["cypher", bolt_server.uri, "RETURN 1"], env=env)
    assert r.exit_code == 1
    user = bolt_server.auth[0]
    assert r.stderr.startswith(f"Error: authentication failed for user {user}")
    r = CliRunner().invoke(cli, ["cypher", bolt_server.uri, "RETURN 1", "--database", "nosuchdb"],
                           env=bolt_server.env())
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: database 'nosuchdb' does not exist")
