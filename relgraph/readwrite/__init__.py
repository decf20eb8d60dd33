"""Reading and writing data sets: a CSV folder, one JSON file, GraphML (write only).

``read`` validates: it returns a typed :class:`~relgraph.model.Dataset` or raises
:class:`~relgraph.errors.InvalidData` listing every problem.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InvalidData, Problem, UsageError
from ..model import Dataset
from ..validate import RawData, validate

__all__ = ["read", "check", "write", "read_raw"]


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


def check(path: str | os.PathLike) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of a data set (see :mod:`relgraph.validate`)."""
    _, problems, warnings = validate(read_raw(path))
    return problems, warnings


def read(path: str | os.PathLike) -> Dataset:
    """Read and validate a data folder or JSON file.

    Raises
    ------
    InvalidData
        Listing every problem; nothing is returned when there is one.
    """
    ds, problems, warnings = validate(read_raw(path))
    if problems:
        raise InvalidData(problems, warnings)
    ds.warnings = warnings
    return ds


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
