"""Round trips through JSON and CSV, GraphML for other tools, and the graph contract."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from relgraph.errors import UsageError
from relgraph.graph import account_subgraph, build_graph, dataset_from_graph
from relgraph.readwrite import read, write
from relgraph.stores.files import FileStore

TINY = Path(__file__).parent / "data" / "tiny"


def test_json_and_csv_round_trip_unchanged(tmp_path):
    ds = read(TINY)
    write(ds, tmp_path / "a.json", "json")
    write(read(tmp_path / "a.json"), tmp_path / "csv", "csv")
    again = read(tmp_path / "csv")
    assert again.tables == ds.tables
    assert again.extras == ds.extras
    write(again, tmp_path / "b.json", "json")
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    # CSV -> CSV is byte-stable too.
    write(again, tmp_path / "csv2", "csv")
    for f in sorted((tmp_path / "csv").iterdir()):
        assert f.read_text() == (tmp_path / "csv2" / f.name).read_text()


def test_json_document_shape(tmp_path):
    write(read(TINY), tmp_path / "a.json", "json")
    doc = json.loads((tmp_path / "a.json").read_text())
    assert list(doc) == ["accounts", "units", "contacts", "staff", "relationships", "links", "touchpoints", "team"]
    assert doc["touchpoints"][1] == {
        "date": "2026-09-10",
        "method": "tech_exchange",
        "staff": ["S1", "S2"],
        "contacts": ["C2", "C3"],
        "notes": "5G core workshop",
    }
    assert doc["contacts"][0]["wechat"] == "zw01"
    assert doc["accounts"][0] == {"id": "A1", "name": "Eastern Telecom", "grade": "S", "industry": "telecom", "region": "East"}


def test_graph_round_trip():
    ds = read(TINY)
    back = dataset_from_graph(build_graph(ds))
    assert back.tables == ds.tables
    assert back.extras == ds.extras


def test_graph_contract():
    G = build_graph(read(TINY))
    assert G.nodes["Contact:C2"]["kind"] == "Contact"
    assert G.nodes["Contact:C2"]["id"] == "C2"
    assert G.nodes["Contact:C2"]["level"] == "province"
    assert G.nodes["Contact:C5"]["level"] == "city"
    assert G.nodes["Staff:S1"]["kind"] == "Staff"
    types = sorted((u, v, d["type"]) for u, v, d in G.edges(data=True) if u == "Contact:C2")
    assert types == [
        ("Contact:C2", "Account:A1", "AT"),
        ("Contact:C2", "Contact:C1", "INFLUENCES"),
        ("Contact:C2", "Contact:C1", "REPORTS_TO"),
        ("Contact:C2", "Unit:U2", "WORKS_IN"),
    ]
    assert sorted(v for _, v, t in G.out_edges("Unit:U3", data="type") if t == "PART_OF") == ["Unit:U2"]
    assert sorted(v for _, v, t in G.out_edges("Unit:U1", data="type") if t == "PART_OF") == ["Account:A1"]
    knows = G.get_edge_data("Staff:S2", "Contact:C3")
    assert [d["strength"] for d in knows.values()] == [5]
    assert len(G.graph["touchpoints"]) == 3


def test_file_store_account_graph_equals_account_subgraph():
    store = FileStore(TINY)
    G = build_graph(read(TINY))
    for a in store.account_ids():
        H1 = store.account_graph(a)
        H2 = account_subgraph(G, a)
        assert list(H1.nodes(data=True)) == list(H2.nodes(data=True))
        assert sorted(map(repr, H1.edges(data=True))) == sorted(map(repr, H2.edges(data=True)))
        assert H1.graph["touchpoints"] == H2.graph["touchpoints"]
    H = store.account_graph("A2")
    assert sorted(H) == ["Account:A2", "Contact:C5", "Staff:S1"]
    assert H.graph["touchpoints"] == []


def test_graphml_readable_by_networkx(tmp_path):
    write(read(TINY), tmp_path / "t.graphml", "graphml")
    G = nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True)
    assert G.nodes["Contact:C1"]["name"] == "Zhang Wei"
    assert G.nodes["Contact:C1"]["influence"] == 5
    assert G.nodes["Touchpoint:1"]["staff"] == "S1;S2"
    attended = sorted(u for u, v, d in G.edges(data=True) if v == "Touchpoint:1")
    assert attended == ["Contact:C2", "Contact:C3", "Staff:S1", "Staff:S2"]
    assert G.number_of_nodes() == 2 + 3 + 5 + 4 + 3


def test_write_refuses_non_empty_folder_and_leaves_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="is not empty; use --force"):
        write(read(TINY), out, "csv")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    write(read(TINY), out, "csv", force=True)
    assert sorted(p.name for p in out.iterdir())[:2] == ["accounts.csv", "contacts.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- writing: whole or not at all, never over what is not ours to replace -------------

ROOT = Path(__file__).parent.parent
TABLE_FILES = sorted(["accounts.csv", "units.csv", "contacts.csv", "staff.csv", "relationships.csv",
                      "links.csv", "touchpoints.csv", "team.csv"])


def test_csv_export_into_the_current_folder(tmp_path, monkeypatch):
    """``-o . --force`` in a folder holding files replaces them (it used to delete
    them and then fail); an empty ``.`` needs no --force."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    monkeypatch.chdir(out)
    with pytest.raises(UsageError, match="is not empty; use --force"):
        write(read(TINY), ".", "csv")
    write(read(TINY), ".", "csv", force=True)
    assert sorted(p.name for p in out.iterdir()) == TABLE_FILES
    assert read(out).tables == read(TINY).tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left aside
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    write(read(TINY), ".", "csv")
    assert sorted(p.name for p in empty.iterdir()) == TABLE_FILES


KILL_AT = """
import os, signal, sys
from relgraph.readwrite import read, write
import {module} as m
real = m.{name}
calls = []
def kill(*a, **k):
    calls.append(1)
    if len(calls) == {at}:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*a, **k)
m.{name} = kill
write(read(sys.argv[1]), sys.argv[2], sys.argv[3], force=True)
"""


def killed(module: str, name: str, at: int, *args: str) -> None:
    code = KILL_AT.format(module=module, name=name, at=at)
    r = subprocess.run([sys.executable, "-c", code, str(TINY), *args], capture_output=True, cwd=ROOT)
    assert r.returncode == -9, r.stderr.decode()


@pytest.mark.parametrize("at", [1, 2, 5])
def test_csv_export_killed_while_replacing_leaves_a_whole_folder(tmp_path, at):
    """A --force export killed while it replaces a folder leaves either the old
    folder whole or the new one whole (the old one used to be half deleted)."""
    out = tmp_path / "out"
    out.mkdir()
    old = {f"old{i}.txt": f"mine {i}" for i in range(6)}
    for name, text in old.items():
        (out / name).write_text(text)
    killed("os", "unlink", at, str(out), "csv")
    names = sorted(p.name for p in out.iterdir())
    if names != TABLE_FILES:
        assert {p.name: p.read_text() for p in out.iterdir()} == old
    else:
        assert read(out).tables == read(TINY).tables


def test_json_export_killed_leaves_no_temporary_file(tmp_path):
    killed("relgraph.readwrite.jsonfile", "dataset_obj", 1, str(tmp_path / "d.json"), "json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_file_export_needs_force_to_replace(tmp_path, fmt):
    f = tmp_path / f"d.{fmt}"
    f.write_text("mine")
    with pytest.raises(UsageError, match=r"exists; use --force to replace it"):
        write(read(TINY), f, fmt)
    assert f.read_text() == "mine"
    write(read(TINY), f, fmt, force=True)
    assert f.read_text() != "mine"


@pytest.mark.parametrize("fmt", ["json", "graphml", "csv"])
@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_export_refuses_what_is_not_a_plain_file_or_folder(tmp_path, fmt, kind):
    target = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(target)
        says = "is a FIFO"
    elif kind == "symlink":
        (tmp_path / "real").mkdir() if fmt == "csv" else (tmp_path / "real").write_text("mine")
        target.symlink_to(tmp_path / "real")
        says = "is a symbolic link"
    else:
        try:
            os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
        except PermissionError:
            pytest.skip("making a device needs root")
        says = "is a device"
    before = os.lstat(target)
    with pytest.raises(UsageError, match=says):
        write(read(TINY), target, fmt, force=True)
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out", "real"] if kind == "symlink" else ["out"])


@pytest.mark.parametrize("fmt", ["json", "graphml", "csv"])
def test_export_takes_the_permissions_of_the_umask(tmp_path, fmt):
    old = os.umask(0o027)
    try:
        write(read(TINY), tmp_path / "out", fmt)
        write(read(TINY), tmp_path / "out", fmt, force=True)
    finally:
        os.umask(old)
    out = tmp_path / "out"
    if fmt == "csv":
        assert stat.S_IMODE(out.stat().st_mode) == 0o750
        assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o640}
    else:
        assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_csv_export_quotes_a_lone_carriage_return(tmp_path):
    ds = read(TINY)
    ds["contacts"][0]["notes"] = "first\rsecond"
    ds["accounts"][0]["name"] = "Eastern\r\nTelecom"
    write(ds, tmp_path / "csv", "csv")
    assert (tmp_path / "csv" / "contacts.csv").read_bytes().count(b'"first\rsecond"') == 1
    back = read(tmp_path / "csv")
    assert back["contacts"][0]["notes"] == "first\rsecond"
    assert back.tables == ds.tables


def test_export_onto_a_fifo_exits_2_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from relgraph.cli import cli

    os.mkfifo(tmp_path / "out.json")
    r = CliRunner().invoke(cli, ["export", str(TINY), "--to", "json", "-o", str(tmp_path / "out.json"), "--force"])
    assert r.exit_code == 2
    assert "is a FIFO, not a file; give another path" in r.output
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out.json").st_mode)
