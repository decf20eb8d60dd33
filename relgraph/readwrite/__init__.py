"""Reading and writing data sets: a CSV folder, one JSON file, an Excel workbook,
GraphML (write only).

``read`` validates: it returns a typed :class:`~relgraph.model.Dataset` or raises
:class:`~relgraph.errors.InvalidData` listing every problem.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from typing import TYPE_CHECKING

from ..errors import InvalidData, Problem, UsageError
from ..model import Dataset
from ..validate import RawData, validate

if TYPE_CHECKING:
    from .columns import TypedTables

__all__ = ["read", "check", "load", "write", "read_raw"]


def read_raw(path: str | os.PathLike) -> RawData:
    """The raw tables of a data folder or JSON file, unvalidated."""
    p = Path(path)
    if p.is_dir():
        from .csvdir import read_raw_dir

        return read_raw_dir(p)
    if p.is_file():
        from .xlsx import is_workbook, read_raw_xlsx  # Excel workbooks

        if is_workbook(p):
            return read_raw_xlsx(p)
        from .jsonfile import read_raw_json

        return read_raw_json(p)
    raw = RawData()
    raw.problems.append(Problem(str(path), 1, "no such folder or JSON file"))
    return raw


def _fast(path: str | os.PathLike) -> TypedTables | None:
    """The typed tables of a clean, ordinary CSV folder, read column-wise
    (:mod:`relgraph.readwrite.fastcsv`); None for anything else."""
    if not Path(path).is_dir():
        return None
    from .fastcsv import read_typed_dir

    return read_typed_dir(path)


def _exact(path: str | os.PathLike) -> Dataset:
    """Read and validate row by row: every problem, worded, with its line."""
    from ..rows import paused_gc

    with paused_gc():
        ds, problems, warnings = validate(read_raw(path))
    if problems:
        raise InvalidData(problems, warnings)
    ds.warnings = warnings
    return ds


def check(path: str | os.PathLike) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of a data set (see :mod:`relgraph.validate`)."""
    fast = _fast(path)
    if fast is not None:
        return [], list(fast.warnings)
    _, problems, warnings = validate(read_raw(path))
    return problems, warnings


def read(path: str | os.PathLike) -> Dataset:
    """Read and validate a data folder or JSON file.

    Raises
    ------
    InvalidData
        Listing every problem; nothing is returned when there is one.
    """
    fast = _fast(path)
    if fast is not None:
        from ..rows import paused_gc

        with paused_gc():
            return fast.to_dataset()
    return _exact(path)


def load(path: str | os.PathLike) -> TypedTables:
    """Read and validate a data folder or JSON file into typed columns
    (:class:`~relgraph.readwrite.columns.TypedTables`), the form the file store
    keeps: :func:`read` without making a dict per row.

    A clean CSV folder is read and checked a column at a time (pyarrow); anything
    else, and every folder with a problem, goes through the exact row-by-row reader
    and validator, so the problems and their lines are the same either way.

    Raises
    ------
    InvalidData
        Listing every problem.
    """
    fast = _fast(path)
    if fast is not None:
        return fast
    ds = _exact(path)
    from ..rows import paused_gc
    from .columns import TypedTables

    with paused_gc():
        return TypedTables.from_dataset(ds)


def write(ds: Dataset, path: str | os.PathLike, fmt: str, *, force: bool = False) -> None:
    """Write a data set as ``json`` (one file), ``csv`` (a folder), ``xlsx`` (an Excel
    workbook) or ``graphml``.

    The output appears whole or not at all: it is written beside ``path`` under a
    temporary name and renamed into place. An existing folder that is not empty is
    replaced only with ``force``.
    """
    target = Path(path)
    if fmt == "csv":
        if target.exists() and not target.is_dir():
            raise UsageError(f"{path} exists and is not a folder")
        if target.is_dir() and any(target.iterdir()) and not force:
            raise UsageError(f"{path} is not empty; use --force to replace it")
        parent = target.parent if str(target.parent) else Path(".")
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            from .csvdir import write_dir

            write_dir(ds, tmp)
            if target.exists():
                shutil.rmtree(target)
            tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return
    if target.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if fmt == "xlsx" and target.exists() and not force:  # Excel: never over a file
        raise UsageError(f"{path} exists; use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmpname = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        if fmt == "json":
            from .jsonfile import write_json

            write_json(ds, tmpname)
        elif fmt == "graphml":
            from .graphml import write_graphml

            write_graphml(ds, tmpname)
        elif fmt == "xlsx":
            from .xlsx import write_xlsx

            write_xlsx(ds, tmpname)
        else:
            raise UsageError(f"unknown export format {fmt!r} (json, csv, xlsx, graphml)")
        os.replace(tmpname, target)
    except BaseException:
        if os.path.exists(tmpname):
            os.unlink(tmpname)
        raise
