"""Text tables and CSV of many kinds of cell: each kind has its exact text."""

import datetime as dt

from relgraph.format import csv_text, table_text

ROWS = [
    {"id": "a", "n": 3, "x": 0.125, "ok": True, "day": dt.date(2026, 1, 2), "ids": ["c1", "c2"], "d": {"b": 1, "a": None}},
    {"id": "bb", "n": None, "x": 2.0, "ok": False, "day": None, "ids": [], "d": None},
    {"id": "c", "n": 10, "x": None, "ok": None, "day": dt.datetime(2026, 1, 2, 3, 4), "ids": [dt.date(2026, 3, 4), None, ("p", 1)]},
]


def test_table_text_cells_and_alignment():
    assert table_text(ROWS, ["id", "n", "x", "ok", "day", "ids"], ["ID", "count", "x", "ok", "day", "ids"]) == "\n".join([
        "ID  count  x     ok   day                  ids",
        "--  -----  ----  ---  -------------------  --------------------------",
        "a   3      0.12  yes  2026-01-02           c1, c2",
        "bb  -      2.00  no   -                    -",
        "c   10     -     -    2026-01-02T03:04:00  2026-03-04, None, ['p', 1]",
    ])


def test_table_text_of_no_rows_and_of_no_columns():
    assert table_text([], ["id", "name"]) == "id  name\n--  ----"
    assert table_text([{}, {}], []) == "\n\n\n"


def test_csv_text_cells_and_columns_in_order_of_first_appearance():
    assert csv_text(ROWS) == "".join([
        "id,n,x,ok,day,ids,d\n",
        'a,3,0.125,true,2026-01-02,c1;c2,"{""a"": null, ""b"": 1}"\n',
        "bb,,2.0,false,,,\n",
        'c,10,,,2026-01-02T03:04:00,"2026-03-04;;[\'p\', 1]",\n',
    ])
    assert csv_text([{"b": 1}, {"a": "x,y"}], ["a", "b"]) == 'a,b\n,1\n"x,y",\n'


def test_json_and_tables_in_pieces_are_the_text_whole():
    from relgraph.format import dump_json, json_pieces, render_pieces

    cases = [{}, {"a": 1}, {"a": []}, {"as_of": dt.date(2026, 1, 1), "rows": ROWS}, ROWS, {1: [1]}, {"a": [1, 2, 3]}]
    for obj in cases:
        pieces = list(json_pieces(obj, size=2, pretty=False))
        assert "".join(pieces) == dump_json(obj, pretty=False) + "\n"
    # The last list is cut into pieces of two items; anything else is one piece.
    assert list(json_pieces({"n": 1, "a": [1, 2, 3]}, size=2, pretty=False)) == ['{"n": 1, "a": [', "1, 2", ", 3", "]}\n"]
    assert list(json_pieces({"a": 1}, size=2, pretty=False)) == ['{"a": 1}\n']
    lines = [f"line {i}" for i in range(5)]
    as_lines = list(render_pieces("table", None, table=lambda _: iter(lines), rows=list))
    assert "".join(as_lines) == "\n".join(lines) + "\n"
    assert list(render_pieces("table", None, table=lambda _: "a\nb", rows=list)) == ["a\nb\n"]
