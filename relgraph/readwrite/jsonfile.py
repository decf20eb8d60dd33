"""A data set as one JSON file: ``{"accounts": [...], "contacts": [...], ...}``.

The tables and columns are those of the CSV folder; values may be JSON strings,
numbers, booleans or null, and touchpoint ``staff`` / ``contacts`` may be arrays.
Problems are located by table and index (``data.json:contacts[3]: ...``).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InvalidData, Problem
from ..model import REFS, TABLES, Dataset
from ..validate import RawData, RawTable, validate
from .cells import json_value


def read_raw_obj(obj: Any, filename: str) -> RawData:
    """Raw tables from a parsed JSON document."""
    raw = RawData()
    if not isinstance(obj, dict):
        raw.problems.append(Problem(filename, None, "expected a JSON object of tables"))
        return raw
    for key in obj:
        if key not in TABLES:
            raw.problems.append(
                Problem(filename, None, f"unknown table {key!r} (expected {', '.join(TABLES)})", table=key)
            )
    for name, table in TABLES.items():
        rows = obj.get(name)
        if rows is None:
            if not table.optional:
                raw.problems.append(Problem(filename, None, f"missing table {name!r}", table=name))
            continue
        rt = RawTable(name, filename, [], json=True)
        raw.tables[name] = rt
        if not isinstance(rows, list):
            rt.problems.append(Problem(filename, None, "expected an array of objects", table=name))
            continue
        columns: dict[str, None] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                rt.problems.append(rt.at(i, "expected an object"))
                continue
            for k, v in row.items():
                columns.setdefault(k, None)
                col = table.by_name.get(k)
                if isinstance(v, dict) or (isinstance(v, list) and (col is None or col.type != REFS)):
                    rt.problems.append(rt.at(i, f"{k}: expected a single value"))
            rt.rows.append((i, row))
        # In JSON a column is "present" when any row has it or the table is empty:
        # a missing key in one row just means "not given".
        rt.columns = list(columns) if rows else [c.name for c in table.columns]
    return raw


def read_obj(obj: Any, filename: str = "<data>") -> Dataset:
    """Validate and type a data set given as a parsed JSON document.

    Raises
    ------
    InvalidData
        With every problem found.

    Example
    -------
    >>> ds = read_obj({"accounts": [{"id": "A", "name": "Acme"}], "contacts": [],
    ...                "staff": [], "relationships": []})
    >>> ds["accounts"][0]["grade"]
    'C'
    """
    ds, problems, warnings = validate(read_raw_obj(obj, filename))
    if problems:
        raise InvalidData(problems, warnings)
    ds.warnings = warnings
    return ds


def read_raw_json(path: str | os.PathLike) -> RawData:
    """The raw tables of a JSON file; a file that is no JSON is one problem."""
    shown = str(path)
    raw = RawData()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raw.problems.append(Problem(shown, 1, "not UTF-8 text"))
        return raw
    except OSError as e:
        raw.problems.append(Problem(shown, 1, f"cannot read {Path(path).name}: {e.strerror}"))
        return raw
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raw.problems.append(Problem(shown, e.lineno, f"not valid JSON: {e.msg} (column {e.colno})"))
        return raw
    except ValueError:  # Python refuses to convert an integer of more than 4,300 digits
        m = _LONG_NUMBER.search(text)
        line = text.count("\n", 0, m.start()) + 1 if m else 1
        digits = len(m.group()) if m else "too many"
        raw.problems.append(
            Problem(shown, line, f"not valid JSON: a number of {digits} digits (at most {_MAX_DIGITS})")
        )
        return raw
    except RecursionError:  # the decoder recurses once per level
        raw.problems.append(
            Problem(
                shown, _too_deep_at(text, _DEEP),
                "not valid JSON: arrays or objects nested too deeply (a data set needs three levels)",
            )
        )
        return raw
    return read_raw_obj(obj, shown)


_MAX_DIGITS = sys.get_int_max_str_digits() or 4300
_LONG_NUMBER = re.compile(rf"\d{{{_MAX_DIGITS + 1},}}")
_DEEP = 100
"""A nesting depth no data set comes near: where a document too deep for the
decoder is said to go wrong."""


def _too_deep_at(text: str, depth: int) -> int:
    """The line where ``text`` first nests deeper than ``depth`` (strings skipped)."""
    level, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        elif in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            level += 1
            if level > depth:
                return line
        elif ch in "]}":
            level -= 1
    return 1


def dataset_obj(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """A data set as a JSON-ready document (values not given are left out)."""
    return {
        name: [{k: json_value(v) for k, v in row.items() if v is not None} for row in ds[name]]
        for name in TABLES
    }


def dump_json(ds: Dataset, f: BinaryIO) -> None:
    """Write a data set as one JSON document to a binary file."""
    text = io.TextIOWrapper(f, encoding="utf-8", newline="")
    json.dump(dataset_obj(ds), text, ensure_ascii=False, indent=1)
    text.write("\n")
    text.flush()
    text.detach()


def write_json(ds: Dataset, path: str | os.PathLike) -> None:
    """Write a data set as one JSON file."""
    with open(path, "wb") as f:
        dump_json(ds, f)
