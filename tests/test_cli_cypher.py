"""`relgraph cypher` against the Bolt test server: the read-only guard holds there.

FalkorDB's Bolt endpoint does not enforce read-only sessions, so on it the guard of
relgraph/stores/cypherguard.py is the only one: what it lets through is run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bolt import TEST_BATCH_SIZE
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
    assert (r.exit_code, r.stdout) == (0, '[{"set":1}]\n')


def test_a_file_is_split_at_semicolons_outside_strings(bolt_server, rich, tmp_path):
    bolt_store(bolt_server).push(rich)
    f = tmp_path / "q.cypher"
    f.write_text("// two statements\nRETURN 'a;b' AS x;\nMATCH (a:Account {id: 'B'}) RETURN a.name AS name;\n")
    r = invoke(bolt_server, ["cypher", bolt_server.uri, "--file", str(f), "--format", "json"])
    assert (r.exit_code, r.stdout) == (0, '[{"name":"Beta Mobile"}]\n')


# --- the --help examples that need a server (cypher, push) ------------------------------

REPO = Path(__file__).parent.parent
LOCAL_URI = r"(neo4j|bolt)://localhost:7687"


def cypher_examples() -> list[list[str]]:
    """The arguments of each example of ``relgraph cypher --help`` (after ``relgraph``)."""
    import shlex

    from test_cli import help_examples

    return [shlex.split(e)[1:] for e in help_examples(("cypher",))]


def query_parameters(path) -> set[str]:
    """The ``$names`` a query file uses, outside its ``//`` comments."""
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


def server_examples() -> list[list[str]]:
    """The arguments of every --help example that names a local Neo4j server, in
    command order (``push`` fills the server before ``cypher`` reads it), without the
    environment variables some set before ``relgraph``."""
    import shlex

    from test_cli import command_paths, help_examples

    out = []
    for words in command_paths():
        for example in help_examples(words):
            args = shlex.split(example)
            while "=" in args[0]:
                args.pop(0)
            if any(re.fullmatch(LOCAL_URI, a) for a in args):
                out.append(args[1:])
    return sorted(out, key=lambda a: a[0] != "push")


def test_the_server_examples_of_every_help_run_on_the_demo_in_a_bolt_server(bolt_server, tmp_path, monkeypatch):
    """The examples as written, the test server's address for localhost's, in a
    folder holding the demo and the query library (their --file paths)."""
    import json
    import shutil

    from relgraph.demo import write_demo

    monkeypatch.chdir(tmp_path)
    write_demo("relgraph-demo")
    shutil.copytree(REPO / "cypher", tmp_path / "cypher")
    examples = server_examples()
    assert sorted({a[0] for a in examples}) == ["cypher", "push"]
    outputs = []
    for args in examples:
        args = [bolt_server.uri if re.fullmatch(LOCAL_URI, a) else a for a in args]
        if args[0] == "push" and bolt_server.name == "falkordb":  # its large-parameter crash (tests/bolt.py)
            args += ["--batch-size", str(TEST_BATCH_SIZE)]
        r = invoke(bolt_server, args)
        assert r.exit_code == 0, (args, r.output)
        outputs.append(r.stdout)
    assert [a[0] for a in examples] == ["push"] * 3 + ["cypher"] * 2
    accounts, threads = outputs[3:]
    assert sorted(line.split()[0] for line in accounts.splitlines()[2:-1]) == ["bcb", "hpg", "nwm", "spr"]
    # threads.cypher: the key contacts single- or unthreaded or with a rank gap, as `relgraph threads` lists them
    assert sorted(r["id"] for r in json.loads(threads)) == [
        "nwm-ceo", "nwm-cfo", "nwm-chair", "nwm-es-cto", "nwm-es-dgm", "nwm-es-gm", "nwm-es-pa-gm", "nwm-vpm",
    ]
