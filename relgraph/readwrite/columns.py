"""The typed tables the readers fill, defined in :mod:`relgraph.tables` (the
contract between stores and analyses); re-exported here for the readers."""

from __future__ import annotations

from ..tables import CODED, TypedTables, arange, arrow_type, bools, int32s, one_array, pylist, reference_rows, text_buffers

__all__ = ["CODED", "TypedTables", "arange", "arrow_type", "bools", "int32s", "one_array", "pylist", "reference_rows", "text_buffers"]
