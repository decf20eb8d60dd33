"""Reading and writing data sets: a CSV folder, one JSON file, GraphML (write only).

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
from ..validate import RawData, validate, validate_tables

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
        from .jsonfile import read_raw_json

        return read_raw_json(p)
    raw = RawData()
    raw.problems.append(Problem(str(path), 1, "no such folder or JSON file"))
    return raw


def _fast(path: str | os.PathLike) -> tuple[TypedTables, list[Problem]] | None:
    """A CSV folder whose cells are all good, typed column-wise
    (:mod:`relgraph.readwrite.fastcsv`) and checked by the rules
    (:func:`relgraph.validate.check_tables`): its typed tables and problems. None
    for anything else, left to the exact reader."""
    if not Path(path).is_dir():
        return None
    from .fastcsv import read_typed_dir

    read = read_typed_dir(path)
    if read is None:
        return None
    from ..validate import check_tables
    from .columns import TypedTables

    tables, extras, origins = read
    verdict = check_tables(tables, origins)
    return TypedTables(tables, extras, verdict.warnings, refs=verdict.refs), verdict.problems


def _exact(path: str | os.PathLike) -> tuple[Dataset, TypedTables]:
    """Read and validate row by row: every problem, worded, with its line."""
    from ..rows import paused_gc

    with paused_gc():
        ds, typed, problems, warnings = validate_tables(read_raw(path))
    if problems:
        raise InvalidData(problems, warnings)
    ds.warnings = warnings
    return ds, typed


def check(path: str | os.PathLike) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of a data set (see :mod:`relgraph.validate`)."""
    fast = _fast(path)
    if fast is not None:
        return fast[1], list(fast[0].warnings)
    _, problems, warnings = validate(read_raw(path))
    return problems, warnings


def _checked(fast: tuple[TypedTables, list[Problem]]) -> TypedTables:
    typed, problems = fast
    if problems:
        raise InvalidData(problems, typed.warnings)
    return typed


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

        typed = _checked(fast)
        with paused_gc():
            return typed.to_dataset()
    return _exact(path)[0]


def load(path: str | os.PathLike) -> TypedTables:
    """Read and validate a data folder or JSON file into typed columns
    (:class:`~relgraph.readwrite.columns.TypedTables`), the form the file store
    keeps: :func:`read` without making a dict per row.

    A CSV folder whose cells are all good is read and typed a column at a time
    (pyarrow); anything else goes through the exact row-by-row reader. The same
    rules (:func:`relgraph.validate.check_tables`) then check the typed tables, so
    the problems and their lines are the same either way.

    Raises
    ------
    InvalidData
        Listing every problem.
    """
    fast = _fast(path)
    if fast is not None:
        return _checked(fast)
    return _exact(path)[1]


def write(ds: Dataset, path: str | os.PathLike, fmt: str, *, force: bool = False) -> None:
    """Write a data set as ``json`` (one file), ``csv`` (a folder) or ``graphml``.

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
        else:
            raise UsageError(f"unknown export format {fmt!r} (json, csv, graphml)")
        os.replace(tmpname, target)
    except BaseException:
        if os.path.exists(tmpname):
            os.unlink(tmpname)
        raise
