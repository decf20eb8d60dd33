"""relgraph.workers: work shared out to forked processes gives what the work done
in one process gives, whatever becomes of a child; a portfolio's plan shared out
is the plan made in one process."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from relgraph import workers
from relgraph.errors import UsageError
from relgraph.workers import can_fork, forked_map, forked_stages, jobs, shares

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


@pytest.fixture
def forking(monkeypatch):
    """forked_map forks here although another test's daemon thread may still run
    (can_fork's own rule is tested apart); the list of the children it forked."""
    monkeypatch.setattr(workers, "can_fork", lambda: True)
    forked: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forked


def _all_reaped(pids: list[int]) -> bool:
    """Whether each of the children ``pids`` has ended and been waited for, once
    the children stopped are (workers.reap: a child still at work that was not
    stopped would make it wait for its end)."""
    workers.reap()
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return bool(pids)


def test_shares_are_runs_of_about_equal_weight(monkeypatch):
    assert shares([1] * 10, 2, least=0) == [range(0, 5), range(5, 10)]
    assert shares([1] * 10, 3, least=0) == [range(0, 3), range(3, 7), range(7, 10)]
    # A heavy index is a run of its own, where that is closest to equal.
    assert shares([10, 1, 1, 1], 2, least=0) == [range(0, 1), range(1, 4)]
    assert shares([1, 1, 1, 10], 2, least=0) == [range(0, 3), range(3, 4)]
    # The first run (this process's) takes HERE times another's share.
    assert shares([1] * 22, 2, least=0) == [range(0, 11), range(11, 22)]
    monkeypatch.setattr(workers, "HERE", 1.2)
    assert shares([1] * 22, 2, least=0) == [range(0, 12), range(12, 22)]
    monkeypatch.undo()
    # Runs that would be empty are left out; all in one run below the least weight.
    assert shares([1, 1], 4, least=0) == [range(0, 1), range(1, 2)]
    assert shares([5], 2, least=0) == [range(0, 1)]
    assert shares([], 2, least=0) == [range(0, 0)]
    assert shares([1] * 10, 2, least=11) == [range(0, 10)]
    assert shares([1] * 10, 1, least=0) == [range(0, 10)]


def test_jobs_is_the_setting_or_the_cpus(monkeypatch):
    monkeypatch.setenv("RELGRAPH_JOBS", " 3 ")
    assert jobs() == 3
    monkeypatch.setenv("RELGRAPH_JOBS", "12")
    assert jobs() == 12
    monkeypatch.delenv("RELGRAPH_JOBS")
    assert jobs() == min(len(os.sched_getaffinity(0)), workers.MOST_JOBS)
    for bad in ("0", "-2", "two", "1.5"):
        monkeypatch.setenv("RELGRAPH_JOBS", bad)
        with pytest.raises(UsageError, match=f"RELGRAPH_JOBS must be a whole number of at least 1 \\(got '{bad}'\\)"):
            jobs()


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@linux
def test_forked_map_does_each_item_but_the_first_in_a_child(forking):
    got = forked_map(_square_and_pid, [2, 3, 4])
    assert [v for v, _ in got] == [4, 9, 16]
    pids = [p for _, p in got]
    assert pids[0] == os.getpid() and pids[1:] == forking and _all_reaped(forking)
    # Results of any size come back whole (more than a pipe or a write buffer holds).
    big = forked_map(lambda n: [str(i) * 3 for i in range(n)], [10, 300_000])
    assert big == [[str(i) * 3 for i in range(n)] for n in (10, 300_000)]
    assert forked_map(_square_and_pid, [5]) == [(25, os.getpid())]
    assert forked_map(_square_and_pid, []) == []


class _Box:
    """Plain data that a weak reference can follow."""


def test_left_keeps_what_it_is_given_only_where_the_process_ends_unfreed(monkeypatch):
    import weakref

    from relgraph import memory

    monkeypatch.setitem(memory._LEFT, "kept", None)  # (a test process: freed as usual)
    box = _Box()
    gone = weakref.ref(box)
    memory.left(box)
    del box
    assert gone() is None
    memory.ending_unfreed()
    box = _Box()
    kept = weakref.ref(box)
    memory.left(box)
    del box
    assert kept() is not None and memory._LEFT["kept"] == [kept()]
    memory.ending_unfreed()  # (said again: what it keeps stays)
    assert memory._LEFT["kept"] == [kept()]


def _ends_unfreed(_: int) -> tuple[bool, int]:
    from relgraph import memory

    return memory._LEFT["kept"] is not None, os.getpid()


@linux
def test_a_child_ends_unfreed(forking, monkeypatch):
    """A child ends by os._exit: what its work lets go through memory.left is kept,
    not freed; this process (a test's) frees as usual."""
    from relgraph import memory

    monkeypatch.setitem(memory._LEFT, "kept", None)
    assert forked_map(_ends_unfreed, [1, 2]) == [(False, os.getpid()), (True, forking[0])]
    assert memory._LEFT["kept"] is None and _all_reaped(forking)


@linux
@pytest.mark.parametrize("how", ["raises", "exits", "killed", "unpicklable"])
def test_a_failed_child_has_its_item_done_again_here(forking, how):
    parent = os.getpid()

    def fn(x: int):
        if os.getpid() != parent:
            if how == "raises":
                raise ValueError("in the child")
            if how == "exits":
                os._exit(0)  # (status 0 and nothing written)
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            if how == "unpicklable":
                return lambda: x
        return x + 1, os.getpid()

    assert forked_map(fn, [1, 2, 3]) == [(2, parent), (3, parent), (4, parent)]
    assert len(forking) == 2 and _all_reaped(forking)


@linux
def test_an_error_here_stops_the_children_and_is_raised(forking, tmp_path):
    parent = os.getpid()
    mark = tmp_path / "ran"

    def fn(x: int):
        if os.getpid() == parent:
            raise KeyError("here")
        import time

        time.sleep(30)  # (killed long before)
        mark.write_text("done")
        return x

    with pytest.raises(KeyError, match="here"):
        forked_map(fn, [1, 2])
    assert len(forking) == 1 and _all_reaped(forking) and not mark.exists()


@linux
def test_a_childs_error_is_the_error_of_the_work_done_here(forking):
    def fn(x: int):
        raise ZeroDivisionError(f"item {x}")

    with pytest.raises(ZeroDivisionError, match="item 1"):
        forked_map(fn, [1, 2])
    assert len(forking) == 1 and _all_reaped(forking)


def _stages_after(mark, x: int):
    """Item ``x``'s work in two stages: ``(x, pid)``, then, once ``mark`` exists
    (at most 20 s later), ``(10 * x, pid)``; ``(-1, pid)`` if it never comes."""
    import time

    yield x, os.getpid()
    for _ in range(2000):
        if mark.exists():
            yield 10 * x, os.getpid()
            return
        time.sleep(0.01)
    (mark.parent / f"{x} waited in vain").write_text("")
    yield -1, os.getpid()


@linux
def test_forked_stages_sends_each_stage_as_soon_as_it_has_it(forking, tmp_path):
    """A child's first stage is read while it still waits to work out its second,
    which it does only once this process has read the first."""
    import functools

    mark = tmp_path / "first stage read"
    with forked_stages(functools.partial(_stages_after, mark), [1, 2, 3]) as work:
        assert next(work.here) == (1, os.getpid())
        first = work.stage()
        assert [x for x, _ in first] == [2, 3] and [p for _, p in first] == forking
        mark.write_text("")
        assert next(work.here) == (10, os.getpid())
        second = work.stage()
        assert [x for x, _ in second] == [20, 30] and [p for _, p in second] == forking
        with pytest.raises(StopIteration):
            work.stage()
    assert _all_reaped(forking)


@linux
def test_a_child_failing_at_a_later_stage_has_its_work_done_again_here(forking):
    parent = os.getpid()

    def fn(x: int):
        yield x, os.getpid()
        if os.getpid() != parent:
            raise ValueError("in the child, at its second stage")
        yield 10 * x, os.getpid()

    with forked_stages(fn, [1, 2]) as work:
        assert next(work.here) == (1, parent)
        (first,) = work.stage()
        assert first == (2, forking[0])  # (sent before it failed)
        assert next(work.here) == (10, parent)
        assert work.stage() == [(20, parent)]  # its work done again here, from the start
    assert _all_reaped(forking)


@linux
def test_leaving_forked_stages_stops_the_children_still_at_work(forking, tmp_path):
    import functools

    mark = tmp_path / "never"
    with forked_stages(functools.partial(_stages_after, mark), [1, 2]) as work:
        assert [x for x, _ in work.stage()] == [2]  # (the child then waits for the mark)
    # Stopped: not waited for (reaping would wait 20 s for a child left at work).
    assert len(forking) == 1 and _all_reaped(forking) and not (tmp_path / "2 waited in vain").exists()


@linux
def test_can_fork_only_with_no_other_thread_running():
    gate = threading.Event()
    t = threading.Thread(target=gate.wait)
    t.start()
    try:
        assert not can_fork()
        # Then the work is done here, in turn.
        assert forked_map(_square_and_pid, [1, 2]) == [(1, os.getpid()), (4, os.getpid())]
    finally:
        gate.set()
        t.join()
    assert can_fork() == (threading.active_count() == 1)


@pytest.fixture(scope="module")
def portfolio(generate):
    """A generated portfolio of 12 accounts (scripts/generate)."""
    return generate("portfolio", "--accounts", "12", "--contacts", "3000", "--staff", "300", "--seed", "7")


@linux
@pytest.mark.parametrize("processes", ["2", "3", "5"])
def test_a_plan_shared_out_is_the_plan_made_here(forking, portfolio, monkeypatch, processes):
    import datetime as dt

    from relgraph.analysis.portfolio import plan_report
    from relgraph.stores.files import FileStore

    store = FileStore(portfolio)
    as_of = dt.date(2026, 11, 1)
    monkeypatch.setenv("RELGRAPH_JOBS", "1")
    alone = plan_report(store, as_of=as_of)
    assert len(alone["actions"]) > 200
    monkeypatch.setenv("RELGRAPH_JOBS", processes)
    monkeypatch.setattr(workers, "FORK_FROM", 0)
    made: list[list[int]] = []
    real = workers.forked_stages

    def recording(fn, items):
        made.append([len(x) for x in items])
        return real(fn, items)

    monkeypatch.setattr("relgraph.analysis.portfolio.forked_stages", recording)
    assert plan_report(store, as_of=as_of) == alone
    assert len(made) == 1 and len(made[0]) == int(processes) and sum(made[0]) == 12
    assert plan_report(store, as_of=as_of, limit=25) == {**alone, "actions": alone["actions"][:25]}
    some = ["a003", "a007", "a010"]
    monkeypatch.setenv("RELGRAPH_JOBS", "1")
    some_alone = plan_report(store, as_of=as_of, accounts=some)
    monkeypatch.setenv("RELGRAPH_JOBS", processes)
    assert plan_report(store, as_of=as_of, accounts=some) == some_alone


@linux
def test_a_plan_shared_out_as_json_text_is_the_json_of_the_plan_made_here(forking, portfolio, monkeypatch):
    """With ``encode`` (the CLI's compact JSON), every process writes the text of
    the actions it planned: each is the text of the action planned here, in the
    same order; in one process the actions stay dicts. The command's output is
    the single process's, byte for byte."""
    import datetime as dt

    from click.testing import CliRunner

    from relgraph.analysis.portfolio import plan_report
    from relgraph.cli import cli
    from relgraph.format import json_bytes, json_texts
    from relgraph.stores.files import FileStore

    store = FileStore(portfolio)
    as_of = dt.date(2026, 11, 1)
    monkeypatch.setenv("RELGRAPH_JOBS", "1")
    alone = plan_report(store, as_of=as_of)
    assert plan_report(store, as_of=as_of, encode=json_texts) == alone  # (one process: dicts)
    args = ["plan", str(portfolio), "--as-of", "2026-11-01", "--format", "json"]
    one = CliRunner().invoke(cli, args)
    assert one.exit_code == 0
    monkeypatch.setenv("RELGRAPH_JOBS", "3")
    monkeypatch.setattr(workers, "FORK_FROM", 0)
    shared = plan_report(store, as_of=as_of, encode=json_texts, limit=40)
    assert shared["actions"] == [json_bytes(x) for x in alone["actions"][:40]]
    assert len(forking) == 2
    forked = CliRunner().invoke(cli, args)
    assert forked.exit_code == 0 and forked.stdout_bytes == one.stdout_bytes
    assert len(forking) == 4 and _all_reaped(forking)


def test_a_bad_jobs_setting_is_a_usage_error_of_the_command(portfolio, monkeypatch):
    from click.testing import CliRunner

    from relgraph.cli import cli

    monkeypatch.setenv("RELGRAPH_JOBS", "many")
    r = CliRunner().invoke(cli, ["plan", str(portfolio), "--as-of", "2026-11-01"])
    assert r.exit_code == 2 and r.stdout == ""
    assert "RELGRAPH_JOBS must be a whole number of at least 1 (got 'many')" in r.stderr


@linux
@pytest.mark.parametrize("all", [False, True])
def test_threads_shared_out_are_the_threads_found_here(forking, portfolio, monkeypatch, all):
    import datetime as dt

    from relgraph.analysis.portfolio import threads_report
    from relgraph.stores.files import FileStore

    store = FileStore(portfolio)
    as_of = dt.date(2026, 11, 1)
    monkeypatch.setenv("RELGRAPH_JOBS", "1")
    alone = threads_report(store, as_of=as_of, all=all)
    assert len(alone["contacts"]) > (1500 if all else 100)
    monkeypatch.setenv("RELGRAPH_JOBS", "3")
    monkeypatch.setattr(workers, "FORK_FROM", 0)
    assert threads_report(store, as_of=as_of, all=all) == alone
    assert len(forking) == 2 and _all_reaped(forking)


@linux
def test_threads_shared_out_as_json_text_are_the_json_of_the_threads_found_here(forking, portfolio, monkeypatch):
    """As the plan's: with ``encode`` each process writes its rows' text; the
    command's output (threads and threads --all) is the single process's."""
    import datetime as dt

    from click.testing import CliRunner

    from relgraph.analysis.portfolio import threads_report
    from relgraph.cli import cli
    from relgraph.format import json_bytes, json_texts
    from relgraph.stores.files import FileStore

    store = FileStore(portfolio)
    as_of = dt.date(2026, 11, 1)
    monkeypatch.setenv("RELGRAPH_JOBS", "1")
    alone = threads_report(store, as_of=as_of, all=True)
    args = ["threads", str(portfolio), "--as-of", "2026-11-01", "--format", "json"]
    one = [CliRunner().invoke(cli, args + more) for more in ([], ["--all"])]
    assert all(r.exit_code == 0 for r in one)
    monkeypatch.setenv("RELGRAPH_JOBS", "2")
    monkeypatch.setattr(workers, "FORK_FROM", 0)
    shared = threads_report(store, as_of=as_of, all=True, encode=json_texts)
    assert shared["contacts"] == [json_bytes(x) for x in alone["contacts"]]
    forked = [CliRunner().invoke(cli, args + more) for more in ([], ["--all"])]
    assert [r.stdout_bytes for r in forked] == [r.stdout_bytes for r in one]
    assert len(forking) == 3 and _all_reaped(forking)
