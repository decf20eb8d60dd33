"""Typed rows built a whole column at a time.

A *row* is a plain dict keyed by column name (:mod:`relgraph.model`). Loading a
portfolio makes about a million of them (data set rows, graph node and edge
attributes), so they are built here from parallel columns by a function generated
once per set of column names, as :func:`collections.namedtuple` generates its
class: a dict display ``{"id": a0, "name": a1, ...}`` is about twice as fast as
``dict(zip(names, values))`` per row.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["make_rows", "paused_gc"]

_MAKERS: dict[tuple[str, ...], Any] = {}


def make_rows(names: tuple[str, ...], columns: list[Iterable[Any]]) -> list[dict[str, Any]]:
    """One dict per row of parallel ``columns``: ``{names[0]: columns[0][i], ...}``.

    A column may be an endless iterator (``itertools.repeat(value)``) as long as one
    is finite; rows stop with the shortest column.

    >>> make_rows(("id", "kind"), [["a", "b"], iter(["X", "Y"])])
    [{'id': 'a', 'kind': 'X'}, {'id': 'b', 'kind': 'Y'}]
    """
    maker = _MAKERS.get(names)
    if maker is None:
        args = ", ".join(f"a{i}" for i in range(len(names)))
        body = ", ".join(f"{name!r}: a{i}" for i, name in enumerate(names))
        # The names only ever appear as repr()-quoted string literals.
        maker = eval(f"lambda {args}: {{{body}}}", {"__builtins__": {}})
        _MAKERS[names] = maker
    return list(map(maker, *columns))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers that form
    no reference cycles (rows, graphs). Otherwise the collector's full collections,
    triggered by the sheer number of new objects, cost about as much as building
    them. Its previous state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
