"""Work shared out to forked processes, one per CPU: a portfolio's plan and threads.

A portfolio's plan is a search and a few dozen Python steps per action, seventy
thousand actions on the 300-account portfolio: the one analysis whose own work
(1.3 s) outweighs the load; ``threads`` is a search per contact asked about
(0.5 s). Accounts are independent, so they are cut into as many runs as there
are CPUs (:func:`shares`, each about as much work); each run but the first is
worked in a child process forked from this one, which has the frame and its
strengths already (copy on write), and writes its result back pickled
(:func:`forked_map`), while this process works the first. On two CPUs the plan's
own work (with its sort) falls from about 1.45 s to 1.0 s, the command from 2.35 s
to 1.85 s.

Forking is done only where it is safe and worth it: on Linux, in a process
running no other thread (a fork copies only the thread that calls it, and a lock
another thread held would stay locked in the child), and for work above
:data:`FORK_FROM`. A child that fails in any way (an exception, a signal, a
result that does not unpickle) has its share done again here, so that the
answer, and any error, is the one the work done here alone gives.
``RELGRAPH_JOBS`` sets the number of processes (1: no fork; default: the CPUs, at
most :data:`MOST_JOBS`).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from .errors import UsageError

__all__ = ["FORK_FROM", "forked_map", "jobs", "shares"]

T = TypeVar("T")
R = TypeVar("R")

FORK_FROM = 20_000
"""The least work (the weights given to :func:`shares`: a plan's contacts) cut
into shares: below it a fork and the pickled result cost more than they save (a
fork of the 300-account portfolio's process, 350 MB, costs about 2 ms, and each
child's writes to pages it shares with it about 20,000 page copies, 0.04 s)."""

HERE = 1.0
"""How much more work the first share (this process's own) takes than another,
so that all end at about the same time. A child also pickles its result and
this process unpickles it; for the CLI's JSON plan each sends the text of its
actions (:func:`relgraph.format.json_texts`, which every process writes), a
tenth of the work of pickling the dicts: shares of equal work end closest (on
the 300-account plan, 1.0 ends 0.05 to 0.1 s before 1.2, where this process
waited for nothing and then wrote the text of its share of the actions)."""


def jobs() -> int:
    """The processes to share work between: ``RELGRAPH_JOBS`` (a whole number, at
    least 1), else the CPUs this process may run on, at most :data:`MOST_JOBS`."""
    text = os.environ.get("RELGRAPH_JOBS", "").strip()
    if text:
        try:
            n = int(text)
        except ValueError:
            n = 0
        if n < 1:
            raise UsageError(f"RELGRAPH_JOBS must be a whole number of at least 1 (got {text!r})")
        return n
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # (not Linux)
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MOST_JOBS))


MOST_JOBS = 4
"""The most processes :func:`jobs` gives unless ``RELGRAPH_JOBS`` says more: each
child holds pages of its own (on the 300-account portfolio, 95 MB for half of the
plan), and its share, and so the time it saves, shrinks as they multiply."""


def shares(weights: Sequence[float], n: int, *, least: float | None = None) -> list[range]:
    """The indexes of ``weights`` cut into at most ``n`` runs of consecutive
    indexes of about equal weight (the first, this process's own, :data:`HERE`
    times another's), in order; one run of all where the weights sum to less
    than ``least`` (default :data:`FORK_FROM`) or ``n`` is 1. Runs, not any
    shares: the analyses work through accounts in turn, a run of them at once
    (:meth:`relgraph.analysis.access.FrameAccounts.access`). Runs that would be
    empty are left out.

    >>> shares([5, 1, 4, 2, 3, 3], 2, least=0)
    [range(0, 3), range(3, 6)]
    """
    least = FORK_FROM if least is None else least
    total = float(sum(weights))
    if n <= 1 or len(weights) <= 1 or total < least:
        return [range(len(weights))]
    # Run k ends where the weight so far passes its share: the first's HERE, each
    # other's 1, of the total over HERE + n - 1.
    unit = total / (HERE + n - 1)
    ends: list[int] = []
    so_far = 0.0
    for i, w in enumerate(weights):
        # (a cut before index i where the middle of its weight passes run k's end)
        while len(ends) < n - 1 and so_far + w / 2 > unit * (HERE + len(ends)):
            ends.append(i)
        so_far += w
    out, start = [], 0
    for end in [*ends, len(weights)]:
        if end > start:
            out.append(range(start, end))
        start = end
    return out


def can_fork() -> bool:
    """Whether :func:`forked_map` forks here: on Linux, with no other thread running."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def forked_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]``: ``fn(items[0])`` here and each other item's in a
    child process forked for it (where :func:`can_fork`), all at once. A child's
    result comes back pickled; a child that fails in any way has its item done
    again here. ``fn`` must not change what this process holds that the other
    calls read (each child has its own copy of it)."""
    if len(items) < 2 or not can_fork():
        return [fn(x) for x in items]
    children: list[tuple[int, int]] = []  # (pid, the file its result is written to)
    try:
        for x in items[1:]:
            fd = _scratch_file()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                _child(fn, x, fd, [f for _, f in children])
            children.append((pid, fd))
        out = [fn(items[0])]
        for k, (pid, fd) in enumerate(children):
            _, status = os.waitpid(pid, 0)
            children[k] = (0, fd)
            out.append(_result(fd, status, fn, items[k + 1]))
        return out
    finally:
        for pid, fd in children:  # (an error here: stop and reap those left)
            os.close(fd)
            if pid:
                try:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                except OSError:
                    pass


def _scratch_file() -> int:
    """A new file in memory, of no name (the descriptor of a memfd; of a
    temporary file, deleted already, where there is none)."""
    try:
        return os.memfd_create("relgraph-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        import tempfile

        return os.dup(tempfile.TemporaryFile().fileno())


def _result(fd: int, status: int, fn: Callable[[T], R], x: T) -> R:
    """The result a child wrote to ``fd`` (its exit ``status``: 0 when it wrote it
    all), or ``fn(x)`` where it failed."""
    if os.waitstatus_to_exitcode(status) == 0:
        size = os.fstat(fd).st_size
        if size:
            import mmap

            try:
                with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as view:
                    return pickle.loads(view)
            except Exception:  # noqa: BLE001 (any failure: done again here)
                pass
    return fn(x)


def _child(fn: Callable[[T], R], x: T, fd: int, others: list[int]) -> None:
    """In a forked child: write ``fn(x)``, pickled, to the file ``fd`` and exit
    with status 0 (1 on any failure: the parent then does not read what was
    written), never returning into the caller's code nor running its exit
    handlers or flushing its buffers. (A file, not a pipe: the child writes its
    result whole without waiting for the parent to read it, which the parent
    does once its own share is done.)"""
    code = 1
    try:
        for f in others:
            os.close(f)
        with os.fdopen(fd, "wb", buffering=1 << 20) as file:
            pickle.dump(fn(x), file, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException:  # noqa: BLE001 (the parent does this share again)
        pass
    finally:
        os._exit(code)
