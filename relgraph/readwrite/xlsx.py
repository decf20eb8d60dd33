"""A data set as one Excel workbook (``.xlsx``): one sheet per table.

A *workbook data set* holds the tables of a CSV folder as sheets named like the
tables (``accounts``, ``contacts``, ... in any case, surrounding spaces ignored); the
optional tables' sheets may be absent and other sheets (``README``, notes) are not
read. In each sheet the first row that is not empty is the header (names in any
case; a title above the table is passed over); rows whose cells are all empty are
skipped, and so are trailing empty rows and columns. Cells may hold what Excel
stores: text, numbers (``4.0`` reads as ``4``), TRUE/FALSE, real dates — or all of
it as text, as a CSV file would. Excel error values (``#N/A``) and formulas never
calculated are problems, not empty cells.

The reader turns every cell into the text a CSV file would hold for it and hands
the sheets over as the same raw tables the CSV reader makes, so one validator
(:mod:`relgraph.validate`) checks all formats alike; only the location differs,
``book.xlsx:contacts!12`` (sheet and row number, as Excel shows them).

Reading uses python-calamine (Rust; about 7 times faster than openpyxl's read-only
mode on a 130,000-row workbook); writing uses openpyxl in write-only mode (rows are
streamed to disk).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import Problem, RelgraphError
from ..model import BOOL, DATE, ENUM, INT, LEVEL, LEVELS, NUMBER, REF, TABLES, Column, Dataset
from ..validate import RawData, RawTable

__all__ = ["SUFFIXES", "is_workbook", "read_raw_xlsx", "write_xlsx"]

SUFFIXES = (".xlsx", ".xlsm", ".xls")
"""File name endings taken for workbooks (``.xls``, the binary format before 2007, is
recognised only to say how to save it as ``.xlsx``)."""

README = "README"
"""The name of the sheet that explains every column (never read as data)."""

_ZIP = b"PK\x03\x04"
_TITLE_ROWS = 5  # rows of title or notes looked past, above a table's header


def is_workbook(path: str | os.PathLike) -> bool:
    """True when ``path`` is a file to read as a workbook: it ends in one of
    :data:`SUFFIXES`, or it is a zip file (every workbook is one) under another name."""
    p = Path(path)
    if p.suffix.lower() in SUFFIXES:
        return True
    try:
        with open(p, "rb") as f:
            return f.read(4) == _ZIP
    except OSError:
        return False


# --- reading ---------------------------------------------------------------------------


@dataclass
class SheetTable(RawTable):
    """A :class:`RawTable` read from a sheet: problems are located as
    ``FILE:SHEET!ROW`` (``header`` is the header's row number)."""

    sheet: str = ""
    header: int = 1

    def at(self, loc: int | None, message: str) -> Problem:
        return Problem(self.file, self.header if loc is None else loc, message, table=self.name, sheet=self.sheet)


def read_raw_xlsx(path: str | os.PathLike) -> RawData:
    """Read every table sheet of a workbook as raw text cells (see the module
    docstring); problems of the workbook itself (not a workbook, a missing sheet,
    two sheets for one table) are in ``problems``."""
    shown = str(path)
    raw = RawData()
    if Path(path).suffix.lower() == ".xls":
        raw.problems.append(
            Problem(shown, None, "an Excel 97-2003 workbook (.xls); save it as an Excel Workbook (.xlsx)")
        )
        return raw
    from ..rows import paused_gc

    try:
        book = _Book(path)
    except _Unreadable as e:
        raw.problems.append(Problem(shown, None, f"not a readable Excel workbook (.xlsx): {e}"))
        return raw
    with book, paused_gc():
        by_table: dict[str, str] = {}
        for sheet in book.sheet_names():
            key = sheet.strip().lower()
            if key not in TABLES:
                continue
            if key in by_table:
                raw.problems.append(
                    Problem(shown, None, f"sheets {by_table[key]!r} and {sheet!r} both hold table {key}; keep one")
                )
                continue
            by_table[key] = sheet
        if not by_table:
            sheets = ", ".join(repr(s) for s in book.sheet_names())
            raw.problems.append(
                Problem(shown, None, f"no sheet is named like a table ({', '.join(TABLES)}); its sheets: {sheets}")
            )
            return raw
        unreadable = _unreadable_cells(path, set(by_table.values()))
        unread = [s for s in book.sheet_names() if s.strip().lower() not in TABLES and s != README]
        for name, table in TABLES.items():
            sheet = by_table.get(name)
            if sheet is None:
                close = difflib.get_close_matches(name, [s.strip().lower() for s in unread], n=1, cutoff=0.75)
                hint = ""
                if close:
                    near = next(s for s in unread if s.strip().lower() == close[0])
                    hint = f" (sheet {near!r} is not read: rename it {name!r})"
                if not table.optional or hint:
                    raw.problems.append(Problem(shown, None, f"missing sheet {name!r}{hint}"))
                continue
            try:
                rows = book.rows(sheet)
            except _Unreadable as e:
                raw.problems.append(Problem(shown, None, f"not a readable Excel workbook (.xlsx): {e}"))
                continue
            rt = sheet_table(rows, name, shown, sheet)
            if rt is not None:
                for row, message in unreadable.get(sheet, ()):
                    rt.problems.append(rt.at(row, message))
                raw.tables[name] = rt
            elif not table.optional:
                rt = SheetTable(name, shown, [], sheet=sheet)
                rt.problems.append(rt.at(None, "empty sheet (a header row is required)"))
                raw.tables[name] = rt
    return raw


def sheet_table(rows: Iterable[Sequence[Any]], name: str, shown: str, sheet: str) -> SheetTable | None:
    """One sheet's rows (cell values from row 1 on) as a :class:`SheetTable`, or
    None when every cell of the sheet is empty.

    The header is the first row that is not empty, unless a title or notes stand
    above the table: then it is the first of the first rows that holds every
    required column of the table.
    """
    table = TABLES[name]
    # Known columns match in any case; extra columns keep their own spelling.
    canonical = {c.name.lower(): c.name for c in table.columns}
    required = set(table.required)
    numbered = enumerate(rows, start=1)
    first: list[tuple[int, Sequence[Any], list[str]]] = []  # the rows from the first non-empty one
    chosen = None
    for number, values in numbered:
        names = [canonical.get(h.lower(), h) for h in map(_header, values)]
        if not first and not any(names):
            continue
        first.append((number, values, names))
        if required <= set(names):
            chosen = len(first) - 1
            break
        if len(first) == _TITLE_ROWS + 1:
            break
    if not first:
        return None
    number, _, columns = first[0 if chosen is None else chosen]
    rest = first[chosen + 1 :] if chosen is not None else first[1:]
    while columns and not columns[-1]:
        columns.pop()
    # Columns without a header (before the table, or between its columns) are not
    # columns of the table; a value in one is a problem.
    rt = SheetTable(name, shown, [c for c in columns if c], sheet=sheet, header=number)
    cast = [_cast_for(table.by_name.get(c)) for c in columns]
    width = len(columns)
    nameless = [i for i, c in enumerate(columns) if not c]
    stray: dict[int, list[int]] = {}  # column -> the rows with a value there
    out = rt.rows
    for number, values in itertools.chain(((n, v) for n, v, _ in rest), numbered):
        if len(values) > len(cast):
            cast += [_cast] * (len(values) - len(cast))
        cells = [v if type(v) is str else f(v) for v, f in zip(values, cast)]
        if not "".join(cells).strip():
            continue
        if nameless or len(cells) > width:
            for i in itertools.chain(nameless, range(width, len(cells))):
                if i < len(cells) and cells[i].strip():
                    stray.setdefault(i, []).append(number)
        out.append((number, dict(zip(columns, cells))))
    for i, at in sorted(stray.items()):
        more = f", here and in {len(at) - 1} more row{'s' if len(at) > 2 else ''}" if len(at) > 1 else ""
        rt.problems.append(
            rt.at(at[0], f"a value in column {_letter(i)}, which has no header{more} (name the column or clear it)")
        )
    return rt


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_ERROR = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _has_formula(xml: bytes) -> bool:
    # <f> or <f t="shared" ...>, not the <formula1> of a drop-down list.
    return b"<f>" in xml or b"<f " in xml


def _unreadable_cells(path: str | os.PathLike, sheets: set[str]) -> dict[str, list[tuple[int, str]]]:
    """For each of ``sheets``, the cells whose value a reader cannot give, as
    ``(row, message)``: an Excel error (``#N/A``, ``#REF!``, ...) and a formula that
    was never calculated (a workbook written by a program, not saved by Excel).
    The reader sees both as empty cells, so without this they would silently read
    as "not given". The sheets' XML is only searched cell by cell when it holds an
    error or a formula at all."""
    import zipfile
    import xml.etree.ElementTree as ET

    found: dict[str, list[tuple[int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = {r.get("Id"): r.get("Target", "") for r in rels.findall(".//{*}Relationship")}
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            for sh in book.findall(".//{*}sheet"):
                name, part = sh.get("name"), target.get(sh.get(rid), "")
                if name not in sheets or not part:
                    continue
                part = part.lstrip("/") if part.startswith("/") else "xl/" + part
                xml = z.read(part)
                if b't="e"' not in xml and not _has_formula(xml):
                    continue
                for m in _CELL.finditer(xml):
                    attrs, body = m.group(1), m.group(2) or b""
                    ref = _REF.search(attrs)
                    if ref is None:
                        continue
                    value = _VALUE.search(body)
                    cell = (ref.group(1) + ref.group(2)).decode()
                    if _ERROR.search(attrs):
                        error = value.group(1).decode() if value else "error"
                        message = f"cell {cell} holds the Excel error {error}; correct it or type the value"
                    elif _has_formula(body) and (value is None or not value.group(1)):
                        message = (
                            f"cell {cell} holds a formula that was never calculated; "
                            "open and save the workbook in Excel, or type the value"
                        )
                    else:
                        continue
                    found.setdefault(name, []).append((int(ref.group(2)), message))
    except (KeyError, OSError, zipfile.BadZipFile, ET.ParseError):
        return found  # the reader has said what is wrong with the file
    return found


def _header(value: Any) -> str:
    return "" if value is None else _cast(value).strip()


_EXACT = 2.0**53  # beyond this a float's integer text would claim digits it lacks


def _cast(value: Any) -> str:
    """A cell value as the text a CSV file would hold: whole numbers without
    ``.0``, booleans ``true``/``false``, dates ISO (with the time when it is not
    midnight), nothing as ``""``."""
    t = type(value)
    if t is float:  # every number calamine reads
        return str(int(value)) if value.is_integer() and -_EXACT < value < _EXACT else repr(value)
    if t is str:
        return value
    if value is None:
        return ""
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is dt.datetime:
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _cast_date(value: Any) -> str:
    """A date column's cell: a date-and-time counts as its date (Excel shows
    ``2026-03-01 14:30`` for a meeting time; the data set keeps days)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return _cast(value)


def _cast_for(col: Column | None):
    return _cast_date if col is not None and col.type == DATE else _cast


def _letter(index: int) -> str:
    """The Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


class _Unreadable(Exception):
    """The file is not a workbook the reader can open."""


class _Book:
    """An open workbook: its sheet names and each sheet's rows of cell values,
    row 1 first, as python-calamine reads them (``""`` for an empty cell)."""

    def __init__(self, path: str | os.PathLike):
        from python_calamine import CalamineWorkbook

        try:
            self._wb = CalamineWorkbook.from_path(str(path))
        except Exception as e:  # calamine raises its own error types for every kind of damage
            raise _Unreadable(_reason(e)) from e

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wb.close()

    def sheet_names(self) -> list[str]:
        return list(self._wb.sheet_names)

    def rows(self, sheet: str) -> Iterator[list[Any]]:
        try:
            return iter(self._wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
        except Exception as e:
            raise _Unreadable(f"sheet {sheet!r}: {_reason(e)}") from e


def _reason(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


# --- writing ---------------------------------------------------------------------------


class CannotWrite(RelgraphError):
    """A value cannot be stored in a workbook cell."""


_MAX_TEXT = 32767  # characters an Excel cell holds
_LAST_ROW = 1048576  # rows a sheet has: drop-downs cover the whole column
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters a cell cannot hold


def write_xlsx(ds: Dataset, path: str | os.PathLike | BinaryIO) -> None:
    """Write a data set as a workbook: one sheet per table (every table, header
    always), then a ``README`` sheet explaining each column. ``path`` is a file name
    or a binary file open for writing.

    Values keep their type: numbers as numbers, dates as dates (shown
    ``yyyy-mm-dd``), true/false as TRUE/FALSE, id lists as ``;``-joined text, so the
    workbook reads back as the same data set. The header row is frozen and bold,
    columns are sized to their contents, and every column with a fixed set of values
    (enums, levels, true/false) has a drop-down list; id columns offer the ids of the
    sheet they refer to, scores only take 1-5.

    Raises
    ------
    CannotWrite
        When a text value holds control characters or more than 32,767 characters,
        which a workbook cell cannot store.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    try:
        _write_sheets(wb, ds, Font(bold=True), PatternFill("solid", fgColor="DDEBF7"))
        wb.save(path)
    except BaseException:
        # Finish the sheets' half-written streams, so that nothing is left open;
        # the caller removes the file.
        for ws in wb.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
        raise


def _write_sheets(wb: Any, ds: Dataset, bold: Any, fill: Any) -> None:
    from openpyxl.cell import WriteOnlyCell

    from ..template import column_note

    for name, table in TABLES.items():
        ws = wb.create_sheet(name)
        columns = [c.name for c in table.columns] + list(ds.extras.get(name, []))
        rows = ds[name]
        for i, c in enumerate(columns):
            ws.column_dimensions[_letter(i)].width = _width(c, rows)
        ws.freeze_panes = "A2"
        for i, c in enumerate(columns):
            col = table.by_name.get(c)
            dv = _validation(col, _letter(i)) if col is not None else None
            if dv is not None:
                dv.promptTitle = c[:32]
                dv.prompt = column_note(name, c)[:255]
                ws.data_validations.append(dv)
        _append_header(ws, columns, bold, fill)
        for n, row in enumerate(rows, start=2):
            ws.append([_out(ws, WriteOnlyCell, row.get(c), name, n, c) for c in columns])
    _readme(wb, bold, fill)


def _out(ws: Any, make_cell: Any, value: Any, table: str, row: int, column: str) -> Any:
    """A typed value as it goes into a cell."""
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    if isinstance(value, list):
        value = ";".join(value)
    value = str(value)
    if len(value) > _MAX_TEXT:
        raise CannotWrite(
            f"{table} row {row - 1}, {column}: {len(value)} characters, more than a cell holds ({_MAX_TEXT})"
        )
    if _CONTROL.search(value):
        raise CannotWrite(f"{table} row {row - 1}, {column}: a control character, which a workbook cannot store")
    if value[:1] in ("=", "#"):
        # Text, never a formula or an error code, whatever it starts with.
        cell = make_cell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def _width(column: str, rows: list[dict[str, Any]]) -> float:
    """A column width (in characters) fitting the header and the first values."""
    longest = len(column)
    for row in rows[:200]:
        v = row.get(column)
        if v is not None:
            longest = max(longest, len(";".join(v) if isinstance(v, list) else str(v)))
    return min(max(longest + 2, 10), 50)


def _validation(col: Column, letter: str):
    """The data validation (drop-down list or range) of a column, or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    where = f"{letter}2:{letter}{_LAST_ROW}"
    choices: tuple[str, ...] = ()
    strict = True
    if col.type == ENUM:
        choices = col.choices
    elif col.type == LEVEL:
        choices, strict = LEVELS, False  # other levels are allowed
    elif col.type == BOOL:
        choices = ("TRUE", "FALSE")
    if choices:
        dv = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True, sqref=where)
    elif col.type in (INT, NUMBER) and col.range is not None:
        lo, hi = col.range
        dv = DataValidation(
            type="whole" if col.type == INT else "decimal",
            operator="between",
            formula1=f"{lo:g}",
            formula2=f"{hi:g}",
            allow_blank=True,
            sqref=where,
        )
    elif col.type == REF:
        # The ids on the referenced sheet, as far down as that sheet has any.
        ref = col.ref
        dv = DataValidation(
            type="list",
            formula1=f"OFFSET({ref}!$A$2,0,0,MAX(1,COUNTA({ref}!$A:$A)-1),1)",
            allow_blank=True,
            sqref=where,
        )
        strict = False  # a typed id is checked by relgraph validate, with its row
    else:
        return None
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop" if strict else "warning"
    dv.errorTitle = f"{col.name}"[:32]
    if choices:
        dv.error = f"{col.name} is one of: {', '.join(choices)}"[:255]
    elif col.type == REF:
        dv.error = f"not an id on the {col.ref} sheet (yet)"
    else:
        dv.error = f"{col.name} is a number from {col.range[0]:g} to {col.range[1]:g}"
    return dv


def _append_header(ws: Any, names: Sequence[str], bold: Any, fill: Any) -> None:
    """Append a header row: bold, on a light fill."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, name)
        cell.font, cell.fill = bold, fill
        cells.append(cell)
    ws.append(cells)


def _readme(wb: Any, bold: Any, fill: Any) -> None:
    """The README sheet: how to fill the workbook in, then one line per column."""
    from ..template import readme_rows

    ws = wb.create_sheet(README)
    intro, header, rows = readme_rows()
    for i, w in enumerate((16, 16, 10, 44, 90)):
        ws.column_dimensions[_letter(i)].width = w
    ws.freeze_panes = f"A{len(intro) + 3}"
    for line in intro:
        ws.append([line])
    ws.append([])
    _append_header(ws, header, bold, fill)
    for r in rows:
        ws.append(list(r))
