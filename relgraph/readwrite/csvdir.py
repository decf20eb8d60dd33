"""A data set as a folder of CSV files (``accounts.csv``, ``contacts.csv``, ...).

UTF-8 with or without the BOM Excel writes, a header row, one row per line (quoted
cells may span lines; line numbers are physical lines, header = 1).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..errors import Problem
from ..model import TABLES, Dataset
from ..validate import RawData, RawTable
from .cells import cell_text

csv.field_size_limit(1 << 24)


def read_raw_dir(path: str | os.PathLike) -> RawData:
    """Read every table file of a data folder as raw text cells."""
    folder = Path(path)
    raw = RawData()
    for name, table in TABLES.items():
        file = folder / table.filename
        shown = str(file)
        if not file.is_file():
            if not table.optional:
                raw.problems.append(Problem(shown, 1, f"missing file {table.filename}"))
            continue
        raw.tables[name] = read_raw_csv(file, name, shown)
    return raw


def read_raw_csv(file: Path, name: str, shown: str) -> RawTable:
    """One CSV file as a :class:`RawTable` (problems of the file itself included)."""
    data = file.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, line, "not UTF-8 text (save the file as CSV UTF-8)"))
        return rt
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        rt = RawTable(name, shown, [])
        rt.problems.append(Problem(shown, 1, "empty file (a header row is required)"))
        return rt
    columns = [h.strip() for h in header]
    rt = RawTable(name, shown, columns)
    width = len(columns)
    rows = rt.rows
    try:
        start = reader.line_num + 1
        for values in reader:
            if not values or (len(values) == 1 and not values[0].strip()):
                start = reader.line_num + 1
                continue
            if len(values) > width and any(v.strip() for v in values[width:]):
                rt.problems.append(
                    Problem(shown, start, f"{len(values)} values but the header has {width} columns")
                )
            rows.append((start, dict(zip(columns, values))))
            start = reader.line_num + 1
    except csv.Error as e:
        rt.problems.append(Problem(shown, reader.line_num, f"unreadable CSV: {e}"))
    return rt


def write_dir(ds: Dataset, path: str | os.PathLike) -> None:
    """Write a data set as a folder of CSV files (every table, header always).

    The folder is created if needed; existing table files in it are replaced.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        columns = [c.name for c in table.columns] + list(ds.extras.get(name, []))
        with open(folder / table.filename, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            for row in ds[name]:
                w.writerow([cell_text(row.get(c)) for c in columns])
