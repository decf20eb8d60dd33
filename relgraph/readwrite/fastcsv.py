"""The fast path for CSV folders: pyarrow reads the files, every rule is checked a
whole column at a time.

:func:`read_typed_dir` returns the :class:`~relgraph.readwrite.columns.TypedTables`
of a folder that is *clean* (no problem at all) and *ordinary* (one physical line per
row, well-formed quoting, no character the exact reader treats specially), or None.
None means "let the exact reader decide": the caller then runs the row-by-row reader
and validator (:mod:`relgraph.readwrite.csvdir`, :mod:`relgraph.validate`), which
words every problem with its line. So problems are worded in one place only; this
module only has to be right when it says there is none, and it then returns exactly
the values the validator would have typed, and the same warnings.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..errors import Problem
from ..model import ID, NUMBER, REF, REFS, TABLES, TEXT, Column
from ..validate import RESERVED, _Bad, _converter, _find_cycles, problem_sort_key
from .columns import TypedTables, arange, arrow_type, reference_rows

__all__ = ["read_typed_dir", "WHITESPACE"]

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character ``str.strip()`` removes (``str.isspace``), for ``utf8_trim``."""

_BOM = b"\xef\xbb\xbf"
# Besides \n and \r, str.splitlines() (which the exact reader feeds to csv) breaks
# lines at these; NUL is left to the exact reader too.
_ODD_BYTES = (b"\x00", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")
_ODD_UTF8 = tuple(c.encode() for c in ("\x85", "\u2028", "\u2029"))
# A well-formed quoted field: starts a field, doubled quotes inside, ends a field.
_QUOTED = re.compile(rb'(?:^|(?<=,))"(?:[^"]|"")*"(?=,|\r?\n|$)', re.M)

_NULL_TEXT = pa.scalar(None, pa.string())


class _Unclean(Exception):
    """Something is wrong or unusual: the exact reader must look."""


def read_typed_dir(path: str | os.PathLike) -> TypedTables | None:
    """The typed tables of a clean, ordinary CSV folder, or None (see the module
    docstring).

    The files are read and typed in two threads (pyarrow works outside the GIL),
    each file's text dropped as soon as its table is typed.
    """
    folder = Path(path)
    files: dict[str, str] = {}
    for name, table in TABLES.items():
        file = folder / table.filename
        if file.is_file():
            files[name] = str(file)
        elif not table.optional:
            return None
    with ThreadPoolExecutor(max_workers=2) as pool:
        typed = dict(zip(files, pool.map(_read_typed, files, files.values())))
    if any(t is None for t in typed.values()):
        return None
    tables, extras = {}, {}
    for name in TABLES:
        tables[name], extras[name] = typed[name] if name in typed else (_empty_table(name), [])
    try:
        refs = _resolve(tables)
        _check_tables(tables, refs)
    except _Unclean:
        return None
    except (pa.ArrowException, ValueError, TypeError):  # arrow refused a value
        return None
    return TypedTables(tables, extras, _warnings(tables, refs, files), refs=refs)


def _read_typed(name: str, file: str) -> tuple[pa.Table, list[str]] | None:
    """One file's typed table and extra column names, or None."""
    read = _read_strings(Path(file))
    if read is None:
        return None
    try:
        return _typed_table(name, *read)
    except _Unclean:
        return None
    except (pa.ArrowException, ValueError, TypeError):
        return None


# --- reading ---------------------------------------------------------------------------


def _quotes_well_formed(data: bytes) -> bool:
    """True when every ``"`` belongs to a well-formed quoted field, where pyarrow and
    Python's csv module read the same value."""
    return sum(m.count(b'"') for m in _QUOTED.findall(data)) == data.count(b'"')


def _read_strings(file: Path) -> tuple[list[str], pa.Table] | None:
    """(header names, the cells as strings) of an ordinary CSV file, or None."""
    data = file.read_bytes()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if any(b in data for b in _ODD_BYTES):
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if any(b in data for b in _ODD_UTF8):
            return None
    cr = data.count(b"\r")
    if cr and cr != data.count(b"\r\n"):
        return None
    end = data.find(b"\n")
    header = (data if end < 0 else data[:end]).removesuffix(b"\r")
    if not header.strip() or b'"' in header:
        return None
    if b'"' in data and not _quotes_well_formed(data):
        return None
    names = [h.strip() for h in header.decode("utf-8").split(",")]
    if len(set(names)) != len(names):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    fields = [f"f{i}" for i in range(len(names))]
    if lines == 1:
        return names, pa.table({f: pa.array([], pa.string()) for f in fields})
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(column_names=fields, skip_rows=1, block_size=1 << 26, use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={f: pa.string() for f in fields},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows + 1 != lines:  # blank lines, or quoted line breaks
        return None
    return names, table


# --- typing one table ------------------------------------------------------------------


def _any(mask) -> bool:
    return pc.any(mask).as_py() is True


def _empty_table(name: str) -> pa.Table:
    cols = TABLES[name].columns
    return pa.table({c.name: pa.array([], arrow_type(c)) for c in cols})


def _typed_table(name: str, names: list[str], raw: pa.Table) -> tuple[pa.Table, list[str]]:
    table = TABLES[name]
    cells = {n: raw.column(i) for i, n in enumerate(names) if n}
    if any(c not in cells for c in table.required):
        raise _Unclean
    extras = [n for n in names if n and n not in table.by_name]
    if any(e in RESERVED for e in extras):
        raise _Unclean
    n = raw.num_rows
    arrays, out_names = [], []
    for col in table.columns:
        if col.name in cells:
            arrays.append(_typed_column(col, cells[col.name]))
        else:
            empty = pa.nulls(n, arrow_type(col) if col.type != NUMBER else pa.int64())
            arrays.append(empty if col.default is None else empty.fill_null(col.default))
        out_names.append(col.name)
    for e in extras:
        t = pc.utf8_trim(_values(cells[e]), characters=WHITESPACE)
        arrays.append(pc.if_else(pc.not_equal(t, ""), t, _NULL_TEXT))
        out_names.append(e)
    typed = pa.Table.from_arrays(arrays, names=out_names)
    key = table.key
    if key is not None and len(pc.unique(typed.column(key))) != n:
        raise _Unclean
    return typed, extras


def _typed_column(col: Column, cells: pa.ChunkedArray) -> pa.Array:
    """The typed values of one column, or :class:`_Unclean` when any cell would be
    a problem.

    Enums, levels, numbers, booleans and dates take few distinct values, so each
    distinct raw cell is typed by the validator's own converter
    (:func:`relgraph.validate._converter`) and the results spread back over the
    column: the exact rules, at the cost of one hash pass. Free text and ids are
    trimmed column-wise (``utf8_trim`` on :data:`WHITESPACE` is ``str.strip``).
    """
    cells = _values(cells)
    kind = col.type
    if kind in (TEXT, ID, REF):
        t = pc.utf8_trim(cells, characters=WHITESPACE)
        given = pc.not_equal(t, "")
        if col.required and _any(pc.invert(given)):
            raise _Unclean
        return pc.if_else(given, t, _NULL_TEXT)
    if kind == REFS:
        t = pc.utf8_trim(cells, characters=WHITESPACE)
        given = pc.not_equal(t, "")
        if col.required and _any(pc.invert(given)):
            raise _Unclean
        return _id_lists(pc.split_pattern(pc.if_else(given, t, _NULL_TEXT), ";"))
    encoded = pc.dictionary_encode(cells)
    convert = _converter(col)
    typed = []
    for raw in encoded.dictionary.to_pylist():
        try:
            v = convert(raw)
        except _Bad:
            raise _Unclean from None
        if v is None:
            if col.required:
                raise _Unclean
            v = col.default
        typed.append(v)
    if kind == NUMBER:
        whole = all(v is None or float(v).is_integer() for v in typed)
        values = pa.array([None if v is None else int(v) for v in typed] if whole else typed,
                          type=pa.int64() if whole else pa.float64())
    else:
        values = pa.array(typed, type=arrow_type(col))
    return pc.take(values, encoded.indices)


def _id_lists(lists: pa.ListArray) -> pa.ListArray:
    """``;``-split id lists with each id trimmed; an empty id is left to the exact
    reader (which drops it)."""
    values = pc.utf8_trim(lists.values, characters=WHITESPACE)
    if _any(pc.equal(values, "")):
        raise _Unclean
    return pa.ListArray.from_arrays(lists.offsets, values, mask=lists.is_null())


# --- rules across rows and tables --------------------------------------------------------


def _values(column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _resolve(tables: dict[str, pa.Table]) -> dict[tuple[str, str], pa.Array]:
    """:func:`~relgraph.readwrite.columns.reference_rows`, or :class:`_Unclean`
    when an id does not exist."""
    refs = reference_rows(tables)
    for (name, column), rows in refs.items():
        values = tables[name].column(column)
        if TABLES[name].by_name[column].type == REFS:
            values = pc.list_flatten(_values(values))
        if rows.null_count != values.null_count:
            raise _Unclean
    return refs


def _check_tables(tables: dict[str, pa.Table], refs: dict[tuple[str, str], pa.Array]) -> None:
    """Unit and contact accounts, self-links, cycles and periods (references were
    checked by :func:`_resolve`)."""
    unit_account = refs[("units", "account")]
    parent = refs[("units", "parent")]
    n_units = tables["units"].num_rows
    if n_units:
        if _any(pc.equal(parent, arange(n_units))):
            raise _Unclean
        if _any(pc.not_equal(pc.take(unit_account, parent), unit_account)):
            raise _Unclean
        if _any(pc.not_equal(pc.take(unit_account, refs[("contacts", "unit")]), refs[("contacts", "account")])):
            raise _Unclean
    source, target = refs[("links", "source")], refs[("links", "target")]
    if _any(pc.equal(source, target)):
        raise _Unclean
    reports = pc.equal(_values(tables["links"].column("kind")), "reports_to")
    if _has_cycle(pc.filter(source, reports), pc.filter(target, reports)):
        raise _Unclean
    with_parent = pc.is_valid(parent)
    units = arange(n_units)
    if _has_cycle(pc.filter(units, with_parent), pc.filter(parent, with_parent)):
        raise _Unclean
    for name in ("relationships", "links"):
        t = tables[name]
        if _any(pc.less_equal(t.column("until"), t.column("since"))):
            raise _Unclean


def _has_cycle(source: pa.Array, target: pa.Array) -> bool:
    """Whether the edges source -> target hold a cycle: edges into a node with no
    outgoing edge cannot be on one, so they are peeled off, layer by layer; when none
    can be, every remaining target leads on and there is a cycle."""
    source, target = source.cast(pa.int64()), target.cast(pa.int64())
    for _ in range(64):
        if len(source) == 0:
            return False
        leads_on = pc.is_in(target, value_set=pc.unique(source))
        if pc.all(leads_on).as_py():
            return True
        source, target = pc.filter(source, leads_on), pc.filter(target, leads_on)
    edges: dict[int, list[int]] = {}
    for s, t in zip(source.to_pylist(), target.to_pylist()):
        edges.setdefault(s, []).append(t)
    return bool(_find_cycles(edges))  # a very deep hierarchy: search what is left


# --- warnings --------------------------------------------------------------------------------


def _warnings(
    tables: dict[str, pa.Table], refs: dict[tuple[str, str], pa.Array], files: dict[str, str]
) -> list[Problem]:
    """The warnings of a clean folder (as :func:`relgraph.validate._collect_warnings`);
    each row is on line ``index + 2``."""
    out: list[Problem] = []

    def flag(name: str, mask: pa.Array, values, message: str) -> None:
        idx = pc.indices_nonzero(mask)
        for i, v in zip(idx.to_pylist(), pc.take(_values(values), idx).to_pylist()):
            out.append(Problem(files[name], i + 2, message.format(repr(v))))

    staff = tables["staff"]
    rel_staff = refs[("relationships", "staff")]
    active = _values(staff.column("active"))
    flag("relationships", pc.invert(pc.take(active, rel_staff)), tables["relationships"].column("staff"),
         "relationship of inactive staff member {}")

    def unreferenced(n: int, rows: pa.Array) -> pa.Array:
        return pc.invert(pc.is_in(arange(n), value_set=pc.unique(rows).cast(pa.int64())))

    contacts = tables["contacts"]
    flag("contacts", unreferenced(contacts.num_rows, refs[("relationships", "contact")]), contacts.column("id"),
         "contact {} has no relationship")
    flag("staff", unreferenced(staff.num_rows, refs[("team", "staff")]), staff.column("id"),
         "staff member {} is in no team")
    out.sort(key=problem_sort_key)
    return out
