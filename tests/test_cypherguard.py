"""The read-only guard of `relgraph cypher` (relgraph/stores/cypherguard.py), exactly.

Each bypass below got through the earlier text-matching guard (and some changed the
Bolt test server); each harmless query below was refused by it or must stay allowed.
"""

from __future__ import annotations

import pytest

from relgraph.errors import UsageError
from relgraph.stores.cypherguard import refuse_writes, split_statements, statements_to_run, tokens, write_clauses


@pytest.mark.parametrize(
    "query, found",
    [
        ("CALL `db.idx.fulltext.createNodeIndex`('X', ['Contact'], ['name'])",
         ["CALL db.idx.fulltext.createNodeIndex"]),
        ("CALL `db`.`idx`.fulltext.createNodeIndex('X', ['Contact'], ['name'])",
         ["CALL db.idx.fulltext.createNodeIndex"]),
        ("CALL db . idx . fulltext . createNodeIndex('X', ['Contact'], ['name'])",
         ["CALL db.idx.fulltext.createNodeIndex"]),
        ("CALL db./* x */idx.fulltext.createNodeIndex('X', ['Contact'], ['name'])",
         ["CALL db.idx.fulltext.createNodeIndex"]),
        ("CALL db.\n// x\nidx.fulltext.createNodeIndex('X', ['Contact'], ['name'])",
         ["CALL db.idx.fulltext.createNodeIndex"]),
        ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})", ["CALL apoc.periodic.iterate"]),
        ("CALL apoc.refactor.rename.label('A', 'B')", ["CALL apoc.refactor.rename.label"]),
        ("CALL apoc.export.csv.all('x.csv', {})", ["CALL apoc.export.csv.all"]),
        ("CALL apoc.cypher.doIt('MATCH (n) DETACH DELETE n', {})", ["CALL apoc.cypher.doIt"]),
        ("CALL apoc.atomic.add(n, 'x', 1)", ["CALL apoc.atomic.add"]),
        ("CALL apoc.trigger.add('t', 'RETURN 1', {})", ["CALL apoc.trigger.add"]),
        ("CALL apoc.do.when(true, 'CREATE (n)', '', {})", ["CALL apoc.do.when"]),
        ("CALL apoc.schema.assert({}, {})", ["CALL apoc.schema.assert"]),
        ("CALL dbms.setConfigValue('db.logs.query.enabled', 'off')", ["CALL dbms.setConfigValue"]),
        ("CALL db.createLabel('X')", ["CALL db.createLabel"]),
        ("INSERT (:Account {id: 'x'})", ["INSERT"]),
        ("MATCH (n) RETURN n LIMIT 1CREATE (m:Account {id: 'x'})", ["CREATE"]),
        ("MATCH (n) RETURN n LIMIT 1e1CREATE (m)", ["CREATE"]),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", ["TERMINATE"]),
        ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
         ["apoc.cypher.runFirstColumnSingle()"]),
        ("UNWIND [1] AS x CALL { CREATE (:X) } IN 2 CONCURRENT TRANSACTIONS RETURN x",
         ["CREATE", "IN TRANSACTIONS"]),
        ("LOAD CSV FROM 'file:///x' AS r RETURN r", ["LOAD CSV"]),
        ("MATCH (n) DETACH DELETE n", ["DETACH", "DELETE"]),
        ("match (n) set n.x = $set", ["SET"]),
        ("STOP DATABASE neo4j", ["STOP DATABASE"]),
        ("FOREACH (x IN [1] | MERGE (:X {v: x}))", ["FOREACH", "MERGE"]),
    ],
)
def test_writes_and_unlisted_calls_are_found(query, found):
    assert write_clauses(query) == found
    with pytest.raises(UsageError, match=r"nothing was run\. Add --write to allow writes$"):
        refuse_writes(query)


@pytest.mark.parametrize(
    "query",
    [
        "RETURN 1 AS set",
        "WITH 1 AS delete, 2 AS `create` RETURN `create` AS merge",
        "MATCH (n:Set {create: 'DELETE'}) WHERE n.delete = 1 RETURN n /* MERGE */ // SET",
        "MATCH (n) WHERE n.name = \"it's a SET\" RETURN n.`SET x`, $create",
        "CALL db.labels() YIELD label RETURN label",
        "CALL db.indexes() YIELD label, properties RETURN label, properties",
        "CALL dbms.components() YIELD name RETURN name",
        "MATCH (n) RETURN date.truncate('month', date(n.since)) AS m, toUpper(n.name) AS u",
        "MATCH (n) RETURN apoc.text.join([n.a, n.b], ' ') AS x",
        "MATCH (a) CALL (a) { MATCH (a)-->(b) RETURN count(b) AS n } RETURN a, n",
        "SHOW INDEXES",
        "MATCH (n) RETURN n ORDER BY n.id SKIP 1 LIMIT 10",
    ],
)
def test_reads_pass(query):
    assert write_clauses(query) == []
    refuse_writes(query)


def test_the_message_names_what_writes():
    with pytest.raises(UsageError) as e:
        refuse_writes("MATCH (a:Account) SET a.name = 'x' SET a.y = 1")
    assert str(e.value) == "the query writes (SET); nothing was run. Add --write to allow writes"


@pytest.mark.parametrize(
    "query, what",
    [("RETURN 'abc", "string"), ("RETURN `abc", "quoted name"), ("RETURN 1 /* CREATE (n)", "comment")],
)
def test_unreadable_queries_are_refused(query, what):
    with pytest.raises(UsageError, match=f"unterminated {what} on line 1"):
        write_clauses(query)


def test_tokens_keep_strings_names_and_numbers_apart():
    assert [(t.kind, t.text) for t in tokens("RETURN 'a\\'b' AS `x``y`, $p, 1CREATE")] == [
        ("name", "RETURN"), ("string", "'a\\'b'"), ("name", "AS"), ("quoted", "`x``y`"), ("symbol", ","),
        ("param", "$p"), ("symbol", ","), ("number", "1"), ("name", "CREATE"),
    ]
    assert [t.line for t in tokens("MATCH (n)\n/* two\nlines */ RETURN n")][-2:] == [3, 3]


def test_split_statements_respects_strings_and_comments():
    assert split_statements("RETURN 'a;b' AS x;\n// a comment;\nMATCH (n) RETURN n /* ; */;\n// end;\n") == [
        "RETURN 'a;b' AS x",
        "// a comment;\nMATCH (n) RETURN n /* ; */",
    ]
    assert split_statements("  // nothing\n;  ") == []


def test_statements_to_run_checks_every_statement_before_any_runs():
    assert statements_to_run("RETURN 1;\nRETURN 2;", script=True) == ["RETURN 1", "RETURN 2"]
    assert statements_to_run("RETURN 1; RETURN 2") == ["RETURN 1; RETURN 2"]  # one query, as given
    with pytest.raises(UsageError, match=r"^the query writes \(CREATE\)"):
        statements_to_run("RETURN 1;\nCREATE (n);", script=True)
    assert statements_to_run("RETURN 1;\nCREATE (n);", script=True, write=True) == ["RETURN 1", "CREATE (n)"]
    for empty in ("", "// nothing", " ; "):
        with pytest.raises(UsageError, match="^the query is empty$"):
            statements_to_run(empty, script=True)


def test_the_guard_imports_no_driver():
    import subprocess
    import sys

    code = "import sys, relgraph.stores.cypherguard; print('neo4j' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
