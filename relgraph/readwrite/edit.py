"""Writing one row into a data folder or JSON file, leaving the rest as it is.

``relgraph log`` and ``relgraph relate`` add or change a single row. In a CSV folder
only the lines of that row change: the file keeps its separator, its BOM and its line
endings, and every other line byte for byte (a column the file lacks is added to the
header and every row). A JSON file is parsed and written again with its indentation.
Either way the new file is written beside the old one and renamed over it, so that it
appears whole or not at all, with the permissions the old file had.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import TABLES
from .cells import cell_text, json_value

BOM = "\ufeff"


def _replace(path: Path, text: str, *, like: Path | None = None) -> None:
    """Write ``text`` beside ``path`` and rename it over ``path``, with the mode of
    ``like`` (default: ``path`` itself; a new file gets what the umask allows)."""
    source = like if like is not None else path
    if source.exists():
        mode = source.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --- CSV ------------------------------------------------------------------------------


class _CsvFile:
    """A CSV table file as text: its BOM, line ending, separator, header and the
    span (first line, line after the last) of each data row."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.bom = text.startswith(BOM)
        self.text = text[1:] if self.bom else text
        self.lines = self.text.splitlines(keepends=True)
        first = self.lines[0] if self.lines else ""
        self.newline = "\r\n" if first.endswith("\r\n") else "\n"
        head = first.rstrip("\r\n")
        # As the reader decides: a header line with no comma but a ; (or a tab).
        self.sep = ";" if "," not in head and ";" in head else "\t" if "," not in head and "\t" in head else ","
        reader = csv.reader(self.lines, delimiter=self.sep)
        self.header = next(reader, [])
        self.rows: list[tuple[int, int, list[str]]] = []
        start = reader.line_num
        for values in reader:
            if values and not (len(values) == 1 and not values[0].strip()):
                self.rows.append((start, reader.line_num, values))
            start = reader.line_num

    def column(self, name: str) -> int | None:
        """The position of a column in the header (any case, surrounding spaces)."""
        for i, h in enumerate(self.header):
            if h.strip().lower() == name:
                return i
        return None

    def record(self, cells: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.sep, lineterminator=self.newline).writerow(cells)
        return buf.getvalue()

    def with_columns(self, names: list[str]) -> None:
        """Add the columns the header lacks, an empty cell for them in every row."""
        missing = [n for n in names if self.column(n) is None]
        if not missing:
            return
        header = self.header + missing
        out = [self.record(header)]
        rows = []
        for start, end, values in self.rows:
            values = values + [""] * (len(header) - len(values))
            rows.append((len(out), len(out) + 1, values))
            out.append(self.record(values))
        self.header, self.rows, self.lines = header, rows, out

    def cells(self, row: dict[str, Any], old: list[str] | None = None) -> list[str]:
        cells = list(old or []) + [""] * (len(self.header) - len(old or []))
        for name, value in row.items():
            i = self.column(name)
            if i is not None:
                cells[i] = cell_text(value)
        return cells

    def save(self) -> None:
        _replace(self.path, (BOM if self.bom else "") + "".join(self.lines))


def _csv_file(folder: Path, table: str) -> Path:
    """The file of a table in a folder, its name in any case (``Touchpoints.csv``)."""
    name = TABLES[table].filename
    for p in folder.iterdir():
        if p.name.lower() == name.lower() and p.is_file():
            return p
    return folder / name


def _read_csv(folder: Path, table: str) -> _CsvFile:
    path = _csv_file(folder, table)
    if path.exists():
        return _CsvFile(path, path.read_bytes().decode("utf-8"))
    # A table the folder does not have yet: written as its accounts file is.
    model = _read_csv(folder, "accounts")
    new = _CsvFile(path, "")
    new.bom, new.newline, new.sep = model.bom, model.newline, model.sep
    new.header = [c.name for c in TABLES[table].columns]
    new.lines = [new.record(new.header)]
    return new


# --- the two edits ---------------------------------------------------------------------


def _json_indent(text: str) -> int | None:
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    second = lines[1]
    return len(second) - len(second.lstrip(" ")) or None


def _edit_json(path: Path, edit: Callable[[dict], None]) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError(f"{path} is not a JSON file: a single fact is written into a data folder, "
                         "a JSON file or a Neo4j database") from None
    edit(obj)
    out = json.dumps(obj, ensure_ascii=False, indent=_json_indent(text))
    _replace(path, out + "\n")


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json_value(v) for k, v in row.items() if v is not None}


def append_row(path: str | os.PathLike, table: str, row: dict[str, Any]) -> None:
    """Add ``row`` (a typed row of ``table``) at the end of the table in a data
    folder or JSON file."""
    p = Path(path)
    if p.is_dir():
        f = _read_csv(p, table)
        f.with_columns([c for c, v in row.items() if v is not None])
        if f.lines and not f.lines[-1].endswith(("\n", "\r")):
            f.lines[-1] += f.newline
        f.lines.append(f.record(f.cells(row)))
        f.save()
        return

    def edit(obj: dict) -> None:
        obj.setdefault(table, []).append(_json_row(row))

    _edit_json(p, edit)


def update_row(path: str | os.PathLike, table: str, index: int, changes: dict[str, Any]) -> None:
    """Set some cells of the ``index``-th row of a table (counted as the data set
    counts its rows: blank lines left out) in a data folder or JSON file."""
    p = Path(path)
    if p.is_dir():
        f = _read_csv(p, table)
        f.with_columns([c for c, v in changes.items() if v is not None])
        start, end, values = f.rows[index]
        f.lines[start:end] = [f.record(f.cells(changes, values))] + [""] * (end - start - 1)
        f.save()
        return

    def edit(obj: dict) -> None:
        target = obj[table][index]
        for k, v in changes.items():
            key = next((x for x in target if x.strip().lower() == k), k)
            target[key] = json_value(v) if v is not None else None

    _edit_json(p, edit)
