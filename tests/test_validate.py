"""Validation: every file and column rule, every kind of bad input, exact lines."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from relgraph.errors import InvalidData
from relgraph.readwrite import check, fastcsv, read
from relgraph.readwrite.jsonfile import read_obj

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def data(tmp_path):
    """A writable copy of the tiny data set; returns its folder."""
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def lines(folder: Path) -> list[str]:
    """The problems of a folder as 'FILE:LINE: message' with the folder left out."""
    problems, _ = check(folder)
    return [str(p).replace(str(folder) + "/", "") for p in problems]


MINIMAL = {
    "accounts": [{"id": "A", "name": "Acme"}],
    "contacts": [{"id": "c1", "name": "Ann", "account": "A"}],
    "staff": [{"id": "s1", "name": "Sam"}],
    "relationships": [{"staff": "s1", "contact": "c1", "strength": 3}],
}


def test_tiny_is_valid_with_three_warnings():
    problems, warnings = check(TINY)
    assert problems == []
    assert [w.message for w in warnings] == [
        "contact 'C4' has no relationship",
        "staff member 'S4' is in no team",
        "relationship of inactive staff member 'S4'",
    ]
    assert [(Path(w.file).name, w.line) for w in warnings] == [
        ("contacts.csv", 5),
        ("staff.csv", 5),
        ("relationships.csv", 6),
    ]


def test_defaults_and_types():
    ds = read(TINY)
    c1 = ds["contacts"][0]
    assert c1["id"] == "C1" and c1["seniority"] == 5 and c1["coach"] is False
    assert c1["wechat"] == "zw01"  # extra column kept
    assert ds.extras["contacts"] == ["wechat"]
    c3 = ds["contacts"][2]
    assert c3["coach"] is False and c3["attitude"] == "supporter"
    s3 = ds["staff"][2]
    assert s3["in_role_since"] == dt.date(2020, 1, 1) and s3["active"] is True
    assert ds["staff"][3]["active"] is False
    assert ds["touchpoints"][1]["staff"] == ["S1", "S2"]
    assert ds["relationships"][4]["until"] == dt.date(2024, 6, 1)
    assert ds["links"][0]["weight"] == 4 and ds["links"][0]["kind"] == "reports_to"


def test_defaults_when_columns_absent():
    ds = read_obj(MINIMAL)
    assert ds["accounts"][0]["grade"] == "C"
    c = ds["contacts"][0]
    assert (c["role"], c["seniority"], c["influence"], c["attitude"], c["coach"]) == (
        "other",
        2,
        3,
        "unknown",
        False,
    )
    s = ds["staff"][0]
    assert (s["role"], s["seniority"], s["active"], s["in_role_since"]) == ("other", 2, True, None)


def test_level_rule():
    """A contact's level is its unit's level, else its own column, else hq."""
    from relgraph.graph import build_graph

    obj = {
        **MINIMAL,
        "units": [{"id": "u1", "account": "A", "name": "Prov", "level": "Province"}],
        "contacts": [
            {"id": "c1", "name": "Ann", "account": "A", "unit": "u1", "level": "county"},
            {"id": "c2", "name": "Bo", "account": "A", "level": "City"},
            {"id": "c3", "name": "Cy", "account": "A"},
            {"id": "c4", "name": "Di", "account": "A", "level": "region office"},
        ],
    }
    G = build_graph(read_obj(obj))
    levels = {G.nodes[f"Contact:{c}"]["id"]: G.nodes[f"Contact:{c}"]["level"] for c in ("c1", "c2", "c3", "c4")}
    assert levels == {"c1": "province", "c2": "city", "c3": "hq", "c4": "region office"}
    assert G.nodes["Contact:c1"]["given_level"] == "county"


def test_excel_bom_and_crlf(data):
    text = (data / "accounts.csv").read_text(encoding="utf-8")
    (data / "accounts.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert lines(data) == []
    assert read(data)["accounts"][0]["id"] == "A1"


def test_missing_file_and_column(data):
    (data / "staff.csv").unlink()
    write(data, "accounts.csv", "id,grade\nA1,S\nA2,B\n")
    assert lines(data) == [
        "accounts.csv:1: missing column 'name'",
        "staff.csv:1: missing file staff.csv",
    ]


def test_bad_values_each_reported_at_its_line(data):
    write(
        data,
        "contacts.csv",
        "id,name,account,unit,role,seniority,influence,attitude,coach\n"
        "C1,Zhang Wei,A1,U1,decision_maker,5,5,neutral,false\n"
        "C2,Li Na,A1,U2,cto,4,9,supporter,maybe\n"
        "C3,Wang Fang,A1,U3,technical,2.5,2,friendly,\n"
        "C4,Chen Jie,A1,U1,finance,4,4,opponent,\n"
        "C5,Omar Haddad,A2,,procurement,x,3,neutral,\n",
    )
    write(
        data,
        "relationships.csv",
        "staff,contact,strength,last_contact\n"
        "S1,C1,6,2026-10-01\n"
        "S2,C4,3,2026-02-30\n"
        "S2,C4,3,01/02/2026\n"
        "S1,C5,0.5,\n",
    )
    assert lines(data) == [
        "contacts.csv:3: unknown role 'cto' (expected one of decision_maker, technical, business, finance, user, procurement, other)",
        "contacts.csv:3: influence 9 is out of range 1-5",
        "contacts.csv:3: coach 'maybe' is not true or false",
        "contacts.csv:4: seniority '2.5' is not a whole number",
        "contacts.csv:4: unknown attitude 'friendly' (expected one of supporter, neutral, opponent, unknown)",
        "contacts.csv:6: seniority 'x' is not a number",
        "relationships.csv:2: strength 6 is out of range 1-5",
        "relationships.csv:3: last_contact '2026-02-30' is not a valid date",
        "relationships.csv:4: last_contact '01/02/2026' is not a date (expected YYYY-MM-DD)",
        "relationships.csv:5: strength 0.5 is out of range 1-5",
    ]


def test_duplicate_ids_and_missing_values(data):
    write(
        data,
        "staff.csv",
        "id,name,role\nS1,Alice Martin,account_manager\nS2,Bob Stone,solution\nS3,,executive\n"
        "S1,Alice Again,other\nS4,Dan Park,other\n",
    )
    assert lines(data) == [
        "staff.csv:4: missing value for 'name'",
        "staff.csv:5: duplicate id 'S1' (first at line 2)",
    ]


def test_dangling_references(data):
    write(
        data,
        "relationships.csv",
        "staff,contact,strength\nS1,C2,4\nS9,C2,3\nS2,C99,3\n",
    )
    write(data, "links.csv", "source,target,kind\nC2,C1,reports_to\nC2,CX,influences\n")
    write(data, "team.csv", "account,staff,role\nA9,S1,\n")
    write(data, "touchpoints.csv", "date,method,staff,contacts\n2026-01-01,visit,S1;S7,C1;C8\n")
    assert lines(data) == [
        "relationships.csv:3: staff: unknown staff member 'S9'",
        "relationships.csv:4: contact: unknown contact 'C99'",
        "links.csv:3: target: unknown contact 'CX'",
        "touchpoints.csv:2: staff: unknown staff member 'S7'",
        "touchpoints.csv:2: contacts: unknown contact 'C8'",
        "team.csv:2: account: unknown account 'A9'",
    ]


def test_unit_of_another_account(data):
    write(
        data,
        "units.csv",
        "id,account,name,level,parent\nU1,A1,Head office,hq,\nU2,A1,North,province,U1\n"
        "U3,A1,River city,city,U2\nV1,A2,Harbor HQ,hq,U1\n",
    )
    write(
        data,
        "contacts.csv",
        "id,name,account,unit,role\nC1,Zhang Wei,A1,U1,decision_maker\nC2,Li Na,A1,U2,technical\n"
        "C3,Wang Fang,A1,U3,technical\nC4,Chen Jie,A1,V1,finance\nC5,Omar Haddad,A2,,procurement\n",
    )
    assert lines(data) == [
        "units.csv:5: parent unit 'U1' belongs to account 'A1', not 'A2'",
        "contacts.csv:5: unit 'V1' belongs to account 'A2', not 'A1'",
    ]


def test_reports_to_cycle(data):
    write(
        data,
        "links.csv",
        "source,target,kind\nC1,C2,reports_to\nC2,C3,reports_to\nC3,C1,reports_to\n"
        "C4,C1,influences\nC1,C4,influences\nC4,C4,reports_to\n",
    )
    assert lines(data) == [
        "links.csv:2: reports_to cycle: C1 -> C2 -> C3 -> C1",
        "links.csv:7: link from contact 'C4' to itself",
    ]


def test_unit_parent_cycle(data):
    write(
        data,
        "units.csv",
        "id,account,name,level,parent\nU1,A1,Head office,hq,U3\nU2,A1,North,province,U1\nU3,A1,River,city,U2\n",
    )
    assert lines(data) == ["units.csv:2: unit parent cycle: U1 -> U3 -> U2 -> U1"]


def test_period_must_be_ordered(data):
    write(data, "relationships.csv", "staff,contact,strength,since,until\nS1,C2,4,2025-01-01,2024-01-01\n")
    assert lines(data) == ["relationships.csv:2: until 2024-01-01 is not after since 2025-01-01"]


def test_ragged_rows_and_line_numbers_with_blank_and_multiline(data):
    write(
        data,
        "accounts.csv",
        'id,name,grade\nA1,"Eastern\nTelecom",S\n\nA2,Harbor Power,B,extra\nA3,Third,Q\n',
    )
    assert lines(data) == [
        "accounts.csv:5: 4 values but the header has 3 columns",
        "accounts.csv:6: unknown grade 'Q' (expected one of S, A, B, C)",
    ]


def test_not_utf8(data):
    (data / "accounts.csv").write_bytes(b"id,name\nA1,Eastern\nA2,Caf\xe9\n")
    assert lines(data)[0] == "accounts.csv:3: not UTF-8 text (save the file as CSV UTF-8)"
    # References into an unreadable table are not reported again, row by row.
    assert len(lines(data)) == 1


def test_several_problems_at_once_are_all_reported(data):
    write(data, "accounts.csv", "id,name,grade\nA1,Eastern Telecom,X\nA1,Again,S\nA2,Harbor Power,B\n")
    write(data, "relationships.csv", "staff,contact,strength,last_contact\nS1,C2,9,yesterday\nS8,C2,3,\n")
    assert lines(data) == [
        "accounts.csv:2: unknown grade 'X' (expected one of S, A, B, C)",
        "accounts.csv:3: duplicate id 'A1' (first at line 2)",
        "relationships.csv:2: strength 9 is out of range 1-5",
        "relationships.csv:2: last_contact 'yesterday' is not a date (expected YYYY-MM-DD)",
        "relationships.csv:3: staff: unknown staff member 'S8'",
    ]


def test_read_raises_with_every_problem(data):
    write(data, "team.csv", "account,staff\nA1,S1\nA9,S9\n")
    with pytest.raises(InvalidData) as e:
        read(data)
    assert [p.message for p in e.value.problems] == [
        "account: unknown account 'A9'",
        "staff: unknown staff member 'S9'",
    ]


def test_json_problems_by_table_and_index():
    obj = {
        "accounts": [{"id": "A", "name": "Acme", "grade": "Z"}],
        "contacts": [
            {"id": "c1", "name": "Ann", "account": "A", "influence": 3},
            {"id": "c2", "account": "A", "influence": 6},
        ],
        "staff": [{"id": "s1", "name": "Sam", "active": "perhaps"}],
        "relationships": [{"staff": "s1", "contact": "c3", "strength": 3}],
        "touchpoints": [{"date": "2026-01-01", "method": "visit", "staff": ["s1"], "contacts": "c1;c2"}],
        "bogus": [],
    }
    with pytest.raises(InvalidData) as e:
        read_obj(obj, "data.json")
    assert [str(p) for p in e.value.problems] == [
        "data.json:bogus: unknown table 'bogus' (expected accounts, units, contacts, staff, relationships, links, touchpoints, team)",
        "data.json:accounts[0]: unknown grade 'Z' (expected one of S, A, B, C)",
        "data.json:contacts[1]: missing value for 'name'",
        "data.json:contacts[1]: influence 6 is out of range 1-5",
        "data.json:staff[0]: active 'perhaps' is not true or false",
        "data.json:relationships[0]: contact: unknown contact 'c3'",
    ]
    p = e.value.problems[1]
    assert p.as_dict() == {
        "file": "data.json",
        "line": None,
        "message": "unknown grade 'Z' (expected one of S, A, B, C)",
        "table": "accounts",
        "index": 0,
    }


def test_json_missing_tables_and_bad_json(tmp_path):
    with pytest.raises(InvalidData) as e:
        read_obj({"accounts": []}, "d.json")
    assert [str(p) for p in e.value.problems] == [
        "d.json:contacts: missing table 'contacts'",
        "d.json:staff: missing table 'staff'",
        "d.json:relationships: missing table 'relationships'",
    ]
    f = tmp_path / "bad.json"
    f.write_text('{"accounts": [\n  {"id": "A",}\n]}\n')
    problems, _ = check(f)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in problems] == [
        "bad.json:2: not valid JSON: Expecting property name enclosed in double quotes (column 14)"
    ]


def test_missing_data_path(tmp_path):
    problems, _ = check(tmp_path / "nope")
    assert [p.message for p in problems] == ["no such folder or JSON file"]


# --- the bad-input corpus: every kind of bad input, each reported as FILE:LINE --------


def test_every_problem_of_a_row_at_once(data):
    """A bad cell does not hide the row's other problems (its references)."""
    write(
        data,
        "contacts.csv",
        "id,name,account,unit,influence\nC1,Zhang Wei,A1,U1,5\nC2,Li Na,A9,,9\nC3,Wang Fang,A1,U3,2\n"
        "C4,Chen Jie,A1,U1,4\nC5,Omar Haddad,A2,,3\n",
    )
    assert lines(data) == [
        "contacts.csv:3: influence 9 is out of range 1-5",
        "contacts.csv:3: account: unknown account 'A9'",
    ]


def test_unterminated_quote_in_the_last_column_is_a_problem(data):
    write(data, "accounts.csv", 'id,name,grade\nA1,Eastern Telecom,"S\nA2,Harbor Power,B\nA3,Third,C\n')
    assert lines(data) == ["accounts.csv:2: a quoted value is never closed (a \" is missing)"]


@pytest.mark.parametrize("ch", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"])
def test_only_cr_and_lf_end_a_row(data, ch):
    """A line separator inside a note stays in the note: it does not start a row
    (which could be a relationship of its own) nor shift the line numbers."""
    write(
        data,
        "relationships.csv",
        f"staff,contact,strength,notes\nS1,C2,4,met{ch}S2,C3,5,again\nS9,C2,3,\n",
    )
    assert lines(data) == [
        "relationships.csv:2: 7 values but the header has 4 columns",
        "relationships.csv:3: staff: unknown staff member 'S9'",
    ]
    write(data, "relationships.csv", f"staff,contact,strength,notes\nS1,C2,4,met{ch}twice\nS2,C3,5,\n")
    assert lines(data) == []
    assert [(r["staff"], r["notes"]) for r in read(data)["relationships"]] == [("S1", f"met{ch}twice"), ("S2", None)]


@pytest.mark.parametrize("blank_line", [False, True])
def test_a_20_mb_cell_is_read_alike_on_both_paths(data, blank_line):
    big = "x" * (20 << 20)
    text = (data / "contacts.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    header, rows = text[0], text[1:]
    rows[0] = rows[0] + f",{big}"
    header += ",memo"
    rows = [r if i == 0 else r + "," for i, r in enumerate(rows)]
    write(data, "contacts.csv", "\n".join([header, *rows]) + ("\n\n" if blank_line else "\n"))
    assert lines(data) == []
    assert read(data)["contacts"][0]["memo"] == big


def test_json_number_too_long_and_nesting_too_deep(tmp_path):
    f = tmp_path / "d.json"
    f.write_text('{"accounts": [\n{"id": "A", "name": "Acme", "grade": ' + "9" * 5000 + "}\n]}\n")
    problems, _ = check(f)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in problems] == [
        "d.json:2: not valid JSON: a number of 5000 digits (at most 4300)"
    ]
    f.write_text('{"accounts": [\n' + "[" * 100_000 + "]" * 100_000 + "\n]}\n")
    problems, _ = check(f)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in problems] == [
        "d.json:2: not valid JSON: arrays or objects nested too deeply (a data set needs three levels)"
    ]


def test_table_file_that_cannot_be_read(data, monkeypatch):
    real = Path.read_bytes

    def denied(self):
        if self.name == "staff.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    # (the fast reader opens the files itself, to map them: denied there too)
    real_text = fastcsv._text_of
    monkeypatch.setattr(fastcsv, "_text_of", lambda f: denied(f) if f.name == "staff.csv" else real_text(f))
    assert lines(data) == ["staff.csv:1: cannot read staff.csv: Permission denied"]


@pytest.mark.parametrize("table", ["staff.csv", "links.csv"])
@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink loop"])
def test_table_named_path_that_is_not_a_file(data, table, kind):
    f = data / table
    f.unlink()
    if kind == "fifo":
        import os

        os.mkfifo(f)
        says = "is a FIFO, not a CSV file"
    elif kind == "folder":
        f.mkdir()
        says = "is a folder, not a CSV file"
    else:
        f.symlink_to(f)
        says = "is a symbolic link that leads nowhere (a loop)"
    assert lines(data) == [f"{table}:1: {table} {says}"]


def test_empty_trailing_header_cells_are_ignored(data):
    text = (data / "staff.csv").read_text(encoding="utf-8").replace("\n", ",,\n")
    write(data, "staff.csv", text)
    assert lines(data) == []


def test_duplicated_header_does_not_cascade(data):
    text = (data / "staff.csv").read_text(encoding="utf-8").split("\n")
    text = [line + ("," if line else "") for line in text]
    text[0] += "id"  # a second id column, empty: its rows would have no id
    write(data, "staff.csv", "\n".join(text))
    assert lines(data) == ["staff.csv:1: column 'id' appears twice"]


def add_contacts(folder: Path, ids: list[str]) -> None:
    """Add contacts of account A1, each with a relationship."""
    for name, row in (("contacts.csv", "{c},Person {c},A1" + "," * 12), ("relationships.csv", "S1,{c},3,,,,")):
        text = (folder / name).read_text(encoding="utf-8")
        assert len(text.split("\n")[0].split(",")) == len(row.split(","))
        write(folder, name, text + "".join(row.format(c=c) + "\n" for c in ids))


def test_a_dense_reports_to_group_is_reported_once(data):
    """Every contact of a group of 200 reaches every other by reports_to: one
    problem for the group, with a bounded sample of one of its cycles (the search
    used to print one line per back edge)."""
    n = 200
    ids = [f"K{i:03d}" for i in range(n)]
    add_contacts(data, ids)
    links = [(ids[i], ids[i + 1]) for i in range(n - 1)] + [(ids[j], ids[i]) for i in range(n) for j in range(i + 1, n)]
    write(data, "links.csv", "source,target,kind\n" + "".join(f"{s},{t},reports_to\n" for s, t in links))
    assert lines(data) == [
        "links.csv:2: reports_to cycle: K000 -> K001 -> K000 "
        "(one of the cycles among 200 contacts that reach each other by reports_to)"
    ]


def test_a_long_reports_to_ring_is_shown_by_its_first_contacts(data):
    n = 30
    ids = [f"K{i:02d}" for i in range(n)]
    add_contacts(data, ids)
    write(data, "links.csv", "source,target,kind\n" + "".join(f"{ids[i]},{ids[(i + 1) % n]},reports_to\n" for i in range(n)))
    assert lines(data) == [
        "links.csv:2: reports_to cycle: K00 -> K01 -> K02 -> K03 -> K04 -> K05 -> K06 -> K07 -> ... (22 more) -> K00"
    ]


@pytest.mark.parametrize("unknown", [False, True])
def test_a_cycle_above_a_deep_chain_is_found_whether_ids_are_known_or_not(data, unknown):
    """A chain 100 deep (more than the 64 peeling passes) hanging from a ring of
    three: only the ring is a cycle; an unknown id (the cycle search then works on
    the ids' text, not their rows) changes nothing but its own problem."""
    ids = [f"K{i:03d}" for i in range(103)]
    add_contacts(data, ids)
    chain = [(ids[i], ids[i + 1]) for i in range(2, 102)]
    ring = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[0])]
    extra = [("K102", "NOBODY")] if unknown else []
    write(data, "links.csv", "source,target,kind\n" + "".join(f"{s},{t},reports_to\n" for s, t in chain + ring + extra))
    expected = ["links.csv:102: reports_to cycle: K000 -> K001 -> K002 -> K000"]
    if unknown:
        expected.append("links.csv:105: target: unknown contact 'NOBODY'")
    assert sorted(lines(data)) == sorted(expected)


def test_a_placeholder_date_far_in_the_future_is_a_warning(data):
    text = (data / "staff.csv").read_text(encoding="utf-8").replace("2020-01-01", "9999-12-31")
    write(data, "staff.csv", text)
    problems, warnings = check(data)
    assert problems == []
    assert [(Path(w.file).name, w.line, w.message) for w in warnings if "in_role_since" in w.message] == [
        ("staff.csv", 4, "in_role_since 9999-12-31 is far in the future; if it means 'not known', leave the cell empty")
    ]


def test_json_too_long_a_number_exits_2_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from relgraph.cli import cli

    f = tmp_path / "d.json"
    f.write_text('{"accounts": [{"id": "A", "name": "Acme", "grade": ' + "9" * 5000 + "}]}")
    r = CliRunner().invoke(cli, ["validate", str(f)])
    assert r.exit_code == 2
    assert "d.json:1: not valid JSON: a number of 5000 digits (at most 4300)" in r.output


def test_json_id_list_item_with_a_semicolon_is_a_problem():
    """A CSV cell separates a touchpoint's ids by ';': an id holding one could not be
    exported and read back."""
    obj = {**MINIMAL, "touchpoints": [{"date": "2026-01-01", "method": "visit", "staff": ["s1"], "contacts": ["c1;c2"]}]}
    with pytest.raises(InvalidData) as e:
        read_obj(obj, "d.json")
    assert [str(p) for p in e.value.problems] == ["d.json:touchpoints[0]: contacts: id 'c1;c2' holds a ';', which separates ids"]


def test_data_that_is_a_fifo_or_an_unreadable_json_file(tmp_path, monkeypatch):
    import os

    os.mkfifo(tmp_path / "d.json")
    assert [p.message for p in check(tmp_path / "d.json")[0]] == ["d.json is a FIFO, not a folder or JSON file"]
    f = tmp_path / "e.json"
    f.write_text("{}")

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)
    assert [p.message for p in check(f)[0]] == ["cannot read e.json: Permission denied"]


def test_warnings_are_worded_when_first_read_and_once(tmp_path, monkeypatch):
    from relgraph.readwrite import load
    from relgraph.validate import Warnings

    data = shutil.copytree(Path(__file__).parents[1] / "relgraph" / "demo" / "data", tmp_path / "d")
    monkeypatch.setenv("RELGRAPH_NO_CACHE", "1")  # a cache entry holds its warnings worded
    _, listed = check(data)
    typed = load(data)
    assert isinstance(typed.warnings, Warnings) and typed.warnings._find is not None  # not worded yet
    assert typed.warnings == listed and len(typed.warnings) == len(listed) == 25
    assert typed.warnings._find is None
    first = typed.warnings[0]
    assert (first.line, first.message, first.kind) == (2, "contact 'nwm-chair' has no relationship", "no_relationship")
    kinds = [w.kind for w in typed.warnings]
    assert (kinds.count("no_relationship"), kinds.count("never_ages"), kinds.count("inactive")) == (16, 7, 2)
    calls = []
    lazy = Warnings(lambda: calls.append(1) or [first])
    assert list(lazy) == [first] and lazy[-1] is first and lazy == Warnings(lambda: [first]) and calls == [1]
