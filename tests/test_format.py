"""Text tables and CSV of many kinds of cell: each kind has its exact text."""

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
        assert b"".join(pieces) == dump_json(obj, pretty=False).encode() + b"\n"
    # The last list is cut into pieces of two items; anything else is one piece.
    assert list(json_pieces({"n": 1, "a": [1, 2, 3]}, size=2, pretty=False)) == [b'{"n":1,"a":[', b"1,2", b",3", b"]}\n"]
    assert list(json_pieces({"a": 1}, size=2, pretty=False)) == [b'{"a":1}\n']
    assert list(json_pieces({"a": [1]}, size=2, pretty=True)) == ['{\n  "a": [\n    1\n  ]\n}\n']
    lines = [f"line {i}" for i in range(5)]
    as_lines = list(render_pieces("table", None, table=lambda _: iter(lines), rows=list))
    assert "".join(as_lines) == "\n".join(lines) + "\n"
    assert list(render_pieces("table", None, table=lambda _: "a\nb", rows=list)) == ["a\nb\n"]


def test_json_texts_are_each_items_text():
    """json_texts gives json_bytes of each item, whether written in one pass and
    cut (dicts that all begin with the same key) or one at a time; json_pieces
    writes an item given as its text as it is, among others it writes itself."""
    from relgraph.format import PIECE, json_bytes, json_pieces, json_texts

    rows = [{"kind": "a", "text": 'x},{"kind":"y', "n": 1e-05, "at": dt.date(2026, 1, 2)},
            {"kind": "b", "via": [{"kind": "c"}, {"kind": "d"}], "name": "Anne-Marie"},
            {"kind": "c", "set": {"b", "a"}, "nested": {"kind": {"kind": 1}}}]
    # (the last but one: as many cuts as boundaries, one nested and none before the empty dict)
    cases = [rows, rows[:1], [], [{"kind": 1}, {"other": 2}], [{1: "a"}], [1, "a", None], [{}, {"a": 1}],
             [{"kind": [{"a": 1}, {"kind": 2}]}, {}, {"kind": 3}],
             [{"kind": i, "x": "é\n\"\\"} for i in range(2 * PIECE + 3)]]
    for items in cases:
        texts = json_texts(items)
        assert texts == [json_bytes(x) for x in items], items
    # Mixed with items still to write: the one text of them all.
    mixed = [rows[0], *json_texts(rows[1:]), {"kind": "e"}, json_bytes(rows[0])]
    plain = [rows[0], *rows[1:], {"kind": "e"}, rows[0]]
    for size in (1, 2, 100):
        assert (b"".join(json_pieces({"n": 1, "rows": mixed}, size=size, pretty=False))
                == b"".join(json_pieces({"n": 1, "rows": plain}, size=size, pretty=False)))
    assert json_pieces({"rows": mixed}, pretty=True).__next__() == json_pieces({"rows": plain}, pretty=True).__next__()


@dataclasses.dataclass
class _Point:
    x: float
    when: dt.date


def test_json_bytes_is_the_text_of_json_dumps():
    """orjson writes the compact JSON, which must be json.dumps's text exactly:
    the floats under 1e-4 (which the two write differently), names holding
    "e-", keys that are not strings, sets, dataclasses, dates, big integers and
    text that must be escaped."""
    from relgraph.format import _json_default, json_bytes

    def dumps(obj):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()

    floats = [0.0, -0.0, 0.1, 1.5, 100.0, 1e15, 1e16, 1.5e16, 1e22, 1e300, 1.7976931348623157e308, 0.0001,
              0.00012, 9.9e-05, 2e-05, 1e-07, 5e-324, -3.25e-06, 1 / 3]
    cases = [
        floats,
        {"name": "Anne-Marie", "reason": "the-end", "id": "3e-1", "score": 0.5},
        {"id": "x0.00001", "n": 1},
        {1: "a", 2.5: "b", True: "c", None: "d"},
        {"s": {"b", "a", "c"}, "p": _Point(2e-05, dt.date(2026, 1, 2)), "t": (1, 2)},
        [_Point(1.5, dt.date(2026, 1, 2)), _Point(-2.0, dt.date(2027, 12, 31))],
        {"day": dt.date(1, 1, 1), "last": dt.date(9999, 12, 31), "at": dt.datetime(2026, 1, 2, 3, 4, 5, 6)},
        {"big": 2**70, "neg": -(2**63)},
        {"text": 'q"b\\s/\x00\x1f\x7f\u2028\t\n\r\b\f é 漢 😀'},
        [],
        {},
    ]
    for obj in cases:
        assert json_bytes(obj) == dumps(obj), obj
    assert json.loads(json_bytes(floats)) == floats


@given(st.binary(max_size=40) | st.lists(st.sampled_from([b"0", b".", b"e", b"-", b"1", b"a", b'"']), max_size=40).map(b"".join))
def test_long_text_is_looked_at_the_same_by_numpy(text):
    """Over a long text _json_forms looks for "0.0000" and a digit before "e-" with
    numpy: the same answer as the two searches over a short one, at any place."""
    import numpy as np

    from relgraph.jsontext import NUMPY_FROM, _json_forms, _numpy_forms

    assert len(text) < NUMPY_FROM
    assert _numpy_forms(np, text) == _json_forms(text)


def test_long_text_with_a_small_float_is_written_by_json():
    """A float under 1e-4 at the end of a long list (looked at by numpy) is written
    as json writes it."""
    import numpy  # noqa: F401 (numpy looks only where something imported it)

    from relgraph.format import json_bytes
    from relgraph.jsontext import NUMPY_FROM

    for tail in (2e-05, 1.5e-07, 0.5):
        obj = [{"name": "Anne-Marie", "due": "2026-11-01", "priority": 1.25}] * (NUMPY_FROM // 40) + [tail]
        assert len(json.dumps(obj)) > NUMPY_FROM
        assert json_bytes(obj) == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def test_compact_json_strict_is_json_without_default():
    from relgraph.jsontext import compact_json

    assert compact_json({"a": [1.5, 2e-05], "b": "Anne-Marie"}, strict=True) == b'{"a":[1.5,2e-05],"b":"Anne-Marie"}'
    for refused in ({"d": dt.date(2026, 1, 1)}, _Point(1.0, dt.date(2026, 1, 1))):
        with pytest.raises(TypeError):
            compact_json(refused, strict=True)
