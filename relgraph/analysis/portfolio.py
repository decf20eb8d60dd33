"""The analysis commands over a whole store.

Each function here answers one command of the CLI with the full JSON object of
that command (SPEC section 3). Coverage, gaps, threads, rotation risk, what-if and
diff are computed from the analysis frame (:mod:`relgraph.analysis.frame`) of the
store's typed tables, part by part (:meth:`GraphStore.table_parts`: the file store
holds the whole portfolio and gives it at once, the Neo4j store one account at a
time, so that the largest account bounds memory). Paths and influencers read the
graph of the one account they are about.

``progress``, when given, is called as ``progress(done, total)`` after each account.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np

from .. import memory, workers
from ..errors import UsageError
from ..graph import STAFF
from ..rows import paused_gc
from ..workers import forked_stages, jobs, shares
from .access import FrameAccounts
from .coverage import frame_coverage, frame_gaps, gap_sort_key
from .frame import Frame, contacts_of, frame_of, pair_strengths, select_accounts
from .influencers import frame_influencers
from .paths import frame_paths
from .successor import due_soon, staff_rotation
from .threads import frame_threads, risk_rows, sole_threads, threads_sort_key
from .whatif import check_since, frame_diff, frame_whatif

__all__ = [
    "coverage_report",
    "diff_report",
    "gaps_report",
    "influencers_report",
    "paths_report",
    "plan_report",
    "risk_report",
    "threads_report",
    "whatif_report",
]

Progress = Callable[[int, int], None] | None
T = TypeVar("T")


def _over_frames(
    store,
    accounts: Sequence[str] | None,
    compute: Callable[[Frame, list[int]], T],
    progress: Progress,
) -> list[T]:
    """``[compute(frame, account indexes) ...]``, once per part of the store's
    tables (:meth:`GraphStore.table_parts`; ``accounts``: all when None, ids
    checked first, in the order given)."""
    total = len(store.account_ids()) if accounts is None else len(dict.fromkeys(accounts))
    out, done = [], 0
    for ids, typed in store.table_parts(accounts):
        F = frame_of(typed)
        out.append(compute(F, select_accounts(F, ids)))
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return out


def _sorted_runs(
    F: Frame,
    picked: list[int],
    work: Callable[[list[int]], list[dict[str, Any]]],
    key: Callable[[dict[str, Any]], Any],
    processes: int,
    encode: Callable[[list[dict[str, Any]]], list[Any]] | None = None,
) -> list[tuple[list[Any], list[Any]]]:
    """``work(run)`` for runs of the accounts ``picked``, about equal in contacts,
    each run but the first in a process of its own (:func:`relgraph.workers.forked_stages`),
    their rows in one order by ``key``: one run, ``(keys, rows)`` (:func:`_merged`
    puts the runs of several parts in one order).

    Each run's rows are sorted with their keys; a child sends its keys first, then
    its rows, so that this process, its own run done, merges the keys while the
    children still send their rows. ``encode``: where the runs are shared out,
    what each gives of its rows instead of them: one item per row, each of its row
    alone, as their JSON text (:func:`relgraph.format.json_texts`), made by each
    process as a share of the work, in the order the rows were made, then sorted
    with them (in one process, the output writes them, a piece at a time)."""

    contacts = np.bincount(F.contact_account, minlength=len(F.account_ids))[picked].tolist()
    runs = [picked[run.start : run.stop] for run in shares(contacts, processes)]
    shared = len(runs) > 1 and workers.can_fork()  # (else the output writes the rows, a piece at a time)
    write = encode if shared and encode is not None else None
    home = os.getpid()

    def sorted_run(run: list[int]) -> Iterator[list[Any]]:
        rows = work(run)
        keys = list(map(key, rows))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        yield list(map(keys.__getitem__, order))
        if write is not None:
            # Written in the order the rows were made, which is their order in memory
            # (a quarter faster than in sorted order, where each row's is far from
            # the last), their text then sorted. The rows are let go here, not
            # when this generator is: after the others' rows come; and a child,
            # which ends unfreed, leaves them unfreed (relgraph.memory.left: its
            # text goes 15 ms sooner, which this process waits for, while this
            # one frees its own as it waits).
            if os.getpid() != home:
                memory.left(rows)
            rows = write(rows)
        yield list(map(rows.__getitem__, order))

    with forked_stages(sorted_run, runs) as done:
        keys, rows = [next(done.here)], [next(done.here)]  # this process's run first
        keys += done.stage()
        order = _order(keys)
        rows += done.stage()
    return [(keys[0], rows[0]) if order is None else (_Ordered(keys, order), _ordered(rows, order))]


def _order(runs: list[list[Any]]) -> list[int] | None:
    """The order of the keys of ``runs`` (each sorted) one after another by one
    stable sort of them all (one merge); None for one run (its own)."""
    if len(runs) == 1:
        return None
    keys = list(itertools.chain.from_iterable(runs))
    return sorted(range(len(keys)), key=keys.__getitem__)


def _ordered(runs: list[list[Any]], order: list[int]) -> list[Any]:
    # (map and chain: a fifth to a half faster than comprehensions over 72,000)
    return list(map(list(itertools.chain.from_iterable(runs)).__getitem__, order))


class _Ordered:
    """The keys of runs merged (:func:`_order`), put in order only if they are
    read (the keys of one part of several: most commands have one)."""

    def __init__(self, runs: list[list[Any]], order: list[int]):
        self.runs, self.order = runs, order

    def __iter__(self) -> Iterator[Any]:
        return iter(_ordered(self.runs, self.order))


def _merged(runs: list[tuple[list[Any], list[Any]]], limit: int | None = None) -> list[Any]:
    """The rows of ``runs`` (each sorted, with its keys, of accounts of its own) in
    the order of one sort of them all by key, at most ``limit``: one merge (a stable
    sort of the runs one after another)."""
    order = _order([keys for keys, _ in runs])
    rows = runs[0][1] if order is None else _ordered([rows for _, rows in runs], order)
    memory.left(runs)  # (their keys: not freed where the process ends unfreed)
    return rows if limit is None else rows[:limit]


def coverage_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "accounts": [...]}``: :func:`relgraph.analysis.coverage.coverage`
    over the store, accounts sorted by id (or in the order given)."""

    def compute(F: Frame, picked: list[int]) -> list[dict[str, Any]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
        return frame_coverage(F, ps, accounts=picked)

    with paused_gc():  # (the cells, and their lists of contacts: none in a cycle)
        parts = _over_frames(store, accounts, compute, progress)
    return {"as_of": as_of, "accounts": [row for part in parts for row in part]}


def gaps_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    limit: int | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "gaps": [...]}``: :func:`relgraph.analysis.coverage.gaps` over the
    store, highest priority first, at most ``limit``."""

    def compute(F: Frame, picked: list[int]) -> list[dict[str, Any]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
        due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years)
        return frame_gaps(F, ps, accounts=picked, due=due)

    out = [g for part in _over_frames(store, accounts, compute, progress) for g in part]
    out.sort(key=gap_sort_key)
    return {"as_of": as_of, "gaps": out if limit is None else out[:limit]}


def threads_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    all: bool = False,
    horizon: int = 180,
    rotation_years: int = 3,
    progress: Progress = None,
    encode: Callable[[list[dict[str, Any]]], list[Any]] | None = None,
) -> dict[str, Any]:
    """``{"as_of", "contacts": [...]}``: :func:`relgraph.analysis.threads.contact_threads`
    over the store. ``encode``: as :func:`plan_report`'s, of the rows."""
    processes = jobs()

    def compute(F: Frame, picked: list[int]) -> list[tuple[list[Any], list[dict[str, Any]]]]:
        due = due_soon(F, as_of=as_of, horizon=horizon, rotation_years=rotation_years)

        def threads(run: list[int]) -> list[dict[str, Any]]:
            ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong,
                                contacts=contacts_of(F, run))
            return frame_threads(F, ps, accounts=run, all=all, due=due)

        return _sorted_runs(F, picked, threads, threads_sort_key, processes, encode)

    with paused_gc():  # (frame_threads' rows, and a search per row: none in a cycle)
        rows = _merged([run for part in _over_frames(store, accounts, compute, progress) for run in part])
    return {"as_of": as_of, "contacts": rows}


def risk_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    horizon: int = 180,
    rotation_years: int = 3,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "staff": [...]}``: rotation risk summed over every account, for
    every active staff member of the store (also those in no account)."""

    def compute(F: Frame, picked: list[int]) -> dict[str, list[tuple[str, int]]]:
        ps = pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong)
        return sole_threads(F, ps, picked)

    sole: dict[str, list[tuple[str, int]]] = {}
    with paused_gc():  # (a row per staff member, twice: none in a cycle)
        for part in _over_frames(store, None, compute, progress):
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
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    horizon: int = 180,
    rotation_years: int = 3,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"as_of", "without", "accounts": [{"id", "before", "after"}], "lost":
    [{"contact", "heir"}]}``: :func:`relgraph.analysis.whatif.whatif` over the store."""
    leaving = _check_staff(store, without)

    def compute(F: Frame, picked: list[int]) -> dict[str, Any]:
        return frame_whatif(F, as_of=as_of, without=leaving, half_life=half_life, grace=grace, strong=strong,
                            accounts=picked, horizon=horizon, rotation_years=rotation_years)

    out_accounts, lost = [], []
    for r in _over_frames(store, accounts, compute, progress):
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
    grace: float = 90.0,
    strong: float = 3.0,
    accounts: Sequence[str] | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """``{"since", "as_of", "accounts", "gained", "lost"}``:
    :func:`relgraph.analysis.whatif.diff` over the store."""
    check_since(since, as_of)  # before any account is read

    def compute(F: Frame, picked: list[int]) -> dict[str, Any]:
        return frame_diff(F, since=since, as_of=as_of, half_life=half_life, grace=grace, strong=strong, accounts=picked)

    out_accounts, gained, lost = [], [], []
    for r in _over_frames(store, accounts, compute, progress):
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
    grace: float = 90.0,
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
    F = frame_of(store.tables([account]))
    parts = FrameAccounts(F, pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace))
    staff_at = {s: i for i, s in enumerate(F.staff_ids)}
    if source is not None and source not in staff_at:
        paths: list[dict] = []  # that staff member knows no one at this account
    else:
        paths = frame_paths(parts, target, k=k, source=source, through_opponents=through_opponents)
    contact_at = {c: i for i, c in enumerate(F.contact_ids)}
    for p in paths:
        first, *rest = p["nodes"]
        labels = [{"id": first, "name": F.staff_names[staff_at[first]], "coach": False, "attitude": None}]
        for x in rest:
            i = contact_at[x]
            labels.append(
                {"id": x, "name": F.contact_names[i], "coach": F.contact_coach[i], "attitude": F.contact_attitudes[i]}
            )
        p["names"] = [lab["name"] for lab in labels]
        p["people"] = labels
    return {"as_of": as_of, "target": target, "account": account, "paths": paths}


def influencers_report(
    store,
    *,
    account: str,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    limit: int | None = None,
) -> dict[str, Any]:
    """``{"as_of", "account", "contacts": [...]}``:
    :func:`relgraph.analysis.influencers.key_influencers` on one account."""
    F = frame_of(store.tables([account]))
    parts = FrameAccounts(F, pair_strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong))
    rows = frame_influencers(parts, select_accounts(F, [account])[0], limit=limit)
    return {"as_of": as_of, "account": account, "contacts": rows}


def plan_report(
    store,
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    horizon: int = 180,
    lead: int = 30,
    rotation_years: int = 3,
    accounts: Sequence[str] | None = None,
    limit: int | None = None,
    progress: Progress = None,
    encode: Callable[[list[dict[str, Any]]], list[Any]] | None = None,
) -> dict[str, Any]:
    """``{"as_of", "horizon", "actions": [...]}``: the relationship plan
    (:func:`relgraph.analysis.plan.frame_plan`) over the store, highest priority
    first (:func:`relgraph.analysis.plan.action_sort_key`), at most ``limit``.

    ``encode``: where the accounts are shared out between processes
    (:class:`relgraph.workers.forked_stages`), the actions are given as what
    ``encode`` makes of each process's list of them, one item each (the CLI's
    compact JSON: their text, :func:`relgraph.format.json_texts`, written by each
    process as a share of the work, instead of by this one at the end)."""
    from .plan import action_sort_key, frame_plan, strengths

    processes = jobs()

    def compute(F: Frame, picked: list[int]) -> list[tuple[list[Any], list[dict[str, Any]]]]:
        # (the staff of a part of the store are all those its accounts' actions name)
        rotation = staff_rotation(F, rotation_years)

        def planned(run: list[int]) -> list[dict[str, Any]]:
            ps = strengths(F.strengths, as_of=as_of, half_life=half_life, grace=grace, strong=strong,
                           contacts=contacts_of(F, run))
            return frame_plan(F, ps, as_of=as_of, rotation=rotation, horizon=horizon, lead=lead,
                              half_life=half_life, grace=grace, strong=strong, accounts=run, trim=True)

        return _sorted_runs(F, picked, planned, action_sort_key, processes, encode)

    with paused_gc():  # (frame_plan's containers, and a sort key per action: none in a cycle)
        out = _merged([run for part in _over_frames(store, accounts, compute, progress) for run in part], limit)
    return {"as_of": as_of, "horizon": horizon, "actions": out}
