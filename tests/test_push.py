"""One team, one database (SPEC section 5): push by account, dry runs, --replace-all,
concurrent pushes, and the single facts of `log` and `relate` on a folder, a JSON
file and a real Bolt server (tests/bolt.py).

Two account managers each keep a data set: TEAM_A holds account A, TEAM_B account
B; both name staff member s1 (who knows a contact of each account). MERGED is the
two put together: what the shared database must hold after both pushed, and the data
set every analysis over the database must agree with.

Test data keeps to what FalkorDB's Bolt endpoint can carry (tests/bolt.py): no
apostrophes, identifier-like extra column names.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bolt import TEST_BATCH_SIZE
from click.testing import CliRunner
from test_neo4j import bolt_store, invoke, snapshot

from relgraph.cli import cli
from relgraph.readwrite import write
from relgraph.readwrite.edit import append_row, update_row
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore
from relgraph.stores.merge import compare, content_rev

S1 = {"id": "s1", "name": "Ann Lee", "role": "account_manager", "seniority": 3, "in_role_since": "2022-03-01"}

TEAM_A = {
    "accounts": [{"id": "A", "name": "Acme Telecom", "grade": "S", "region": "North"}],
    "units": [
        {"id": "u1", "account": "A", "name": "HQ", "level": "hq"},
        {"id": "u2", "account": "A", "name": "Province East", "level": "province", "parent": "u1"},
    ],
    "contacts": [
        {"id": "c1", "name": "Wang Wei", "account": "A", "unit": "u1", "role": "decision_maker",
         "influence": 5, "seniority": 4, "coach": True},
        {"id": "c2", "name": "Li Na", "account": "A", "unit": "u2", "role": "technical", "influence": 4},
        {"id": "c3", "name": "Zhao Min", "account": "A", "level": "city", "role": "finance", "influence": 4},
        {"id": "c4", "name": "Sun Li", "account": "A", "unit": "u2", "role": "procurement", "influence": 4},
    ],
    "staff": [
        S1,
        {"id": "s2", "name": "Bob Ray", "role": "solution", "seniority": 3},
        {"id": "s3", "name": "Cem Oz", "role": "executive", "seniority": 4},
    ],
    "relationships": [
        {"staff": "s1", "contact": "c1", "strength": 4, "last_contact": "2024-05-01", "since": "2020-01-01"},
        {"staff": "s1", "contact": "c1", "strength": 2, "since": "2018-01-01", "until": "2020-01-01"},
        {"staff": "s2", "contact": "c2", "strength": 3.5, "last_contact": "2025-05-01"},
        {"staff": "s3", "contact": "c3", "strength": 5, "last_contact": "2025-04-01"},
    ],
    "links": [
        {"source": "c2", "target": "c1", "kind": "reports_to"},
        {"source": "c3", "target": "c1", "kind": "influences", "weight": 4},
    ],
    "touchpoints": [
        {"date": "2024-06-01", "method": "visit", "staff": "s1;s2", "contacts": "c1;c2", "notes": "plant tour"},
    ],
    "team": [{"account": "A", "staff": "s1", "role": "account_manager"}, {"account": "A", "staff": "s2"}],
}

TEAM_B = {
    "accounts": [{"id": "B", "name": "Beta Mobile", "grade": "A"}],
    "units": [{"id": "v1", "account": "B", "name": "B HQ", "level": "hq"}],
    "contacts": [
        {"id": "d1", "name": "Dora Diaz", "account": "B", "unit": "v1", "role": "decision_maker", "influence": 5},
        {"id": "d2", "name": "Dan Dee", "account": "B", "unit": "v1", "role": "user"},
    ],
    "staff": [S1, {"id": "s4", "name": "Dee Fox", "role": "delivery"}],
    "relationships": [
        {"staff": "s4", "contact": "d1", "strength": 4, "last_contact": "2025-05-01"},
        {"staff": "s1", "contact": "d2", "strength": 2, "last_contact": "2025-03-31"},
    ],
    "links": [{"source": "d2", "target": "d1", "kind": "reports_to"}],
    "touchpoints": [{"date": "2025-04-15", "method": "meeting", "staff": "s4", "contacts": "d1"}],
    "team": [{"account": "B", "staff": "s4", "role": "delivery"}],
}


def merged(*sets: dict) -> dict:
    """Data sets put together: every table's rows in turn, staff once each."""
    out: dict = {}
    for t in TEAM_A:
        rows = [r for s in sets for r in s.get(t, [])]
        if t == "staff":
            rows = list({r["id"]: r for r in rows}.values())
        out[t] = rows
    return out


MERGED = merged(TEAM_A, TEAM_B)
AS_OF = "2025-06-01"


def ds(obj: dict):
    return read_obj(copy.deepcopy(obj))


def write_json(path: Path, obj: dict) -> Path:
    path.write_text(json.dumps(obj, indent=1))
    return path


def account_state(store, account: str) -> list[str]:
    """Everything the database holds of one account, as rows (bookkeeping included)."""
    have, _ = store._stored_elements(account)
    return sorted(json.dumps([t, k, p], sort_keys=True, default=str) for t, rows in have.items() for k, p in rows)


ANALYSES = (
    ["coverage"],
    ["gaps"],
    ["threads", "--all"],
    ["risk"],
    ["whatif", "--without", "s1"],
    ["paths", "--to", "c1"],
    ["influencers", "--account", "A"],
    ["diff", "--since", "2024-01-01"],
)


def assert_analyses_agree(server, data_a: str, data_b: str) -> None:
    """Every analysis gives the same JSON on the two DATA arguments."""
    r = invoke(server, ["summary", data_a, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert invoke(server, ["summary", data_b, "--format", "json"]).stdout == r.stdout
    for args in ANALYSES:
        on_a = invoke(server, [args[0], data_a, *args[1:], "--as-of", AS_OF, "--format", "json"])
        on_b = invoke(server, [args[0], data_b, *args[1:], "--as-of", AS_OF, "--format", "json"])
        assert on_a.exit_code == 0, (args, on_a.output)
        assert on_b.stdout == on_a.stdout, args


# --- without a server -------------------------------------------------------------------


def test_compare_counts_added_changed_removed_and_reverted():
    pushed = {"x": 1, "seq": 3}
    pushed["rev"] = content_rev(pushed)
    edited = {"x": 5, "seq": 3, "rev": pushed["rev"]}
    c = compare(
        {"same": {"x": 1, "seq": 0}, "moved": {"x": 1, "seq": 9}, "new": {"x": 2}, "edit": {"x": 1, "seq": 3}},
        [("same", {"x": 1, "seq": 0}), ("moved", {"x": 1, "seq": 1}), ("edit", edited), ("gone", pushed)],
    )
    assert (c.added, c.changed, c.removed, c.reverted) == (1, 1, 1, 1)
    assert c.write == ["moved", "new", "edit"]  # moved: same content, another row order
    assert c.delete == ["gone"]
    dup = compare({"k": {"x": 1}}, [("k", {"x": 1}), ("k", {"x": 1})])
    assert (dup.added, dup.changed, dup.removed, dup.write, dup.delete) == (0, 0, 1, ["k"], ["k"])
    assert compare({}, [("k", {"x": 1})], remove=False).delete == []
    assert content_rev({"strength": 4.0, "seq": 1}) == content_rev({"strength": 4, "seq": 2})


def test_append_and_update_keep_separator_bom_and_line_endings(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "accounts.csv").write_bytes(b"\xef\xbb\xbfid;name\r\nA;Acme\r\n")
    text = '\ufeffDate;Method;Staff;Contacts;Notes\r\n2024-01-01;visit;"s1;s2";c1;"a, b"\r\n\r\n'
    (folder / "Touchpoints.csv").write_bytes(text.encode())
    os.chmod(folder / "Touchpoints.csv", 0o640)
    import datetime as dt

    row = {"date": dt.date(2024, 2, 1), "method": "meeting", "staff": ["s1"], "contacts": ["c1", "c2"], "notes": None}
    append_row(folder, "touchpoints", row)
    assert (folder / "Touchpoints.csv").read_bytes().decode() == text + '2024-02-01;meeting;s1;"c1;c2";\r\n'
    assert (folder / "Touchpoints.csv").stat().st_mode & 0o777 == 0o640
    update_row(folder, "touchpoints", 1, {"notes": "x"})
    assert (folder / "Touchpoints.csv").read_bytes().decode() == text + '2024-02-01;meeting;s1;"c1;c2";x\r\n'
    # A table the folder lacks is created as its accounts file is written.
    append_row(folder, "team", {"account": "A", "staff": "s1", "role": None})
    assert (folder / "team.csv").read_bytes() == b"\xef\xbb\xbfaccount;staff;role\r\nA;s1;\r\n"
    assert sorted(p.name for p in folder.iterdir()) == ["Touchpoints.csv", "accounts.csv", "team.csv"]
    # A column the header lacks is added, every row getting an empty cell.
    (folder / "relationships.csv").write_text("staff,contact,strength\ns1,c1,3\n")
    update_row(folder, "relationships", 0, {"strength": 4, "last_contact": dt.date(2025, 1, 2)})
    assert (folder / "relationships.csv").read_text() == "staff,contact,strength,last_contact\ns1,c1,4,2025-01-02\n"


# --- the files side of log and relate ----------------------------------------------------


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def threads_of(data: str, contact: str, runner=run) -> dict:
    r = runner(["threads", data, "--all", "--as-of", AS_OF, "--format", "json"])
    assert r.exit_code == 0, r.output
    return {c["id"]: c for c in json.loads(r.stdout)["contacts"]}.get(contact)


@pytest.fixture
def team_a_dir(tmp_path) -> Path:
    folder = tmp_path / "team-a"
    write(ds(TEAM_A), folder, "csv")
    return folder


def cell_status(data: str, level: str, role: str, runner=run) -> str:
    r = runner(["coverage", data, "--account", "A", "--as-of", AS_OF, "--format", "json"])
    assert r.exit_code == 0, r.output
    cells = json.loads(r.stdout)["accounts"][0]["cells"]
    return next(c["status"] for c in cells if (c["level"], c["role"]) == (level, role))


def log_and_relate(data: str) -> None:
    """A meeting of s1 with c1 and a new relationship s2 ... c4, with the analyses
    before and after: the meeting makes s1 a thread of c1 again."""
    assert threads_of(data, "c1")["threads"] == 0  # s1 last met c1 a year ago
    assert cell_status(data, "hq", "decision_maker") == "weak"
    assert threads_of(data, "c4")["threads"] == 0
    r = run(["log", data, "--date", "2025-05-20", "--method", "meeting", "--staff", "s1", "--contacts", "c1",
             "--notes", "budget review", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"touchpoint": {"date": "2025-05-20", "method": "meeting", "staff": ["s1"],
                                                   "contacts": ["c1"], "notes": "budget review"}}
    assert threads_of(data, "c1")["staff"] == ["s1"]
    assert cell_status(data, "hq", "decision_maker") == "covered"
    r = run(["relate", data, "--staff", "s2", "--contact", "c4", "--strength", "4", "--date", "2025-05-30",
             "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"action": "added", "relationship": {
        "staff": "s2", "contact": "c4", "strength": 4, "last_contact": "2025-05-30", "since": None, "until": None,
        "notes": None}}
    assert threads_of(data, "c4")["staff"] == ["s2"]
    # The relationship in force is updated; the old period keeps its row.
    r = run(["relate", data, "--staff", "s1", "--contact", "c1", "--strength", "5", "--format", "json"])
    assert json.loads(r.stdout)["action"] == "updated"
    assert json.loads(r.stdout)["relationship"]["strength"] == 5
    assert json.loads(r.stdout)["relationship"]["since"] == "2020-01-01"


def test_log_and_relate_on_a_folder(team_a_dir):
    before = {p.name: p.read_bytes() for p in team_a_dir.iterdir()}
    log_and_relate(str(team_a_dir))
    after = {p.name: p.read_bytes() for p in team_a_dir.iterdir()}
    assert [n for n in before if before[n] != after[n]] == ["relationships.csv", "touchpoints.csv"]
    assert after["touchpoints.csv"] == before["touchpoints.csv"] + b"2025-05-20,meeting,s1,c1,budget review\n"
    assert after["relationships.csv"].decode().splitlines()[1:] == [
        "s1,c1,5,2024-05-01,2020-01-01,,", "s1,c1,2,,2018-01-01,2020-01-01,", "s2,c2,3.5,2025-05-01,,,",
        "s3,c3,5,2025-04-01,,,", "s2,c4,4,2025-05-30,,,"]


def test_log_and_relate_on_a_json_file(tmp_path):
    data = write_json(tmp_path / "team-a.json", TEAM_A)
    log_and_relate(str(data))
    obj = json.loads(data.read_text())
    assert obj["touchpoints"][-1] == {"date": "2025-05-20", "method": "meeting", "staff": ["s1"], "contacts": ["c1"],
                                      "notes": "budget review"}
    assert obj["relationships"][0]["strength"] == 5
    assert obj["relationships"][-1] == {"staff": "s2", "contact": "c4", "strength": 4, "last_contact": "2025-05-30"}
    assert data.read_text().startswith('{\n "accounts": [\n  {\n')  # its indentation kept


def test_log_and_relate_refuse_bad_values_and_write_nothing(team_a_dir):
    before = {p.name: p.read_bytes() for p in team_a_dir.iterdir()}
    r = run(["log", str(team_a_dir), "--date", "2025-13-01", "--method", "lunch", "--staff", "s1", "--staff", "zz",
             "--contacts", "c1;q"])
    assert r.exit_code == 2
    # The reading rules word the problems (relgraph.validate); each names its value.
    lines = r.stderr.splitlines()
    assert lines[-1] == "4 problems; nothing was written."
    for line, value in zip(lines, ("'2025-13-01'", "'lunch'", "'zz'", "'q'")):
        assert line.startswith("new touchpoint: ") and value in line
    r = run(["relate", str(team_a_dir), "--staff", "s1", "--contact", "d9", "--strength", "7"])
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines[-1] == "2 problems; nothing was written."
    assert lines[0].startswith("relationship: strength 7") and lines[1].endswith("unknown contact 'd9'")
    assert {p.name: p.read_bytes() for p in team_a_dir.iterdir()} == before


# --- push by account over a real Bolt server ---------------------------------------------


@pytest.mark.neo4j
def test_two_accounts_pushed_separately_equal_the_merged_files(bolt_server, tmp_path):
    bolt_store(bolt_server).push(ds(TEAM_A))
    a_alone = account_state(bolt_store(bolt_server), "A")
    counts = bolt_store(bolt_server).push(ds(TEAM_B))
    assert counts["prune nodes"] == 0 and counts["prune relationships"] == 0
    store = bolt_store(bolt_server)
    assert store.account_ids() == ["A", "B"]
    assert account_state(store, "A") == a_alone  # B's push left A alone
    files = FileStore.from_dataset(ds(MERGED))
    for a in ("A", "B"):
        assert store.account_dataset(a) == files.account_dataset(a)
    assert store.staff() == files.staff()
    merged_file = write_json(tmp_path / "merged.json", MERGED)
    assert_analyses_agree(bolt_server, str(merged_file), bolt_server.uri)
    # Pushing either again changes nothing.
    before = snapshot(bolt_server)
    assert bolt_store(bolt_server).plan_push(ds(TEAM_A)).total("added") == 0
    bolt_store(bolt_server).push(ds(TEAM_A))
    assert snapshot(bolt_server) == before


def changed_team_a() -> dict:
    """TEAM_A as its manager edits it: c2 more influential, c3 gone (with its
    relationship and link), a new contact c5, a second team row, a new touchpoint."""
    new = copy.deepcopy(TEAM_A)
    new["contacts"][1]["influence"] = 5
    new["contacts"] = [c for c in new["contacts"] if c["id"] != "c3"]
    new["contacts"].append({"id": "c5", "name": "Qian Yu", "account": "A", "unit": "u1", "role": "business"})
    new["relationships"] = [r for r in new["relationships"] if r["contact"] != "c3"]
    new["relationships"].append({"staff": "s1", "contact": "c5", "strength": 3})
    new["links"] = [x for x in new["links"] if x["source"] != "c3"]
    new["team"].append({"account": "A", "staff": "s3", "role": "executive"})
    new["touchpoints"].append({"date": "2025-05-02", "method": "research", "staff": "s2", "contacts": "c5"})
    return new


ZERO = dict.fromkeys(("accounts", "units", "contacts", "relationships", "links", "team", "touchpoints"), 0)


@pytest.mark.neo4j
def test_a_repush_with_changes_dry_run_counts_then_push(bolt_server, tmp_path):
    bolt_store(bolt_server).push(ds(TEAM_A))
    bolt_store(bolt_server).push(ds(TEAM_B))
    # An analyst corrects a title of A in the database, and one of B.
    for who in ("c4", "d1"):
        r = invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (c:Contact {id: $id}) SET c.title = $t",
                                 "--param", f"id={who}", "--param", "t=CTO", "--write"])
        assert r.exit_code == 0, r.output
    edited = snapshot(bolt_server)
    b_before = account_state(bolt_store(bolt_server), "B")
    new = write_json(tmp_path / "team-a.json", changed_team_a())
    r = invoke(bolt_server, ["push", str(new), bolt_server.uri, "--dry-run", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "replace_all": False,
        "accounts": [{
            "id": "A",
            "added": {**ZERO, "contacts": 1, "relationships": 1, "team": 1, "touchpoints": 1},
            "changed": {**ZERO, "contacts": 2},
            "removed": {**ZERO, "contacts": 1, "relationships": 1, "links": 1},
            "reverted": {**ZERO, "contacts": 1},
        }],
        "staff": {"added": 0, "changed": 0, "removed": 0, "reverted": 0},
    }
    r = invoke(bolt_server, ["push", str(new), bolt_server.uri, "--dry-run"])
    assert r.stdout == (
        "dry run: nothing written; 1 account\n"
        "account  table          added  changed  removed  reverted\n"
        "-------  -------------  -----  -------  -------  --------\n"
        "A        contacts       1      2        1        1\n"
        "A        relationships  1      0        1        0\n"
        "A        links          0      0        1        0\n"
        "A        team           1      0        0        0\n"
        "A        touchpoints    1      0        0        0\n"
        "1 of these rows were changed in the database since they were pushed (e.g. by cypher --write, log or "
        "relate); the push would revert them\n"
    )
    assert snapshot(bolt_server) == edited  # a dry run writes nothing
    r = invoke(bolt_server, ["push", str(new), bolt_server.uri, "--batch-size", str(TEST_BATCH_SIZE)])
    assert r.exit_code == 0, r.output
    assert "push: contacts 4/4" in r.stderr
    assert r.stderr.splitlines()[-1] == f"pushed {new} to {bolt_server.uri}: 12 nodes; 1 stale nodes removed"
    store = bolt_store(bolt_server)
    assert store.account_dataset("A") == FileStore.from_dataset(ds(merged(changed_team_a(), TEAM_B))).account_dataset("A")
    # B, and the analyst's correction there, untouched.
    assert store.run("MATCH (c:Contact {id: 'd1'}) RETURN c.title AS t") == [{"t": "CTO"}]
    assert account_state(store, "B") == b_before
    merged_file = write_json(tmp_path / "merged.json", merged(changed_team_a(), TEAM_B))
    invoke(bolt_server, ["cypher", bolt_server.uri, "MATCH (c:Contact {id: 'd1'}) REMOVE c.title", "--write"])
    assert_analyses_agree(bolt_server, str(merged_file), bolt_server.uri)


@pytest.mark.neo4j
def test_push_of_one_account_of_a_data_set(bolt_server):
    store = bolt_store(bolt_server)
    store.push(ds(MERGED), accounts=["B"])
    assert store.account_ids() == ["B"]
    assert sorted(s["id"] for s in store.staff()) == ["s1", "s2", "s3", "s4"]  # the staff of DATA
    with pytest.raises(Exception, match="unknown account 'Q': the data set has no such account"):
        store.push(ds(MERGED), accounts=["Q"])


@pytest.mark.neo4j
def test_replace_all_removes_what_data_does_not_have(bolt_server, tmp_path):
    bolt_store(bolt_server).push(ds(MERGED))
    plan = bolt_store(bolt_server).plan_push(ds(TEAM_A), replace_all=True).as_dict()
    assert plan["accounts"][1] == {"id": "B", "added": ZERO, "changed": ZERO,
                                   "removed": {"accounts": 1, "units": 1, "contacts": 2, "relationships": 2,
                                               "links": 1, "team": 1, "touchpoints": 1},
                                   "reverted": ZERO}
    assert plan["staff"] == {"added": 0, "changed": 0, "removed": 1, "reverted": 0}
    data = write_json(tmp_path / "a.json", TEAM_A)
    r = invoke(bolt_server, ["push", str(data), bolt_server.uri, "--replace-all"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines()[-2:] == [
        "push: --replace-all removed accounts 1, units 1, contacts 2, relationships 2, links 1, team 1, "
        "touchpoints 1, staff 1",
        f"pushed {data} to {bolt_server.uri}: 11 nodes; 6 stale nodes removed",
    ]
    store = bolt_store(bolt_server)
    assert store.dataset() == ds(TEAM_A)
    r = invoke(bolt_server, ["push", str(data), bolt_server.uri, "--replace-all", "--account", "A"])
    assert r.exit_code == 2
    assert r.stderr == "Error: --account and --replace-all do not go together: --replace-all pushes every account\n"


class Crash(Exception):
    pass


@pytest.mark.neo4j
def test_a_push_interrupted_inside_an_account_completes_when_run_again(bolt_server, monkeypatch):
    bolt_store(bolt_server).push(ds(TEAM_B))
    bolt_store(bolt_server).push(ds(changed_team_a()))
    complete = snapshot(bolt_server)
    bolt_server.clear()
    bolt_store(bolt_server).push(ds(TEAM_B))
    bolt_store(bolt_server).push(ds(TEAM_A))
    store = bolt_store(bolt_server)
    calls = []
    real = store._batches

    def crash_after_3(tx, query, rows):
        if rows:
            calls.append(query)
            if len(calls) == 4:
                raise Crash()
        return real(tx, query, rows)

    monkeypatch.setattr(store, "_batches", crash_after_3)
    with pytest.raises(Crash):
        store.push(ds(changed_team_a()))
    bolt_store(bolt_server).push(ds(changed_team_a()))
    assert snapshot(bolt_server) == complete


PUSH_SCRIPT = """
import sys
from relgraph.cli import main
sys.argv = ["relgraph", "push", sys.argv[1], sys.argv[2], "--batch-size", "5"]
main()
"""


@pytest.mark.neo4j
def test_concurrent_pushes_of_two_accounts_from_two_processes_both_land(bolt_server, tmp_path):
    a = write_json(tmp_path / "a.json", TEAM_A)
    b = write_json(tmp_path / "b.json", TEAM_B)
    env = {**os.environ, **bolt_server.env()}

    def start(data: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", PUSH_SCRIPT, str(data), bolt_server.uri], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    bolt_server.settle()
    procs = {a: start(a), b: start(b)}
    for attempt in range(3):
        results = {d: (p.wait(timeout=120), p.stderr.read()) for d, p in procs.items()}
        bolt_server.settle()
        # FalkorDB now and then stalls a new connection's handshake (tests/bolt.py): a
        # push that could not connect is run again (pushes are idempotent).
        failed = [d for d, (rc, err) in results.items() if rc == 1 and bolt_server.name == "falkordb"]
        if not failed:
            break
        procs = {d: start(d) for d in failed}
    for d, (rc, err) in results.items():
        assert rc == 0, err
    store = bolt_store(bolt_server)
    files = FileStore.from_dataset(ds(MERGED))
    assert store.account_ids() == ["A", "B"]
    for acc in ("A", "B"):
        assert store.account_dataset(acc) == files.account_dataset(acc)
    assert store.run("MATCH (s:Staff) RETURN count(s) AS n") == [{"n": 4}]


@pytest.mark.neo4j
def test_log_and_relate_on_a_bolt_server(bolt_server, team_a_dir, tmp_path):
    bolt_store(bolt_server).push(ds(TEAM_A))
    bolt_store(bolt_server).push(ds(TEAM_B))
    before = snapshot(bolt_server)
    uri = bolt_server.uri
    r = invoke(bolt_server, ["log", uri, "--date", "2025-13-01", "--method", "lunch", "--staff", "zz",
                             "--contacts", "c1"])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-2:] == ["new touchpoint: staff: unknown staff member 'zz'",
                                         "3 problems; nothing was written."]
    assert snapshot(bolt_server) == before

    def on_bolt(args):
        return invoke(bolt_server, args)

    assert threads_of(uri, "c1", on_bolt)["threads"] == 0
    assert cell_status(uri, "hq", "decision_maker", on_bolt) == "weak"
    r = invoke(bolt_server, ["log", uri, "--date", "2025-05-20", "--method", "meeting", "--staff", "s1",
                             "--contacts", "c1", "--notes", "budget review", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert threads_of(uri, "c1", on_bolt)["staff"] == ["s1"]
    assert cell_status(uri, "hq", "decision_maker", on_bolt) == "covered"
    r = invoke(bolt_server, ["relate", uri, "--staff", "s2", "--contact", "c4", "--strength", "4", "--date",
                             "2025-05-30", "--format", "json"])
    assert json.loads(r.stdout)["action"] == "added"
    r = invoke(bolt_server, ["relate", uri, "--staff", "s1", "--contact", "c1", "--strength", "5", "--format",
                             "json"])
    assert json.loads(r.stdout) == {"action": "updated", "relationship": {
        "staff": "s1", "contact": "c1", "strength": 5, "last_contact": "2024-05-01", "since": "2020-01-01",
        "until": None, "notes": None}}
    # The same facts on the files give the same database content and analyses.
    log_and_relate(str(team_a_dir))
    r = run(["export", str(team_a_dir), "--to", "json", "-o", str(tmp_path / "a.json")])
    assert r.exit_code == 0, r.output
    merged_file = write_json(tmp_path / "merged.json", merged(json.loads((tmp_path / "a.json").read_text()), TEAM_B))
    assert_analyses_agree(bolt_server, str(merged_file), uri)
    # The next push of the unchanged files would revert what was recorded in the database.
    plan = bolt_store(bolt_server).plan_push(ds(TEAM_A)).as_dict()["accounts"][0]
    assert (plan["changed"]["relationships"], plan["reverted"]["relationships"]) == (1, 2)
    assert (plan["removed"]["relationships"], plan["removed"]["touchpoints"]) == (1, 1)


@pytest.mark.neo4j
def test_a_database_pushed_before_row_keys_is_taken_over_without_duplicates(bolt_server):
    bolt_store(bolt_server).push(ds(TEAM_A))
    fresh = snapshot(bolt_server)
    store = bolt_store(bolt_server)
    # As version 1 stored it: row relationships without `key`, every `rev` the
    # revision of the whole data set (32 hex digits).
    old_rev = "f" * 32
    store.run("MATCH ()-[r:KNOWS|REPORTS_TO|INFLUENCES|ON_TEAM]->() REMOVE r.key SET r.rev = $rev",
              {"rev": old_rev}, write=True)
    store.run("MATCH (n) WHERE n:Account OR n:Unit OR n:Contact OR n:Staff OR n:Touchpoint SET n.rev = $rev",
              {"rev": old_rev}, write=True)
    plan = store.plan_push(ds(TEAM_A)).as_dict()["accounts"][0]
    assert plan["reverted"] == ZERO and plan["changed"] == ZERO
    # Rows without a key are written again under theirs: nothing counts as reverted.
    moved = {**ZERO, "relationships": 4, "links": 2, "team": 2}
    assert plan["removed"] == moved and plan["added"] == moved
    bolt_store(bolt_server).push(ds(TEAM_A))
    assert snapshot(bolt_server) == fresh
