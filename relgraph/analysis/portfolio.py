"""The analysis commands over a whole store.

Each function here answers one command of the CLI with the full JSON object of
that command (SPEC section 3). Coverage, gaps, threads, rotation risk, what-if and
diff are computed from an analysis frame (:mod:`relgraph.analysis.frame`): the file
store gives the frame of the whole portfolio at once, built column-wise from its
typed tables; any other store (Neo4j) is asked for one account's graph at a time
(:meth:`GraphStore.account_graphs`), whose frame goes through the same functions, so
the largest account bounds memory. Paths and influencers read the graph of the one
account they are about.

``progress``, when given, is called as ``progress(done, total)`` after each account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import networkx as nx

from ..errors import NotFound, UsageError
from ..graph import INFLUENCES, KNOWS, ON_TEAM, REPORTS_TO, STAFF, node_key
from .coverage import frame_coverage, frame_gaps, gap_sort_key
from .frame import Frame, frame_from_graph, pair_strengths, select_accounts
from .influencers import key_influencers
from .paths import influence_paths
from .threads import frame_threads, risk_rows, sole_threads, threads_sort_key
from .whatif import check_since, frame_diff, frame_whatif

__all__ = [
    "coverage_report",
    "diff_report",
    "gaps_report",
    "influencers_report",
    "paths_report",
    "risk_report",
    "threads_report",
    "whatif_report",
]

Progress = Callable[[int, int], None] | None
T = TypeVar("T")


# The edges each command reads (every node is always there): the store need not
# build the others. tests/test_portfolio.py holds every report to the full graphs.
COVERAGE_EDGES = frozenset({KNOWS, ON_TEAM})
RISK_EDGES = frozenset({KNOWS})
ACCESS_EDGES = frozenset({KNOWS, REPORTS_TO, INFLUENCES})
WHATIF_EDGES = frozenset({KNOWS, ON_TEAM, REPORTS_TO, INFLUENCES})


def _each_account(
    store,
    accounts: Sequence[str] | None,
    fn: Callable[[str, nx.MultiDiGraph], T],
    progress: Progress,
    edge_types: frozenset[str] | None = None,
) -> list[T]:
    """``[fn(account, account graph) ...]`` for ``accounts`` (all when None, ids
    checked first), in that order, one graph at a time."""
    known = store.account_ids()
    if accounts is None:
        ids = known
    else:
        have = set(known)
        ids = list(dict.fromkeys(accounts))
        for a in ids:
            if a not in have:
                raise NotFound(f"unknown account {a!r}")
    out = []
    for i, (a, G) in enumerate(zip(ids, store.account_graphs(ids, edge_types=edge_types))):
        out.append(fn(a, G))
        if progress is not None:
            progress(i + 1, len(ids))
    return out


def _over_frames(
    store,
    accounts: Sequence[str] | None,
    compute: Callable[[Frame, list[int]], T],
    progress: Progress,
    edge_types: frozenset[str],
) -> list[T]:
    """``compute(frame, account indexes)`` over the store: once over the frame of
    the whole store when it gives one (the file store's ``frame()``), else once per
    account over the frame of its graph (``accounts``: all when None, ids checked)."""
    frame = getattr(store, "frame", None)
    if frame is not None:
        F = frame()
        picked = select_accounts(F, accounts)
        out = [compute(F, picked)]
        if progress is not None:
            progress(len(picked), len(picked))
        return out

    def one(a: str, G: nx.MultiDiGraph) -> T:
        F = frame_from_graph(G)
        return compute(F, select_accounts(F, [a]))

    return _each_account(store, accounts, one, progress, edge_types)


def coverage_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "accounts": [...]}``: :func:`relgraph.analysis.coverage.coverage`
    over the store, accounts sorted by id (or in the order given)."""

    def compute(F: Frame, picked: list[int]) -> list[dict[str, Any]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong)
        return frame_coverage(F, ps, accounts=picked)

    parts = _over_frames(store, accounts, compute, progress, COVERAGE_EDGES)
    return {"as_of": as_of, "accounts": [row for part in parts for row in part]}


def gaps_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    limit: int | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "gaps": [...]}``: :func:`relgraph.analysis.coverage.gaps` over the
    store, highest priority first, at most ``limit``."""

    def compute(F: Frame, picked: list[int]) -> list[dict[str, Any]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong)
        return frame_gaps(F, ps, accounts=picked)

    out = [g for part in _over_frames(store, accounts, compute, progress, ACCESS_EDGES) for g in part]
    out.sort(key=gap_sort_key)
    return {"as_of": as_of, "gaps": out if limit is None else out[:limit]}


def threads_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    all: bool = False,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "contacts": [...]}``: :func:`relgraph.analysis.threads.contact_threads`
    over the store."""

    def compute(F: Frame, picked: list[int]) -> list[dict[str, Any]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong)
        return frame_threads(F, ps, accounts=picked, all=all)

    rows = [r for part in _over_frames(store, accounts, compute, progress, ACCESS_EDGES) for r in part]
    rows.sort(key=threads_sort_key)
    return {"as_of": as_of, "contacts": rows}


def risk_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    horizon: int = 180,
    rotation_years: int = 3,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "staff": [...]}``: rotation risk summed over every account, for
    every active staff member of the store (also those in no account)."""

    def compute(F: Frame, picked: list[int]) -> dict[str, list[tuple[str, int]]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, strong=strong)
        return sole_threads(F, ps, picked)

    sole: dict[str, list[tuple[str, int]]] = {}
    for part in _over_frames(store, None, compute, progress, RISK_EDGES):
        for s, items in part.items():
            sole.setdefault(s, []).extend(items)
    rows = risk_rows(store.staff(), sole, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
    return {"as_of": as_of, "staff": rows}


def _check_staff(store, ids: Sequence[str]) -> list[str]:
    for s in ids:
        store.locate(STAFF, s)  # raises NotFound
    return list(dict.fromkeys(ids))


def whatif_report(
    store,
    *,
    as_of: dt.date,
    without: Sequence[str],
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "without", "accounts": [{"id", "before", "after"}], "lost":
    [{"contact", "heir"}]}``: :func:`relgraph.analysis.whatif.whatif` over the store."""
    leaving = _check_staff(store, without)

    def compute(F: Frame, picked: list[int]) -> dict[str, Any]:
        return frame_whatif(F, as_of=as_of, without=leaving, half_life=half_life, strong=strong, accounts=picked)

    out_accounts, lost = [], []
    for r in _over_frames(store, accounts, compute, progress, WHATIF_EDGES):
        out_accounts.extend(r["accounts"])
        lost.extend(r["lost"])
    lost.sort(key=lambda r: r["contact"])
    return {"as_of": as_of, "without": leaving, "accounts": out_accounts, "lost": lost}


def diff_report(
    store,
    *,
    since: dt.date,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"since", "as_of", "accounts", "gained", "lost"}``:
    :func:`relgraph.analysis.whatif.diff` over the store."""
    check_since(since, as_of)  # before any account is read

    def compute(F: Frame, picked: list[int]) -> dict[str, Any]:
        return frame_diff(F, since=since, as_of=as_of, half_life=half_life, strong=strong, accounts=picked)

    out_accounts, gained, lost = [], [], []
    for r in _over_frames(store, accounts, compute, progress, COVERAGE_EDGES):
        out_accounts.extend(r["accounts"])
        gained.extend(r["gained"])
        lost.extend(r["lost"])
    gained.sort(key=lambda r: (r["staff"], r["contact"]))
    lost.sort(key=lambda r: (r["staff"], r["contact"]))
    return {"since": since, "as_of": as_of, "accounts": out_accounts, "gained": gained, "lost": lost}


def paths_report(
    store,
    *,
    target: str,
    as_of: dt.date,
    half_life: float = 180.0,
    k: int = 3,
    source: str | None = None,
    through_opponents: bool = False,
) -> dict[str, Any]:
    """``{"as_of", "target", "paths": [...]}``: the ``k`` best influence paths to
    contact ``target`` (:func:`relgraph.analysis.paths.influence_paths`), read from
    the target's account only. Each path also gets ``names`` (the node names)."""
    if k < 1:
        raise UsageError(f"-k must be at least 1 (got {k})")
    account = store.locate("Contact", target)
    if source is not None:
        store.locate(STAFF, source)
    G = store.account_graph(account, edge_types=ACCESS_EDGES)
    if source is not None and node_key(STAFF, source) not in G:
        paths: list[dict] = []  # that staff member knows no one at this account
    else:
        paths = influence_paths(
            G, target, as_of=as_of, half_life=half_life, k=k, source=source, through_opponents=through_opponents
        )
    nodes = G._node
    for p in paths:
        labels = []
        for i, x in enumerate(p["nodes"]):
            d = nodes[node_key(STAFF if i == 0 else "Contact", x)]
            labels.append({"id": x, "name": d.get("name"), "coach": bool(d.get("coach")), "attitude": d.get("attitude")})
        p["names"] = [lab["name"] for lab in labels]
        p["people"] = labels
    return {"as_of": as_of, "target": target, "account": account, "paths": paths}


def influencers_report(
    store,
    *,
    account: str,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    limit: int | None = None,
) -> dict[str, Any]:
    """``{"as_of", "account", "contacts": [...]}``:
    :func:`relgraph.analysis.influencers.key_influencers` on one account."""
    if account not in set(store.account_ids()):
        raise NotFound(f"unknown account {account!r}")
    G = store.account_graph(account, edge_types=ACCESS_EDGES)
    rows = key_influencers(G, account, as_of=as_of, half_life=half_life, strong=strong, limit=limit)
    return {"as_of": as_of, "account": account, "contacts": rows}
