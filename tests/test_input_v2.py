"""SPEC v2, reading and warnings: the new warnings and their grouping, reading as
Excel writes (header case, `;`/tab separators, blank rows, file-name case) on both
CSV paths, and a wrong kind of DATA as a usage error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.errors import Problem, UsageError
from relgraph.format import problems_text
from relgraph.readwrite import _fast, check, read, read_raw
from relgraph.validate import validate

TINY = Path(__file__).parent / "data" / "tiny"
ROLE_HINT = ("it counts as 'other', outside the coverage matrix; give one of decision_maker, technical, "
             "business, finance, user, procurement")


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


def edit(folder: Path, name: str, old: str, new: str) -> None:
    f = folder / name
    text = f.read_text(encoding="utf-8-sig")
    assert old in text
    f.write_text(text.replace(old, new), encoding="utf-8")


def both_paths(folder: Path, *, fast: bool = True):
    """The problems and warnings of ``folder``, asserting that the column-wise path
    (taken when ``fast``) and the row-by-row path give the same data set and words."""
    ds, problems, warnings = validate(read_raw(folder))
    got = _fast(folder)
    assert (got is not None) == fast
    if got is not None:
        typed, fast_problems = got
        assert fast_problems == problems
        assert [(w.where, w.message, w.kind) for w in typed.warnings] == [
            (w.where, w.message, w.kind) for w in warnings]
        if not problems:
            assert typed.to_dataset().tables == ds.tables
    return ds, problems, warnings


def short(folder: Path, ps: list[Problem]) -> list[str]:
    return [str(p).replace(str(folder) + "/", "") for p in ps]


# --- the new warnings ------------------------------------------------------------------


def test_level_none_of_the_four_with_and_without_a_suggestion(data):
    edit(data, "units.csv", "U2,A1,North province,province,", "U2,A1,North province,provnice,")
    edit(data, "contacts.csv", "C5,Omar Haddad,A2,,city,", "C5,Omar Haddad,A2,,region,")
    _, problems, warnings = both_paths(data)
    assert problems == []
    got = [w for w in short(data, warnings) if "level" in w]
    assert got == [
        "units.csv:3: level 'provnice' is not one of hq, province, city, county (did you mean 'province'?)",
        "contacts.csv:6: level 'region' is not one of hq, province, city, county; it makes a level of its "
        "own below them (correct it if it is a slip)",
    ]


def test_empty_role_and_a_relationship_that_never_ages(data):
    edit(data, "contacts.csv", "Network engineer,technical,", "Network engineer, ,")
    # S1-C5 has no date and no touchpoint; S2-C3 has no date but met on 2026-09-10.
    edit(data, "relationships.csv", "S1,C5,2,2026-08-01", "S1,C5,2,")
    edit(data, "relationships.csv", "S2,C3,5,2026-10-20", "S2,C3,5,")
    _, problems, warnings = both_paths(data)
    assert problems == []
    assert short(data, warnings) == [
        "contacts.csv:4: contact 'C3' has no role: " + ROLE_HINT,
        "contacts.csv:5: contact 'C4' has no relationship",
        "staff.csv:5: staff member 'S4' is in no team",
        "relationships.csv:5: relationship of 'S1' with 'C5' has no last_contact and no touchpoint: "
        "it never ages; give the date they last met",
        "relationships.csv:6: relationship of inactive staff member 'S4'",
    ]
    assert [c["role"] for c in read(data).tables["contacts"] if c["id"] == "C3"] == ["other"]


def test_role_warning_in_json_names_table_and_index(tmp_path):
    doc = {
        "accounts": [{"id": "A", "name": "Acme"}],
        "contacts": [{"id": "c1", "name": "Ann", "account": "A", "role": ""},
                     {"id": "c2", "name": "Bo", "account": "A", "role": "finance"}],
        "staff": [{"id": "s1", "name": "Sam"}],
        "relationships": [{"staff": "s1", "contact": "c1", "strength": 3, "last_contact": "2026-01-01"},
                          {"staff": "s1", "contact": "c2", "strength": 3, "last_contact": "2026-01-01"}],
        "team": [{"account": "A", "staff": "s1"}],
    }
    f = tmp_path / "d.json"
    f.write_text(json.dumps(doc))
    problems, warnings = check(f)
    assert problems == []
    assert [str(w) for w in warnings] == [f"{f}:contacts[0]: contact 'c1' has no role: " + ROLE_HINT]


def many_unrelated(data: Path, n: int) -> None:
    rows = "".join(f"X{i},Person {i},A2,,city,,user,2,3,neutral,,,,,\n" for i in range(n))
    with open(data / "contacts.csv", "a", encoding="utf-8") as f:
        f.write(rows)


def test_warnings_of_one_kind_beyond_five_are_summed_up(data):
    many_unrelated(data, 7)  # with C4: 8 contacts with no relationship
    _, problems, warnings = both_paths(data)
    text = [line.replace(str(data) + "/", "") for line in problems_text([], warnings)]
    assert text == [
        "contacts.csv:5: warning: contact 'C4' has no relationship",
        "contacts.csv:7: warning: contact 'X0' has no relationship",
        "contacts.csv:8: warning: contact 'X1' has no relationship",
        "contacts.csv:9: warning: contact 'X2' has no relationship",
        "contacts.csv:10: warning: contact 'X3' has no relationship",
        "… and 3 more contacts with no relationship (--format json lists every one)",
        "staff.csv:5: warning: staff member 'S4' is in no team",
        "relationships.csv:6: warning: relationship of inactive staff member 'S4'",
    ]


def test_validate_groups_on_the_terminal_and_json_lists_every_one(data):
    many_unrelated(data, 7)
    runner = CliRunner()
    r = runner.invoke(cli, ["validate", str(data)])
    assert r.exit_code == 0
    assert r.stderr.count("has no relationship") == 5
    assert "… and 3 more contacts with no relationship" in r.stderr
    assert r.stdout == f"{data}: valid (10 warnings).\n"
    r = runner.invoke(cli, ["validate", str(data), "--format", "json"])
    assert sum("has no relationship" in w["message"] for w in json.loads(r.stdout)["warnings"]) == 8


def test_a_command_refusing_bad_data_groups_its_warnings_too(data):
    many_unrelated(data, 7)
    edit(data, "accounts.csv", "A2,Harbor Power,B", "A2,Harbor Power,Q")
    r = CliRunner().invoke(cli, ["summary", str(data)])
    assert r.exit_code == 2
    assert r.stderr.count("has no relationship") == 5
    assert "… and 3 more contacts with no relationship" in r.stderr
    assert r.stderr.endswith("1 problem; nothing was written.\n")


# --- reading as Excel writes -------------------------------------------------------------


def test_headers_in_any_case_and_with_spaces(data):
    edit(data, "contacts.csv", "id,name,account,unit,level,title,role,", " ID , Name ,Account,UNIT,Level,title,Role,")
    edit(data, "accounts.csv", "id,name,grade,industry,region", "Id,NAME,Grade,industry,region")
    ds, problems, _ = both_paths(data)
    assert problems == []
    assert ds.tables == read(TINY).tables


def test_id_name_account_just_work(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "accounts.csv").write_text("ID,Name\nA1,Acme\n")
    (d / "contacts.csv").write_text("ID,Name,Account\nC1,Ann,A1\n")
    (d / "staff.csv").write_text("ID,Name\nS1,Sam\n")
    (d / "relationships.csv").write_text("Staff,Contact,Strength,Last_Contact\nS1,C1,4,2026-01-01\n")
    _, problems, warnings = both_paths(d)
    assert problems == []
    assert short(d, warnings) == ["staff.csv:2: staff member 'S1' is in no team"]


def test_semicolon_and_tab_separated_files_read_as_the_comma_ones(data):
    for name in ("contacts.csv", "accounts.csv"):
        text = (data / name).read_text(encoding="utf-8-sig")
        (data / name).write_text(text.replace(",", ";"), encoding="utf-8-sig")
    # A list inside a ;-file must be quoted; in a tab-separated one it need not be.
    (data / "touchpoints.csv").write_text(
        "date\tmethod\tstaff\tcontacts\tnotes\n"
        "2026-10-01\tmeeting\tS1\tC2\tquarterly review\n"
        "2026-09-10\ttech_exchange\tS1;S2\tC2;C3\t5G core workshop\n"
        "2026-06-01\tvisit\tS3\tC1\tHQ visit\n")
    text = (data / "team.csv").read_text().replace(",", ";")
    (data / "team.csv").write_text(text)
    ds, problems, _ = both_paths(data)
    assert problems == []
    assert ds.tables == read(TINY).tables


def test_a_semicolon_list_in_a_semicolon_file_is_quoted(data):
    (data / "touchpoints.csv").write_text(
        'date;method;staff;contacts;notes\n2026-09-10;tech_exchange;"S1;S2";"C2;C3";workshop\n'
        "2026-10-01;meeting;S1;C2;S2;C3\n")
    _, problems, _ = both_paths(data, fast=False)
    assert short(data, problems) == ["touchpoints.csv:3: 6 values but the header has 5 columns"]
    edit(data, "touchpoints.csv", "S1;C2;S2;C3", "S1;C2;review")
    ds, problems, _ = both_paths(data)
    assert problems == []
    assert [t["staff"] for t in ds.tables["touchpoints"]] == [["S1", "S2"], ["S1"]]


def test_excel_trailing_empty_rows_are_skipped_on_the_fast_path(data):
    for name in ("contacts.csv", "relationships.csv"):
        with open(data / name, "a") as f:
            f.write(",,,,,,\n" if name == "relationships.csv" else ",,,,,,,,,,,,,,\n , ,,,,,,,,,,,,,\n")
    ds, problems, warnings = both_paths(data)  # fast: the lines of the rows above are kept
    assert problems == []
    assert ds.tables == read(TINY).tables
    assert [w.line for w in warnings] == [5, 5, 6]


def test_blank_rows_between_rows_are_skipped_with_their_lines(data):
    edit(data, "contacts.csv", "C3,Wang Fang", ",,,,,,,,,,,,,,\nC3,Wang Fang")
    ds, problems, warnings = both_paths(data, fast=False)
    assert problems == []
    assert ds.tables == read(TINY).tables
    assert short(data, warnings)[0] == "contacts.csv:6: contact 'C4' has no relationship"


def test_file_names_in_any_case(data):
    (data / "contacts.csv").rename(data / "Contacts.csv")
    (data / "team.csv").rename(data / "TEAM.CSV")
    ds, problems, warnings = both_paths(data)
    assert problems == []
    assert ds.tables == read(TINY).tables
    assert warnings[0].file == str(data / "Contacts.csv")


def test_two_files_of_one_table_in_different_cases(data):
    shutil.copy(data / "contacts.csv", data / "Contacts.csv")
    problems, _ = check(data)
    assert short(data, problems) == ["contacts.csv:1: Contacts.csv and contacts.csv are the same table; keep one of them"]


KINDS = ("DATA is a data folder (of CSV files), a JSON file, an .xlsx workbook or a Neo4j URI "
         "(neo4j://, neo4j+s://, bolt://, bolt+s://)")


@pytest.mark.parametrize("command", [["validate"], ["summary"], ["coverage"]])
def test_a_wrong_kind_of_data_is_a_usage_error(data, tmp_path, command):
    runner = CliRunner()
    r = runner.invoke(cli, command + [str(data / "contacts.csv")])
    assert (r.exit_code, r.stderr) == (
        2, f"Error: {data / 'contacts.csv'} is one table of a data set: pass the folder ({data}); {KINDS}\n")
    other = tmp_path / "list.csv"
    other.write_text("a,b\n")
    r = runner.invoke(cli, command + [str(other)])
    assert (r.exit_code, r.stderr) == (2, f"Error: {other} is a single CSV file; {KINDS}\n")
    g = tmp_path / "g.xml"
    g.write_text('<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"></graphml>\n')
    r = runner.invoke(cli, command + [str(g)])
    assert (r.exit_code, r.stderr) == (
        2, f"Error: {g} is a GraphML file, which relgraph writes (export) but does not read; {KINDS}\n")
    r = runner.invoke(cli, command + ["http://example.com/data"])
    assert (r.exit_code, r.stderr) == (
        2, f"Error: http://example.com/data: relgraph does not read http:// addresses; {KINDS}\n")


def test_read_raw_refuses_a_csv_file(data):
    with pytest.raises(UsageError, match="pass the folder"):
        read_raw(data / "units.csv")
