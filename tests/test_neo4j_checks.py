"""What a Neo4j store reads is validated by the rules of files (relgraph.stores.checked):
values set by hand in the database are problems located by their node or
relationship, exit 2, nothing computed or written; ``validate URI`` checks a whole
database. Over the real Bolt test server (tests/bolt.py)."""

from __future__ import annotations

import json

import pytest
from bolt import TEST_BATCH_SIZE
from test_neo4j import RICH, invoke

from relgraph.errors import InvalidData
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

ROLES = "decision_maker, technical, business, finance, user, procurement, other"


@pytest.fixture
def pushed(bolt_server):
    """RICH pushed into the test server; the server."""
    store = Neo4jStore(bolt_server.driver(), database=bolt_server.database, batch_size=TEST_BATCH_SIZE)
    store.push(read_obj(RICH))
    return bolt_server


def write(server, query: str) -> None:
    """Change the database by hand, as a user of ``relgraph cypher --write`` would."""
    r = invoke(server, ["cypher", server.uri, query, "--write"])
    assert r.exit_code == 0, r.output


def store_of(server) -> Neo4jStore:
    return Neo4jStore(server.driver(), database=server.database, batch_size=TEST_BATCH_SIZE)


def test_element_names_number_what_one_name_would_stand_for():
    from relgraph.stores.checked import element_names

    rows = [{"staff": "s1", "contact": "c1"}, {"staff": "s1", "contact": "c1"}, {"staff": "s2", "contact": "c2"}]
    assert element_names("relationships", rows) == ["KNOWS s1->c1 #1", "KNOWS s1->c1 #2", "KNOWS s2->c2"]
    assert element_names("contacts", [{"id": "c1"}, {"id": None}]) == ["Contact 'c1'", "Contact without id"]
    assert element_names("links", [{"source": "c2", "target": "c1", "kind": "reports_to"}]) == ["REPORTS_TO c2->c1"]
    assert element_names("team", [{"account": "A", "staff": "s1"}]) == ["ON_TEAM s1->A"]
    tp = {"date": "2024-06-01", "method": "visit", "contacts": ["c1", "c2"]}
    assert element_names("touchpoints", [tp]) == ["Touchpoint 2024-06-01 visit (c1;c2)"]


def test_strength_set_by_hand_is_a_problem_not_a_path_score(pushed):
    uri = pushed.uri
    write(pushed, "MATCH (:Staff {id: 's1'})-[r:KNOWS {key: 0}]->(:Contact {id: 'c1'}) SET r.strength = 99")
    r = invoke(pushed, ["paths", uri, "--to", "c1", "--as-of", "2024-08-01"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"{uri}: KNOWS s1->c1 #1: strength 99 is out of range 1-5",
        "1 problem; nothing was written.",
    ]


def test_role_set_by_hand_does_not_crash_map_and_writes_nothing(pushed, tmp_path):
    uri = pushed.uri
    write(pushed, "MATCH (c:Contact {id: 'c1'}) SET c.role = 'ceo'")
    out = tmp_path / "a.html"
    r = invoke(pushed, ["map", uri, "--account", "A", "-o", str(out), "--as-of", "2024-08-01"])
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"{uri}: Contact 'c1': unknown role 'ceo' (expected one of {ROLES})",
        "1 problem; nothing was written.",
    ]
    assert not out.exists()
    # Only the accounts read are checked: account B reads clean.
    r = invoke(pushed, ["coverage", uri, "--account", "B", "--as-of", "2024-08-01"])
    assert r.exit_code == 0, r.output


def test_every_analysis_over_a_uri_refuses_bad_values(pushed):
    uri = pushed.uri
    write(pushed, "MATCH (s:Staff {id: 's4'}) SET s.seniority = 0")
    line = f"{uri}: Staff 's4': seniority 0 is out of range 1-5"
    for args in (["coverage"], ["gaps"], ["threads"], ["risk"], ["whatif", "--without", "s1"],
                 ["diff", "--since", "2024-01-01"], ["paths", "--to", "d1"], ["summary"]):
        r = invoke(pushed, [args[0], uri, *args[1:]])
        assert r.exit_code == 2, (args, r.output)
        # A read of the whole portfolio lists its warnings with the problem, as a folder does.
        errors = [ln for ln in r.stderr.splitlines() if ": warning: " not in ln]
        assert errors == [line, "1 problem; nothing was written."], args


def test_library_read_raises_invalid_data_with_elements(pushed):
    write(pushed, "MATCH (:Contact {id: 'c2'})-[r:REPORTS_TO]->(:Contact {id: 'c1'}) SET r.weight = 7.5")
    store = store_of(pushed)
    with pytest.raises(InvalidData) as e:
        store.tables(["A"])
    (p,) = e.value.problems
    assert (p.file, p.element, p.table, p.message) == (
        pushed.uri, "REPORTS_TO c2->c1", "links", "weight 7.5 is out of range 1-5"
    )
    assert p.as_dict() == {"file": pushed.uri, "line": None, "message": "weight 7.5 is out of range 1-5",
                           "table": "links", "element": "REPORTS_TO c2->c1"}
    assert [ids for ids, _ in store.table_parts(["B"])] == [["B"]]  # B is clean


NEVER_AGES = ("relationship of 's3' with 'c3' has no last_contact and no touchpoint: it never ages; "
              "give the date they last met")


def test_validate_a_clean_database_as_a_file(pushed, tmp_path):
    f = tmp_path / "rich.json"
    f.write_text(json.dumps(RICH))
    on_file = invoke(pushed, ["validate", str(f), "--format", "json"])
    on_db = invoke(pushed, ["validate", pushed.uri, "--format", "json"])
    assert on_db.exit_code == 0 == on_file.exit_code
    file_doc, db_doc = json.loads(on_file.stdout), json.loads(on_db.stdout)
    assert db_doc["errors"] == []
    assert [w["message"] for w in db_doc["warnings"]] == [w["message"] for w in file_doc["warnings"]]
    assert db_doc["warnings"] == [
        {"file": pushed.uri, "line": None, "message": "contact 'c4' has no relationship",
         "table": "contacts", "element": "Contact 'c4'"},
        {"file": pushed.uri, "line": None, "message": "staff member 's3' is in no team",
         "table": "staff", "element": "Staff 's3'"},
        {"file": pushed.uri, "line": None, "message": "relationship of inactive staff member 's3'",
         "table": "relationships", "element": "KNOWS s3->c3"},
        {"file": pushed.uri, "line": None, "message": NEVER_AGES, "table": "relationships",
         "element": "KNOWS s3->c3"},
    ]
    r = invoke(pushed, ["validate", pushed.uri])
    assert r.exit_code == 0
    assert r.stdout == f"{pushed.uri}: valid (4 warnings).\n"
    assert r.stderr.splitlines() == [
        f"{pushed.uri}: Contact 'c4': warning: contact 'c4' has no relationship",
        f"{pushed.uri}: Staff 's3': warning: staff member 's3' is in no team",
        f"{pushed.uri}: KNOWS s3->c3: warning: relationship of inactive staff member 's3'",
        f"{pushed.uri}: KNOWS s3->c3: warning: {NEVER_AGES}",
    ]


def test_validate_a_database_lists_every_problem(pushed):
    uri = pushed.uri
    write(pushed, "MATCH (:Staff {id: 's1'})-[r:KNOWS {key: 0}]->(:Contact {id: 'c1'}) "
                  "SET r.strength = 99, r.lastContact = 'yesterday'")
    write(pushed, "MATCH (c:Contact {id: 'c1'}) SET c.role = 'ceo'")
    write(pushed, "MATCH (c:Contact {id: 'c4'}) SET c.unit = 'nowhere'")
    write(pushed, "MATCH (a:Account {id: 'B'}) SET a.grade = 'Z'")
    write(pushed, "MATCH (t:Touchpoint {method: 'meeting'}) SET t.staff = ['s4', 'zz']")
    r = invoke(pushed, ["validate", uri])
    assert r.exit_code == 2
    assert r.stdout == ""
    problems = [ln for ln in r.stderr.splitlines() if ": warning: " not in ln]
    assert problems == [
        f"{uri}: Account 'B': unknown grade 'Z' (expected one of S, A, B, C)",
        f"{uri}: Contact 'c1': unknown role 'ceo' (expected one of {ROLES})",
        f"{uri}: Contact 'c4': unit: unknown unit 'nowhere'",
        f"{uri}: KNOWS s1->c1 #1: strength 99 is out of range 1-5",
        f"{uri}: KNOWS s1->c1 #1: last_contact 'yesterday' is not a date (expected YYYY-MM-DD)",
        f"{uri}: Touchpoint 2024-07-15 meeting (d1;c4): staff: unknown staff member 'zz'",
        "6 problems.",
    ]
    r = invoke(pushed, ["validate", uri, "--format", "json"])
    assert r.exit_code == 2
    errors = json.loads(r.stdout)["errors"]
    assert [(e["table"], e["element"]) for e in errors] == [
        ("accounts", "Account 'B'"), ("contacts", "Contact 'c1'"), ("contacts", "Contact 'c4'"),
        ("relationships", "KNOWS s1->c1 #1"), ("relationships", "KNOWS s1->c1 #1"),
        ("touchpoints", "Touchpoint 2024-07-15 meeting (d1;c4)"),
    ]


def test_staff_of_no_account_are_checked_too(pushed):
    """``risk`` lists every staff member, also those no account names."""
    uri = pushed.uri
    write(pushed, "CREATE (:Staff {id: 'zz', name: 'Zed Zee', inRoleSince: 'soon', seq: 9})")
    r = invoke(pushed, ["risk", uri, "--as-of", "2024-08-01"])
    assert r.exit_code == 2, r.output
    assert [ln for ln in r.stderr.splitlines() if ": warning: " not in ln] == [
        f"{uri}: Staff 'zz': in_role_since 'soon' is not a date (expected YYYY-MM-DD)",
        "1 problem; nothing was written.",
    ]


def test_validate_a_database_finds_what_no_account_holds(pushed):
    uri = pushed.uri
    write(pushed, "CREATE (:Contact {id: 'c9', name: 'Nine Nu', account: 'ZZ', seq: 9})")
    write(pushed, "CREATE (:Unit {id: 'u9', name: 'Lost', level: 'hq', seq: 9})")
    r = invoke(pushed, ["validate", uri])
    assert r.exit_code == 2
    assert [ln for ln in r.stderr.splitlines() if ": warning: " not in ln] == [
        f"{uri}: Unit 'u9': missing value for 'account'",
        f"{uri}: Contact 'c9': account: unknown account 'ZZ'",
        "2 problems.",
    ]
