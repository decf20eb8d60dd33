"""`relgraph cypher` against the Bolt test server: the read-only guard holds there.

FalkorDB's Bolt endpoint does not enforce read-only sessions, so on it the guard of
relgraph/stores/cypherguard.py is the only one: what it lets through is run.
"""

from __future__ import annotations

import pytest
from test_neo4j import bolt_store, invoke, rich, snapshot  # noqa: F401  (rich: a fixture)

pytestmark = pytest.mark.neo4j


def indexes(server) -> list:
    return sorted(map(str, bolt_store(server).run("CALL db.indexes() YIELD label, properties RETURN label, properties")))


@pytest.mark.parametrize(
    "query",
    [
        "CALL `db.idx.fulltext.createNodeIndex`('Contact', 'name')",
        "CALL db . /* x */ idx.fulltext.createNodeIndex('Contact', 'name')",
        "MATCH (a:Account) RETURN a LIMIT 1CREATE (:Account {id: 'z'})",
    ],
)
def test_bypasses_are_refused_and_change_nothing(bolt_server, rich, query):
    bolt_store(bolt_server).push(rich)
    before, before_indexes = snapshot(bolt_server), indexes(bolt_server)
    r = invoke(bolt_server, ["cypher", bolt_server.uri, query])
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: the query writes (")
    assert r.stderr.endswith("); nothing was run. Add --write to allow writes\n")
    assert (snapshot(bolt_server), indexes(bolt_server)) == (before, before_indexes)


def test_harmless_names_run(bolt_server, rich):
    bolt_store(bolt_server).push(rich)
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "RETURN 1 AS set", "--format", "json"])
    assert (r.exit_code, r.stdout) == (0, '[{"set": 1}]\n')


def test_a_file_is_split_at_semicolons_outside_strings(bolt_server, rich, tmp_path):
    bolt_store(bolt_server).push(rich)
    f = tmp_path / "q.cypher"
    f.write_text("// two statements\nRETURN 'a;b' AS x;\nMATCH (a:Account {id: 'B'}) RETURN a.name AS name;\n")
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "--file", str(f), "--format", "json"])
    assert (r.exit_code, r.stdout) == (0, '[{"name": "Beta Mobile"}]\n')
