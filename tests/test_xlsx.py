"""Excel workbooks: read as Excel saves them, every problem at its sheet and row,
written back unchanged, and the template (`relgraph init`) to fill in."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.errors import Problem, UsageError
from relgraph.model import TABLES
from relgraph.readwrite import check, read, write
from relgraph.readwrite.xlsx import CannotWrite, read_raw_xlsx
from relgraph.template import init, template_dataset

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def runner():
    return CliRunner()


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook written the way Excel writes one: openpyxl's ordinary mode keeps
    every text in the shared-strings table and stores dates as numbers with a date
    format, as Excel does."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def minimal(**changes: list[list]) -> dict[str, list[list]]:
    """The smallest valid workbook (one account, contact, staff member,
    relationship), with some sheets replaced."""
    sheets = {
        "accounts": [["id", "name"], ["A1", "Acme"]],
        "contacts": [["id", "name", "account"], ["C1", "Ann", "A1"]],
        "staff": [["id", "name"], ["S1", "Sam"]],
        "relationships": [["staff", "contact", "strength", "last_contact"], ["S1", "C1", 3, "2026-01-05"]],
        "team": [["account", "staff"], ["A1", "S1"]],
    }
    sheets.update(changes)
    return {k: v for k, v in sheets.items() if v is not None}


# --- round trips ------------------------------------------------------------------------


def test_tiny_round_trips_through_a_workbook(tmp_path):
    ds = read(TINY)
    write(ds, tmp_path / "a.xlsx", "xlsx")
    back = read(tmp_path / "a.xlsx")
    assert back.tables == ds.tables
    assert back.extras == ds.extras == {**{n: [] for n in TABLES}, "contacts": ["wechat"]}
    # The same warnings, at the same rows (a CSV line is a sheet row).
    assert [str(w) for w in back.warnings] == [
        str(w).replace(f"{TINY}/", f"{tmp_path}/a.xlsx:").replace(".csv:", "!") for w in ds.warnings
    ]


def test_xlsx_json_xlsx_gives_equal_data(tmp_path):
    write(read(TINY), tmp_path / "a.xlsx", "xlsx")
    write(read(tmp_path / "a.xlsx"), tmp_path / "a.json", "json")
    write(read(tmp_path / "a.json"), tmp_path / "b.xlsx", "xlsx")
    a, b = read(tmp_path / "a.xlsx"), read(tmp_path / "b.xlsx")
    assert (a.tables, a.extras) == (b.tables, b.extras)
    # Cell for cell, type for type.
    wa, wb = openpyxl.load_workbook(tmp_path / "a.xlsx"), openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert wa.sheetnames == wb.sheetnames == [*TABLES, "README"]
    for name in wa.sheetnames:
        assert [[c.value for c in r] for r in wa[name].iter_rows()] == [
            [c.value for c in r] for r in wb[name].iter_rows()
        ]


def test_demo_round_trips_through_a_workbook(tmp_path):
    from relgraph.demo import write_demo

    write_demo(tmp_path / "demo")
    ds = read(tmp_path / "demo")
    write(ds, tmp_path / "demo.xlsx", "xlsx")
    write(read(tmp_path / "demo.xlsx"), tmp_path / "demo.json", "json")
    write(read(tmp_path / "demo.json"), tmp_path / "again.xlsx", "xlsx")
    for path in ("demo.xlsx", "again.xlsx"):
        back = read(tmp_path / path)
        assert (back.tables, back.extras) == (ds.tables, ds.extras)
    assert len(ds["contacts"]) > 50


def test_write_into_an_open_file(tmp_path):
    from relgraph.readwrite.xlsx import write_xlsx

    with open(tmp_path / "a.xlsx", "wb") as f:
        write_xlsx(read(TINY), f)
    assert read(tmp_path / "a.xlsx").tables == read(TINY).tables


def test_cells_keep_their_type(tmp_path):
    write(read(TINY), tmp_path / "a.xlsx", "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["contacts"]
    assert [c.value for c in ws[1]][:3] == ["id", "name", "account"]
    assert [c.value for c in ws[2]] == [
        "C1", "Zhang Wei", "A1", "U1", None, "CEO", "decision_maker", 5, 5, "neutral", False, None, None, None, "zw01",
    ]
    staff = openpyxl.load_workbook(tmp_path / "a.xlsx")["staff"]
    since = staff.cell(row=2, column=[c.value for c in staff[1]].index("in_role_since") + 1)
    assert since.is_date and since.number_format == "yyyy-mm-dd"
    tp = openpyxl.load_workbook(tmp_path / "a.xlsx")["touchpoints"]
    assert [c.value for c in tp[3]][:4] == [dt.datetime(2026, 9, 10), "tech_exchange", "S1;S2", "C2;C3"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    ds = read(TINY)
    ds["contacts"][0]["notes"] = "=HYPERLINK(\"http://x\")"
    ds["contacts"][1]["notes"] = "#N/A"
    ds["contacts"][2]["phone"] = "007"
    ds["contacts"][3]["notes"] = "line one\nline two: 张伟 & <Ops>"
    ds["relationships"][0]["strength"] = 2.75
    write(ds, tmp_path / "a.xlsx", "xlsx")
    back = read(tmp_path / "a.xlsx")
    assert [r["notes"] for r in back["contacts"][:4]] == [
        '=HYPERLINK("http://x")', "#N/A", None, "line one\nline two: 张伟 & <Ops>",
    ]
    assert back["contacts"][2]["phone"] == "007"
    assert back["relationships"][0]["strength"] == 2.75
    assert back.tables == ds.tables


def test_a_value_a_cell_cannot_hold_is_refused(tmp_path):
    ds = read(TINY)
    ds["contacts"][1]["notes"] = "bell\x07"
    with pytest.raises(CannotWrite, match=r"^contacts row 2, notes: a control character"):
        write(ds, tmp_path / "a.xlsx", "xlsx")
    assert not (tmp_path / "a.xlsx").exists()
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_an_existing_file_without_force(runner, tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_text("keep me")
    r = runner.invoke(cli, ["export", str(TINY), "--to", "xlsx", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr == f"Error: {out} exists; use --force to replace it\n"
    assert out.read_text() == "keep me"
    r = runner.invoke(cli, ["export", str(TINY), "--to", "xlsx", "-o", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert r.stderr == f"wrote {out}\n"
    assert read(out).tables == read(TINY).tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # nothing left aside


def test_commands_give_the_same_output_on_a_workbook(runner, tmp_path):
    book = tmp_path / "tiny.xlsx"
    assert runner.invoke(cli, ["export", str(TINY), "--to", "xlsx", "-o", str(book)]).exit_code == 0
    for args in (["summary"], ["coverage", "--as-of", "2026-11-01"], ["threads", "--as-of", "2026-11-01"]):
        on_csv = runner.invoke(cli, [args[0], str(TINY), *args[1:], "--format", "json"])
        on_xlsx = runner.invoke(cli, [args[0], str(book), *args[1:], "--format", "json"])
        assert on_csv.exit_code == on_xlsx.exit_code == 0
        assert on_xlsx.stdout == on_csv.stdout


# --- a workbook as Excel saves it -------------------------------------------------------


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
FORMATTED = object()
"""A cell with a format and no value (Excel keeps such cells, rows and columns)."""


def excel_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook laid out as Excel itself saves one: every text in the shared-strings
    table (``t="s"``), dates as serial day numbers with Excel's built-in date format
    (numFmtId 14, shown m/d/yyyy), TRUE/FALSE as ``t="b"``, empty cells left out and
    formatted empty cells (:data:`FORMATTED`) kept as ``<c r=".." s="2"/>``."""
    from xml.sax.saxutils import escape

    from relgraph.readwrite.xlsx import _letter

    strings: dict[str, int] = {}
    sheet_xml = []
    for rows in sheets.values():
        out = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, v in enumerate(row):
                ref = f"{_letter(c)}{r}"
                if v is None:
                    continue
                if v is FORMATTED:
                    cells.append(f'<c r="{ref}" s="2"/>')
                elif isinstance(v, bool):
                    cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
                elif isinstance(v, (dt.date, dt.datetime)):
                    d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
                    serial = (d - _EXCEL_EPOCH) / dt.timedelta(days=1)
                    cells.append(f'<c r="{ref}" s="1"><v>{serial:.15g}</v></c>')
                elif isinstance(v, (int, float)):
                    cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
                else:
                    i = strings.setdefault(v, len(strings))
                    cells.append(f'<c r="{ref}" t="s"><v>{i}</v></c>')
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        sheet_xml.append(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(out)}</sheetData></worksheet>'
        )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(
                f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>",
        )
        n = len(sheets)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><fonts count="2"><font/><font><b/></font></fonts>'
            '<fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" applyFont="1"/></cellXfs>'
            "</styleSheet>",
        )
        z.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t xml:space=\"preserve\">{escape(t)}</t></si>" for t in strings)
            + "</sst>",
        )
        for i, xml in enumerate(sheet_xml, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def test_a_workbook_as_excel_saves_it(tmp_path):
    path = excel_workbook(
        tmp_path / "team.xlsx",
        {
            "README": [["Filled in by hand"]],
            "Accounts": [
                [" ID ", "Name", "GRADE", "Owner", FORMATTED],  # a formatted empty column
                [1001, "Acme", "s", "North team"],
                [None, "  ", None, None],  # a row of blanks inside
                ["1002", "Beta"],
            ],
            "CONTACTS": [
                ["Id", "Name", "Account", "Seniority", "Influence", "Coach", "Level", "Role"],
                ["C1", "Ann", 1001.0, 4.0, "5", True, "Province", "Decision_Maker"],
                ["C2", "Bo", "1002", "3", 2, "yes", None, "technical"],
            ],
            "staff": [
                ["id", "name", "in_role_since", "active"],
                ["S1", "Sam", dt.date(2024, 3, 1), "FALSE"],
                ["S2", "Sue", "2025-06-30", True],
            ],
            "Relationships": [
                ["staff", "contact", "strength", "last_contact", "since"],
                ["S2", "C1", 3.5, dt.datetime(2026, 10, 1, 14, 30), dt.date(2025, 1, 2)],
                ["S2", "C2", "4", "2026-09-01", None],
                [],
                [FORMATTED, FORMATTED],  # an empty trailing row Excel keeps
            ],
            "Team": [["account", "staff"], [1001, "S1"], [1002.0, "S2"]],
        },
    )
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
        assert '<c r="D2" s="1"><v>46296.6041666667</v></c>' in z.read("xl/worksheets/sheet5.xml").decode()
    problems, warnings = check(path)
    assert problems == []
    assert warnings == []
    ds = read(path)
    assert ds["accounts"] == [
        {"id": "1001", "name": "Acme", "grade": "S", "industry": None, "region": None, "Owner": "North team"},
        {"id": "1002", "name": "Beta", "grade": "C", "industry": None, "region": None, "Owner": None},
    ]
    assert ds.extras["accounts"] == ["Owner"]
    c1, c2 = ds["contacts"]
    assert (c1["account"], c1["seniority"], c1["influence"], c1["coach"], c1["level"], c1["role"]) == (
        "1001", 4, 5, True, "province", "decision_maker",
    )
    assert (c2["account"], c2["seniority"], c2["influence"], c2["coach"], c2["level"]) == ("1002", 3, 2, True, None)
    assert [(s["in_role_since"], s["active"]) for s in ds["staff"]] == [
        (dt.date(2024, 3, 1), False),
        (dt.date(2025, 6, 30), True),
    ]
    assert [(r["strength"], r["last_contact"], r["since"]) for r in ds["relationships"]] == [
        (3.5, dt.date(2026, 10, 1), dt.date(2025, 1, 2)),
        (4, dt.date(2026, 9, 1), None),
    ]
    assert isinstance(ds["relationships"][1]["strength"], int)
    assert [(t["account"], t["staff"]) for t in ds["team"]] == [("1001", "S1"), ("1002", "S2")]


def test_blank_rows_and_leading_empty_rows_keep_excel_row_numbers(tmp_path):
    path = workbook(
        tmp_path / "b.xlsx",
        minimal(contacts=[[], [None, None], ["id", "name", "account"], ["C1", "Ann", "A1"], [], ["C2", "", "A1"]]),
    )
    problems, _ = check(path)
    assert [str(p) for p in problems] == [f"{path}:contacts!6: missing value for 'name'"]
    path = workbook(tmp_path / "c.xlsx", minimal(contacts=[[], ["id", "account"], ["C1", "A1"]]))
    assert [str(p) for p in check(path)[0]] == [f"{path}:contacts!2: missing column 'name'"]


# --- every problem at its sheet and row -------------------------------------------------


def test_each_problem_kind_is_located_by_sheet_and_row(runner, tmp_path):
    path = workbook(
        tmp_path / "book.xlsx",
        {
            "Accounts": [["id", "name", "grade"], ["A1", "Acme", "Z"]],
            "Contacts": [
                ["ID", "Name", "Account", "Role"],
                ["C1", "Ann", "A1", "boss"],
                ["C1", "Ann again", "A1", "user"],
                ["C2", "Bo", "A9", "user"],
            ],
            "relationships": [
                ["staff", "contact", "strength", "last_contact"],
                ["S1", "C1", 3, "yesterday"],
                ["S1", "C7", 9, "2026-02-30"],
                ["S1", "C8", 2, "2026-01-05"],
            ],
            "units": [["id", "account", "name"], ["U1", "A1", "HQ"]],
        },
    )
    r = runner.invoke(cli, ["validate", str(path)])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"{path}: missing sheet 'staff'",
        f"{path}:Accounts!2: unknown grade 'Z' (expected one of S, A, B, C)",
        f"{path}:units!1: missing column 'level'",
        f"{path}:Contacts!2: unknown role 'boss' (expected one of decision_maker, technical, business, finance, "
        "user, procurement, other)",
        f"{path}:Contacts!3: duplicate id 'C1' (first at line 2)",
        f"{path}:Contacts!4: account: unknown account 'A9'",
        f"{path}:relationships!2: last_contact 'yesterday' is not a date (expected YYYY-MM-DD)",
        f"{path}:relationships!3: strength 9 is out of range 1-5",
        f"{path}:relationships!3: last_contact '2026-02-30' is not a valid date",
        f"{path}:relationships!3: contact: unknown contact 'C7'",
        f"{path}:relationships!4: contact: unknown contact 'C8'",
        f"{path}:Contacts!4: warning: contact 'C2' has no relationship",
        "11 problems.",
    ]
    r = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert r.exit_code == 2
    errors = json.loads(r.stdout)["errors"]
    assert errors[0] == {"file": str(path), "line": None, "message": "missing sheet 'staff'"}
    assert errors[1] == {
        "file": str(path),
        "line": 2,
        "message": "unknown grade 'Z' (expected one of S, A, B, C)",
        "table": "accounts",
        "sheet": "Accounts",
    }


def test_bad_workbook_writes_nothing(runner, tmp_path):
    path = workbook(tmp_path / "bad.xlsx", minimal(staff=[["id", "name", "active"], ["S1", "Sam", "maybe"]]))
    out = tmp_path / "out.json"
    r = runner.invoke(cli, ["export", str(path), "--to", "json", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"{path}:staff!2: active 'maybe' is not true or false",
        "1 problem; nothing was written.",
    ]
    assert not out.exists()


def test_workbook_level_problems(tmp_path):
    path = workbook(
        tmp_path / "w.xlsx",
        minimal(
            **{"staff ": [["id", "name"], ["S1", "Sam"]]},
            touchpoint=[["date", "method", "staff", "contacts"], ["2026-01-05", "meeting", "S1", "C1"]],
        ),
    )
    assert [str(p) for p in check(path)[0]] == [
        f"{path}: sheets 'staff' and 'staff ' both hold table staff; keep one",
        f"{path}: missing sheet 'touchpoints' (sheet 'touchpoint' is not read: rename it 'touchpoints')",
    ]


def test_a_workbook_without_table_sheets(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Sheet1": [["id", "name"]], "Notes": [["x"]]})
    assert [str(p) for p in check(path)[0]] == [
        f"{path}: no sheet is named like a table (accounts, units, contacts, staff, relationships, links, "
        "touchpoints, team); its sheets: 'Sheet1', 'Notes'"
    ]


def test_a_value_without_a_header_is_a_problem(tmp_path):
    path = workbook(tmp_path / "w.xlsx", minimal(accounts=[["id", "name", None], ["A1", "Acme", None, "stray"]]))
    assert [str(p) for p in check(path)[0]] == [
        f"{path}:accounts!2: a value in column D, which has no header (name the column or clear it)"
    ]
    # A column of row numbers (as pandas writes its index): one problem, not one a row.
    path = workbook(
        tmp_path / "p.xlsx",
        minimal(contacts=[[None, "id", "name", "account"], [0, "C1", "Ann", "A1"], [1, "C2", "Bo", "A1"],
                          [2, "C3", "Cy", "A1"]]),
    )
    assert [str(p) for p in check(path)[0]] == [
        f"{path}:contacts!2: a value in column A, which has no header, here and in 2 more rows "
        "(name the column or clear it)"
    ]


def test_a_title_above_the_header(tmp_path):
    path = workbook(
        tmp_path / "w.xlsx",
        minimal(contacts=[["Our contacts at Acme"], ["as of November"], [], ["id", "name", "account"],
                          ["C1", "Ann", "A1"]]),
    )
    assert check(path) == ([], [])
    assert [c["id"] for c in read(path)["contacts"]] == ["C1"]
    # Without the required columns anywhere, the first row is the header.
    path = workbook(tmp_path / "x.xlsx", minimal(contacts=[["Our contacts"], ["id", "name"], ["C1", "Ann"]]))
    assert [str(p) for p in check(path)[0]] == [
        f"{path}:contacts!1: missing column 'id'",
        f"{path}:contacts!1: missing column 'name'",
        f"{path}:contacts!1: missing column 'account'",
        f"{path}:contacts!2: a value in column B, which has no header, here and in 1 more row "
        "(name the column or clear it)",
    ]


def test_empty_sheets(tmp_path):
    # An optional table's sheet left empty is no table; a required one is a problem.
    path = workbook(tmp_path / "w.xlsx", minimal(links=[], staff=[[None]]))
    assert [str(p) for p in check(path)[0]] == [f"{path}:staff!1: empty sheet (a header row is required)"]


def test_not_a_workbook(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"this is no zip")
    problems = read_raw_xlsx(tmp_path / "x.xlsx").problems
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{tmp_path}/x.xlsx: not a readable Excel workbook (.xlsx): ")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert [str(p) for p in check(tmp_path / "old.xls")[0]] == [
        f"{tmp_path}/old.xls: an Excel 97-2003 workbook (.xls); save it as an Excel Workbook (.xlsx)"
    ]


def test_a_workbook_under_another_name_is_read_as_one(tmp_path):
    write(read(TINY), tmp_path / "a.xlsx", "xlsx")
    (tmp_path / "a.xlsx").rename(tmp_path / "portfolio.data")
    assert read(tmp_path / "portfolio.data").tables == read(TINY).tables


def test_problem_location_of_a_sheet():
    assert str(Problem("b.xlsx", 12, "bad", table="contacts", sheet="Contacts")) == "b.xlsx:Contacts!12: bad"
    assert Problem("b.xlsx", None, "bad", sheet="Contacts").where == "b.xlsx:Contacts"


# --- the template --------------------------------------------------------------------------


def test_init_workbook_is_valid_and_has_drop_downs(tmp_path):
    path = tmp_path / "team.xlsx"
    assert init(path) == "xlsx"
    assert check(path) == ([], [])
    assert (read(path).tables, read(path).extras) == (template_dataset().tables, template_dataset().extras)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*TABLES, "README"]
    lists = {}
    for name in TABLES:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        assert header == [c.name for c in TABLES[name].columns]
        assert all(c.font.b for c in ws[1])
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                column = header[openpyxl.utils.column_index_from_string(rng.split(":")[0].rstrip("0123456789")) - 1]
                lists[(name, column)] = (dv.type, dv.formula1, dv.errorStyle)
        assert ws.column_dimensions["A"].width >= 10
    assert lists[("accounts", "grade")] == ("list", '"S,A,B,C"', "stop")
    assert lists[("units", "level")] == ("list", '"hq,province,city,county"', "warning")
    assert lists[("contacts", "role")] == (
        "list", '"decision_maker,technical,business,finance,user,procurement,other"', "stop",
    )
    assert lists[("contacts", "attitude")] == ("list", '"supporter,neutral,opponent,unknown"', "stop")
    assert lists[("contacts", "coach")] == ("list", '"TRUE,FALSE"', "stop")
    assert lists[("contacts", "influence")] == ("whole", "1", "stop")
    assert lists[("staff", "role")] == ("list", '"account_manager,solution,delivery,executive,service,other"', "stop")
    assert lists[("staff", "active")] == ("list", '"TRUE,FALSE"', "stop")
    assert lists[("links", "kind")] == ("list", '"reports_to,influences"', "stop")
    assert lists[("touchpoints", "method")] == (
        "list", '"visit,model_site,meeting,tech_exchange,research,other"', "stop",
    )
    assert lists[("contacts", "account")] == (
        "list", "OFFSET(accounts!$A$2,0,0,MAX(1,COUNTA(accounts!$A:$A)-1),1)", "warning",
    )
    readme = [[c.value for c in r] for r in wb["README"].iter_rows()]
    columns = {(r[0], r[1]): r for r in readme if len(r) == 5 and r[0] in TABLES}
    assert len(columns) == sum(len(t.columns) for t in TABLES.values())
    assert columns[("contacts", "role")][2:4] == [
        None, "one of decision_maker, technical, business, finance, user, procurement, other (default other)",
    ]
    assert columns[("accounts", "id")][2] == "yes"
    assert all(r[4] for r in columns.values())


def test_init_folder_is_valid_with_every_header(runner, tmp_path):
    r = runner.invoke(cli, ["init", str(tmp_path / "data")])
    assert r.exit_code == 0
    assert r.stderr == f"wrote {tmp_path}/data: fill in the folder, then run: relgraph validate {tmp_path}/data\n"
    for name, table in TABLES.items():
        lines = (tmp_path / "data" / table.filename).read_text().splitlines()
        assert lines[0] == ",".join(c.name for c in table.columns)
        assert len(lines) == (3 if name in ("contacts", "relationships") else 2)
    r = runner.invoke(cli, ["validate", str(tmp_path / "data")])
    assert (r.exit_code, r.stdout) == (0, f"{tmp_path}/data: valid (0 warnings).\n")


def test_init_refuses_to_overwrite(runner, tmp_path):
    book = tmp_path / "team.xlsx"
    r = runner.invoke(cli, ["init", str(book)])
    assert r.exit_code == 0
    assert r.stderr == f"wrote {book}: fill in the workbook, then run: relgraph validate {book}\n"
    assert runner.invoke(cli, ["validate", str(book)]).stdout == f"{book}: valid (0 warnings).\n"
    r = runner.invoke(cli, ["init", str(book)])
    assert (r.exit_code, r.stderr) == (2, f"Error: {book} exists; use --force to replace it\n")
    assert runner.invoke(cli, ["init", str(book), "--force"]).exit_code == 0
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "mine.txt").write_text("x")
    r = runner.invoke(cli, ["init", str(folder)])
    assert (r.exit_code, r.stderr) == (2, f"Error: {folder} is not empty; use --force to replace it\n")
    assert (folder / "mine.txt").read_text() == "x"
    with pytest.raises(UsageError):
        init(book)


def test_init_xlsx_flag_writes_a_workbook_under_any_name(runner, tmp_path):
    r = runner.invoke(cli, ["init", str(tmp_path / "team-book"), "--xlsx"])
    assert r.exit_code == 0
    assert zipfile.is_zipfile(tmp_path / "team-book")
    assert check(tmp_path / "team-book") == ([], [])


def test_init_json(runner, tmp_path):
    r = runner.invoke(cli, ["init", str(tmp_path / "team.json")])
    assert (r.exit_code, r.stderr) == (
        0, f"wrote {tmp_path}/team.json: fill in the file, then run: relgraph validate {tmp_path}/team.json\n"
    )
    assert read(tmp_path / "team.json").tables == template_dataset().tables
    assert check(tmp_path / "team.json") == ([], [])
    r = runner.invoke(cli, ["init", str(tmp_path / "team.json")])
    assert (r.exit_code, r.stderr) == (2, f"Error: {tmp_path}/team.json exists; use --force to replace it\n")


def test_filled_in_template_reads_back(tmp_path):
    """A data owner's edit: rows added in Excel under the example rows."""
    path = tmp_path / "team.xlsx"
    init(path)
    wb = openpyxl.load_workbook(path)
    wb["contacts"].append(["C3", "Mo", "A1", None, "city", None, "finance", 3, 2, "opponent", False])
    wb["relationships"].append(["S1", "C3", 2, dt.datetime(2026, 11, 1)])
    wb.save(path)
    ds = read(path)
    assert [c["id"] for c in ds["contacts"]] == ["C1", "C2", "C3"]
    assert ds["contacts"][2]["level"] == "city"
    assert ds["relationships"][2]["last_contact"] == dt.date(2026, 11, 1)


def test_a_table_that_does_not_start_in_a1(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "accounts"
    ws["C3"], ws["D3"], ws["C4"], ws["D4"], ws["F4"] = "id", "name", "A1", "Acme", "stray"
    for name, rows in minimal().items():
        if name == "accounts":
            continue
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    wb.save(tmp_path / "w.xlsx")
    assert [str(p) for p in check(tmp_path / "w.xlsx")[0]] == [
        f"{tmp_path}/w.xlsx:accounts!4: a value in column F, which has no header (name the column or clear it)"
    ]


def test_error_cells_and_uncalculated_formulas_are_problems(tmp_path):
    """A reader sees #N/A and a formula nobody calculated as empty cells: they must
    not read as "not given"."""
    path = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in minimal().items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb["contacts"].append(["C2", "Bo", "A1"])
    wb["contacts"]["D1"] = "title"
    wb["contacts"]["D3"] = "#N/A"  # openpyxl stores this as an error cell, as Excel does
    wb["accounts"]["C1"] = "region"
    wb["accounts"]["C2"] = '=VLOOKUP(A2,Sheet9!A:B,2,FALSE)'
    wb.save(path)
    assert [str(p) for p in check(path)[0]] == [
        f"{path}:accounts!2: cell C2 holds a formula that was never calculated; open and save the workbook in "
        "Excel, or type the value",
        f"{path}:contacts!3: cell D3 holds the Excel error #N/A; correct it or type the value",
    ]


def test_cell_values_as_csv_text():
    from relgraph.readwrite.xlsx import _cast, _cast_date

    assert [_cast(v) for v in (4.0, 3.5, -0.0, 1e20, 12345678901.0, 7, True, False, None, " x ")] == [
        "4", "3.5", "0", "1e+20", "12345678901", "7", "true", "false", "", " x ",
    ]
    assert _cast(dt.datetime(2026, 1, 5)) == "2026-01-05"
    assert _cast(dt.datetime(2026, 1, 5, 14, 30)) == "2026-01-05 14:30:00"
    assert _cast(dt.time(9, 15)) == "09:15:00"
    assert _cast_date(dt.datetime(2026, 1, 5, 14, 30)) == "2026-01-05"
    assert _cast_date(dt.date(2026, 1, 5)) == "2026-01-05"
