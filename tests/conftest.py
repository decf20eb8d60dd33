"""Shared fixtures.

``make_store`` is parametrized over every store: a test that takes it runs once on the
file store and once on each Bolt server available (see tests/bolt.py), and must get the
same answers.
"""

from __future__ import annotations

import pytest

STORES = ["files"]


@pytest.fixture(params=STORES)
def make_store(request):
    """Return a function ``make_store(obj_or_dataset) -> GraphStore`` for the current
    store kind; ``obj_or_dataset`` is a data set dict (as in a JSON data file) or a
    :class:`relgraph.model.Dataset`."""
    from relgraph.readwrite.jsonfile import read_obj
    from relgraph.stores.files import FileStore

    def make(data):
        ds = read_obj(data) if isinstance(data, dict) else data
        if request.param == "files":
            return FileStore.from_dataset(ds)
        raise AssertionError(request.param)

    return make
