"""Writing what an import made: a new data set, or an update of the one given.

A new data set (``-o OUT``) is a CSV folder, or one JSON file when OUT ends in
``.json``; an existing file or non-empty folder is replaced only with ``force``.
An update in place (``import ics`` without ``-o``) rewrites only the tables that
changed: in a folder each such file is written aside and renamed over the old one,
so other files in the folder (maps, notes) are left as they are; a JSON file is
written aside whole and renamed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import UsageError
from ..model import TABLES, Dataset


def output_format(path: str | os.PathLike) -> str:
    """``json`` for a path ending in ``.json``, ``xlsx`` for ``.xlsx``, else ``csv`` (a folder)."""
    name = str(path).lower()
    return "json" if name.endswith(".json") else "xlsx" if name.endswith(".xlsx") else "csv"


def write_new(ds: Dataset, path: str | os.PathLike, *, force: bool = False) -> None:
    """Write ``ds`` to ``path`` (see the module docstring).

    Raises
    ------
    UsageError
        When ``path`` exists (a file, or a folder that is not empty) and not ``force``.
    """
    from ..readwrite import write

    target = Path(path)
    if target.exists() and not force and (target.is_file() or any(target.iterdir())):
        raise UsageError(f"{path} already exists; use --force to replace it")
    write(ds, target, output_format(target), force=force)


def update_in_place(ds: Dataset, path: str | os.PathLike, tables: list[str]) -> None:
    """Write the ``tables`` of ``ds`` over the data set at ``path`` it was read from."""
    from ..readwrite import write
    from ..readwrite.csvdir import write_dir

    target = Path(path)
    if not target.is_dir():
        # The data set's own file, replaced whole (written aside, then renamed).
        from ..readwrite.xlsx import is_workbook

        write(ds, target, "xlsx" if is_workbook(target) else "json", force=True)
        return
    existing = {p.name.lower(): p for p in target.iterdir() if p.is_file()}
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target))
    try:
        write_dir(Dataset(tables={name: ds[name] for name in tables}, extras=ds.extras), tmp)
        for name in tables:
            filename = TABLES[name].filename
            os.replace(tmp / filename, existing.get(filename.lower(), target / filename))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
