"""Work shared out to forked processes, one per CPU: a portfolio's plan and threads.

A portfolio's plan is a search and a few dozen Python steps per action, seventy
thousand actions on the 300-account portfolio: the one analysis whose own work
(1.3 s) outweighs the load; ``threads`` is a search per contact asked about
(0.5 s). Accounts are independent, so they are cut into as many runs as there
are CPUs (:func:`shares`, each about as much work); each run but the first is
worked in a child process forked from this one, which has the frame and its
strengths already (copy on write), and writes its result back pickled
(:func:`forked_map`), while this process works the first. Where the work has
stages (:class:`forked_stages`: a plan's sorted keys, then its rows' text), a
child sends each stage as soon as it has it, so that this process merges the
keys while the children still write their text. On two CPUs the 300-account
plan command takes about three quarters of its time in one process (2.9 s against
2.15 s, medians of six alternated cold runs, 2026-12-04): the load before the fork
is not shared out, and the two processes slow each other by 5-8 % where both work.

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

import atexit
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .errors import UsageError

__all__ = ["FORK_FROM", "forked_map", "forked_stages", "jobs", "reap", "shares"]

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
    with forked_stages(lambda x: iter((fn(x),)), items) as work:
        return [next(work.here), *work.stage()] if items else []


class forked_stages:
    """Work in stages, shared out as :func:`forked_map` shares it: ``fn(x)`` is a
    generator of the results of the stages of item ``x``'s work, in order; the
    first item's is :attr:`here`, for the caller to take its stages from when it
    will, each other item's is worked through in a child process forked for it,
    which sends each stage's result (pickled) as soon as it has it, and
    :meth:`stage` gives the next stage of every child's, in item order, waiting
    for those not there yet. So this process can do its own share, and then what
    needs only the first stages of the others' (a merge of their sort keys), while
    the children still work out their later stages (their rows' text).

    A child that fails in any way, at any stage, has its item worked again here
    from the start, and the stage asked taken from it (every stage's result is
    the one the work done here alone gives). Used as a context manager: leaving it
    stops every child left (:func:`reap` waits for their end).
    """

    def __init__(self, fn: Callable[[T], Iterator[R]], items: Sequence[T]):
        self._fn, self._items = fn, list(items)
        self._children: list[list] = []  # [pid, result file, pipe, offset so far, stages taken, here]
        reap()  # (those of earlier work, long ended)
        try:
            if len(self._items) > 1 and can_fork():
                for x in self._items[1:]:
                    fd = _scratch_file()
                    ready, told = os.pipe()
                    pid = os.fork()
                    if pid == 0:  # the child: never returns
                        os.close(ready)
                        _child(fn, x, fd, told, [f for c in self._children for f in c[1:3]])
                    os.close(told)
                    self._children.append([pid, fd, ready, 0, 0, None])
            else:
                self._children = [[0, -1, -1, 0, 0, None] for _ in self._items[1:]]  # (worked when asked)
            self.here: Iterator[R] = fn(self._items[0]) if self._items else iter(())
        except BaseException:
            self.close()
            raise

    def stage(self) -> list[R]:
        """The next stage's result of each item's work but the first, in order
        (StopIteration when their work has no more)."""
        return [self._next(c, x) for c, x in zip(self._children, self._items[1:])]

    def _next(self, child: list, x: T) -> R:
        pid, fd, ready, offset, taken, here = child
        child[4] = taken + 1
        if here is None:
            end = _told(ready) if ready >= 0 else None
            if end is not None and end > offset:
                import mmap

                try:
                    with mmap.mmap(fd, end, access=mmap.ACCESS_READ) as view, memoryview(view) as whole:
                        with whole[offset:end] as part:
                            child[3] = end
                            return pickle.loads(part)
                except Exception:  # noqa: BLE001 (any failure: done again here)
                    pass
            # No child, or it failed: the item is worked here, from the start.
            self._stop(child)
            here = child[5] = self._fn(x)
            for _ in range(taken):
                next(here)
        return next(here)

    def _stop(self, child: list) -> None:
        pid, fd, ready = child[:3]
        child[:3] = 0, -1, -1
        for f in (fd, ready):
            if f >= 0:
                os.close(f)
        if pid:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
            _ending.append(pid)
            reap(wait=False)

    def close(self) -> None:
        """Stop every child left (:func:`reap`)."""
        for child in self._children:
            self._stop(child)

    def __enter__(self) -> forked_stages:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_ending: list[int] = []
"""The children stopped (or done) that have not yet been waited for."""


def reap(*, wait: bool = True) -> None:
    """Wait for the children :class:`forked_stages` stopped (or that are done)
    and have not ended yet. A child's end, its memory given back, takes about
    0.01 s nobody needs to wait for: each is waited for here, at the next fork,
    or when this process exits. ``wait``: False, only those ended already."""
    for pid in list(_ending):
        try:
            ended, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            ended = pid
        if ended:
            _ending.remove(pid)


atexit.register(reap)


def _told(ready: int) -> int | None:
    """The end, in its result file, of the stage a child tells it has written
    (eight bytes on the pipe ``ready``), or None where it ended first."""
    got = b""
    while len(got) < 8:
        more = os.read(ready, 8 - len(got))
        if not more:
            return None
        got += more
    return int.from_bytes(got, "little")


def _scratch_file() -> int:
    """A new file in memory, of no name (the descriptor of a memfd; of a
    temporary file, deleted already, where there is none)."""
    try:
        return os.memfd_create("relgraph-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        import tempfile

        return os.dup(tempfile.TemporaryFile().fileno())


def _child(fn: Callable[[T], Iterator[R]], x: T, fd: int, told: int, others: list[int]) -> None:
    """In a forked child: write the result of each stage of ``fn(x)``, pickled,
    to the file ``fd``, one after another, telling where each ends on the pipe
    ``told`` as soon as it is written, and exit with status 0 (1 on any failure:
    the pipe then ends before the stage the parent waits for), never returning
    into the caller's code nor running its exit handlers or flushing its buffers.
    (A file, not the pipe: the child writes its results whole without waiting for
    the parent to read them, which the parent does once its own share is done.)
    The child ends unfreed (:func:`relgraph.memory.ending_unfreed`): what its work
    lets go by :func:`relgraph.memory.left` is not freed first."""
    code = 1
    try:
        from .memory import ending_unfreed

        ending_unfreed()  # (this process ends by os._exit)
        for f in others:
            os.close(f)
        with os.fdopen(fd, "wb", buffering=1 << 20) as file:
            for result in fn(x):
                pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
                file.flush()
                os.write(told, file.tell().to_bytes(8, "little"))
        code = 0
    except BaseException:  # noqa: BLE001 (the parent does this share again)
        pass
    finally:
        os._exit(code)
