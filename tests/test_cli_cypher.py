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


# --- the examples of `cypher --help` ---------------------------------------------------

REPO = __import__("pathlib").Path(__file__).parent.parent
EXAMPLE_URI = "neo4j://localhost:7687"


def cypher_examples() -> list[list[str]]:
    """The arguments of each example of ``relgraph cypher --help`` (after ``relgraph``)."""
    import shlex

    from test_cli import help_examples

    return [shlex.split(e)[1:] for e in help_examples(("cypher",))]


def query_parameters(path) -> set[str]:
    """The ``$names`` a query file uses, outside its ``//`` comments."""
    import re

    code = "\n".join(line.split("//")[0] for line in path.read_text(encoding="utf-8").splitlines())
    return set(re.findall(r"\$([A-Za-z_]\w*)", code))


def test_cypher_examples_give_every_parameter_of_their_query_file():
    files = 0
    for args in cypher_examples():
        if "--file" not in args:
            continue
        files += 1
        given = {args[i + 1].partition("=")[0] for i, a in enumerate(args) if a == "--param"}
        assert given == query_parameters(REPO / args[args.index("--file") + 1]), args
    assert files >= 1


def test_cypher_examples_run_on_the_demo_in_a_bolt_server(bolt_server, tmp_path, monkeypatch):
    """The examples as written, on the demo pushed into the test server (its address
    for localhost's), from the repository root as their --file paths are."""
    from relgraph.demo import write_demo
    from relgraph.readwrite import read

    write_demo(tmp_path / "demo")
    bolt_store(bolt_server).push(read(tmp_path / "demo"))
    monkeypatch.chdir(REPO)
    outputs = []
    for args in cypher_examples():
        assert args[1] == EXAMPLE_URI, args
        r = invoke(bolt_server, [args[0], bolt_server.uri, *args[2:]])
        assert r.exit_code == 0, (args, r.output)
        outputs.append(r.stdout)
    assert sorted(line.split()[0] for line in outputs[0].splitlines()[2:-1]) == ["bcb", "hpg", "nwm", "spr"]
    # threads.cypher: the key contacts single- or unthreaded or with a rank gap, as `relgraph threads` lists them
    import json

    assert sorted(r["id"] for r in json.loads(outputs[1])) == [
        "nwm-ceo", "nwm-cfo", "nwm-chair", "nwm-es-cto", "nwm-es-dgm", "nwm-es-gm", "nwm-es-pa-gm", "nwm-vpm",
    ]
