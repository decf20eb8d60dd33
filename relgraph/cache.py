"""The load cache: a data set's validated typed tables kept between runs.

A *load cache entry* holds what :func:`relgraph.readwrite.load` made of a data set
(a CSV folder, a JSON file, a workbook) that has no problem: its typed tables
(:mod:`relgraph.tables`) as Arrow IPC files, which a later run maps into memory
instead of reading and validating the files again, with the data set's warnings
(a warm run lists the same ones) and the reference rows of its tables.

An entry is valid for exactly the files it was made from: it is keyed on the path
as given and as resolved, the folder's and every table file's size and
``mtime_ns`` (a file's absence counts too), a hash of the schema, and the size and
``mtime_ns`` of the modules that read and validate (a new version of relgraph, or an
edit to one of them, makes every entry stale). Any change to one of them makes
the entry stale; it is then replaced. Entries live in ``$XDG_CACHE_HOME/relgraph``
(default ``~/.cache/relgraph``), one folder per data set path, never beside the data.

The cache is only ever a shortcut: ``--no-cache`` or ``RELGRAPH_NO_CACHE=1`` turns it
off (nothing is read or written there); a cache folder that cannot be written, or an
entry that cannot be read, is passed over silently and the data set is read as usual.
"""

from __future__ import annotations

# The modules only a cache in use needs (hashlib, json, secrets, shutil: 10 ms of a
# run's start) are imported where it uses them: a run without it imports none.
import dataclasses
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from .tables import TypedTables

__all__ = ["cache_folder", "disable", "enable", "enabled", "fetch", "key_of", "store"]

FORMAT = 1
"""The layout of an entry; part of its key."""

_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))
"""A warning's fields, in order: the columns of an entry's ``warnings.arrow``."""

_OFF = {"disabled": False}
# The modules whose code decides what a load gives: an edit to one (a new rule)
# makes every entry stale, even at the same version number.
_CODE = ("model.py", "validate.py", "tables.py", "cache.py", "readwrite/fastcsv.py", "readwrite/csvdir.py",
         "readwrite/jsonfile.py", "readwrite/xlsx.py", "readwrite/cells.py", "readwrite/__init__.py")


def disable() -> None:
    """Turn the cache off (``--no-cache``), until :func:`enable`."""
    _OFF["disabled"] = True


def enable() -> None:
    _OFF["disabled"] = False


def enabled() -> bool:
    """Whether loads may use the cache: not turned off by :func:`disable` or by
    ``RELGRAPH_NO_CACHE`` set to anything but empty or ``0``."""
    return not _OFF["disabled"] and os.environ.get("RELGRAPH_NO_CACHE", "") in ("", "0")


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/relgraph`` (an absolute ``XDG_CACHE_HOME`` only, as the XDG
    specification says), else ``~/.cache/relgraph``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "relgraph"


SETTLED_NS = 2_000_000_000
"""A data set some file of which changed less than this long (2 s) before it is read
is not kept: a file system's clock ticks coarsely (ext4: a few milliseconds), so
that a change made in the same tick as the read, keeping the size, would leave the
key unchanged (git's "racy clean" entries)."""


def _stat(path: Path) -> list:
    try:
        st = os.stat(path)
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


def _files_read(path: str) -> list[Path]:
    """The files a load of ``path`` reads (a folder: itself, for files appearing or
    going, and each table's file, present or not)."""
    p = Path(path)
    if not p.is_dir():
        return [p]
    from .readwrite.csvdir import table_files

    return [p, *(file for file, _ in table_files(p).values())]


def _key(path: str) -> tuple[str, dict, bool]:
    """(the folder name of ``path``'s entry, the key its contents must match, whether
    its files are settled: none changed in the last :data:`SETTLED_NS`)."""
    import hashlib
    import json

    from .model import TABLES

    resolved = os.path.realpath(path)
    here = Path(__file__).parent
    schema = hashlib.sha256(repr(sorted((n, repr(t)) for n, t in TABLES.items())).encode()).hexdigest()
    key = {
        "format": FORMAT,
        "schema": schema,
        "code": [_stat(here / m)[1:] for m in _CODE],
        "path": path,
        "resolved": resolved,
        "files": [_stat(f) for f in _files_read(path)],
    }
    name = hashlib.sha256(json.dumps([path, resolved]).encode()).hexdigest()[:32]
    settled = all(f[-1] is None or f[-1] < time.time_ns() - SETTLED_NS for f in key["files"])
    return name, key, settled


def key_of(path: str | os.PathLike) -> tuple[str, dict, bool] | None:
    """The entry name and key of a data set, taken before it is read (so that a file
    changed while it is read leaves a key that no longer matches); None when the
    cache is off."""
    if not enabled():
        return None
    try:
        return _key(str(path))
    except OSError:
        return None


def fetch(key: tuple[str, dict, bool] | None) -> TypedTables | None:
    """The typed tables of a valid entry, or None (no entry, a stale one, or one
    that cannot be read)."""
    if key is None:
        return None
    import json

    folder = cache_folder() / key[0]
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key[1]:
            return None
        return _typed(folder, meta)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _typed(folder: Path, meta: dict) -> TypedTables:
    import pyarrow as pa

    from .tables import TypedTables

    def mapped(name: str) -> pa.Table:
        with pa.memory_map(str(folder / f"{name}.arrow")) as source:
            return pa.ipc.open_file(source).read_all()

    tables = {name: mapped(name) for name in meta["tables"]}
    refs = None
    if meta["refs"] is not None:
        batches = mapped("refs").column("rows").chunks
        refs = {tuple(k): rows for k, rows in zip(meta["refs"], batches, strict=True)}
    columns = mapped("warnings").to_pydict()
    warnings = [Problem(*row) for row in zip(*(columns[f] for f in _PROBLEM_FIELDS))]
    return TypedTables(tables, {n: list(x) for n, x in meta["extras"].items()}, warnings, refs=refs)


def store(key: tuple[str, dict, bool] | None, typed: TypedTables) -> None:
    """Keep ``typed`` as the entry of ``key``, replacing a stale one; nothing when
    the files are not settled (:data:`SETTLED_NS`), silently nothing when the cache
    folder cannot be written."""
    if key is None or not key[2]:
        return
    import secrets
    import shutil

    root = cache_folder()
    folder = root / key[0]
    tmp = root / f".{key[0]}.new-{secrets.token_hex(4)}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        _write(tmp, key[1], typed)
        if folder.exists():
            old = root / f".{key[0]}.old-{secrets.token_hex(4)}"
            os.rename(folder, old)  # a reader mapping the old files keeps them
            shutil.rmtree(old, ignore_errors=True)
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def _write(folder: Path, key: dict, typed: TypedTables) -> None:
    import json

    import pyarrow as pa

    from . import arrowcompute as pc

    def write(name: str, table: pa.Table) -> None:
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)

    for name, table in typed.tables.items():
        write(name, table)
    refs = typed.refs
    if refs is not None:
        schema = pa.schema([("rows", pa.int32())])
        with pa.OSFile(str(folder / "refs.arrow"), "wb") as sink, pa.ipc.new_file(sink, schema) as w:
            for rows in refs.values():
                w.write_batch(pa.record_batch([pc.cast(rows, pa.int32())], schema=schema))
    warnings = typed.warnings
    write("warnings", pa.table({
        f: pa.array([getattr(w, f) for w in warnings], type=pa.int64() if f in ("line", "index") else pa.string())
        for f in _PROBLEM_FIELDS
    }))
    meta = {
        "key": key,
        "tables": list(typed.tables),
        "extras": typed.extras,
        "refs": None if refs is None else [list(k) for k in refs],
    }
    # Written last: an entry without it is no entry.
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

