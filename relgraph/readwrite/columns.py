"""A validated data set held column by column, in pyarrow tables.

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ..model import BOOL, DATE, INT, NUMBER, REFS, TABLES, Column, Dataset

__all__ = ["TypedTables", "arrow_type", "pylist", "make_rows"]


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


def pylist(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """The Python values of a typed column: float64 values that are whole come back
    as ``int``, as the validator types them (``4`` not ``4.0``)."""
    values = array.to_pylist()
    if pa.types.is_floating(array.type):
        values = [int(x) if x is not None and x.is_integer() else x for x in values]
    return values


_MAKERS: dict[tuple[str, ...], Any] = {}


def make_rows(names: tuple[str, ...], columns: list[Any]) -> list[dict[str, Any]]:
    """One dict per row from parallel columns: ``{names[0]: columns[0][i], ...}``.

    The dicts are built by a function generated for ``names`` (as
    :func:`collections.namedtuple` does), which is about twice as fast as
    ``dict(zip(names, values))`` per row. Any column may be an endless iterator
    (``itertools.repeat``) as long as one is finite.
    """
    maker = _MAKERS.get(names)
    if maker is None:
        args = ", ".join(f"a{i}" for i in range(len(names)))
        body = ", ".join(f"{name!r}: a{i}" for i, name in enumerate(names))
        maker = eval(f"lambda {args}: {{{body}}}", {})  # names are repr()-quoted literals
        _MAKERS[names] = maker
    return list(map(maker, *columns))


@dataclass
class TypedTables:
    """A validated data set as typed pyarrow tables (see the module docstring).

    ``tables[name]`` has every model column of that table in schema order, then
    ``extras[name]``; ``warnings`` are the validation warnings of the input.
    """

    tables: dict[str, pa.Table]
    extras: dict[str, list[str]]
    warnings: list = field(default_factory=list)

    def column_names(self, name: str) -> tuple[str, ...]:
        return tuple(c.name for c in TABLES[name].columns) + tuple(self.extras[name])

    def num_rows(self, name: str) -> int:
        return self.tables[name].num_rows

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
        tables = {}
        for name, table in TABLES.items():
            rows = ds[name]
            arrays, names = [], []
            for col in table.columns:
                values = [r.get(col.name) for r in rows]
                if col.type == NUMBER:
                    # int64 when every value is whole (or absent), else float64.
                    if all(v is None or float(v).is_integer() for v in values):
                        arrays.append(pa.array([None if v is None else int(v) for v in values], type=pa.int64()))
                    else:
                        arrays.append(pa.array(values, type=pa.float64()))
                else:
                    arrays.append(pa.array(values, type=arrow_type(col)))
                names.append(col.name)
            for extra in ds.extras.get(name, []):
                arrays.append(pa.array([r.get(extra) for r in rows], type=pa.string()))
                names.append(extra)
            tables[name] = pa.Table.from_arrays(arrays, names=names)
        extras = {name: list(ds.extras.get(name, [])) for name in TABLES}
        return cls(tables, extras, list(ds.warnings))
