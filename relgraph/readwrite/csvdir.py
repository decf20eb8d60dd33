"""A data set as a folder of CSV files (``accounts.csv``, ``contacts.csv``, ...).

UTF-8 with or without the BOM Excel writes, a header row, one row per line (quoted
cells may span lines; line numbers are physical lines, header = 1).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from pathlib import Path

from ..errors import Problem
from ..model import TABLES, Dataset
from ..validate import RawData, RawTable, canonical_columns
from .cells import cell_text

# No limit on a cell's size: the column-wise reader has none either, and the two
# must read the same files alike.
csv.field_size_limit(2**31 - 1)  # the largest a C long holds everywhere


def table_file_problem(file: Path, shown: str, wanted: str = "a CSV file") -> Problem | None:
    """Why the path a table file (or ``wanted``) should be at is not one, or None
    when it is a regular file (following symbolic links) or simply absent.

    A FIFO, a device or a folder named like a table is a problem, never opened (a
    FIFO would block the reader), and never taken for a missing file."""
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        if file.is_symlink():
            return Problem(shown, 1, f"{file.name} is a symbolic link to nothing")
        return None
    except OSError as e:
        if e.errno == errno.ELOOP:
            return Problem(shown, 1, f"{file.name} is a symbolic link that leads nowhere (a loop)")
        return Problem(shown, 1, f"cannot read {file.name}: {e.strerror}")
    if stat.S_ISREG(mode):
        return None
    what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
    return Problem(shown, 1, f"{file.name} is {what}, not {wanted}")


def table_files(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """Where each table's file of a data folder is: its own name (``contacts.csv``),
    else the one entry of the folder named so in another case (``Contacts.csv``, as
    Excel users name files); with a message when several entries are (which one is
    meant is anyone's guess).
    """
    try:
        entries = os.listdir(folder)
    except OSError:
        entries = []
    by_name: dict[str, list[str]] = {}
    for entry in entries:
        by_name.setdefault(entry.lower(), []).append(entry)
    out = {}
    for name, table in TABLES.items():
        names = sorted(by_name.get(table.filename, ()))
        if len(names) > 1:
            out[name] = (folder / table.filename, f"{' and '.join(names)} are the same table; keep one of them")
        else:
            out[name] = (folder / (names[0] if names else table.filename), None)
    return out


def separator(header: str) -> str:
    """The separator of a CSV file by its header line: a comma, unless the line has
    none but has a ``;`` or a tab, as Excel writes "CSV" in many locales."""
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    return "\t" if "\t" in header else ","


def read_raw_dir(path: str | os.PathLike) -> RawData:
    """Read every table file of a data folder as raw text cells."""
    folder = Path(path)
    raw = RawData()
    files = table_files(folder)
    for name, table in TABLES.items():
        file, clash = files[name]
        shown = str(file)
        if clash is not None:
            rt = raw.tables[name] = RawTable(name, shown, [])
            rt.problems.append(Problem(shown, 1, clash))
            continue
        problem = table_file_problem(file, shown)
        if problem is not None:
            rt = raw.tables[name] = RawTable(name, shown, [])
            rt.problems.append(problem)
            continue
        if not file.exists():
            if not table.optional:
                raw.problems.append(Problem(shown, 1, f"missing file {table.filename}"))
            continue
        raw.tables[name] = read_raw_csv(file, name, shown)
    return raw


def read_raw_csv(file: Path, name: str, shown: str) -> RawTable:
    """One CSV file as a :class:`RawTable` (problems of the file itself included).

    Only ``\\r``, ``\\n`` and ``\\r\\n`` end a row (as in RFC 4180 and the
    column-wise reader): the text is split into lines by :class:`io.StringIO` with
    ``newline=""``, not by ``str.splitlines``, which also breaks at form feeds, the
    Unicode line separators and more, inventing rows out of a note.
    """
    try:
        data = file.read_bytes()
    except OSError as e:
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, 1, f"cannot read {file.name}: {e.strerror}"))
        return rt
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, line, "not UTF-8 text (save the file as CSV UTF-8)"))
        return rt
    lines = io.StringIO(text, newline="").readlines()
    sep = separator(lines[0]) if lines else ","
    reader = csv.reader(lines, delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, 1, "empty file (a header row is required)"))
        return rt
    except csv.Error as e:
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, reader.line_num, f"unreadable CSV: {e}"))
        return rt
    columns = canonical_columns(name, header)
    rt = RawTable(name, shown, columns)
    offset = reader.line_num  # lines before the rows still to read
    while offset is not None:
        offset = _read_rows(rt, lines, offset, sep)
    return rt


def _read_rows(rt: RawTable, lines: list[str], offset: int, sep: str) -> int | None:
    """Read the rows of ``lines[offset:]`` into ``rt``. A quote left open to the
    end of the file (which the csv module reads as one value swallowing every row
    after it) is a problem: that value is dropped, and the offset of the line after
    the one it opened on is returned, to read on from there. None when done."""
    shown, columns, rows = rt.file, rt.columns, rt.rows
    width = len(columns)
    reader = csv.reader(lines[offset:], delimiter=sep)
    start = offset + 1
    last, width_read = None, 0  # the first line and the width of the last row read
    try:
        for values in reader:
            last = start
            width_read = len(values)
            if not any(v.strip() for v in values):  # a blank row, or Excel's trailing ,,,,,,
                start = offset + reader.line_num + 1
                continue
            if len(values) > width and any(v.strip() for v in values[width:]):
                rt.problems.append(
                    Problem(shown, start, f"{len(values)} values but the header has {width} columns")
                )
            rows.append((start, dict(zip(columns, values))))
            start = offset + reader.line_num + 1
    except csv.Error as e:
        rt.problems.append(Problem(shown, offset + reader.line_num, f"unreadable CSV: {e}"))
        return None
    if last is None or not _unclosed_quote(lines[last - 1 :], sep):
        return None
    if rows and rows[-1][0] == last and 0 < width_read <= width:
        rows[-1][1][columns[width_read - 1]] = ""
    rt.problems.append(Problem(shown, last, 'a quoted value is never closed (a " is missing)'))
    return last


def _unclosed_quote(lines: list[str], sep: str) -> bool:
    """Whether the last row of a file, ``lines`` from its first line on, ends inside
    a quoted value (the strict reader says so; the lenient one does not)."""
    try:
        for _ in csv.reader(lines, strict=True, delimiter=sep):
            pass
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def write_dir(ds: Dataset, path: str | os.PathLike, *, bom: bool = False) -> None:
    """Write a data set as a folder of CSV files (every table, header always).

    The folder is created if needed; existing table files in it are replaced. Rows
    end with ``\\n``; a value holding a ``\\r`` or ``\\n`` is quoted, so that it reads
    back as it was. With ``bom`` each file starts with the UTF-8 byte order mark,
    for Excel (which reads a CSV file without it in the locale's code page).
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8-sig" if bom else "utf-8"
    for name, table in TABLES.items():
        columns = [c.name for c in table.columns] + list(ds.extras.get(name, []))
        with open(folder / table.filename, "w", encoding=encoding, newline="") as f:
            w = csv.writer(_LineFeedEnds(f), lineterminator="\r\n")
            w.writerow(columns)
            for row in ds[name]:
                w.writerow([cell_text(row.get(c)) for c in columns])


class _LineFeedEnds:
    """A file whose rows, written by a csv writer ending them with ``\\r\\n``, end
    with ``\\n`` instead. The writer quotes a value holding any character of its
    line terminator: with ``\\r\\n`` that is a lone ``\\r`` too, which a ``\\n``
    terminator would leave bare (and the file would not read back)."""

    def __init__(self, f):
        self._f = f

    def write(self, line: str) -> int:
        return self._f.write(line[:-2] + "\n")
