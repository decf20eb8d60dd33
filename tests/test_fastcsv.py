"""The fast (column-wise) CSV path against the exact row-by-row reader and validator.

The fast path (relgraph.readwrite.fastcsv) either types the cells of an ordinary
folder whose cells are all good, or declines (None) and lets the exact path decide;
the rules across rows (relgraph.validate.check_tables) then check the typed tables
of either. Whatever the input, the data set, the problems and the warnings must be
those of the exact path: each case below is a small edit of the tiny data set,
checked both ways.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relgraph.analysis.frame import frame_from_tables
from relgraph.errors import InvalidData
from relgraph.graph import EDGE_TYPES, KNOWS, ON_TEAM, account_subgraph, build_graph
from relgraph.readwrite import _fast, check, load, read, read_raw
from relgraph.readwrite.columns import CODED, TypedTables
from relgraph.readwrite import fastcsv
from relgraph.readwrite.fastcsv import WHITESPACE
from relgraph.stores.files import FileStore
from relgraph.validate import validate

TINY = Path(__file__).parent / "data" / "tiny"


def exact(folder: Path):
    """(data set, problems, warnings) by the row-by-row reader and validator."""
    return validate(read_raw(folder))


def same_as_exact(folder: Path) -> bool:
    """Assert the fast path agrees with the exact one on ``folder``; return whether
    the fast path took it (False: it declined)."""
    ds, problems, warnings = exact(folder)
    fast = _fast(folder)
    assert check(folder) == (problems, warnings)
    if fast is not None:
        typed, fast_problems = fast
        assert fast_problems == problems and typed.warnings == warnings
        if not problems:
            assert typed.to_dataset().tables == ds.tables
            holds_its_coding(typed)
    if problems:
        with pytest.raises(InvalidData) as e:
            read(folder)
        assert e.value.problems == problems
        return fast is not None
    got = read(folder)
    assert got.tables == ds.tables and got.extras == ds.extras and got.warnings == warnings
    # Same keys in the same order, same value types (4 stays int, 2.5 float).
    for name, rows in ds.tables.items():
        for a, b in zip(rows, got.tables[name]):
            assert list(a.items()) == list(b.items())
            assert [type(v) for v in a.values()] == [type(v) for v in b.values()]
    return fast is not None


def holds_its_coding(typed: TypedTables) -> None:
    """Each coding the fast path gives is its column's: row by row, the values
    distinct, a null's ``None`` last."""
    for (name, column), (codes, values) in (typed.codes or {}).items():
        assert (name, column) in CODED
        assert [values[c] for c in codes.tolist()] == typed.tables[name].column(column).to_pylist()
        assert values[-1] is None and None not in values[:-1] and len(set(values)) == len(values)


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    return d


@pytest.fixture(params=["read", "mapped"])
def reading(request, monkeypatch):
    """Each file read whole, or each one not empty mapped (fastcsv maps files of
    ``_MAP_FROM`` bytes and more, and keeps them mapped where they are plain)."""
    if request.param == "mapped":
        monkeypatch.setattr(fastcsv, "_MAP_FROM", 1)
    return request.param


def put(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / name).write_bytes(text.encode(encoding) if isinstance(text, str) else text)


def test_whitespace_is_what_str_strip_removes():
    assert sorted(WHITESPACE) == sorted(chr(i) for i in range(0x110000) if chr(i).isspace())


def test_tiny_takes_the_fast_path_and_agrees():
    assert same_as_exact(TINY)
    typed, problems = _fast(TINY)
    assert problems == []
    assert [(w.line, w.message) for w in typed.warnings] == [
        (5, "contact 'C4' has no relationship"),
        (5, "staff member 'S4' is in no team"),
        (6, "relationship of inactive staff member 'S4'"),
    ]


# Inputs the fast path reads itself: clean and ordinary.
FAST = {
    "line_separator_in_cell": ("accounts.csv", "id,name,grade\nA1,Eastern\u2028Telecom,S\nA2,Harbor Power,B\n"),
    "form_feed_in_cell": ("accounts.csv", "id,name,grade\nA1,Eastern\x0cTelecom,S\nA2,Harbor Power,B\n"),
    "bom_crlf": ("accounts.csv", b"\xef\xbb\xbfid,name,grade\r\nA1,Eastern Telecom,S\r\nA2,Harbor Power,B\r\n"),
    "no_final_newline": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,S\nA2,Harbor Power,B"),
    # A blank line is read as a row of empty cells; those ending the file are left out.
    "trailing_blank_lines": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,S\nA2,Harbor Power,B\n\n\n"),
    "crlf_trailing_blank_line": ("accounts.csv", "id,name,grade\r\nA1,Eastern Telecom,S\r\nA2,Harbor Power,B\r\n\r\n"),
    "quoted_commas_and_quotes": (
        "accounts.csv",
        'id,name,grade\nA1,"Eastern Telecom, ""East""",S\n"A2","Harbor Power",""\n',
    ),
    "spaces_case_and_unicode_blanks": (
        "accounts.csv",
        "id,name,grade,region\n A1 ,\u3000Eastern Telecom\xa0, s ,\u2003\nA2,Harbor Power,b,\t\n",
    ),
    "numbers_booleans_levels": (
        "contacts.csv",
        "id,name,account,unit,level,role,seniority,influence,attitude,coach\n"
        "C1,Zhang Wei,A1,U1,HQ,Decision_Maker,5.0,05,NEUTRAL,yes\n"
        "C2,Li Na,A1,U2,,technical,4,4,supporter,TRUE\n"
        "C3,Wang Fang,A1,U3,,technical,1,2,supporter,0\n"
        "C4,Chen Jie,A1,U1,,finance,4,4,opponent,f\n"
        "C5,Omar Haddad,A2,,County,procurement,2,3,neutral,\n",
    ),
    "fractional_and_whole_strengths": (
        "relationships.csv",
        "staff,contact,strength,last_contact\nS1,C2,4.0,2026-10-01\nS2,C2,2.5,\nS2,C3,5,2024-02-29\n",
    ),
    "extra_columns_and_blank_header_column": (
        "staff.csv",
        "id,name,role,active,wechat,\nS1,Alice,account_manager,true, al1 ,\nS2,Bob,solution,,,x\n"
        "S3,Carol,executive,,,\nS4,Dan,other,false,,\n",
    ),
    "id_lists_with_spaces": (
        "touchpoints.csv",
        "date,method,staff,contacts\n2026-10-01,Meeting, S1 ; S2 ,C2\n2026-09-10,visit,S3,C1;C3\n",
    ),
    "absent_optional_tables": (None, None),
    # str.lower() maps the Kelvin sign to "k": enums are typed by the validator's
    # own converter, so this is accepted exactly as the exact path accepts it.
    "kelvin_sign_enum": (
        "contacts.csv",
        "id,name,account,role\nC1,Zhang Wei,A1,decision_ma\u212aer\nC2,Li Na,A1,technical\n"
        "C3,Wang Fang,A1,technical\nC4,Chen Jie,A1,finance\nC5,Omar Haddad,A2,procurement\n",
    ),
}


@pytest.mark.parametrize("case", sorted(FAST))
def test_fast_path_agrees_with_exact(data, case, reading):
    name, text = FAST[case]
    if name is None:
        for f in ("units.csv", "links.csv", "touchpoints.csv", "team.csv"):
            (data / f).unlink()
        put(data, "contacts.csv", (data / "contacts.csv").read_text(encoding="utf-8-sig").replace(",U1,", ",,").replace(",U2,", ",,").replace(",U3,", ",,"))
    else:
        put(data, name, text)
    assert same_as_exact(data), "the fast path should have read this itself"


@pytest.mark.parametrize("text, plain", [
    (b"id,name\nA1,East\n", True),
    (b"id,name\nA1,\"East, North\"\n", False),  # a quote
    (b"id,name\r\nA1,East\r\n", False),  # a carriage return
    ("id,name\nA1,\u4e1c\u65b9\n".encode(), False),  # not ASCII
    (b"\xef\xbb\xbfid,name\nA1,East\n", False),  # a byte order mark
    (b"id,name\nA1,Ea\x00st\n", False),  # a NUL
    (b"id,name\nA1,East1234\n" + b"A2,West\xe2\x80\xa8\n", False),  # not ASCII past the last whole word
])
def test_files_are_mapped_where_plain_and_read_else(tmp_path, monkeypatch, text, plain):
    f = tmp_path / "accounts.csv"
    f.write_bytes(text)
    monkeypatch.setattr(fastcsv, "_MAP_FROM", 1)
    data, is_plain = fastcsv._text_of(f)
    assert is_plain is plain and isinstance(data, bytes) is not plain
    assert bytes(data) == text
    monkeypatch.setattr(fastcsv, "_MAP_FROM", len(text) + 1)  # smaller files are read
    assert fastcsv._text_of(f) == (text, False)
    f.write_bytes(b"")
    monkeypatch.setattr(fastcsv, "_MAP_FROM", 0)  # an empty file does not map: read
    assert fastcsv._text_of(f) == (b"", False)


def test_files_of_many_parser_blocks_agree(data, monkeypatch, reading):
    """A file longer than the parser's block is read in chunks and typed column by
    column: every kind of column, quoted cells, cells to trim, columns whose every
    cell is empty, and an empty cell in a later chunk come out as the exact path
    types them."""
    from relgraph.readwrite import fastcsv

    monkeypatch.setattr(fastcsv, "_BLOCK", 1 << 10)
    grades = ["S", " a ", "B", "c", ""]
    rows = [f'A{i:04d},"Account, ""{i}""",{grades[i % 5]},,{"East" if i % 3 else ""}' for i in range(400)]
    put(data, "accounts.csv", "id,name,grade,industry,region\n" + "\n".join(["A1,Eastern Telecom,S,,East",
        "A2,Harbor Power,B,,South", *rows]) + "\n")
    rels = [f"S{1 + i % 3},C{1 + i % 4},{1 + i % 5}{'.5' if i % 7 == 0 and i % 5 < 4 else ''},"
            f"{'2026-10-0' + str(1 + i % 9) if i % 4 else ''},," for i in range(300)]
    put(data, "relationships.csv", "staff,contact,strength,last_contact,since,until\n" + "\n".join(rels) + "\n")
    typed, problems = _fast(data)
    assert problems == [] and typed.tables["accounts"].column("name").num_chunks == 1
    assert typed.tables["relationships"].column("since").null_count == 300
    assert same_as_exact(data)


# Inputs the fast path leaves to the exact path: unusual, or with a bad cell.
EXACT = {
    "quoted_line_break": ("accounts.csv", 'id,name,grade\nA1,"Eastern\nTelecom",S\nA2,Harbor Power,B\n'),
    "blank_lines": ("accounts.csv", "id,name,grade\n\nA1,Eastern Telecom,S\n\nA2,Harbor Power,B\n\n"),
    "crlf_blank_line": ("accounts.csv", "id,name,grade\r\nA1,Eastern Telecom,S\r\n\r\nA2,Harbor Power,B\r\n"),
    "stray_quote": ("accounts.csv", 'id,name,grade\nA1,Eastern "Telecom",S\nA2,"Harbor" Power,B\n'),
    "lone_cr": ("accounts.csv", "id,name,grade\rA1,Eastern Telecom,S\rA2,Harbor Power,B\r"),
    "nul_byte": ("accounts.csv", "id,name,grade\nA1,Eastern\x00Telecom,S\nA2,Harbor Power,B\n"),
    "empty_id_in_list": ("touchpoints.csv", "date,method,staff,contacts\n2026-10-01,meeting,S1;;S2,C2;\n"),
    "fewer_values_than_header": ("accounts.csv", "id,name,grade,region\nA1,Eastern Telecom,S\nA2,Harbor Power,B,South\n"),
    "more_values_than_header": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,S,x\nA2,Harbor Power,B\n"),
    "empty_trailing_values": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,S,,\nA2,Harbor Power,B\n"),
    "bad_enum": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,Z\nA2,Harbor Power,B\n"),
    "out_of_range": ("relationships.csv", "staff,contact,strength\nS1,C2,6\nS2,C3,0.5\n"),
    "not_a_number": ("relationships.csv", "staff,contact,strength\nS1,C2,+4\nS2,C3,four\n"),
    "bad_dates": (
        "relationships.csv",
        "staff,contact,strength,last_contact,since\nS1,C2,4,2026-02-30,\nS2,C3,3,0000-01-01,\nS2,C2,3,,2026-13-01\n",
    ),
    "missing_value": ("accounts.csv", "id,name,grade\nA1,,S\nA2,Harbor Power,B\n"),
    "missing_column": ("staff.csv", "id,role\nS1,account_manager\n"),
    "reserved_column": ("staff.csv", "id,name,kind\nS1,Alice,x\nS2,Bob,\nS3,Carol,\nS4,Dan,\n"),
    "duplicate_column": ("staff.csv", "id,name,name\nS1,Alice,A\nS2,Bob,B\nS3,Carol,C\nS4,Dan,D\n"),
    "empty_file": ("staff.csv", ""),
    "not_utf8": ("accounts.csv", b"id,name\nA1,Eastern\nA2,Caf\xe9\n"),
    "missing_required_file": ("staff.csv", None),
}

# Inputs whose cells are good but which break a rule across rows: the fast path types
# them, and the one set of rules words the same problems as on the exact path.
RULES = {
    "header_only": ("accounts.csv", "id,name,grade\n"),
    "header_only_crlf": ("accounts.csv", "id,name,grade\r\n"),
    "header_only_no_line_end": ("accounts.csv", "id,name,grade"),
    "blank_line_after_header": ("accounts.csv", "id,name,grade\n\n"),
    "period_not_ordered": ("relationships.csv", "staff,contact,strength,since,until\nS1,C2,4,2025-01-01,2025-01-01\n"),
    "duplicate_id": ("accounts.csv", "id,name,grade\nA1,Eastern Telecom,S\nA2,Harbor Power,B\nA1,Again,C\n"),
    "duplicate_referenced_ids": (
        "contacts.csv",
        "id,name,account,unit,role\nC1,Zhang Wei,A1,U1,decision_maker\nC2,Li Na,A1,U2,technical\n"
        "C2,Li Na again,A1,U2,technical\nC3,Wang Fang,A1,U3,technical\nC4,Chen Jie,A1,U1,finance\n"
        "C5,Omar Haddad,A2,,procurement\nC1,Zhang Wei again,A1,U1,decision_maker\n",
    ),
    "dangling_references": ("team.csv", "account,staff,role\nA1,S1,\nA9,S9,\n"),
    "dangling_id_list": ("touchpoints.csv", "date,method,staff,contacts\n2026-10-01,meeting,S1,C2;C99\n"),
    "unit_of_other_account": (
        "contacts.csv",
        "id,name,account,unit\nC1,Zhang Wei,A1,U1\nC2,Li Na,A1,U2\nC3,Wang Fang,A1,U3\nC4,Chen Jie,A1,U1\n"
        "C5,Omar Haddad,A2,U1\n",
    ),
    "parent_unit_cycle": (
        "units.csv",
        "id,account,name,level,parent\nU1,A1,Head office,hq,U3\nU2,A1,North,province,U1\nU3,A1,River,city,U2\n",
    ),
    "own_parent": ("units.csv", "id,account,name,level,parent\nU1,A1,Head office,hq,U1\nU2,A1,North,province,U1\nU3,A1,River,city,U2\n"),
    "reports_to_cycle": (
        "links.csv",
        "source,target,kind\nC1,C2,reports_to\nC2,C3,reports_to\nC3,C1,reports_to\nC4,C1,influences\n",
    ),
    "influence_loop_is_fine_but_self_link_is_not": ("links.csv", "source,target,kind\nC1,C4,influences\nC4,C1,influences\nC4,C4,influences\n"),
}


@pytest.mark.parametrize("case", sorted(EXACT))
def test_exact_path_decides(data, case, reading):
    name, text = EXACT[case]
    if text is None:
        (data / name).unlink()
    else:
        put(data, name, text)
    assert not same_as_exact(data), "the fast path should have declined this input"


@pytest.mark.parametrize("case", sorted(RULES))
def test_rules_word_the_same_problems_on_both_paths(data, case, reading):
    name, text = RULES[case]
    put(data, name, text)
    assert check(data)[0], "this input breaks a rule"
    assert same_as_exact(data), "the fast path should have typed these cells itself"


def test_repeated_ids_are_reported_at_their_later_rows_and_references_still_found(data):
    """Ids that repeat are told from the same lookup as the references; the later
    rows are reported (and left out), the references into the first ones stand."""
    put(data, "contacts.csv", RULES["duplicate_referenced_ids"][1])
    put(data, "staff.csv", "id,name,role\nS1,Alice,account_manager\nS2,Bob,solution\nS1,Alice again,other\n"
        "S3,Carol,executive\nS4,Dan,account_manager\n")
    problems, _ = check(data)
    assert [(Path(p.file).name, p.line, p.message) for p in problems] == [
        ("contacts.csv", 4, "duplicate id 'C2' (first at line 3)"),
        ("contacts.csv", 8, "duplicate id 'C1' (first at line 2)"),
        ("staff.csv", 4, "duplicate id 'S1' (first at line 2)"),
    ]


def test_id_rows_are_the_first_row_of_each_id():
    """:func:`relgraph.tables.id_rows`: each reference's row in its table, and each
    id's first row in its own (a repeated id points back at its first)."""
    from relgraph.tables import id_rows

    typed = load(TINY)
    tables = dict(typed.tables)
    contacts = tables["contacts"]
    ids = pa.array(["C1", "C2", "C1", None, "C5"])
    tables["contacts"] = contacts.set_column(contacts.column_names.index("id"), "id", ids)
    refs, own = id_rows(tables)
    assert own["contacts"].to_pylist() == [0, 1, 0, 3, 4]
    assert own["accounts"].to_pylist() == [0, 1]
    assert refs[("relationships", "contact")].to_pylist() == [1, 1, None, 4, 0]
    assert list(refs) == list(typed.reference_rows())


ID_TEXT = st.text(alphabet="ab\u00e9c1 \x00", max_size=9)


@given(ids=st.lists(ID_TEXT, max_size=60), refs=st.lists(st.one_of(st.none(), ID_TEXT), max_size=80),
       start=st.integers(0, 5))
@settings(max_examples=300, deadline=None)
def test_the_integer_hash_of_ids_finds_what_arrow_finds(ids, refs, start):
    """:class:`relgraph.tables.IdHash` gives ``pc.index_in``'s rows, for any ids it
    takes (up to 8 bytes, no NUL, no empty one, each once) and any references
    (sliced ones too); it declines the others."""
    import pyarrow.compute as pc

    from relgraph.tables import IdHash

    values, strings = pa.array(ids, pa.string()), pa.array(refs + ids, pa.string()).slice(start)
    table = IdHash.of(values)
    takes = all(0 < len(i.encode()) <= 8 and "\x00" not in i for i in ids) and len(set(ids)) == len(ids)
    assert (table is not None) == takes
    if table is None:
        return
    found = table.rows(strings)
    if any(r is not None and "\x00" in r for r in (refs + ids)[start:]):
        assert found is None
    else:
        assert found.equals(pc.index_in(strings, value_set=values))


@given(data=st.data(), width=st.integers(1, 8), start=st.integers(0, 3))
@settings(max_examples=200, deadline=None)
def test_ids_of_one_length_as_integers(data, width, start):
    """``tables._words`` of strings all of one length (its one-pass way, a view
    striding by the length; sliced arrays too) is each string's bytes in order,
    zeros after them; and the hash of such ids finds what arrow finds."""
    import pyarrow.compute as pc

    from relgraph.tables import IdHash, _words

    word = st.text(alphabet="abc19", min_size=width, max_size=width)
    ids = data.draw(st.lists(word, min_size=1, max_size=40, unique=True))
    refs = data.draw(st.lists(st.sampled_from(ids) | word, max_size=40))
    strings = pa.array(refs + ids, pa.string()).slice(start)
    expected = [int.from_bytes(s.encode(), "little") for s in (refs + ids)[start:]]
    assert _words(strings).tolist() == expected
    found = IdHash.of(pa.array(ids, pa.string())).rows(strings)
    assert found.equals(pc.index_in(strings, value_set=pa.array(ids, pa.string())))


CELL_TEXT = st.one_of(st.just(""), st.sampled_from(["1", "5", "x", " "]), st.text(alphabet="ab\u00e9 -", max_size=4))


@given(cells=st.lists(CELL_TEXT, max_size=40), start=st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_the_distinct_cells_of_a_column(cells, start):
    """``fastcsv._distinct`` gives each distinct cell once and every cell's index
    among them, by whichever way it takes (one-byte cells, mostly empty ones, the
    rest; sliced columns too)."""
    from relgraph.readwrite.fastcsv import _distinct

    column = pa.array(cells, pa.string()).slice(start)
    distinct, codes = _distinct(column)
    assert len(set(distinct)) == len(distinct)
    assert [distinct[i] for i in codes.to_pylist()] == cells[start:]


def test_the_distinct_cells_of_one_byte_and_mostly_empty_columns():
    from relgraph.readwrite.fastcsv import _distinct

    distinct, codes = _distinct(pa.array(["3", "1", "3", "5"]))
    assert (distinct, codes.to_pylist()) == (["1", "3", "5"], [1, 0, 1, 2])
    distinct, codes = _distinct(pa.array(["", "2026-01-02", "", "", "2025-12-31", "2026-01-02", ""]))
    assert (distinct, codes.to_pylist()) == (["2026-01-02", "2025-12-31", ""], [2, 0, 2, 2, 1, 0, 2])


def test_the_integer_hash_of_ids_of_a_portfolio():
    """200,000 ids, as many references in random order, some unknown."""
    import numpy as np
    import pyarrow.compute as pc

    from relgraph.tables import IdHash

    ids = pa.array([f"c{i:06d}" for i in range(200_000)][::-1])
    picks = np.random.default_rng(1).integers(0, 200_000, 200_000)
    refs = pa.array([f"c{i:06d}" for i in picks] + ["c", "c2000000", "zz"])
    assert IdHash.of(ids).rows(refs).equals(pc.index_in(refs, value_set=ids))


def test_reference_to_a_unit_without_units_file(data):
    """An absent optional table has no ids: a contact's unit must then be reported
    (it used to pass validation and break the graph build)."""
    (data / "units.csv").unlink()
    problems, _ = check(data)
    assert [(Path(p.file).name, p.line, p.message) for p in problems] == [
        ("contacts.csv", 2, "unit: unknown unit 'U1'"),
        ("contacts.csv", 3, "unit: unknown unit 'U2'"),
        ("contacts.csv", 4, "unit: unknown unit 'U3'"),
        ("contacts.csv", 5, "unit: unknown unit 'U1'"),
    ]


def test_rows_in_schema_order_when_columns_are_absent():
    from relgraph.readwrite.jsonfile import read_obj

    ds = read_obj({"accounts": [{"name": "Acme", "id": "A"}], "contacts": [], "staff": [], "relationships": []})
    assert list(ds["accounts"][0]) == ["id", "name", "grade", "industry", "region"]


@pytest.fixture(scope="module")
def portfolio(generate):
    """A generated portfolio of 4 accounts (scripts/generate)."""
    return generate("portfolio", "--accounts", "4", "--contacts", "400", "--staff", "40", "--seed", "3")


def test_generated_portfolio_fast_equals_exact(portfolio):
    assert same_as_exact(portfolio)


def test_account_graphs_are_the_account_subgraphs(portfolio):
    """Each account graph of the file store holds exactly what account_subgraph cuts
    out of the whole graph: same nodes in the same order with the same attributes,
    same edges, same touchpoints."""
    store = FileStore(portfolio)
    G = build_graph(read(portfolio))
    assert store.account_ids() == ["a001", "a002", "a003", "a004"]
    for a in store.account_ids():
        H1, H2 = store.account_graph(a), account_subgraph(G, a)
        assert list(H1.nodes(data=True)) == list(H2.nodes(data=True))
        assert sorted(map(repr, H1.edges(keys=True, data=True))) == sorted(map(repr, H2.edges(keys=True, data=True)))
        assert H1.graph["touchpoints"] == H2.graph["touchpoints"]
    whole = store.graph()
    assert list(whole.nodes(data=True)) == list(G.nodes(data=True))
    assert list(whole.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))


@pytest.mark.parametrize("account", ["a001", "a003", "a004"])
def test_first_account_cut_alone_equals_the_cut_of_all(portfolio, account):
    """The first account a store is asked for is cut out alone (a map or paths need
    no other); its graph is the one cut out of the whole data set."""
    alone = FileStore(portfolio)
    assert alone._shares is None
    H1 = alone.account_graph(account)
    assert alone._shares is None and alone._first_share.account_row == alone._account_row[account]
    everything = FileStore(portfolio)
    everything.account_graph("a002")
    everything.account_graph(account)  # a second account: the whole data set is cut
    assert everything._shares is not None
    H2 = everything.account_graph(account)
    assert list(H1.nodes(data=True)) == list(H2.nodes(data=True))
    assert list(H1.edges(keys=True, data=True)) == list(H2.edges(keys=True, data=True))
    assert H1.graph == H2.graph
    assert alone.account_dataset(account).tables == everything.account_dataset(account).tables
    assert H1.number_of_nodes() > 30 and H1.number_of_edges() > 30  # a real account


def test_store_from_json_dataset_equals_store_from_folder(portfolio, tmp_path):
    """The exact path (a JSON file) and the fast path (the folder) give the same store."""
    from relgraph.readwrite import write

    write(read(portfolio), tmp_path / "p.json", "json")
    a, b = FileStore(portfolio), FileStore(tmp_path / "p.json")
    assert a.dataset().tables == b.dataset().tables
    assert a.staff() == b.staff()
    for acc in a.account_ids():
        assert list(a.account_graph(acc).edges(keys=True, data=True)) == list(
            b.account_graph(acc).edges(keys=True, data=True)
        )


def test_light_graph_is_the_full_graph_without_other_edges(portfolio):
    store = FileStore(portfolio)
    full = store.account_graph("a002")
    light = store.account_graph("a002", edge_types={KNOWS, ON_TEAM})
    assert list(light.nodes(data=True)) == list(full.nodes(data=True))
    want = [(u, v, k, d) for u, v, k, d in full.edges(keys=True, data=True) if d["type"] in (KNOWS, ON_TEAM)]
    assert list(light.edges(keys=True, data=True)) == want
    assert light.graph == full.graph
    assert set(EDGE_TYPES) == {d["type"] for _, _, d in full.edges(data=True)}


def test_typed_tables_round_trip_values():
    ds = read(TINY)
    tt = TypedTables.from_dataset(ds)
    back = tt.to_dataset()
    assert back.tables == ds.tables
    rel = back["relationships"]
    assert rel[0]["strength"] == 4 and type(rel[0]["strength"]) is int
    assert rel[0]["last_contact"] == dt.date(2026, 10, 1)
    assert back["touchpoints"][1]["staff"] == ["S1", "S2"]
    assert load(TINY).to_dataset().tables == ds.tables


def test_the_id_pool_gives_each_result_and_raises_each_error():
    """``tables._Pool`` (id_rows' two threads): every call made, its result or its
    error where it is asked for, and the ``with`` block left only once all are done."""
    import threading

    from relgraph.tables import _Pool

    gate = threading.Event()
    with _Pool(2) as pool:
        slow = pool.submit(lambda: gate.wait(5) and "late")
        jobs = [pool.submit(pow, n, 2) for n in range(20)]
        bad = pool.submit(int, "x")
        assert [j.result() for j in jobs] == [n * n for n in range(20)]  # the other worker did them
        with pytest.raises(ValueError, match="invalid literal"):
            bad.result()
        gate.set()
    assert slow.done.is_set() and slow.result() == "late"
    assert not any(t.name.startswith("relgraph-ids") for t in threading.enumerate())


def test_the_readers_coding_makes_the_frame_its_own_would(data):
    # Cells of one value in several cases, empty cells taking the default, a date
    # column: the coding the reader gives is the frame's own, row by row.
    text = (data / "contacts.csv").read_text(encoding="utf-8-sig")
    text = text.replace(",technical,", ",Technical,", 1).replace(",supporter,", ",,", 1)
    put(data, "contacts.csv", text)
    text = (data / "touchpoints.csv").read_text(encoding="utf-8-sig")
    put(data, "touchpoints.csv", text.replace("2026-10-01,meeting,", "2026-10-01,MEETING,", 1))
    assert same_as_exact(data)
    typed, _ = _fast(data)
    assert {("contacts", "role"), ("contacts", "attitude"), ("touchpoints", "method"),
            ("staff", "in_role_since")} <= typed.codes.keys()
    roles, values = typed.codes["contacts", "role"]
    technical = [i for i, r in enumerate(typed.rows("contacts")) if r["role"] == "technical"]
    assert len(technical) == 2 and len(set(roles[technical].tolist())) == 1 and values.count("technical") == 1
    given = frame_from_tables(typed)
    own = frame_from_tables(TypedTables(typed.tables, typed.extras, typed.warnings))  # no coding given
    for name in ("account_grades", "unit_levels", "contact_roles", "contact_attitudes", "staff_roles",
                 "staff_in_role", "tp_method"):
        assert getattr(given, name) == getattr(own, name), name
    assert given.coded("contact_roles")[0] is roles  # taken as the reader gave it (ids in order)
    # Tables not in id order: the coding is taken in the order the frame sorts them.
    backwards = {n: t.take(list(range(t.num_rows))[::-1]) for n, t in typed.tables.items()}
    recoded = {key: (codes[::-1], values) for key, (codes, values) in typed.codes.items()}
    turned = frame_from_tables(TypedTables(backwards, typed.extras, typed.warnings, codes=recoded))
    for name in ("contact_roles", "contact_attitudes", "staff_in_role", "unit_levels"):
        assert getattr(turned, name) == getattr(own, name), name
