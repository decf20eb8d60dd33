"""The load cache (relgraph/cache.py): a second run on unchanged files reads the
validated typed tables back, with the same output; any change makes it read afresh."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph import cache
from relgraph.cli import cli
from relgraph.readwrite import load

TINY = Path(__file__).parent / "data" / "tiny"
AS_OF = ["--as-of", "2026-11-01"]


def _settle(path: Path, seconds_ago: float = 100.0) -> None:
    """Date a file, or a folder and its files, ``seconds_ago`` back: only settled
    files are kept (cache.SETTLED_NS)."""
    then = time.time_ns() - int(seconds_ago * 1e9)
    for p in [*path.iterdir(), path] if path.is_dir() else [path]:
        os.utime(p, ns=(then, then))


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(TINY, d)
    _settle(d)
    return d


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty cache folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("RELGRAPH_NO_CACHE", raising=False)
    return tmp_path / "cache" / "relgraph"


def run(*args: str):
    r = CliRunner().invoke(cli, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r


def entries(home: Path) -> list[Path]:
    return sorted(home.iterdir()) if home.is_dir() else []


@pytest.mark.parametrize("command", ["coverage", "gaps", "threads", "risk"])
def test_warm_run_prints_what_the_cold_run_did(data, home, command):
    cold = run(command, str(data), *AS_OF, "--format", "json")
    assert cold.exit_code == 0
    [entry] = entries(home)
    assert sorted(p.name for p in entry.iterdir()) == [
        "accounts.arrow", "contacts.arrow", "links.arrow", "meta.json", "refs.arrow", "relationships.arrow",
        "staff.arrow", "team.arrow", "touchpoints.arrow", "units.arrow", "warnings.arrow",
    ]
    key = cache.key_of(str(data))
    assert cache.fetch(key) is not None
    warm = run(command, str(data), *AS_OF, "--format", "json")
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    fresh = run(command, str(data), *AS_OF, "--format", "json", "--no-cache")
    assert fresh.stdout == cold.stdout


def test_warm_validate_lists_the_same_warnings(data, home):
    cold = run("validate", str(data))
    assert cold.stdout == f"{data}: valid (3 warnings).\n"
    assert entries(home)
    warm = run("validate", str(data))
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)
    assert f"{data}/contacts.csv:5: warning: contact 'C4' has no relationship" in warm.stderr
    cold_json = json.loads(run("validate", str(data), "--format", "json", "--no-cache").stdout)
    assert json.loads(run("validate", str(data), "--format", "json").stdout) == cold_json
    # The warnings keep their kind too (a terminal sums up long lists by it).
    typed = cache.fetch(cache.key_of(str(data)))
    cache.disable()
    try:
        fresh = load(str(data))
    finally:
        cache.enable()
    assert [(w, w.kind) for w in typed.warnings] == [(w, w.kind) for w in fresh.warnings]
    assert [w.kind for w in typed.warnings] == ["no_relationship", "no_team", "inactive"]


def test_touching_a_file_invalidates(data, home):
    run("coverage", str(data), *AS_OF, "--format", "json")
    key = cache.key_of(str(data))
    assert cache.fetch(key) is not None
    _settle(data / "staff.csv", 50)  # same bytes, another mtime
    assert cache.fetch(cache.key_of(str(data))) is None
    run("coverage", str(data), *AS_OF, "--format", "json")
    assert cache.fetch(cache.key_of(str(data))) is not None
    assert len(entries(home)) == 1  # the stale entry was replaced, not kept beside


def test_altering_a_file_changes_the_answer(data, home):
    before = run("coverage", str(data), *AS_OF, "--format", "json").stdout
    rel = data / "relationships.csv"
    lines = rel.read_text().splitlines(keepends=True)
    rel.write_text(lines[0])  # no relationship left: nobody is covered
    _settle(data, 10)
    after = run("coverage", str(data), *AS_OF, "--format", "json")
    assert after.stdout != before
    assert after.stdout == run("coverage", str(data), *AS_OF, "--format", "json", "--no-cache").stdout
    assert all(a["key_coverage"] in (0, 0.0, None) for a in json.loads(after.stdout)["accounts"])


def test_a_new_table_file_invalidates(data, home):
    (data / "touchpoints.csv").unlink(missing_ok=True)
    _settle(data)
    run("coverage", str(data), *AS_OF, "--format", "json")
    assert cache.fetch(cache.key_of(str(data))) is not None
    (data / "touchpoints.csv").write_text("date,method,staff,contacts\n")
    _settle(data)
    assert cache.fetch(cache.key_of(str(data))) is None


def test_files_just_written_are_not_kept(tmp_path, home):
    d = tmp_path / "data"
    d.mkdir()
    for f in TINY.iterdir():  # written now: a change in the same clock tick would go unseen
        (d / f.name).write_bytes(f.read_bytes())
    assert run("coverage", str(d), *AS_OF, "--format", "json").exit_code == 0
    assert entries(home) == []


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_cache_writes_nothing(data, home, monkeypatch, how):
    args = ["coverage", str(data), *AS_OF, "--format", "json"]
    if how == "option":
        args.append("--no-cache")
    else:
        monkeypatch.setenv("RELGRAPH_NO_CACHE", "1")
    assert run(*args).exit_code == 0
    assert not home.exists()
    assert run("validate", str(data), *(["--no-cache"] if how == "option" else [])).exit_code == 0
    assert not home.exists()
    assert cache.enabled() is (how == "option")  # --no-cache lasts one command


def test_an_unwritable_cache_folder_is_passed_over(data, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    r = run("coverage", str(data), *AS_OF, "--format", "json")
    assert r.exit_code == 0
    assert r.stdout == run("coverage", str(data), *AS_OF, "--format", "json", "--no-cache").stdout


def test_an_unreadable_entry_is_read_afresh(data, home):
    cold = run("coverage", str(data), *AS_OF, "--format", "json").stdout
    [entry] = entries(home)
    (entry / "contacts.arrow").write_bytes(b"not arrow")
    assert run("coverage", str(data), *AS_OF, "--format", "json").stdout == cold


def test_nothing_is_written_beside_the_data(data, home):
    before = sorted(p.name for p in data.iterdir())
    run("coverage", str(data), *AS_OF, "--format", "json")
    run("coverage", str(data), *AS_OF, "--format", "json")
    assert sorted(p.name for p in data.iterdir()) == before
    assert entries(home)


def test_data_with_problems_is_not_kept(data, home):
    (data / "contacts.csv").write_text("id,name,account,influence\nC1,Zhang Wei,A1,7\n")
    _settle(data)
    r = run("coverage", str(data), *AS_OF)
    assert r.exit_code == 2
    assert entries(home) == []


def test_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "relgraph"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as XDG says
    assert cache.cache_folder() == Path.home() / ".cache" / "relgraph"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_folder() == Path.home() / ".cache" / "relgraph"
