"""The foundation commands through click's CliRunner, with exact output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph.cli import cli

TINY = Path(__file__).parent / "data" / "tiny"
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def bad(tmp_path):
    d = tmp_path / "bad"
    shutil.copytree(TINY, d)
    (d / "contacts.csv").write_text(
        "id,name,account,influence\nC1,Zhang Wei,A1,7\nC2,Li Na,A9,3\nC3,Wang Fang,A1,2\n"
        "C4,Chen Jie,A1,4\nC5,Omar Haddad,A2,3\n"
    )
    return d


def test_validate_ok(runner):
    r = runner.invoke(cli, ["validate", str(TINY)])
    assert r.exit_code == 0
    assert r.stdout == f"{TINY}: valid (3 warnings).\n"
    assert f"{TINY}/contacts.csv:5: warning: contact 'C4' has no relationship" in r.stderr


def test_validate_reports_every_problem_exit_2(runner, bad):
    r = runner.invoke(cli, ["validate", str(bad)])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"{bad}/contacts.csv:2: influence 7 is out of range 1-5",
        f"{bad}/contacts.csv:3: account: unknown account 'A9'",
        f"{bad}/contacts.csv:5: warning: contact 'C4' has no relationship",
        f"{bad}/staff.csv:5: warning: staff member 'S4' is in no team",
        f"{bad}/relationships.csv:6: warning: relationship of inactive staff member 'S4'",
        "2 problems.",
    ]
    assert r.stderr.splitlines()[-1] == "2 problems."
    assert "Traceback" not in r.stderr


def test_validate_json(runner, bad):
    r = runner.invoke(cli, ["validate", str(bad), "--format", "json"])
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["errors"] == [
        {"file": f"{bad}/contacts.csv", "line": 2, "message": "influence 7 is out of range 1-5"},
        {"file": f"{bad}/contacts.csv", "line": 3, "message": "account: unknown account 'A9'"},
    ]
    assert {"file": f"{bad}/staff.csv", "line": 5, "message": "staff member 'S4' is in no team"} in doc["warnings"]


def test_every_loading_command_validates_first_and_writes_nothing(runner, bad, tmp_path):
    out = tmp_path / "out.json"
    r = runner.invoke(cli, ["export", str(bad), "--to", "json", "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == f"{bad}/contacts.csv:2: influence 7 is out of range 1-5"
    assert r.stderr.splitlines()[-1] == "2 problems; nothing was written."
    assert not out.exists()
    r = runner.invoke(cli, ["summary", str(bad)])
    assert r.exit_code == 2 and r.stdout == ""


def test_summary_json(runner):
    r = runner.invoke(cli, ["summary", str(TINY), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [
        {k: a[k] for k in ("id", "name", "grade", "contacts", "staff", "relationships")} for a in doc["accounts"]
    ] == [
        {"id": "A1", "name": "Eastern Telecom", "grade": "S", "contacts": 4, "staff": 4, "relationships": 4},
        {"id": "A2", "name": "Harbor Power", "grade": "B", "contacts": 1, "staff": 1, "relationships": 1},
    ]


def test_summary_csv(runner):
    r = runner.invoke(cli, ["summary", str(TINY), "--format", "csv"])
    assert r.stdout.splitlines()[:2] == [
        "id,name,grade,contacts,staff,relationships,units,links,touchpoints",
        "A1,Eastern Telecom,S,4,4,4,3,4,3",
    ]


def test_export_round_trip_through_cli(runner, tmp_path):
    a, d, b = tmp_path / "a.json", tmp_path / "d", tmp_path / "b.json"
    assert runner.invoke(cli, ["export", str(TINY), "--to", "json", "-o", str(a)]).exit_code == 0
    assert runner.invoke(cli, ["export", str(a), "--to", "csv", "-o", str(d)]).exit_code == 0
    assert runner.invoke(cli, ["export", str(d), "--to", "json", "-o", str(b)]).exit_code == 0
    assert a.read_text() == b.read_text()


def test_missing_data_is_usage_error(runner, tmp_path):
    r = runner.invoke(cli, ["summary", str(tmp_path / "nowhere")])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == f"{tmp_path}/nowhere:1: no such folder or JSON file"


def commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(runner, name):
    r = runner.invoke(cli, [name, "--help"])
    assert r.exit_code == 0
    assert f"relgraph {name}" in r.stdout  # an example line


@pytest.mark.parametrize("name", commands())
def test_every_command_is_in_the_readme(name):
    assert f"relgraph {name}" in README.read_text(encoding="utf-8")


def test_help_does_not_import_heavy_libraries():
    import subprocess
    import sys

    code = (
        "import sys; from relgraph.cli import cli; from relgraph.deferred import is_loaded\n"
        "try:\n    cli(['--help'], prog_name='relgraph')\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('networkx', 'pyvis', 'neo4j') if is_loaded(m)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_command_runs_numpy_with_one_blas_thread_and_no_huge_pages_unless_told():
    import os
    import subprocess
    import sys

    names = ("OPENBLAS_NUM_THREADS", "NUMPY_MADVISE_HUGEPAGE")
    code = (
        "import sys; sys.argv = ['relgraph', '--version']; from relgraph.cli import main\n"
        "try:\n    main()\nexcept SystemExit: pass\n"
        f"import os, numpy; print([os.environ[n] for n in {names!r}])"
    )
    env = {k: v for k, v in os.environ.items() if k not in names}
    run = subprocess.run
    out = run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == "['1', '0']"
    env.update(OPENBLAS_NUM_THREADS="2", NUMPY_MADVISE_HUGEPAGE="1")
    out = run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == "['2', '1']"


def test_public_api_names_resolve():
    import relgraph

    for name in relgraph.__all__:
        assert getattr(relgraph, name) is not None, name


def test_a_command_leaves_the_garbage_collector_as_it_found_it(runner, bad):
    import gc

    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    assert runner.invoke(cli, ["summary", str(TINY)]).exit_code == 0
    assert runner.invoke(cli, ["summary", str(bad)]).exit_code == 2  # failing while loading
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_the_collector_is_off_while_a_command_works_unless_the_caller_froze_objects(runner, monkeypatch):
    import gc

    from relgraph import stores

    seen = []  # whether it ran while the store was opened (loaded)
    open_store = stores.open_store
    monkeypatch.setattr(stores, "open_store", lambda *a, **k: seen.append(gc.isenabled()) or open_store(*a, **k))
    assert runner.invoke(cli, ["coverage", str(TINY), "--as-of", "2026-11-01"]).exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()  # a caller's own: left frozen, and the collector left on
    try:
        frozen = gc.get_freeze_count()
        assert runner.invoke(cli, ["coverage", str(TINY), "--as-of", "2026-11-01"]).exit_code == 0
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    assert seen == [False, True]


def command_paths() -> list[tuple[str, ...]]:
    """Every command as its words after ``relgraph``, a group's sub-commands too
    (``("import", "ics")``)."""
    import click

    out: list[tuple[str, ...]] = []

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name in sorted(group.commands):
            command = group.commands[name]
            out.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(cli, ())
    return out


def help_text(words: tuple[str, ...]) -> str:
    return CliRunner().invoke(cli, [*words, "--help"]).stdout


def help_examples(words: tuple[str, ...] | str) -> list[str]:
    """The example command lines of ``relgraph WORDS --help`` (joined at ``\\``)."""
    text = help_text((words,) if isinstance(words, str) else words).replace("\\\n", " ")
    return [line.strip() for line in text.split("Examples:")[1].split("Options:")[0].splitlines()
            if line.strip().startswith(("relgraph ", "NEO4J_"))]


@pytest.fixture
def demo_cwd(tmp_path, monkeypatch):
    """A fresh folder holding the demo (./relgraph-demo) and, as from the repository
    root, the import fixtures the import examples read; the current folder."""
    from relgraph.demo import write_demo

    monkeypatch.chdir(tmp_path)
    write_demo("relgraph-demo")
    shutil.copytree(Path(__file__).parent / "data" / "imports", tmp_path / "tests" / "data" / "imports")
    return tmp_path


@pytest.mark.parametrize("words", command_paths(), ids=" ".join)
def test_every_help_example_runs_on_the_demo(words, demo_cwd):
    """SPEC section 3: the examples in every --help run as they are on the demo data,
    one after another in a fresh folder (those naming a Neo4j server run in
    tests/test_cli_cypher.py against the test server)."""
    import shlex

    examples = help_examples(words)
    assert examples, f"relgraph {' '.join(words)} --help shows no example"
    for example in examples:
        if "://" in example:
            continue
        assert " /" not in example, example  # no absolute path: it must run anywhere
        r = CliRunner().invoke(cli, shlex.split(example, comments=True)[1:])
        assert r.exit_code == 0, (example, r.output)


def test_the_help_examples_cover_every_command():
    """Each command's examples run it (not only others), and they are many."""
    shown = 0
    for words in command_paths():
        examples = help_examples(words)
        shown += len(examples)
        prefix = "relgraph " + " ".join(words)
        if words != ("import",):
            assert any(e.startswith(prefix + " ") or e.split(" ", 2)[-1].startswith(prefix) for e in examples), words
    assert shown >= 40


# --- the program: main() in a process of its own, ended without the shutdown ----------


def _program(*args: str, **kwargs):
    """``python -m relgraph ARGS`` (the program, as the console script runs it)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "relgraph", *args], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def generated(generate):
    """A generated portfolio whose plan is larger than a pipe holds (scripts/generate)."""
    return generate("generated", "--accounts", "3", "--contacts", "900", "--staff", "90", "--seed", "5")


def test_the_program_writes_all_its_output_and_its_status(runner, generated):
    args = ["plan", str(generated), "--as-of", "2026-11-01", "--format", "json"]
    r = _program(*args)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout) > 1 << 16  # more than a pipe holds: written while the reader reads
    assert r.stdout == runner.invoke(cli, args).stdout
    assert r.stderr == ""


def test_the_program_ends_bad_data_with_status_2_and_every_problem(runner, bad):
    r = _program("coverage", str(bad), "--as-of", "2026-11-01")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == runner.invoke(cli, ["coverage", str(bad), "--as-of", "2026-11-01"]).stderr
    assert r.stderr.splitlines()[-1] == "2 problems; nothing was written."


def test_the_program_closes_the_files_it_writes(runner, generated, tmp_path):
    ics = tmp_path / "plan.ics"
    r = _program("plan", str(generated), "--as-of", "2026-11-01", "--ics", str(ics), "--limit", "5")
    assert r.returncode == 0, r.stderr
    again = tmp_path / "again.ics"
    runner.invoke(cli, ["plan", str(generated), "--as-of", "2026-11-01", "--ics", str(again), "--limit", "5"])
    assert ics.read_bytes() == again.read_bytes()
    assert ics.read_bytes().rstrip().endswith(b"END:VCALENDAR")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.ics", "plan.ics"]  # no temporary file left


def test_the_program_answers_usage_errors_and_help_as_click_does(runner):
    r = _program("coverage")
    assert r.returncode == 2
    assert "Missing argument 'DATA'" in r.stderr
    r = _program("--version")
    assert (r.returncode, r.stdout) == (0, runner.invoke(cli, ["--version"], prog_name="relgraph").stdout)
    r = _program("--help")
    assert r.returncode == 0 and r.stdout.startswith("Usage: relgraph [OPTIONS] COMMAND [ARGS]...\n")
