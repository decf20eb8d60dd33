"""The account maps and the portfolio report, without a browser (see test_browser.py).

The data set is tests/data/render_tiny.json. Worked out by hand, at 2024-06-01 (no
last_contact and no touchpoints, so nothing decays):

Account A (grade S): units u1 "Head office" (hq) > u2 (province, named like a script
tag). Contacts: c1 hq decision-maker (influence 5), c2 hq technical (influence 4,
opponent, named <script>alert(1)</script>), c3 province finance (influence 3), c4
province decision-maker (influence 4). Staff s1 Ann, s2 Bob, s3 (inactive, named like
an <img> tag).

Effective strengths: s1-c1 4, s2-c1 3, s1-c2 2, s2-c4 5, s3-c3 0 (inactive).
Threads (strong = 3): c1 {s1, s2} = 2, c2 0, c3 0, c4 {s2} = 1.
Key contacts: c1 (decision-maker), c2 (influence 4), c4 (decision-maker).
Cells (2 levels x 6 roles): hq/decision_maker covered, hq/technical weak (best 2),
province/decision_maker covered, province/finance uncovered (best 0); the other 8 are
blind spots.
Flags: c2 gap (key, no thread; weak cell), c3 gap (uncovered cell), c4 single.

Influence path to c3 (access graph: knows p = strength / 5; reports_to both ways
3/5 = 0.6; c2 is an opponent so no path passes it):
  s2 -> c4 -> c3       1.0 x 0.6       = 0.6     (best)
  s1 -> c1 -> c4 -> c3 0.8 x 0.6 x 0.6 = 0.288
  s2 -> c1 -> c4 -> c3 0.6 x 0.6 x 0.6 = 0.216
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from relgraph.cli import cli
from relgraph.errors import NotFound, UsageError
from relgraph.render import file_stem, file_stems, map_data, map_html, write_report
from relgraph.render.page import json_text, script_json, write_text_atomic
from relgraph.stores.files import FileStore

DATA = Path(__file__).parent / "data" / "render_tiny.json"
AS_OF = dt.date(2024, 6, 1)
AS_OF_ARG = ["--as-of", "2024-06-01"]


@pytest.fixture(scope="module")
def store():
    return FileStore(DATA)


@pytest.fixture(scope="module")
def graph(store):
    return store.account_graph("A")


def test_map_nodes_in_order_with_flags(graph):
    data = map_data(graph, as_of=AS_OF)
    got = [(n["id"], n.get("flag"), n.get("threads")) for n in data["nodes"]]
    blind = ["hq|business", "hq|finance", "hq|user", "hq|procurement"]
    blind += ["province|technical", "province|business", "province|user", "province|procurement"]
    assert got == [
        ("Account:A", None, None),
        ("Unit:u1", None, None),
        ("Unit:u2", None, None),
        ("Contact:c1", None, 2),
        ("Contact:c2", "gap", 0),
        ("Contact:c4", "single", 1),
        ("Contact:c3", "gap", 0),
        ("Staff:s3", None, None),  # "<img ..." sorts before "Ann"
        ("Staff:s1", None, None),
        ("Staff:s2", None, None),
    ] + [(f"Gap:{b}", None, None) for b in blind]
    assert data["gaps"] == ["Contact:c2", "Contact:c3"]
    assert data["single"] == ["Contact:c4"]
    assert data["blind_spots"] == [f"Gap:{b}" for b in blind]
    by_id = {n["id"]: n for n in data["nodes"]}
    assert [by_id[f"Gap:{b}"]["anchor"] for b in blind] == ["Unit:u1"] * 4 + ["Unit:u2"] * 4
    assert [n["active"] for n in data["nodes"] if n["kind"] == "Staff"] == [False, True, True]
    assert by_id["Contact:c2"]["label"] == "<script>alert(1)</script>"  # raw here; escaped on the page
    assert by_id["Staff:s1"]["team_role"] == "account_manager"
    assert "team_role" not in by_id["Staff:s3"]


def test_map_edges_strengths_links_and_structure(graph):
    data = map_data(graph, as_of=AS_OF)
    knows = [(e["from"], e["to"], e["strength"], e["strong"]) for e in data["edges"] if e["type"] == "KNOWS"]
    assert knows == [
        ("Staff:s1", "Contact:c1", 4.0, True),
        ("Staff:s2", "Contact:c1", 3.0, True),
        ("Staff:s1", "Contact:c2", 2.0, False),
        ("Staff:s2", "Contact:c4", 5.0, True),
        ("Staff:s3", "Contact:c3", 0.0, False),
    ]
    links = [(e["from"], e["to"], e["type"], e["weight"]) for e in data["edges"] if "weight" in e]
    assert links == [
        ("Contact:c2", "Contact:c1", "INFLUENCES", 4.0),
        ("Contact:c3", "Contact:c4", "REPORTS_TO", 3.0),
        ("Contact:c4", "Contact:c1", "REPORTS_TO", 3.0),
    ]
    structure = [(e["from"], e["to"], e["type"]) for e in data["edges"] if e["type"] in ("PART_OF", "WORKS_IN", "ON_TEAM")]
    assert structure == [
        ("Unit:u1", "Account:A", "PART_OF"),
        ("Unit:u2", "Unit:u1", "PART_OF"),
        ("Contact:c1", "Unit:u1", "WORKS_IN"),
        ("Contact:c2", "Unit:u1", "WORKS_IN"),
        ("Contact:c4", "Unit:u2", "WORKS_IN"),
        ("Contact:c3", "Unit:u2", "WORKS_IN"),
        ("Staff:s1", "Account:A", "ON_TEAM"),
        ("Staff:s2", "Account:A", "ON_TEAM"),
    ]
    assert len(data["edges"]) == 8 + 5 + 3 + 8  # blind spots, relationships, links, structure


def test_map_figures_and_cells(graph):
    data = map_data(graph, as_of=AS_OF)
    a = data["account"]
    assert (a["id"], a["name"], a["grade"]) == ("A", "Acme <b>Telecom</b>", "S")
    assert a["key_coverage"] == pytest.approx(2 / 3)
    assert a["multithreading"] == pytest.approx(1 / 3)
    assert a["cell_coverage"] == pytest.approx(2 / 12)
    assert data["levels"] == ["hq", "province"]
    status = {(c["level"], c["role"]): c["status"] for c in data["cells"]}
    assert [k for k, v in status.items() if v != "unknown"] == [
        ("hq", "decision_maker"),
        ("hq", "technical"),
        ("province", "decision_maker"),
        ("province", "finance"),
    ]
    assert [status[k] for k in [("hq", "technical"), ("province", "finance")]] == ["weak", "uncovered"]


def test_map_best_path_is_the_paths_answer(graph):
    data = map_data(graph, as_of=AS_OF, to="c3")
    assert data["target"] == "Contact:c3"
    assert data["path"]["ids"] == ["s2", "c4", "c3"]
    assert data["path"]["nodes"] == ["Staff:s2", "Contact:c4", "Contact:c3"]
    assert data["path"]["score"] == pytest.approx(0.6)
    assert [p["ids"] for p in data["paths"]] == [["s1", "c1", "c4", "c3"], ["s2", "c1", "c4", "c3"]]
    steps = [(e["from"], e["to"], e["step"], e["p"]) for e in data["edges"] if e["type"] == "PATH"]
    assert steps == [("Staff:s2", "Contact:c4", 0, 1.0), ("Contact:c4", "Contact:c3", 1, pytest.approx(0.6))]


def test_map_path_from_a_given_staff_member(graph):
    data = map_data(graph, as_of=AS_OF, to="c3", source="s1")
    assert data["path"]["ids"] == ["s1", "c1", "c4", "c3"]
    assert data["path"]["score"] == pytest.approx(0.288)


def test_map_path_from_staff_without_ties_to_the_account(store):
    # Bob (s2) knows nobody at "B/2 ü": no path starts with him there.
    data = map_data(store.account_graph("B/2 ü"), as_of=AS_OF, to="d1", source="s2")
    assert (data["path"], data["paths"]) == (None, [])
    assert "No influence path reaches this contact" in map_html(
        store.account_graph("B/2 ü"), as_of=AS_OF, to="d1", source="s2"
    )


def test_org_layout_rows(graph):
    # account 0; u1 1; u2 2; c1, c2 under u1: 2; c4 under u2 and below c1: 3;
    # c3 under u2 and below c4: 4; blind spots one row under their unit; staff under all.
    data = map_data(graph, as_of=AS_OF, layout="org")
    rows = {n["id"]: n["level"] for n in data["nodes"]}
    assert [rows[k] for k in ["Account:A", "Unit:u1", "Unit:u2", "Contact:c1", "Contact:c2", "Contact:c4", "Contact:c3"]] == [
        0, 1, 2, 2, 2, 3, 4,
    ]
    assert rows["Gap:hq|finance"] == 2 and rows["Gap:province|user"] == 3
    assert {rows[s] for s in ["Staff:s1", "Staff:s2", "Staff:s3"]} == {5}


def test_map_bad_values(graph):
    with pytest.raises(NotFound, match="unknown contact 'zz' in account 'A'"):
        map_data(graph, as_of=AS_OF, to="zz")
    with pytest.raises(NotFound, match="unknown contact 'd1' in account 'A'"):
        map_data(graph, as_of=AS_OF, to="d1")  # a contact of the other account
    with pytest.raises(UsageError, match="unknown layout 'tree'"):
        map_data(graph, as_of=AS_OF, layout="tree")


def test_script_json_cannot_close_its_element():
    obj = {"name": "</script><script>alert(1)</script>", "amp": "a & b", "sep": "\u2028"}
    text = str(script_json(obj))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == obj


def test_map_page_is_self_contained_and_escaped(graph):
    html = map_html(graph, as_of=AS_OF, to="c3")
    # Exactly three scripts, all inline: the data, vis-network and ours.
    assert html.count("</script>") == 3
    assert re.search(r"<script[^>]*\bsrc=", html) is None
    assert re.search(r"<link\b|@import|@font-face|<img\b|<iframe\b", html) is None
    assert re.search(r"url\(\s*(?!['\"]?data:)", html) is None
    # No user string reaches the page as markup.
    for raw in ["<script>alert(1)</script>", "</script><script>alert(2)</script>", "<img src=x onerror=alert(3)>", "<b>Telecom</b>"]:
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the gap list shows it as text
    assert "Acme &lt;b&gt;Telecom&lt;/b&gt;" in html
    data = json.loads(re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', html, re.S).group(1))
    assert data["nodes"][4]["label"] == "<script>alert(1)</script>"
    table = data["edge_table"]
    assert len(table["from"]) == len(table["to"]) == len(table["type"]) == len(table["value"]) == 26


def test_file_stems():
    assert file_stem("nwm") == "nwm"
    assert file_stem("ACME-01.v2") == "ACME-01.v2"
    assert file_stem("B/2 ü") == "B_2-d8e98497"
    assert file_stem("../etc/passwd") == "etc_passwd-e96c47ea"
    assert file_stem("中国移动") == "account-c912e498"
    assert file_stem("CON") == "CON-7679a072"  # a Windows device name
    assert file_stem(".hidden") == "hidden-92f73832"
    # Names that differ only by case clash on some file systems: both get the hash.
    assert file_stems(["acme", "ACME", "x"]) == {"acme": "acme-293abb6b", "ACME": "ACME-8545c525", "x": "x"}


def test_write_text_atomic_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.html"
    target.mkdir()  # a folder in the way: the final rename fails
    with pytest.raises(OSError):
        write_text_atomic(target, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    assert list(target.iterdir()) == []


def test_write_report_writes_maps_beside_it(store, tmp_path):
    paths = write_report(store, tmp_path / "report.html", as_of=AS_OF)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "report.html",
        "maps/A.html",
        "maps/B_2-d8e98497.html",
    ]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    links = sorted(set(re.findall(r'href="(maps/[^"#]+)', html)))
    assert links == ["maps/A.html", "maps/B_2-d8e98497.html"]
    assert "<script" not in html  # the report has no script at all, and names stay text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Beta &amp; Sons" in html
    leftovers = [p.name for p in tmp_path.rglob(".*.tmp")]
    assert leftovers == []


def test_write_report_failure_leaves_nothing(store, tmp_path):
    (tmp_path / "report.html").mkdir()  # the report cannot replace a folder
    with pytest.raises(OSError):
        write_report(store, tmp_path / "report.html", as_of=AS_OF)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["maps", "report.html"]


# --- CLI ------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_map_prints_the_path_it_wrote(tmp_path):
    out = tmp_path / "m.html"
    r = run("map", DATA, "--account", "A", "--to", "c3", "-o", out, *AS_OF_ARG)
    assert r.exit_code == 0, r.output
    assert r.output == f"{out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_map_default_name_and_account_from_to(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("map", DATA, "--to", "d1", *AS_OF_ARG)  # d1 is a contact of "B/2 ü"
    assert r.exit_code == 0, r.output
    assert r.output == "B_2-d8e98497-map.html\n"
    assert (tmp_path / "B_2-d8e98497-map.html").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--account", "Z"], "Error: unknown account 'Z'"),
        (["--account", "A", "--to", "nobody"], "Error: unknown contact 'nobody'"),
        (["--account", "A", "--to", "d1"], "Error: contact 'd1' belongs to account 'B/2 ü', not 'A'"),
        (["--account", "A", "--to", "c3", "--from", "zz"], "Error: unknown staff member 'zz'"),
        ([], "Error: the data set holds 2 accounts: give --account ID (or --to CONTACT, whose account is then used)"),
    ],
)
def test_cli_map_bad_ids(tmp_path, args, message):
    out = tmp_path / "m.html"
    r = run("map", DATA, *args, "-o", out, *AS_OF_ARG)
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [message]
    assert list(tmp_path.iterdir()) == []


def test_cli_report(tmp_path):
    out = tmp_path / "sub" / "portfolio.html"
    r = run("report", DATA, "-o", out, *AS_OF_ARG)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [str(out), f"2 account maps in {tmp_path / 'sub' / 'maps'}"]
    assert sorted(p.name for p in (tmp_path / "sub" / "maps").iterdir()) == ["A.html", "B_2-d8e98497.html"]


def test_cli_report_without_maps(tmp_path):
    out = tmp_path / "r.html"
    r = run("report", DATA, "-o", out, "--no-maps", *AS_OF_ARG)
    assert r.exit_code == 0, r.output
    assert r.output == f"{out}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    assert 'href="maps/' not in out.read_text(encoding="utf-8")


# --- maps v2: explained ties, the two lists, units, focus, stale maps ------------------

V2 = Path(__file__).parent / "data" / "map_v2.json"
"""One account N (tests/data/map_v2.json), worked out at 2024-06-01, half-life 180:
Sun Li (n-cfo, hq finance, influence 5: key) known by Ann 4 on 2023-10-03 (242 days, 90 of grace:
4 x 0.5^(152/180) = 2.23, weak) and Cleo 2 (undated: 2.0, weak): unthreaded;
Björn Åström (n-bjorn, technical, influence 4: key) known by Bob 5 on 2024-02-02
(120 days: 4.45, strong): single-threaded; Zoë Adams (n-zoe, user, influence 2) known
by Bob 3 on 2024-06-01. Björn and Zoë report to Sun Li."""


def test_map_ties_show_recorded_strength_and_last_contact():
    data = map_data(FileStore(V2).account_graph("N"), as_of=AS_OF)
    ties = [
        (e["from"], e["to"], e["recorded"], round(e["strength"], 2), e["last_contact"], e["strong"])
        for e in data["edges"] if e["type"] == "KNOWS"
    ]
    assert ties == [
        ("Staff:s1", "Contact:n-cfo", 4.0, 2.23, "2023-10-03", False),
        ("Staff:s3", "Contact:n-cfo", 2.0, 2.0, None, False),
        ("Staff:s2", "Contact:n-bjorn", 5.0, 4.45, "2024-02-02", True),
        ("Staff:s2", "Contact:n-zoe", 3.0, 3.0, "2024-06-01", True),
    ]
    assert data["unthreaded"] == ["Contact:n-cfo"]
    assert data["single_threaded"] == ["Contact:n-bjorn"]
    by_id = {n["id"]: n for n in data["nodes"]}
    # No plan yet: the slot for the next planned action is empty.
    assert "next_action" not in by_id["Contact:n-cfo"]
    assert data["plan"] is None
    lunch = {"kind": "reach", "account": "N", "owner": "s1", "target": "n-cfo", "via": ["n-zoe"],
             "due": dt.date(2024, 6, 10), "method": "meeting", "priority": 7.5, "reason": "lunch",
             "owner_name": "Ann", "target_name": "Sun Li", "via_names": ["Zoë Adams"]}
    later = {**lunch, "kind": "rank", "due": dt.date(2024, 7, 1), "owner": None, "owner_name": None, "via": [],
             "via_names": []}
    research = {**lunch, "kind": "blind_spot", "target": {"level": "hq", "role": "user"}, "target_name": "user at hq",
                "via": [], "via_names": []}
    plan = map_data(FileStore(V2).account_graph("N"), as_of=AS_OF, plan=[lunch, research, later])
    # A contact's next action is its first in the plan's order.
    assert {n["id"]: n.get("next_action") for n in plan["nodes"] if n["kind"] == "Contact"} == {
        "Contact:n-cfo": "2024-06-10 reach: Ann → Zoë Adams (meeting) — lunch", "Contact:n-bjorn": None,
        "Contact:n-zoe": None,
    }
    first = {"due": "2024-06-10", "kind": "reach", "target": "Contact:n-cfo", "target_name": "Sun Li", "cell": None,
             "owner": "Staff:s1", "owner_name": "Ann", "via": ["Contact:n-zoe"], "via_names": ["Zoë Adams"],
             "method": "meeting", "priority": 7.5, "reason": "lunch"}
    assert plan["plan"] == [
        first,
        {**first, "kind": "blind_spot", "target": None, "target_name": "user at hq", "cell": "hq|user", "via": [],
         "via_names": []},
        {**first, "kind": "rank", "due": "2024-07-01", "owner": None, "owner_name": None, "via": [], "via_names": []},
    ]


def test_map_successor_is_the_backup_of_threads():
    r = run("threads", V2, "--format", "json", *AS_OF_ARG)
    assert r.exit_code == 0, r.output
    backups = {c["id"]: c["backup"] for c in json.loads(r.output)["contacts"]}
    data = map_data(FileStore(V2).account_graph("N"), as_of=AS_OF)
    got = {n["ref"]: n.get("successor") for n in data["nodes"] if n["kind"] == "Contact" and n["key"]}
    assert got == {c: (f"Staff:{s}" if s else None) for c, s in backups.items()}
    assert set(got) == {"n-cfo", "n-bjorn"}


def test_map_gap_cells_with_best_placed_staff(graph):
    data = map_data(graph, as_of=AS_OF)
    got = [(g["level"], g["role"], g["word"], g["priority"], g["contacts"], g["suggested"]) for g in data["gap_cells"]]
    # priority = grade weight 4 x max influence (3 for a blind spot) x (1 - best / 5)
    assert got == [
        ("hq", "business", "blind spot", 12.0, 0, "Staff:s1"),
        ("hq", "finance", "blind spot", 12.0, 0, "Staff:s1"),
        ("hq", "user", "blind spot", 12.0, 0, "Staff:s1"),
        ("hq", "procurement", "blind spot", 12.0, 0, "Staff:s1"),
        ("province", "technical", "blind spot", 12.0, 0, "Staff:s2"),
        ("province", "business", "blind spot", 12.0, 0, "Staff:s2"),
        ("province", "finance", "uncovered", 12.0, 1, "Staff:s2"),
        ("province", "user", "blind spot", 12.0, 0, "Staff:s2"),
        ("province", "procurement", "blind spot", 12.0, 0, "Staff:s2"),
        ("hq", "technical", "weak", 4 * 4 * (1 - 2 / 5), 1, "Staff:s1"),
    ]
    r = run("gaps", DATA, "--account", "A", "--format", "json", *AS_OF_ARG)
    rows = json.loads(r.output)["gaps"]
    assert [(g["level"], g["role"], g["suggested_staff"]) for g in rows] == [
        (lv, role, s.split(":")[1]) for lv, role, _, _, _, s in got
    ]
    assert data["unthreaded"] == ["Contact:c2"] and data["single_threaded"] == ["Contact:c4"]


def test_map_units_for_the_overview(graph):
    data = map_data(graph, as_of=AS_OF)
    units = {n["id"]: (n.get("parent"), n["contacts"], n["key"], n["threaded"], n["status"]) for n in data["nodes"] if n["kind"] == "Unit"}
    # u1: c1 (key, 2 threads), c2 (key, none); u2: c3 (not key), c4 (key, 1 thread)
    assert units == {"Unit:u1": (None, 2, 2, 1, "weak"), "Unit:u2": ("Unit:u1", 2, 1, 1, "covered")}
    assert data["overview"] is False


def _one_unit_account(contacts: int) -> dict:
    return {
        "accounts": [{"id": "W", "name": "Wide"}],
        "units": [{"id": "w", "account": "W", "name": "All", "level": "hq"}],
        "contacts": [{"id": f"w{i}", "name": f"P {i}", "account": "W", "unit": "w", "role": "user"} for i in range(contacts)],
        "staff": [],
        "relationships": [],
    }


@pytest.mark.parametrize("contacts, overview", [(300, False), (301, True)])
def test_map_overview_above_300_contacts(contacts, overview):
    from relgraph.readwrite.jsonfile import read_obj

    G = FileStore.from_dataset(read_obj(_one_unit_account(contacts))).account_graph("W")
    assert map_data(G, as_of=AS_OF)["overview"] is overview
    hint = f'<p class="hint" id="overview-hint">{contacts} contacts: one circle per unit'
    assert (hint in map_html(G, as_of=AS_OF)) is overview
    assert map_data(G, as_of=AS_OF, layout="org")["overview"] is False
    assert map_data(G, as_of=AS_OF, focus="w7")["overview"] is False


def test_map_focus(graph):
    assert [map_data(graph, as_of=AS_OF, focus="c3", hops=2)[k] for k in ("focus", "hops")] == ["Contact:c3", 2]
    assert map_data(graph, as_of=AS_OF, focus="s1")["focus"] == "Staff:s1"
    assert map_data(graph, as_of=AS_OF)["focus"] is None
    with pytest.raises(NotFound, match="unknown person 'd1' in account 'A'"):
        map_data(graph, as_of=AS_OF, focus="d1")
    with pytest.raises(UsageError, match="--hops must be at least 1"):
        map_data(graph, as_of=AS_OF, focus="c3", hops=0)


def test_report_removes_the_maps_it_no_longer_lists(store, tmp_path):
    write_report(store, tmp_path / "report.html", as_of=AS_OF)
    maps = tmp_path / "maps"
    (maps / "A.html").rename(maps / "Gone.html")  # a map of an account since removed
    (maps / "notes.html").write_text("<!DOCTYPE html><p>mine</p>", encoding="utf-8")  # not ours
    (maps / "keep.txt").write_text("x", encoding="utf-8")
    write_report(store, tmp_path / "report.html", as_of=AS_OF)
    assert sorted(p.name for p in maps.iterdir()) == ["A.html", "B_2-d8e98497.html", "keep.txt", "notes.html"]


def test_cli_map_without_account_for_a_one_account_data_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("map", V2, "--focus", "n-bjorn", "--hops", "2", *AS_OF_ARG)
    assert r.exit_code == 0, r.output
    assert r.output == "N-map.html\n"
    html = (tmp_path / "N-map.html").read_text(encoding="utf-8")
    assert '"focus":"Contact:n-bjorn","hops":2' in html
    r = run("map", V2, "--focus", "nobody", "-o", tmp_path / "x.html", *AS_OF_ARG)
    assert r.exit_code == 2
    assert r.output.strip() == "Error: unknown person 'nobody' in account 'N' (give a contact or staff id)"


def test_the_map_shows_each_persons_next_planned_action(tmp_path):
    """SPEC section 6: the account map shows the account's actions beside each person
    (the first of a contact's actions in the plan's order)."""
    from relgraph.analysis.plan import relationship_plan
    from relgraph.analysis.portfolio import plan_report
    from relgraph.demo import write_demo

    write_demo(tmp_path / "demo")
    store = FileStore(tmp_path / "demo")
    as_of = dt.date(2026, 11, 1)
    typed = store.tables(["nwm"])
    plan = relationship_plan(typed, as_of=as_of)
    # The account's rows of `relgraph plan`, in its order.
    assert plan == plan_report(store, as_of=as_of, accounts=["nwm"])["actions"]
    data = map_data(typed, as_of=as_of, plan=plan)
    actions = {n["ref"]: n["next_action"] for n in data["nodes"] if "next_action" in n}
    assert actions["nwm-es-gm"] == (
        "2026-12-09 handover: Marcus Feng (meeting) — Zhou Jian rotates on 2027-01-08 and is Shi Hao's only thread"
    )
    assert actions["nwm-chair"].startswith("2027-01-30 reach: Helena Voss → Liu Yang (visit)")
    assert [(a["kind"], a["target"], a["owner"]) for a in data["plan"]] == [
        (a["kind"], f"Contact:{a['target']}" if isinstance(a["target"], str) else None,
         f"Staff:{a['owner']}" if a["owner"] else None) for a in plan
    ]
    r = run("map", tmp_path / "demo", "--account", "nwm", "-o", tmp_path / "nwm.html", "--as-of", "2026-11-01")
    assert r.exit_code == 0, r.output
    html = (tmp_path / "nwm.html").read_text(encoding="utf-8")
    # In the page's data, beside Shi Hao (the apostrophe of the reason is escaped there).
    assert '"next_action":"2026-12-09 handover: Marcus Feng (meeting) — Zhou Jian rotates on 2027-01-08' in html
    page = json.loads(re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', html, re.S).group(1))
    assert page["plan"] == data["plan"]


def test_map_page_joins_units_once_and_is_the_page_of_its_records(graph):
    from relgraph.render.accountmap import EdgeColumns, page_html

    html = map_html(graph, as_of=AS_OF, to="c3")
    options = re.search(r'<select id="unit-filter">\n(.*?)</select>', html, re.S).group(1)
    assert options == (
        '      <option value="">every unit</option>\n'
        '<option value="Unit:u1">Head office (hq)</option>'
        '<option value="Unit:u2">&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; (province)</option>    '
    )
    # The matrix: one button per cell, in level x role order, blind spots with "?".
    cells = re.findall(r'<button class="cell (\w+)" data-level="(\w+)" data-role="(\w+)"', html)
    assert cells[:3] == [("covered", "hq", "decision_maker"), ("weak", "hq", "technical"), ("unknown", "hq", "business")]
    assert len(cells) == 12
    # The columns the page writes are those of the records map_data lists.
    data = map_data(graph, as_of=AS_OF, to="c3")
    assert html == page_html(data)
    assert EdgeColumns.of_records(data["edges"]).records() == data["edges"]


def test_node_records_from_columns_leave_out_empty_cells_in_order():
    from relgraph.render.accountmap import _record, _records

    columns = {"a": [1, None, "", 0], "b": ["x", "", None, False], "c": [None, None, "", None]}
    got = _records(**columns)
    assert got == [{"a": 1, "b": "x"}, {}, {}, {"a": 0, "b": False}]
    assert [list(r) for r in got] == [["a", "b"], [], [], ["a", "b"]]
    assert got == [_record(**dict(zip(columns, row))) for row in zip(*columns.values())]


@pytest.mark.parametrize("enabled", [True, False])
def test_map_and_report_leave_the_garbage_collector_as_they_found_it(store, tmp_path, monkeypatch, enabled):
    import gc

    from relgraph.render import report, write_map

    seen = []  # whether it ran while each map was built, and while the report took each result
    monkeypatch.setattr(report, "map_html", lambda *a, **k: seen.append(gc.isenabled()) or "<html></html>")
    taken = report.portfolio_lists
    monkeypatch.setattr(report, "portfolio_lists", lambda results, *a, **k: taken(
        (seen.append(gc.isenabled()) or r for r in results), *a, **k))
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        write_map(store, tmp_path / "a.html", account="A", as_of=AS_OF)
        assert gc.isenabled() is enabled
        write_report(store, tmp_path / "r.html", as_of=AS_OF)
        assert gc.isenabled() is enabled
        assert seen == [False, enabled] * 2  # two accounts
    finally:
        (gc.enable if was else gc.disable)()


def test_a_map_from_files_never_loads_networkx(tmp_path):
    import os
    import subprocess
    import sys

    # networkx is deferred (relgraph.deferred): a network map of tables never needs it.
    code = (
        "import datetime as dt, sys\n"
        "from relgraph.render import write_map\n"
        "from relgraph.stores.files import FileStore\n"
        "from relgraph.deferred import is_loaded\n"
        f"write_map(FileStore({str(DATA)!r}), {str(tmp_path / 'a.html')!r}, account='A', as_of=dt.date(2024, 6, 1), to='c3')\n"
        "print(is_loaded('networkx'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "RELGRAPH_NO_CACHE": "1"})
    assert out.stdout == "False\n"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(st.characters(max_codepoint=0x2FFF)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES)
def test_page_json_is_the_json_modules_text(value):
    """The pages' data are written by orjson where it writes what json writes, and by
    json elsewhere: the text is json's, whatever the values."""
    assert json_text(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "value, text",
    [
        ([1e-05, -2.5e-07, 0.0001, 1e16, 1.5e16, -0.0], "[1e-05,-2.5e-07,0.0001,1e+16,1.5e+16,-0.0]"),
        ({"note": "0.00001 and 1e-5"}, '{"note":"0.00001 and 1e-5"}'),  # a string like a float: json writes it
        ([2**64, "\x1f\u2028é"], '[18446744073709551616,"\\u001f\u2028é"]'),  # over 64 bits: json
        ({1: "a"}, '{"1":"a"}'),  # a key that is not a string: json
    ],
)
def test_page_json_where_orjson_and_json_differ(value, text):
    assert json_text(value) == text


@pytest.mark.parametrize("contacts", [0, 1])
def test_map_of_an_account_with_no_or_one_contact(contacts):
    """The contacts' records are made from columns: none, or one (no bare item where a
    row of values is due)."""
    from relgraph.graph import build_graph
    from relgraph.readwrite.jsonfile import read_obj

    people = [{"id": "c1", "name": "Li", "account": "A", "role": "decision_maker", "title": "CEO"}][:contacts]
    G = build_graph(read_obj({"accounts": [{"id": "A", "name": "Acme"}], "contacts": people,
                              "staff": [{"id": "s1", "name": "Al"}], "relationships": []}))
    d = map_data(G, as_of=dt.date(2024, 6, 1))
    assert [(n["id"], n["label"], n.get("title")) for n in d["nodes"] if n["kind"] != "Gap"] == [
        ("Account:A", "Acme", None), *([("Contact:c1", "Li", "CEO")] * contacts), ("Staff:s1", "Al", None)
    ]
    assert d["unthreaded"] == ["Contact:c1"] * contacts
    assert '"label":"Acme"' in map_html(G, as_of=dt.date(2024, 6, 1))
