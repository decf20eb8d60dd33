"""The fast path for CSV folders: pyarrow reads the files and types the cells a
whole column at a time.

:func:`read_typed_dir` returns the typed tables of a folder whose cells are all
good and which is *ordinary* (one physical line per row, well-formed quoting, no
character the exact reader treats specially), or None. None means "let the exact
reader decide": the caller then runs the row-by-row reader
(:mod:`relgraph.readwrite.csvdir`), which words every problem of a cell with its
line. The rules across rows and tables are not here: they are
:func:`relgraph.validate.check_tables`, run on the tables of either reader.
"""

from __future__ import annotations

import mmap
import os
import re
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from .. import arrowcompute as pc
from ..model import DATE, ID, NUMBER, REF, REFS, TABLES, TEXT, Column
from ..validate import RESERVED, UNSET_WARNED, Origin, _Bad, _converter, canonical_columns
from .columns import CODED, arange, arrow_type, bools, int32s, one_array, text_buffers

__all__ = ["read_typed_dir", "WHITESPACE"]

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character ``str.strip()`` removes (``str.isspace``), for ``utf8_trim``."""


def _edge_bytes(position: int) -> np.ndarray:
    """Which bytes begin (``position`` 0) or end (-1) the UTF-8 of a character of
    :data:`WHITESPACE`, as a look-up table by byte."""
    table = np.zeros(256, dtype=bool)
    table[[c.encode()[position] for c in WHITESPACE]] = True
    return table


_STARTS_SPACE, _ENDS_SPACE = _edge_bytes(0), _edge_bytes(-1)

_BOM = b"\xef\xbb\xbf"
# NUL is left to the exact reader.
_ODD_BYTES = (b"\x00",)


def _quoted(sep: bytes) -> re.Pattern:
    """A well-formed quoted field: starts a field, doubled quotes inside, ends a field."""
    s = re.escape(sep)
    return re.compile(rb'(?:^|(?<=' + s + rb'))"(?:[^"]|"")*"(?=' + s + rb'|\r?\n|$)', re.M)


_QUOTED = {sep: _quoted(sep.encode()) for sep in (",", ";", "\t")}

_NULL_TEXT = pa.scalar(None, pa.string())

_BLOCK = 1 << 20
"""The bytes of text the CSV parser reads at a time. Blocks that fit the caches
are read and typed in a fifth less CPU time than one block per file (64 MB) on
the 300-account portfolio's files, with a quarter fewer pages faulted in; the chunks are
joined column by column as each is typed (one chunk per column, as the rules
and the frame expect), each raw column dropped once typed."""


class _Unclean(Exception):
    """Something is wrong or unusual: the exact reader must look."""


def read_typed_dir(
    path: str | os.PathLike,
) -> tuple[dict[str, pa.Table], dict[str, list[str]], dict[str, Origin], dict[tuple[str, str], tuple]] | None:
    """``(tables, extras, origins, codes)`` of an ordinary CSV folder whose cells
    are all good, or None (see the module docstring); ready for
    :func:`relgraph.validate.check_tables`. ``codes``: the coding of the columns of
    :data:`relgraph.tables.CODED` typed by their distinct cells
    (:attr:`relgraph.tables.TypedTables.codes`).

    The files are read and typed in two threads, a column at a time
    (:class:`_Reading`).
    """
    from .csvdir import table_files

    folder = Path(path)
    files: dict[str, str] = {}
    found = table_files(folder)
    for name, table in TABLES.items():
        file, clash = found[name]
        if clash is not None:
            return None
        if file.is_file():
            files[name] = str(file)
        elif not table.optional or os.path.lexists(file):  # missing, or not a file
            return None
    largest = sorted(files, key=lambda name: -_size(files[name]))
    reading = _Reading({name: files[name] for name in largest})
    typed = reading.run()
    if typed is None:
        return None
    tables, extras, origins = {}, {}, {}
    for name, table in TABLES.items():
        tables[name], extras[name], unset = typed[name] if name in typed else (_empty_table(name), [], {})
        origins[name] = Origin(name, files.get(name, str(folder / table.filename)), unset=unset)
    return tables, extras, origins, reading.codes


def _size(file: str) -> int:
    try:
        return os.path.getsize(file)
    except OSError:  # gone meanwhile: its read says so
        return 0


_UNCLEAN = (_Unclean, OSError, pa.ArrowException, ValueError, TypeError)
"""What reading or typing a file raises when the exact reader must look (at a
file unreadable, too: it says why)."""


class _Reading:
    """The files of a folder read and typed by two threads (pyarrow works outside
    the GIL), a column at a time: a thread that is free types a column of a file
    read (by either thread) before it reads the next file, the largest first. The
    two then end together, whatever the files' sizes, and at most two files' raw
    cells are held at once; each file's text is dropped as soon as its cells are
    read, each raw column as soon as it is typed.

    :meth:`run` gives each file's typed table, extra column names and
    :attr:`Origin.unset`, or None when a file is unreadable or the exact reader
    must look at it (the other files are then left unread)."""

    def __init__(self, files: dict[str, str]):
        self._files = list(files.items())  # (table name, file), to read in this order
        self._columns: list[tuple[str, str, Column | None, pa.ChunkedArray]] = []  # to type
        self._cols: dict[str, dict[str, pa.Array]] = {}  # each file's typed columns by name
        self._shape: dict[str, tuple[list[str], list[str], dict]] = {}  # its column names, extras, unset
        self._done: dict[str, tuple[pa.Table, list[str], dict[str, list[int] | None]]] = {}
        self._dates: dict[str, object] = {}  # the date of each raw date cell typed (_typed_column)
        self.codes: dict[tuple[str, str], tuple[np.ndarray, list]] = {}  # of the columns of CODED typed
        self._busy = 0
        self._failed = False
        self._error: BaseException | None = None
        self._turn = threading.Condition()

    def run(self) -> dict[str, tuple[pa.Table, list[str], dict[str, list[int] | None]]] | None:
        workers = [threading.Thread(target=self._work, name=f"relgraph-read-{i}") for i in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        if self._error is not None:
            raise self._error
        return None if self._failed else self._done

    def _work(self) -> None:
        while True:
            with self._turn:
                # (no task, and one is busy: the columns of a file being read may come)
                while not (self._failed or self._columns or self._files) and self._busy:
                    self._turn.wait()
                if self._failed or not (self._columns or self._files):
                    return
                task = self._columns.pop(0) if self._columns else self._files.pop(0)
                self._busy += 1
            try:
                if len(task) == 2:
                    self._read(*task)
                else:
                    self._type(*task)
            except BaseException as e:
                with self._turn:
                    self._failed = True
                    if not isinstance(e, _UNCLEAN):  # a bug: raised as it is
                        self._error = e
            finally:
                with self._turn:
                    self._busy -= 1
                    self._turn.notify_all()

    def _read(self, name: str, file: str) -> None:
        """Read one file's cells; its columns are then to type (:class:`_Unclean`
        when the exact reader must look at it)."""
        read = _read_strings(name, Path(file))
        if read is None or read[1] is None:
            raise _Unclean
        names, raw = read
        n = raw.num_rows
        # Only the columns to type hold the raw columns: each is dropped once typed.
        cells = {c: raw.column(i) for i, c in enumerate(names) if c}
        del read, raw
        table = TABLES[name]
        if any(c not in cells for c in table.required):
            raise _Unclean
        extras = [c for c in names if c and c not in table.by_name]
        if any(e in RESERVED for e in extras):
            raise _Unclean
        unset = {
            c: None if c not in cells else _empty_rows(cells[c]).to_pylist() for c in UNSET_WARNED.get(name, ())
        }
        typed = {col.name: _absent(col, n) for col in table.columns if col.name not in cells}
        todo = [(name, col.name, col, cells.pop(col.name)) for col in table.columns if col.name in cells]
        todo += [(name, e, None, cells.pop(e)) for e in extras]
        with self._turn:
            self._cols[name] = typed
            self._shape[name] = ([col.name for col in table.columns] + extras, extras, unset)
            self._columns.extend(todo)
            self._table_when_typed(name)

    def _type(self, name: str, column: str, col: Column | None, cells: pa.ChunkedArray) -> None:
        """Type one raw column (``col`` None: an extra column, kept as text)."""
        if col is None:
            typed, coding = _given_text(cells), None
        else:
            typed, coding = _typed_column(col, cells, self._dates, coded=(name, column) in CODED)
        del cells
        with self._turn:
            self._cols[name][column] = typed
            if coding is not None:
                self.codes[name, column] = coding
            self._table_when_typed(name)

    def _table_when_typed(self, name: str) -> None:
        """The typed table of a file, once its columns are all typed."""
        if len(self._cols[name]) < len(self._shape[name][0]):
            return
        names, extras, unset = self._shape.pop(name)
        cols = self._cols.pop(name)
        self._done[name] = pa.Table.from_arrays([cols[c] for c in names], names=names), extras, unset


# --- reading ---------------------------------------------------------------------------


def _quotes_well_formed(data: bytes, sep: str) -> bool:
    """True when every ``"`` belongs to a well-formed quoted field, where pyarrow and
    Python's csv module read the same value."""
    return sum(m.count(b'"') for m in _QUOTED[sep].findall(data)) == data.count(b'"')


def _text_of(file: Path) -> tuple[bytes | mmap.mmap, bool]:
    """The bytes of a file, and whether they are *plain*: ASCII, with no NUL, carriage
    return or quote (nor so a byte order mark), as most files relgraph writes or
    generates are. A file of :data:`_MAP_FROM` bytes or more is mapped (its pages are
    the page cache's, read in place), and kept so where it is plain; the others are
    read (the checks of :func:`_read_strings` then look at them as bytes).

    Read, the 53 MB of the 300-account portfolio's files were 13,000 pages faulted in
    afresh and a copy, 0.03 s of the two reader threads' 0.35 s; mapped, 800 page
    faults (the kernel maps a file's pages 16 at a time) and no copy. A file cut
    short by another program while it is mapped ends the process (SIGBUS), where
    read it would have been read short or whole: relgraph then writes nothing, as
    for any failed command."""
    with open(file, "rb") as f:
        if os.fstat(f.fileno()).st_size >= _MAP_FROM:
            try:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # (not a file that maps: read)
                pass
            else:
                if _plain(mapped):
                    return mapped, True
                mapped.close()
        return f.read(), False


_MAP_FROM = 1 << 20
"""The least size of a file that :func:`_text_of` maps (a small file is read at once)."""


def _plain(data: mmap.mmap) -> bool:
    """Whether mapped bytes are plain (see :func:`_text_of`): ASCII (their 8-byte
    words ORed together have no top bit: a pass, a twentieth of a copy's time) with
    no NUL, carriage return or quote."""
    if any(data.find(b) >= 0 for b in (*_ODD_BYTES, b"\r", b'"')):
        return False
    view = np.frombuffer(data, dtype=np.uint8)
    whole = len(view) // 8 * 8
    high = np.bitwise_or.reduce(view[:whole].view(np.uint64)) if whole else np.uint64(0)
    return not (int(high) & 0x8080808080808080) and int(view[whole:].max(initial=0)) < 128


def _read_strings(name: str, file: Path) -> tuple[list[str], pa.Table] | None:
    """(header names, the cells as strings) of an ordinary CSV file, or None.

    Rows whose cells are all empty are skipped, as the exact reader does, when they
    end the file (Excel's trailing ``,,,,,,`` rows: the lines of the rows above
    stay one per row); elsewhere they are left to the exact reader."""
    data, plain = _text_of(file)
    if not plain:
        if data.startswith(_BOM):
            data = data[len(_BOM) :]
        if any(b in data for b in _ODD_BYTES):
            return None
        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return None
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):  # a lone carriage return
            return None
    end = data.find(b"\n")
    header = data[: len(data) if end < 0 else end].removesuffix(b"\r")
    if not header.strip() or b'"' in header:
        return None
    from .csvdir import separator

    sep = separator(header.decode("utf-8"))
    quoted = not plain and b'"' in data
    if quoted and not _quotes_well_formed(data, sep):
        return None
    names = canonical_columns(name, header.decode("utf-8").split(sep))
    named = [n for n in names if n]
    if len(set(named)) != len(named):
        return None
    fields = [f"f{i}" for i in range(len(names))]
    if end < 0 or end + 1 == len(data):  # the header alone
        return names, pa.table({f: pa.array([], pa.string()) for f in fields})
    # Without a quote, a row is a line: a blank line, which the parser would skip,
    # is read as a row of one empty cell (an error when the header has several
    # cells, else a blank row, looked at below). With quotes, the rows read are
    # counted against the lines (counting them takes a sixth of the time of the
    # parse, where there is no quote).
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) if quoted else None
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(column_names=fields, skip_rows=1, block_size=_BLOCK, use_threads=False),
            # Without a quote in the file, the parser need not look for quoted
            # fields or line breaks in them (a fifth faster).
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char='"' if quoted else False,
                                            newlines_in_values=quoted, ignore_empty_lines=quoted),
            convert_options=pcsv.ConvertOptions(
                column_types={f: pa.string() for f in fields},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # The text is valid UTF-8 (checked above, once for the whole file),
                # and so is every cell cut out of it at an ASCII separator: the
                # parser need not check each cell again (a seventh of its time).
                check_utf8=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if lines is not None and table.num_rows + 1 != lines:  # blank lines, or quoted line breaks
        return None
    required = TABLES[name].required
    probe = next((i for i, n in enumerate(names) if n in required), None)
    return names, _without_trailing_blank_rows(table, probe)


def _without_trailing_blank_rows(table: pa.Table, probe: int | None) -> pa.Table | None:
    """The table without the rows at its end whose cells are all empty; None when
    such a row stands before others.

    A row whose cells are all empty has an empty cell in column ``probe`` (a
    required column, when the file has one): only the rows where that cell is
    empty are looked at whole."""
    if probe is None:
        rows = arange(table.num_rows)
    else:
        rows = _empty_rows(table.column(probe))
        if not len(rows):
            return table
    blank = None
    for column in table.columns:
        empty = _empty(pc.take(column, rows))
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is None or not _any(blank):
        return table
    rows = pc.filter(rows, blank).to_pylist()
    first = rows[0]
    if rows != list(range(first, table.num_rows)):
        return None
    return table.slice(0, first)


def _empty_rows(cells: pa.ChunkedArray) -> pa.Array:
    """The rows whose cell is empty or only white space, each cell looked at whole
    only where it may be (:func:`_maybe_empty`)."""
    maybe = np.concatenate([_maybe_empty(chunk) for chunk in cells.chunks]) if cells.num_chunks else []
    if not np.any(maybe):
        return pa.array([], pa.uint64())
    rows = pc.indices_nonzero(bools(maybe))
    return pc.filter(rows, _empty(pc.take(cells, rows)))


def _maybe_empty(cells: pa.Array) -> np.ndarray:
    """Which cells may be empty or only white space: the empty ones, and those
    beginning with a byte that begins a white space character (no copy of the
    cells, as :func:`_empty` makes)."""
    offsets, text = text_buffers(cells)
    if not len(text):
        return np.ones(len(cells), dtype=bool)
    first = np.take(text, offsets[:-1] - offsets[0] if offsets[0] else offsets[:-1], mode="clip")
    return (offsets[1:] == offsets[:-1]) | _STARTS_SPACE[first]


def _empty(cells) -> pa.Array:
    """Which cells are empty or only white space."""
    return pc.equal(pc.utf8_trim(one_array(cells), characters=WHITESPACE), "")


# --- typing one table ------------------------------------------------------------------


def _any(mask) -> bool:
    return pc.any(mask).as_py() is True


def _empty_table(name: str) -> pa.Table:
    cols = TABLES[name].columns
    return pa.table({c.name: pa.array([], arrow_type(c)) for c in cols})


_UNKNOWN = object()  # (a date not converted yet)


def _typed_column(
    col: Column, cells: pa.ChunkedArray, dates: dict[str, object], *, coded: bool = False
) -> tuple[pa.Array, tuple[np.ndarray, list] | None]:
    """The typed values of one column, or :class:`_Unclean` when any cell would be
    a problem; and with ``coded``, for a column typed by its distinct cells (not a
    number), its coding as :attr:`relgraph.tables.TypedTables.codes` keeps it
    (else None).

    Enums, levels, numbers, booleans and dates take few distinct values, so each
    distinct raw cell is typed by the validator's own converter
    (:func:`relgraph.validate._converter`) and the results spread back over the
    column: the exact rules, at the cost of one hash pass (:func:`_distinct`);
    ``dates`` keeps the date of each raw date cell converted, for the other date
    columns. Free text and ids are trimmed column-wise (``utf8_trim`` on
    :data:`WHITESPACE` is ``str.strip``).
    """
    cells = one_array(cells)
    kind = col.type
    if kind in (TEXT, ID, REF, REFS):
        t = _given_text(cells, required=col.required)
        return t if kind != REFS else _id_lists(pc.split_pattern(t, ";")), None
    if not _has_text(cells):  # every cell empty (since and until, often)
        if col.required and len(cells):
            raise _Unclean
        return _absent(col, len(cells)), None
    distinct, codes = _distinct(cells)
    convert = _converter(col)
    # Date columns share their values (a few thousand days): each is converted once.
    known = dates if kind == DATE else {}
    typed = []
    for raw in distinct:
        v = known.get(raw, _UNKNOWN)
        if v is _UNKNOWN:
            try:
                v = known[raw] = convert(raw)
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
        return pc.take(values, codes), None
    coding = _coding(typed, codes) if coded else None
    if typed == distinct:  # (every cell is its own value, as written: "influences", "technical")
        return cells, coding
    return pc.take(pa.array(typed, type=arrow_type(col)), codes), coding


def _coding(typed: list, codes: pa.Array) -> tuple[np.ndarray, list]:
    """``(codes, values)`` of a column whose row ``i`` holds ``typed[codes[i]]``:
    the values distinct (raw cells "Finance" and "finance" are one value), a
    null's value (``None``) last, as :attr:`relgraph.tables.TypedTables.codes`."""
    values: dict = {}
    for v in typed:
        if v is not None:
            values.setdefault(v, len(values))
    at = np.array([len(values) if v is None else values[v] for v in typed], dtype=np.int64)
    return at[codes.to_numpy(zero_copy_only=False)], [*values, None]


def _distinct(cells: pa.Array) -> tuple[list[str], pa.Array]:
    """The distinct cells of a text column (no null) and each cell's index among
    them, as ``pc.dictionary_encode`` gives them, without hashing every cell where
    that can be helped: a column of one-byte cells (strength, influence, ...) is
    its own codes (a byte below 128: the text is UTF-8, cut at ASCII separators),
    and of a column mostly empty (since, until) only the cells given are hashed."""
    n = len(cells)
    offsets, text = text_buffers(cells)
    if n and len(text) == n and bool((offsets[1:] - offsets[:-1] == 1).all()):
        seen = np.flatnonzero(np.bincount(text, minlength=128))
        code = np.zeros(256, dtype=np.int32)
        code[seen] = np.arange(len(seen), dtype=np.int32)
        return [chr(b) for b in seen.tolist()], int32s(code[text])
    empty = offsets[1:] == offsets[:-1]
    given = n - int(np.count_nonzero(empty))
    if given * 2 > n:
        encoded = pc.dictionary_encode(cells)
        return encoded.dictionary.to_pylist(), encoded.indices
    at = np.flatnonzero(~empty)
    encoded = pc.dictionary_encode(pc.take(cells, int32s(at.astype(np.int32))))
    distinct = encoded.dictionary.to_pylist()
    codes = np.full(n, len(distinct), dtype=np.int32)  # an empty cell: "" after the others
    codes[at] = encoded.indices.to_numpy(zero_copy_only=False)
    return [*distinct, ""] if given < n else distinct, int32s(codes)


def _absent(col: Column, n: int) -> pa.Array:
    """The typed values of ``n`` cells not given: the column's default, or null."""
    empty = pa.nulls(n, arrow_type(col) if col.type != NUMBER else pa.int64())
    return empty if col.default is None else pc.fill_null(empty, col.default)


def _given_text(cells, *, required: bool = False) -> pa.Array:
    """Text cells trimmed, an empty one as not given (null); :class:`_Unclean` when
    ``required`` and one is empty."""
    t = _trimmed(one_array(cells))
    offsets, _ = text_buffers(t)
    empty = offsets[1:] == offsets[:-1]
    if not empty.any():  # the common case: no copy to make
        return t
    if required:
        raise _Unclean
    return pc.if_else(bools(empty), _NULL_TEXT, t)


def _trimmed(cells: pa.Array) -> pa.Array:
    """Text cells (no null) with white space trimmed, as ``utf8_trim`` on
    :data:`WHITESPACE` (``str.strip``) trims them: the cells themselves when none
    begins or ends with a byte that begins or ends a white space character (the
    common case: no copy, and a tenth of the time)."""
    offsets, text = text_buffers(cells)
    if len(text):
        if offsets[0]:
            offsets = offsets - offsets[0]
        # An empty cell reads a byte of a neighbour: at worst it trims for nothing.
        if _STARTS_SPACE[np.take(text, offsets[:-1], mode="clip")].any() or \
                _ENDS_SPACE[np.take(text, offsets[1:] - 1, mode="clip")].any():
            return pc.utf8_trim(cells, characters=WHITESPACE)
    return cells


def _has_text(cells: pa.Array) -> bool:
    """Whether any cell of a string column holds a character: its last offset is
    past its first."""
    if not len(cells):
        return False
    offsets, _ = text_buffers(cells)
    return bool(offsets[-1] > offsets[0])


def _id_lists(lists: pa.ListArray) -> pa.ListArray:
    """``;``-split id lists with each id trimmed; an empty id is left to the exact
    reader (which drops it). The lists keep ``lists``' validity and offsets buffers
    (``ListArray.from_arrays`` with a ``mask`` would import pyarrow.compute to invert
    it)."""
    values = _trimmed(lists.values)
    offsets, _ = text_buffers(values)
    if (offsets[1:] == offsets[:-1]).any():
        raise _Unclean
    return pa.Array.from_buffers(lists.type, len(lists), lists.buffers()[:2], lists.null_count, lists.offset, [values])
