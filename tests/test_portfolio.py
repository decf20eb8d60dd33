"""The portfolio layer asks stores for lighter graphs (only the edges a command
reads); every report must equal the one computed over full graphs."""

from __future__ import annotations

import datetime as dt

import pytest

from relgraph.analysis import portfolio
from relgraph.demo import write_demo
from relgraph.stores.files import FileStore

AS_OF = dt.date(2026, 11, 1)


class FullGraphs:
    """A store that ignores ``edge_types`` and always hands out full graphs (and no
    whole-portfolio frame, so every report goes account graph by account graph)."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        if name == "frame":
            raise AttributeError(name)
        return getattr(self._store, name)

    def account_graph(self, account, *, edge_types=None):
        return self._store.account_graph(account)

    def account_graphs(self, accounts=None, *, edge_types=None):
        return self._store.account_graphs(accounts)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    info = write_demo(d)
    return FileStore(d), info


CALLS = {
    "coverage": lambda f, s: f.coverage_report(s, as_of=AS_OF),
    "gaps": lambda f, s: f.gaps_report(s, as_of=AS_OF),
    "threads": lambda f, s: f.threads_report(s, as_of=AS_OF, all=True),
    "risk": lambda f, s: f.risk_report(s, as_of=AS_OF),
    "whatif": lambda f, s: f.whatif_report(s, without=["s-am-es", "s-pres"], as_of=AS_OF),
    "diff": lambda f, s: f.diff_report(s, since=dt.date(2026, 1, 1), as_of=AS_OF),
    "paths": lambda f, s: f.paths_report(s, target="nwm-ceo", as_of=AS_OF, k=5),
    "influencers": lambda f, s: f.influencers_report(s, account="nwm", as_of=AS_OF),
}


@pytest.mark.parametrize("command", sorted(CALLS))
def test_light_graphs_give_the_same_answers(demo, command):
    store, _ = demo
    light = CALLS[command](portfolio, store)
    full = CALLS[command](portfolio, FullGraphs(store))
    assert light == full
    assert light  # a real answer, not an empty one
