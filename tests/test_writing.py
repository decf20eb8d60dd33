"""SPEC v2, writing: nothing existing is replaced without --force, files get the
umask's permissions, and CSV exports take --bom for Excel."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.readwrite import read

TINY = Path(__file__).parent / "data" / "tiny"
AS_OF = ["--as-of", "2026-11-01"]


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def umask():
    """Set a umask for the test, restoring the old one after."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("to,name", [("json", "notes.json"), ("xlsx", "book.xlsx"), ("graphml", "g.graphml")])
def test_export_never_replaces_a_file_without_force(tmp_path, to, name):
    out = tmp_path / name
    out.write_text("mine")
    r = run("export", TINY, "--to", to, "-o", out)
    assert (r.exit_code, r.stderr) == (2, f"Error: {out} exists; use --force to replace it\n")
    assert out.read_text() == "mine"
    r = run("export", TINY, "--to", to, "-o", out, "--force")
    assert r.exit_code == 0 and out.read_bytes() != b"mine"


def test_export_csv_never_fills_a_non_empty_folder_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = run("export", TINY, "--to", "csv", "-o", out)
    assert (r.exit_code, r.stderr) == (2, f"Error: {out} is not empty; use --force to replace it\n")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert run("export", TINY, "--to", "csv", "-o", out, "--force").exit_code == 0
    assert not (out / "keep.txt").exists() and read(out).tables == read(TINY).tables


@pytest.mark.parametrize("command", [["map", "--account", "A1"], ["report", "--no-maps"]])
def test_pages_replace_only_an_earlier_page_without_force(tmp_path, command):
    page = tmp_path / "page.html"
    page.write_text("<html>my notes</html>")
    r = run(*command[:1], TINY, *command[1:], "-o", page, *AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"Error: {page} exists; use --force to replace it\n")
    assert page.read_text() == "<html>my notes</html>"
    assert run(*command[:1], TINY, *command[1:], "-o", page, "--force", *AS_OF).exit_code == 0
    first = page.read_bytes()
    assert first.startswith(b"<!DOCTYPE html>")
    # An earlier page of relgraph's own is brought up to date without --force.
    r = run(*command[:1], TINY, *command[1:], "-o", page, "--as-of", "2026-12-01")
    assert r.exit_code == 0 and page.read_bytes() != first


def test_map_checks_its_default_path_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "A1-map.html").write_text("mine")
    r = run("map", TINY, "--account", "A1", *AS_OF)
    assert (r.exit_code, r.stderr) == (2, "Error: A1-map.html exists; use --force to replace it\n")


def test_init_and_demo_refuse_what_is_not_theirs(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_text("mine")
    r = run("init", book)
    assert (r.exit_code, r.stderr) == (2, f"Error: {book} exists; use --force to replace it\n")
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    assert run("init", folder).exit_code == 2
    assert run("demo", folder).exit_code == 2
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("mask,want", [(0o002, 0o664), (0o027, 0o640)])
def test_files_get_the_permissions_of_the_umask(tmp_path, umask, mask, want):
    umask(mask)
    outs = {}
    for to, name in (("json", "d.json"), ("xlsx", "d.xlsx"), ("graphml", "d.graphml"), ("csv", "csv")):
        outs[to] = tmp_path / name
        assert run("export", TINY, "--to", to, "-o", outs[to]).exit_code == 0
    assert run("map", TINY, "--account", "A1", "-o", tmp_path / "m.html", *AS_OF).exit_code == 0
    assert run("report", TINY, "-o", tmp_path / "r" / "report.html", *AS_OF).exit_code == 0
    assert run("init", tmp_path / "i").exit_code == 0
    files = [outs["json"], outs["xlsx"], outs["graphml"], outs["csv"] / "contacts.csv", tmp_path / "m.html",
             tmp_path / "r" / "report.html", tmp_path / "r" / "maps" / "A1.html", tmp_path / "i" / "staff.csv"]
    assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(want) for f in files}
    assert oct(mode(outs["csv"])) == oct(want | 0o111 & ~mask)


def test_csv_export_with_bom_for_excel(tmp_path):
    src = tmp_path / "src"
    assert run("export", TINY, "--to", "csv", "-o", src).exit_code == 0
    staff = src / "staff.csv"
    staff.write_text(staff.read_text().replace("Alice Martin", "Björn Ås"))
    out = tmp_path / "excel"
    r = run("export", src, "--to", "csv", "-o", out, "--bom")
    assert r.exit_code == 0
    for name in ("accounts.csv", "staff.csv", "units.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert "Björn Ås".encode() in (out / "staff.csv").read_bytes()
    assert read(out).tables == read(src).tables  # reads back unchanged
    plain = tmp_path / "plain"
    assert run("export", src, "--to", "csv", "-o", plain).exit_code == 0
    assert (plain / "staff.csv").read_bytes() == (out / "staff.csv").read_bytes()[3:]
    r = run("export", src, "--to", "json", "-o", tmp_path / "x.json", "--bom")
    assert (r.exit_code, r.stderr) == (2, "Error: --bom is for CSV files: use it with --to csv\n")
