"""Reading and writing data sets: a CSV folder, one JSON file, an Excel workbook,
GraphML (write only).

``read`` validates: it returns a typed :class:`~relgraph.model.Dataset` or raises
:class:`~relgraph.errors.InvalidData` listing every problem.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from typing import TYPE_CHECKING, Any

from ..errors import InvalidData, Problem, UsageError
from ..model import Dataset
from ..validate import RawData, validate, validate_tables

if TYPE_CHECKING:
    from .columns import TypedTables

__all__ = ["read", "check", "load", "write", "read_raw"]


DATA_KINDS = (
    "DATA is a data folder (of CSV files), a JSON file, an .xlsx workbook or a Neo4j URI "
    "(neo4j://, neo4j+s://, bolt://, bolt+s://)"
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def wrong_kind_of_data(data: str) -> str | None:
    """Why DATA names no data set relgraph reads (a single CSV file, a GraphML file,
    a URL of another scheme), in words that say what DATA may be; None otherwise.
    (A Neo4j URI never comes here: :func:`relgraph.stores.open_store` takes it.)"""
    from ..model import TABLES

    scheme = _SCHEME.match(data)
    if scheme:
        return f"{data}: relgraph does not read {scheme.group(1)}:// addresses; {DATA_KINDS}"
    p = Path(data)
    if not p.is_file():
        return None
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        tables = {t.filename for t in TABLES.values()}
        if p.name.lower() in tables:
            return f"{data} is one table of a data set: pass the folder ({p.parent}); {DATA_KINDS}"
        return f"{data} is a single CSV file; {DATA_KINDS}"
    if suffix == ".graphml" or _starts_graphml(p):
        return f"{data} is a GraphML file, which relgraph writes (export) but does not read; {DATA_KINDS}"
    return None


def _starts_graphml(p: Path) -> bool:
    try:
        with open(p, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return head.lstrip().startswith(b"<") and b"<graphml" in head


def read_raw(path: str | os.PathLike) -> RawData:
    """The raw tables of a data folder or JSON file, unvalidated.

    Raises
    ------
    UsageError
        When ``path`` names something else (:func:`wrong_kind_of_data`).
    """
    wrong = wrong_kind_of_data(str(path))
    if wrong is not None:
        raise UsageError(wrong)
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
    from .csvdir import table_file_problem

    raw = RawData()
    problem = table_file_problem(p, str(path), "a folder or JSON file")
    raw.problems.append(problem or Problem(str(path), 1, "no such folder or JSON file"))
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

    from ..memory import trim_freed_memory

    tables, extras, origins, codes = read
    # The files' text, the untyped cells and the rules' temporaries are gone: give
    # their memory back, so that what follows starts lower. Not between the read
    # and the rules: the rules' look-ups reuse what the read freed (5,000-8,000
    # fewer pages faulted in on the 300-account portfolio, 19,000 on the 600-account
    # one), and the peak comes after them.
    verdict = check_tables(tables, origins)
    trim_freed_memory()
    return TypedTables(tables, extras, verdict.warnings, refs=verdict.refs, codes=codes), verdict.problems


def _exact(path: str | os.PathLike) -> tuple[Dataset, TypedTables]:
    """Read and validate row by row: every problem, worded, with its line."""
    from ..rows import paused_gc

    with paused_gc():
        ds, typed, problems, warnings = validate_tables(read_raw(path))
    if problems:
        raise InvalidData(problems, warnings)
    ds.warnings = warnings
    return ds, typed


def _cached(path: str | os.PathLike) -> tuple[Any, TypedTables | None]:
    """The load cache's key of ``path`` and its entry there (None when there is none
    or the cache is off). The key is taken before the files are read: a file changed
    meanwhile leaves a key that no longer matches."""
    from .. import cache

    key = cache.key_of(path)
    return key, cache.fetch(key)


def check(path: str | os.PathLike) -> tuple[list[Problem], list[Problem]]:
    """Every problem and warning of a data set (see :mod:`relgraph.validate`)."""
    from .. import cache

    key, typed = _cached(path)
    if typed is not None:
        return [], list(typed.warnings)
    fast = _fast(path)
    if fast is not None:
        if not fast[1]:
            cache.store(key, fast[0])
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

    A data set without problems is kept in the load cache (:mod:`relgraph.cache`),
    from which a later load of the same, unchanged files takes it.

    Raises
    ------
    InvalidData
        Listing every problem.
    """
    from .. import cache

    key, typed = _cached(path)
    if typed is not None:
        return typed
    fast = _fast(path)
    typed = _checked(fast) if fast is not None else _exact(path)[1]
    cache.store(key, typed)
    return typed


def write(ds: Dataset, path: str | os.PathLike, fmt: str, *, force: bool = False, bom: bool = False) -> None:
    """Write a data set as ``json`` (one file), ``csv`` (a folder), ``xlsx`` (an Excel
    workbook) or ``graphml``; ``bom``: CSV files start with the UTF-8 byte order
    mark, by which Excel knows them for UTF-8 ("Björn", not "BjÃ¶rn").

    The output appears whole or not at all, with the permissions the umask gives:
    it is written beside ``path`` (a file through an unnamed temporary file, linked
    in when complete; a folder under a hidden name, renamed in). An existing file,
    or a folder that is not empty, is replaced only with ``force``; a folder by
    renaming the old one aside, the new one in, then deleting the old one, so that
    an export killed half way leaves one of the two whole. A FIFO, a device or a
    symbolic link at ``path`` is never replaced.

    Raises
    ------
    UsageError
        When ``path`` may not be written (exit status 2).
    """
    if fmt not in ("json", "csv", "xlsx", "graphml"):
        raise UsageError(f"unknown export format {fmt!r} (json, csv, xlsx, graphml)")
    # Absolute: "." has no name to write beside (and cannot be renamed as ".").
    target = Path(os.path.abspath(path))
    st = _lstat(target)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise UsageError(f"{path} is a symbolic link; give the path of the file or folder itself")
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        what = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        raise UsageError(f"{path} is {what}, not a file; give another path")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path} exists and is not a folder")
        if st is not None and any(target.iterdir()) and not force:
            raise UsageError(f"{path} is not empty; use --force to replace it")
        from .csvdir import write_dir

        _write_folder(lambda tmp: write_dir(ds, tmp, bom=bom), target, replace=st is not None)
        return
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{path} is a folder; give a file name")
    if st is not None and not force:
        raise UsageError(f"{path} exists; use --force to replace it")
    if fmt == "json":
        from .jsonfile import dump_json

        _write_file(lambda f: dump_json(ds, f), target)
    elif fmt == "xlsx":
        from .xlsx import write_xlsx

        _write_file(lambda f: write_xlsx(ds, f), target)
    else:
        from .graphml import write_graphml

        _write_file(lambda f: write_graphml(ds, f), target)


def file_mode() -> int:
    """The permissions a new file gets from the user's umask (``0o666`` less it), for
    a file made by :func:`tempfile.mkstemp`, which makes it ``0o600`` whatever the
    umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no other way to read it: set and restore at once
    os.umask(mask)
    return 0o666 & ~mask


_PAGE_POLICY = b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"


def is_relgraph_page(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds an HTML page relgraph wrote (a map or a report): its
    opening is the pages' own, a Content-Security-Policy that allows no source."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith(b"<!DOCTYPE html>") and _PAGE_POLICY in head


def refuse_overwrite(path: str | os.PathLike, force: bool, *, ours: Callable[[Path], bool] | None = None) -> None:
    """Refuse to write over an existing ``path`` without ``force`` (SPEC, "Writing"),
    unless ``ours(path)`` says it is an earlier output of the same command (a map
    written again is brought up to date, not a user's file replaced).

    Raises
    ------
    UsageError
        When ``path`` exists and may not be replaced.
    """
    p = Path(path)
    if force or not os.path.lexists(p):
        return
    if p.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if ours is not None and p.is_file() and not p.is_symlink() and ours(p):
        return
    raise UsageError(f"{path} exists; use --force to replace it")


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _aside(target: Path, what: str) -> Path:
    """A fresh hidden name beside ``target``."""
    import secrets

    return target.with_name(f".{target.name}.{what}-{secrets.token_hex(4)}")


def _write_folder(fill, target: Path, *, replace: bool) -> None:
    """Fill a new folder and put it at ``target`` (see :func:`write`)."""
    import shutil

    tmp = _aside(target, "new")
    os.mkdir(tmp, 0o777)  # less the umask, as any folder the user makes
    try:
        fill(tmp)
        if replace:
            old = _aside(target, "old")
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except BaseException:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_file(fill, target: Path) -> None:
    """Write a file through ``fill(binary file)`` and put it at ``target`` whole.

    It is written to an unnamed file (``O_TMPFILE``), which the system removes if
    the process dies, then linked in. Where the file system has no unnamed files,
    a hidden temporary name is used and removed on any error.
    """
    fd = None
    if os.path.isdir("/proc/self/fd"):  # how an unnamed file is given a name
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o666)
        except (AttributeError, OSError):  # not Linux, or not this file system
            pass
    if fd is None:
        tmp = _aside(target, "new")
        try:
            with open(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666), "wb") as f:
                fill(f)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return
    with open(fd, "wb") as f:
        fill(f)
        f.flush()
        _link_in(fd, target)


def _link_in(fd: int, target: Path) -> None:
    """Give the unnamed file ``fd`` the name ``target`` (replacing a file there)."""
    unnamed = f"/proc/self/fd/{fd}"
    # linkat with AT_SYMLINK_FOLLOW, which os.link uses only given a directory fd.
    folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            os.link(unnamed, target.name, dst_dir_fd=folder, follow_symlinks=True)
            return
        except FileExistsError:  # replacing (--force): link beside, rename over
            pass
        tmp = _aside(target, "new")
        os.link(unnamed, tmp.name, dst_dir_fd=folder, follow_symlinks=True)
        try:
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    finally:
        os.close(folder)
