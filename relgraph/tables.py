"""Typed tables: the contract between the stores and the analyses.

*Typed tables* are the compact form of a :class:`~relgraph.model.Dataset`: one
pyarrow table per data set table, with the model's columns in schema order (absent
ones filled with their default) followed by the extra columns, each column of the
arrow type of its model type (text, ids, enums and levels as strings, whole numbers
as int64, numbers as int64 when every value is whole and float64 otherwise, booleans,
dates as date32, id lists as lists of strings; None as null).

A portfolio of a million rows takes a few hundred megabytes as dicts of Python
objects, and a small fraction of that as columns; the file store keeps typed tables
and turns only the rows it needs (one account's) into Python values
(:meth:`TypedTables.pylists`), one whole column at a time.

Every store yields them (:meth:`relgraph.stores.base.GraphStore.tables`) and every
analysis reads them (:func:`relgraph.analysis.frame.frame_from_tables`), whatever
the store. Column defaults (a contact's influence 3, an account's grade C, ...) are
applied once, by validation (:func:`relgraph.validate.validate`) or, for a graph a
user hands in, at the edge (:meth:`TypedTables.from_columns` with ``defaults``);
nothing downstream re-applies them. The one derived column, a contact's effective level, has its rule here
(:func:`effective_levels`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from . import arrowcompute as pc

from .model import BOOL, DATE, INT, NUMBER, REF, REFS, TABLES, Column, Dataset
from .rows import make_rows

__all__ = [
    "CODED",
    "CODED_PARTS",
    "TypedTables",
    "arange",
    "arrow_type",
    "ascending",
    "bools",
    "coding",
    "effective_level_codes",
    "effective_levels",
    "id_rows",
    "listed_together",
    "numbers",
    "pylist",
    "reference_rows",
    "text_buffers",
]

TOP_LEVEL = "hq"
"""The level of a contact with neither a unit nor a level of their own."""


def effective_levels(unit_levels: pa.Array, levels: pa.Array) -> pa.Array:
    """Contacts' *effective level*: their unit's level when they are in a unit (null
    when not), else the level of their own row, else the top level ``hq``
    (:func:`effective_level_codes`, on the texts).

    >>> effective_levels(pa.array(["division", None, None]), pa.array(["hq", "site", None])).to_pylist()
    ['division', 'site', 'hq']
    """
    codes, values = effective_level_codes(
        coding(unit_levels), arange(len(unit_levels), pa.int32()), coding(levels)
    )
    return pc.take(pa.array(values, type=pa.string()), pa.array(codes))


def effective_level_codes(
    unit_levels: tuple[np.ndarray, list], unit_rows: pa.Array, levels: tuple[np.ndarray, list]
) -> tuple[np.ndarray, list]:
    """Contacts' effective level (the rule of :func:`effective_levels`) worked on
    codes: ``unit_levels`` the units' levels and ``levels`` the contacts' own, each
    ``(codes, values)`` (row ``i`` holds ``values[codes[i]]``, a null's value
    ``None``, as :attr:`TypedTables.codes`), ``unit_rows`` each contact's unit row
    (null: none). Returns the contacts' ``(codes, values)``, the values numbered in
    order of first appearance and ``None`` last, as ``pc.dictionary_encode``
    numbers them (no row is null).

    >>> c, v = effective_level_codes((np.array([1, 0]), ["site", "division", None]), pa.array([1, None, None, 0]),
    ...                              (np.array([1, 0, 1, 0]), ["city", None]))
    >>> [v[i] for i in c.tolist()], v
    (['site', 'city', 'hq', 'division'], ['site', 'city', 'hq', 'division', None])
    """
    (unit_codes, unit_values), (own_codes, own_values) = unit_levels, levels
    names = list(dict.fromkeys(v for v in (*unit_values, *own_values, TOP_LEVEL) if v is not None))
    at = {v: i for i, v in enumerate(names)}
    level = np.array([at[TOP_LEVEL] if v is None else at[v] for v in own_values], dtype=np.int64)[own_codes]
    rows = pc.fill_null(unit_rows, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if len(unit_codes) and len(rows):
        unit = np.array([-1 if v is None else at[v] for v in unit_values], dtype=np.int64)[
            unit_codes[np.maximum(rows, 0)]]
        np.copyto(level, unit, where=(rows >= 0) & (unit >= 0))
    present = np.flatnonzero(np.bincount(level, minlength=len(names)))
    if len(present) <= 16:  # (a pass per level: faster than a sort of every row)
        first = [int(np.argmax(level == c)) for c in present.tolist()]
    else:
        present, first = np.unique(level, return_index=True)
    by_first = present[np.argsort(first)]
    number = np.empty(len(names), dtype=np.int64)
    number[by_first] = np.arange(len(by_first))
    return number[level], [*map(names.__getitem__, by_first.tolist()), None]


def coding(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A column as ``(codes, values)``: its distinct values in order of first
    appearance, a null's value ``None`` last (there whether or not a row is null).

    >>> c, v = coding(pa.array(["b", None, "a", "b"]))
    >>> c.tolist(), v
    ([0, 2, 1, 0], ['b', 'a', None])
    """
    encoded = pc.dictionary_encode(one_array(column))
    values = [*encoded.dictionary.to_pylist(), None]
    return pc.fill_null(encoded.indices, len(values) - 1).to_numpy(zero_copy_only=False).astype(np.int64), values


def arrow_type(col: Column) -> pa.DataType:
    """The arrow type of a model column (NUMBER columns may also be int64)."""
    t = col.type
    if t == INT:
        return pa.int64()
    if t == NUMBER:
        return pa.float64()
    if t == BOOL:
        return pa.bool_()
    if t == DATE:
        return pa.date32()
    if t == REFS:
        return pa.list_(pa.string())
    return pa.string()


def arange(n: int, type: pa.DataType = pa.int64()) -> pa.Array:
    """``0, 1, ..., n - 1`` as int64 (or ``type``, an integer type): numpy's, as
    arrow's own array (``pa.array(range(n))`` is 50 times slower, arrow's compute
    functions ten times), its buffer taken as it is (``pa.array`` of a numpy array
    imports ``numpy.ma``, 10 ms or more, to see whether it is a masked one: see
    :func:`bools`).

    >>> arange(4, pa.int32()).to_pylist(), arange(0).type
    ([0, 1, 2, 3], DataType(int64))
    """
    return pa.Array.from_buffers(type, n, [None, pa.py_buffer(np.arange(n, dtype=type.to_pandas_dtype()))])


def ascending(ids: pa.Array) -> bool:
    """Whether ids are strictly ascending (as relgraph writes its tables): each is
    then the first of its value, and the table needs no sort."""
    if len(ids) < 2:
        return True
    return bool(pc.all(pc.less(ids[:-1], ids[1:]), skip_nulls=False).as_py())


_EPOCH = dt.date(1970, 1, 1)
_DATES: dict[int | None, dt.date | None] = {None: None}  # days since 1970 -> date, shared


def pylist(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """The Python values of a typed column, as the validator types them: float64
    values that are whole come back as ``int`` (``4`` not ``4.0``).

    Dates and id lists are converted here rather than by ``to_pylist``, which
    makes them one arrow scalar at a time (about 20 times slower); equal dates
    share one :class:`datetime.date` object.
    """
    t = array.type
    n = len(array)
    if array.null_count == n:  # columns nobody filled in (notes, until, ...)
        return [None] * n
    if pa.types.is_date32(t):
        days = pc.cast(array, pa.int32()).to_pylist()
        dates = _DATES
        for d in set(days).difference(dates):
            dates[d] = _EPOCH + dt.timedelta(days=d)
        return [dates[d] for d in days]
    if pa.types.is_list(t):
        chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        out: list[Any] = []
        for chunk in chunks:
            if chunk.null_count:  # rare (id lists are required): the slow way
                out.extend(chunk.to_pylist())
                continue
            offsets = chunk.offsets.to_pylist()
            values = pc.list_flatten(chunk).to_pylist()
            base = offsets[0]
            out.extend(values[a - base : b - base] for a, b in zip(offsets, offsets[1:]))
        return out
    values = array.to_pylist()
    if pa.types.is_floating(t):
        values = [int(x) if x is not None and x.is_integer() else x for x in values]
    return values


def listed_together(rows: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pairing of an entry of one list column with each entry of another on
    the same row (a touchpoint's staff with its contacts): ``rows`` gives the row
    of each entry of the first, ``offsets`` the list offsets of the second.
    Returns the index of each pair's entry in the first and in the second
    (flattened) column, pairs in the first's order.

    >>> [a.tolist() for a in listed_together(np.array([0, 0, 1]), np.array([0, 2, 3]))]
    [[0, 0, 1, 1, 2], [0, 1, 0, 1, 2]]
    """
    offsets = offsets - (offsets[0] if len(offsets) else 0)
    count = (offsets[1:] - offsets[:-1])[rows]
    first = np.repeat(np.arange(len(rows)), count)
    # The k-th pair of a run is the list's start plus k: the start less the
    # pairs before the run, spread over the run, plus the pair's own number.
    before = np.cumsum(count)
    before -= count
    second = np.repeat(offsets[:-1][rows] - before, count)
    second += np.arange(len(second))
    return first, second


def reference_rows(tables: dict[str, pa.Table]) -> dict[tuple[str, str], pa.Array]:
    """For every REF / REFS column ``(table, column)``, the row of the referenced
    table each id is at (int32; flattened for id lists; null when not given or
    unknown). Each reference is hashed once: the validator's fast path checks them
    and the file store partitions the data set by account with them."""
    return id_rows(tables)[0]


def id_rows(tables: dict[str, pa.Table]) -> tuple[dict[tuple[str, str], pa.Array], dict[str, pa.Array]]:
    """:func:`reference_rows`, and for each table with ids, the row of the first
    id equal to each of its own (``i`` where the id at row ``i`` is its first).

    The ids of a table are hashed once for all the columns that refer to it: in
    an :class:`IdHash` from :data:`HASHED_FROM` ids up, when they allow, else by
    arrow, for every such column and the table's own ids (unless they are
    strictly ascending) in one pass (building arrow's hash table of 200,000
    contact ids costs as much as looking up half a million references in it)."""
    ids = {name: one_array(tables[name].column("id")) for name in ("accounts", "units", "contacts", "staff")}
    columns = [(name, c) for name, table in TABLES.items() for c in table.columns if c.type in (REF, REFS)]
    by_target: dict[str, list[pa.Array]] = {name: [] for name in ids}
    for name, c in columns:
        refs = one_array(tables[name].column(c.name))
        by_target[c.ref].append(pc.list_flatten(refs) if c.type == REFS else refs)

    def by_arrow(target: str) -> list[pa.Array]:
        """Each column of ``by_target[target]`` looked up in arrow's hash table of
        the ids of ``target``, hashed once, and the first row of each of its ids."""
        # Ids strictly ascending (as relgraph writes its tables) are each the first
        # of their value: only the references are looked up.
        first_own = ascending(ids[target])
        parts = [*by_target[target], *([] if first_own else [ids[target]])]
        found = pc.index_in(pa.concat_arrays(parts), value_set=ids[target]) if parts else None
        out, start = [], 0
        for part in parts:
            out.append(found.slice(start, len(part)))
            start += len(part)
        if first_own:
            out.append(arange(len(ids[target]), pa.int32()))
        return out

    # Two threads share the work (arrow and numpy work outside the GIL), the
    # largest first: the tables of fewer ids than HASHED_FROM are hashed by arrow
    # while this thread builds the integer hash tables of the others, whose
    # columns are then looked up one by one.
    targets = sorted(ids, key=lambda t: -len(ids[t]))
    pending: dict[str, Any] = {}
    with _Pool(2) as pool:
        for target in targets:
            if len(ids[target]) < HASHED_FROM:
                pending[target] = pool.submit(by_arrow, target)
        for target in targets:
            if len(ids[target]) >= HASHED_FROM:
                table = IdHash.of(ids[target])
                pending[target] = pool.submit(by_arrow, target) if table is None else [
                    pool.submit(table.rows, part) for part in by_target[target]
                ]
        found = {}
        for target in targets:
            if not isinstance(pending[target], list):
                found[target] = pending[target].result()
                continue
            parts = [f.result() for f in pending[target]]
            # A NUL byte in a column: arrow looks them all up.
            found[target] = by_arrow(target) if any(p is None for p in parts) else [
                *parts, arange(len(ids[target]), pa.int32())  # each id once: the first of its value
            ]
    own = {target: found[target].pop() for target in ids}
    at = {target: iter(found[target]) for target in ids}
    return {(name, c.name): next(at[c.ref]) for name, c in columns}, own


class _Job:
    """A call to make in a :class:`_Pool`; :meth:`result` waits for it."""

    __slots__ = ("call", "args", "value", "error", "done")

    def __init__(self, call, args: tuple):
        self.call, self.args, self.value, self.error = call, args, None, None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.value = self.call(*self.args)
        except BaseException as e:  # raised where the result is asked for
            self.error = e
        finally:
            self.done.set()

    def result(self) -> Any:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value


class _Pool:
    """Worker threads making the calls submitted, in turn: what :func:`id_rows`
    needs of ``concurrent.futures.ThreadPoolExecutor``, whose import (it imports
    ``logging``) took 8 ms of a portfolio command's start. Leaving the ``with``
    block waits for the calls submitted."""

    def __init__(self, workers: int):
        self._todo: deque[_Job] = deque()
        self._turn = threading.Condition()
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"relgraph-ids-{i}") for i in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, call, *args) -> _Job:
        job = _Job(call, args)
        with self._turn:
            self._todo.append(job)
            self._turn.notify()
        return job

    def _work(self) -> None:
        while True:
            with self._turn:
                while not self._todo and not self._closed:
                    self._turn.wait()
                if not self._todo:
                    return
                job = self._todo.popleft()
            job.run()

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc) -> None:
        with self._turn:
            self._closed = True
            self._turn.notify_all()
        for t in self._threads:
            t.join()


HASHED_FROM = 1 << 16
"""From this many ids up, the references to a table are looked up in an
:class:`IdHash` when its ids allow, not by ``pc.index_in``: arrow's hash table
of 200,000 contact ids (strings) outgrows the processor's caches, and each of
the 1.6 million references to them took 190 ns there, against 60 in a table of
the ids as integers; below, arrow's is the faster (20,000 staff ids)."""

MAX_DISPLACEMENT = 64
"""The slots past its own that an id may sit at most in an :class:`IdHash` (one
or two for nearly all ids, the table being at most a quarter full: at half
full a quarter of the references to 200,000 ids missed their home slot and
took up to seven rounds, a tenth more time): ids whose integers collide more
are left to ``pc.index_in``."""


class IdHash:
    """The row of each id of a table, in a hash table of the ids as integers
    (:func:`_words`), looked up a whole column at a time: :meth:`rows` gives what
    ``pc.index_in(strings, value_set=ids)`` gives.

    Open addressing with linear probing, built by placing the ids in order of
    their home slot, each at its home or just after the one placed before it
    (so with no wrap-around: the table runs on past its last home slot, and ends
    with an empty one). A look-up settles each reference at its home slot, or
    at one of the next few, a round per slot."""

    def __init__(self, shift: np.uint64, held: np.ndarray, row: np.ndarray):
        self._shift, self._held, self._row = shift, held, row

    @classmethod
    def of(cls, ids: pa.Array) -> IdHash | None:
        """The hash table of a table's ids; None when they do not allow it (a null,
        an empty id or one of more than 8 bytes, a NUL byte, an id twice, ids
        that collide too much): ``pc.index_in`` then looks them up."""
        keys = _words(ids) if ids.null_count == 0 else None
        if keys is None or not keys.all():  # 0 marks an empty slot: no id may be ""
            return None
        if not ascending(ids):  # (strictly ascending ids are each once)
            s = np.sort(keys)
            if bool((s[1:] == s[:-1]).any()):  # an id twice: its first row is the one to find
                return None
        bits = max((4 * len(keys)).bit_length(), 4)  # at most a quarter full
        shift = np.uint64(64 - bits)
        home = _slots(keys, shift)
        steps = np.arange(len(keys))
        # The ids in order of their home slot, those of one slot in row order: one
        # plain sort of each slot with its row in the low bits (a tenth of the time
        # of a stable argsort).
        by_home = np.sort((home << 32) | steps)
        order = (by_home & 0xFFFFFFFF).astype(np.int32)
        home = by_home >> 32
        # The i-th id by home slot h_i sits at p_i = max(h_i, p_(i-1) + 1), which is
        # i + max over j <= i of (h_j - j).
        place = steps + np.maximum.accumulate(home - steps)
        if len(keys) and int((place - home).max()) > MAX_DISPLACEMENT:
            return None
        size = max(1 << bits, int(place[-1]) + 2 if len(keys) else 1)
        held = np.zeros(size, dtype=np.uint64)  # each slot's id as an integer, 0 when empty
        row = np.zeros(size, dtype=np.int32)  # and that id's row
        held[place], row[place] = keys[order], order
        return cls(shift, held, row)

    def rows(self, strings: pa.Array) -> pa.Array | None:
        """The row of the id equal to each string (int32; null for a null, or a
        string no id equals); None when a string holds a NUL byte (for
        ``pc.index_in``).

        The strings are looked up :data:`LOOKUP_BLOCK` at a time: the look-up's
        temporaries stay small (a few hundred kB, reused from block to block),
        where those of a whole column were kept by the allocator of the thread
        that made them (25 MB more resident after the references were looked
        up in two threads)."""
        found = np.empty(len(strings), dtype=np.int32)
        for start in range(0, len(strings), LOOKUP_BLOCK):
            block = self._block_rows(strings.slice(start, LOOKUP_BLOCK))
            if block is None:
                return None
            found[start : start + LOOKUP_BLOCK] = block
        return _with_nulls(found)

    def _block_rows(self, strings: pa.Array) -> np.ndarray | None:
        """:meth:`rows` of a block of strings, -1 for none, as numpy."""
        word = _words(strings)
        if word is None:
            return None
        held, row = self._held, self._row
        at = _slots(word, self._shift)
        there = held[at]
        given = word != 0  # 0: a null, or too long to be an id
        settled = there == word
        settled &= given
        found = np.where(settled, row[at], -1)
        # Not settled: a reference whose slot holds another id. It meets its id,
        # or an empty slot, within a few slots.
        other = there != 0
        other &= given
        todo = np.flatnonzero(other > settled)  # (other and not settled)
        at, word = at[todo], word[todo]
        while len(todo):
            at += 1
            there = held[at]
            hit = there == word
            found[todo[hit]] = row[at[hit]]
            go = ~hit & (there != 0)
            todo, at, word = todo[go], at[go], word[go]
        return found


LOOKUP_BLOCK = 1 << 16
"""The references :meth:`IdHash.rows` looks up at a time."""


def _with_nulls(rows: np.ndarray) -> pa.Array:
    """Row numbers (int32, -1 for none) as an arrow array, -1 as null; the numbers
    not copied."""
    return int32s(rows, valid=rows >= 0)


def int32s(values: np.ndarray, *, valid: np.ndarray | None = None) -> pa.Int32Array:
    """An int32 numpy array as an arrow one, not copied (see :func:`bools`);
    ``valid``: which values are given, the others null.

    >>> int32s(np.array([3, -1, 5], dtype=np.int32), valid=np.array([True, False, True])).to_pylist()
    [3, None, 5]
    """
    missing = 0 if valid is None else len(values) - int(np.count_nonzero(valid))
    bitmap = _bitmap(valid) if missing else None
    return pa.Array.from_buffers(pa.int32(), len(values), [bitmap, pa.py_buffer(values)], null_count=missing)


def numbers(values: np.ndarray) -> pa.Array:
    """A numpy array of numbers (one dimension, no nulls) as an arrow one of the same
    type, its buffer taken as it is (see :func:`bools`).

    >>> numbers(np.array([3, 1, 2])[::-1]).to_pylist(), numbers(np.zeros(2, np.int32)).type
    ([2, 1, 3], DataType(int32))
    """
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def bools(mask: np.ndarray) -> pa.BooleanArray:
    """A numpy boolean array as an arrow one. (``pa.array`` given any numpy array
    imports ``numpy.ma``, 10 to 30 ms, to see whether it is a masked one.)

    >>> bools(np.array([True, False, False, True, True, False, True, True, False])).to_pylist()
    [True, False, False, True, True, False, True, True, False]
    """
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, _bitmap(mask)])


def _bitmap(mask: np.ndarray) -> pa.Buffer:
    """The bits of a numpy boolean array, as arrow keeps booleans and validity."""
    return pa.py_buffer(np.packbits(mask, bitorder="little"))


def _slots(words: np.ndarray, shift: np.uint64) -> np.ndarray:
    """The home slot of each integer in a table of ``2 ** (64 - shift)`` slots:
    its bits mixed (ids differ in a few bytes: "c000001", "c000002"), the top
    ones taken."""
    x = words >> np.uint64(29)  # (in place from here: a pass over the words each)
    x ^= words
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(32)
    x *= np.uint64(0x9E3779B97F4A7C15)
    x >>= shift
    return x.view(np.int64)  # (below 2 ** 63)


def text_buffers(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The buffers of a string array (``pa.string()``) as numpy views, no copy:
    its ``n + 1`` offsets (int32; string ``i`` is bytes ``offsets[i]`` to
    ``offsets[i + 1]`` of the data buffer) and the bytes they span (uint8, from
    ``offsets[0]``)."""
    n = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=n + 1, offset=strings.offset * 4)
    start, end = int(offsets[0]), int(offsets[-1])
    if end == start:
        return offsets, np.zeros(0, dtype=np.uint8)
    return offsets, np.frombuffer(strings.buffers()[2], dtype=np.uint8, count=end - start, offset=start)


def _words(strings: pa.Array) -> np.ndarray | None:
    """Each string of a string array as an integer, its bytes in order and zeros
    after them (uint64; 0 for a null, and for a string of more than 8 bytes, none
    of which can be an id of an :class:`IdHash`); None when it holds a NUL
    byte, which would make ``"a"`` and ``"a\\0"`` the same integer."""
    if not pa.types.is_string(strings.type):
        return None
    n = len(strings)
    offsets, text = text_buffers(strings)
    start = int(offsets[0])
    if np.count_nonzero(text) != len(text):
        return None
    lengths = np.diff(offsets)
    width = int(lengths[0]) if n else 0
    if width <= 8 and len(text) == width * n and bool((lengths == width).all()):
        # Every string of the same length (as ids often are): the eight bytes from
        # where each begins (a view striding by the length, over the text and eight
        # zeros), the bytes past its end then cut off. One pass: a copy into rows of
        # eight made one call per string (four times the time).
        padded = np.zeros(len(text) + 8, dtype=np.uint8)
        padded[: len(text)] = text
        words = np.ndarray((n,), dtype="<u8", buffer=padded, strides=(width,)).astype(np.uint64)
        if width < 8:
            words &= np.uint64((1 << (8 * width)) - 1)
    else:
        words = np.zeros(n, dtype=np.uint64)
        first = offsets[:-1] - start
        last = max(len(text) - 1, 0)
        for k in range(min(int(lengths.max(initial=0)), 8)):
            byte = text[np.minimum(first + k, last)] if len(text) else np.zeros(n, dtype=np.uint8)
            words |= np.where(lengths > k, byte, 0).astype(np.uint64) << np.uint64(8 * k)
        words[lengths > 8] = 0
    if strings.null_count:
        words[pc.is_null(strings).to_numpy(zero_copy_only=False)] = 0
    return words


def one_array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column as one array: its only chunk as it is when it has one (joining a
    single chunk copies it whole: 40 ms for a million ids), else its chunks
    joined. A chunk that starts inside its buffers (a slice) is joined too, so
    that its buffers start at its first value."""
    if not isinstance(column, pa.ChunkedArray):
        return column
    if column.num_chunks == 1 and column.chunk(0).offset == 0:
        return column.chunk(0)
    return column.combine_chunks()


CODED_PARTS = {
    "account_grades": ("accounts", "grade"),
    "unit_levels": ("units", "level"),
    "contact_roles": ("contacts", "role"),
    "contact_attitudes": ("contacts", "attitude"),
    "staff_roles": ("staff", "role"),
    "staff_in_role": ("staff", "in_role_since"),
    "tp_method": ("touchpoints", "method"),
}
"""The parts of the analysis frame that are a column coded as it is
(:meth:`relgraph.analysis.frame.Frame.coded`), each with its ``(table, column)``."""

CODED = frozenset(CODED_PARTS.values())
"""The columns of few distinct values that the analysis frame codes
(:data:`CODED_PARTS`): a reader that types their cells by their distinct values
gives that coding too (:attr:`TypedTables.codes`)."""


@dataclass(eq=False)
class TypedTables:
    """A validated data set (or one account's share of it) as typed pyarrow tables
    (see the module docstring).

    ``tables[name]`` has every model column of that table in schema order, then
    ``extras[name]``; ``warnings`` are the validation warnings of the input. A share
    may hold references to rows it does not hold (a touchpoint listing a contact of
    another account): :meth:`reference_rows` gives those as null. Compared and
    hashed by identity, so that what is derived from them can be kept per object.
    """

    tables: dict[str, pa.Table]
    extras: dict[str, list[str]]
    warnings: list = field(default_factory=list)
    refs: dict[tuple[str, str], pa.Array] | None = field(default=None, repr=False)
    """:func:`reference_rows` of the tables (computed when first needed)."""
    codes: dict[tuple[str, str], tuple[np.ndarray, list]] | None = field(default=None, repr=False)
    """Of some columns of :data:`CODED` (``(table, column)``), ``(codes, values)``:
    row ``i`` of the column holds ``values[codes[i]]``, the values distinct and a
    null's value (``None``) last; given by the reader that typed the cells by their
    distinct values (:mod:`relgraph.readwrite.fastcsv`), so that the frame need
    not hash the column again. Not kept by anything made from these tables."""

    def reference_rows(self) -> dict[tuple[str, str], pa.Array]:
        if self.refs is None:
            self.refs = reference_rows(self.tables)
        return self.refs

    def column_names(self, name: str) -> tuple[str, ...]:
        return _names(name, self.extras[name])

    def pylists(self, name: str, table: pa.Table | None = None) -> list[list[Any]]:
        """The columns of table ``name`` (or of ``table``, a slice of it) as Python
        lists, in :meth:`column_names` order."""
        t = self.tables[name] if table is None else table
        return [pylist(t.column(i)) for i in range(t.num_columns)]

    def rows(self, name: str, table: pa.Table | None = None) -> list[dict[str, Any]]:
        """The rows of table ``name`` (or of a slice of it) as typed dicts."""
        t = self.tables[name] if table is None else table
        if t.num_rows == 0:
            return []
        return make_rows(self.column_names(name), self.pylists(name, t))

    def to_dataset(self) -> Dataset:
        """The data set as typed dict rows (equal to what the validator returns)."""
        ds = Dataset(
            tables={name: self.rows(name) for name in TABLES},
            extras={name: list(cols) for name, cols in self.extras.items()},
        )
        ds.warnings = list(self.warnings)
        return ds

    @classmethod
    def from_dataset(cls, ds: Dataset) -> TypedTables:
        """Typed tables holding a validated data set (extra columns as text)."""
        columns = {
            name: {c: [r.get(c) for r in ds[name]] for c in _names(name, ds.extras.get(name, ()))} for name in TABLES
        }
        return cls.from_columns(columns, ds.extras, warnings=ds.warnings)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Mapping[str, Sequence[Any]]],
        extras: Mapping[str, Sequence[str]],
        *,
        warnings: Sequence = (),
        defaults: bool = False,
    ) -> TypedTables:
        """Typed tables from typed Python values, ``columns[table][column]`` listing
        one per row of every model and extra column (extras as text); with
        ``defaults``, each column's default (:mod:`relgraph.model`) where a value is
        None, as validation applies them."""
        tables = {}
        for name, table in TABLES.items():
            mine = columns[name]
            arrays = []
            for col in table.columns:
                values = mine[col.name]
                if defaults and col.default is not None:
                    values = [col.default if v is None else v for v in values]
                arrays.append(_array_of(col, values))
            names = _names(name, extras.get(name, ()))
            arrays.extend(pa.array(mine[x], type=pa.string()) for x in names[len(table.columns) :])
            tables[name] = pa.Table.from_arrays(arrays, names=list(names))
        return cls(tables, {name: list(extras.get(name, [])) for name in TABLES}, list(warnings))


def _names(table: str, extras: Sequence[str]) -> tuple[str, ...]:
    return tuple(c.name for c in TABLES[table].columns) + tuple(extras)


def _array_of(col: Column, values: Sequence[Any]) -> pa.Array:
    if col.type == NUMBER:
        # int64 when every value is whole (or absent), else float64.
        if all(v is None or float(v).is_integer() for v in values):
            return pa.array([None if v is None else int(v) for v in values], type=pa.int64())
        return pa.array(values, type=pa.float64())
    return pa.array(values, type=arrow_type(col))
