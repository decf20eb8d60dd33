"""Stores: where graphs come from (see :mod:`relgraph.stores.base`).

:func:`open_store` is the one place that decides between files and Neo4j.
"""

from __future__ import annotations

from .base import GraphStore

__all__ = ["GraphStore", "open_store", "is_uri"]

URI_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_uri(data: str) -> bool:
    """True when DATA names a Neo4j server rather than files."""
    return data.lower().startswith(URI_SCHEMES)


def open_store(data: str, *, database: str | None = None) -> GraphStore:
    """Open the store a DATA argument names: a Neo4j URI, a CSV folder or a JSON file.

    Files are read and validated first (:class:`relgraph.errors.InvalidData` lists
    every problem).
    """
    if is_uri(data):
        from .neo4j import Neo4jStore

        return Neo4jStore(data, database=database)
    from .files import FileStore

    return FileStore(data)
