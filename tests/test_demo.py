"""The demo portfolio: valid, deterministic, and its weak spots are there and found.

The expected figures are worked out from the rows in relgraph/demo/data/ at as-of
2026-11-01, half-life 180 days, strong >= 3 (see relgraph/demo/__init__.py and weak_spots.json).
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.demo import DEMO_AS_OF, MARKER, WEAK_SPOTS, write_demo
from relgraph.errors import UsageError
from relgraph.model import CONTACT_ROLES, TOUCHPOINT_METHODS
from relgraph.readwrite import check, read

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "relgraph-demo"
    write_demo(path)
    return path


@pytest.fixture(scope="module")
def ds(demo_dir):
    return read(demo_dir)


def level_of(ds, contact):
    units = {u["id"]: u for u in ds["units"]}
    return units[contact["unit"]]["level"] if contact["unit"] else (contact["level"] or "hq")


# --- the files -----------------------------------------------------------------------


def test_demo_validates_with_warnings_only(demo_dir):
    problems, warnings = check(demo_dir)
    assert problems == []
    messages = {w.message for w in warnings}
    # The chairman (coach funnel) and the county finance contacts (uncovered cell)
    # have no relationship; s-old left the company.
    assert "contact 'nwm-chair' has no relationship" in messages
    assert "relationship of inactive staff member 's-old'" in messages
    assert all(
        m.endswith("has no relationship") or m == "relationship of inactive staff member 's-old'"
        or m.endswith("it never ages; give the date they last met")
        for m in messages
    )


def test_demo_is_deterministic(tmp_path):
    write_demo(tmp_path / "a")
    write_demo(tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert {
        "accounts.csv",
        "units.csv",
        "contacts.csv",
        "staff.csv",
        "relationships.csv",
        "links.csv",
        "touchpoints.csv",
        "team.csv",
        MARKER,
    } == set(files)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_demo_is_the_shipped_data_copied(demo_dir):
    """The demo is data shipped in the package, not generated: what `relgraph demo`
    writes is those files byte for byte, and every weak spot has its note."""
    import json
    from importlib import resources

    data = resources.files("relgraph.demo").joinpath("data")
    for f in demo_dir.iterdir():
        if f.name != MARKER:
            assert f.read_bytes() == data.joinpath(f.name).read_bytes(), f.name
    notes = json.loads(data.joinpath("weak_spots.json").read_text(encoding="utf-8"))
    assert notes["weak_spots"] == WEAK_SPOTS and set(notes["notes"]) == set(WEAK_SPOTS)
    assert (notes["as_of"], notes["account"], notes["ceo"]) == ("2026-11-01", "nwm", "nwm-ceo")


def test_demo_refuses_a_foreign_folder_unless_forced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="is not empty and does not hold a relgraph demo"):
        write_demo(tmp_path)
    write_demo(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / MARKER).is_file()
    write_demo(tmp_path)  # now a demo folder: rewriting it needs no --force


def test_cli_demo_prints_next_steps(tmp_path):
    target = tmp_path / "demo"
    r = CliRunner().invoke(cli, ["demo", str(target)])
    assert r.exit_code == 0, r.output
    assert (target / "contacts.csv").is_file()
    lines = r.output.splitlines()
    assert (
        lines[0]
        == f"Wrote a fictional portfolio to {target}: 4 accounts, 176 contacts, 16 staff, 270 relationships."
    )
    assert f"  relgraph threads {target} --as-of 2026-11-01" in lines
    assert f"  relgraph paths {target} --to nwm-ceo --as-of 2026-11-01" in lines
    assert f"  relgraph coverage {target} --account nwm --as-of 2026-11-01" in lines
    again = CliRunner().invoke(cli, ["demo", str(target)])
    assert again.exit_code == 0


def test_cli_demo_refuses_a_foreign_folder(tmp_path):
    (tmp_path / "x.csv").write_text("a\n")
    r = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert r.exit_code == 2
    assert r.output == (
        f"Error: {tmp_path} is not empty and does not hold a relgraph demo; "
        "choose another folder or pass --force\n"
    )


# --- realism --------------------------------------------------------------------------


def test_demo_covers_every_value(ds):
    assert DEMO_AS_OF == AS_OF
    assert {a["grade"] for a in ds["accounts"]} == {"S", "A", "B", "C"}
    assert {c["role"] for c in ds["contacts"]} == set(CONTACT_ROLES)
    assert {c["attitude"] for c in ds["contacts"]} == {"supporter", "neutral", "opponent", "unknown"}
    assert {level_of(ds, c) for c in ds["contacts"]} == {"hq", "province", "city", "county"}
    assert {r["strength"] for r in ds["relationships"]} == {1, 2, 3, 4, 5}
    assert {t["method"] for t in ds["touchpoints"]} == set(TOUCHPOINT_METHODS)
    assert {s["role"] for s in ds["staff"]} >= {
        "account_manager",
        "solution",
        "delivery",
        "executive",
        "service",
    }
    assert any(len(t["staff"]) > 1 for t in ds["touchpoints"])
    assert any(len(t["contacts"]) > 1 for t in ds["touchpoints"])
    assert sum(c["coach"] for c in ds["contacts"]) >= 3
    assert sum(1 for c in ds["contacts"] if c["account"] == "nwm") >= 120
    assert [s["id"] for s in ds["staff"] if not s["active"]] == ["s-old"]
    # an ended relationship, and a pair with two periods
    assert any(r["until"] is not None and r["until"] <= AS_OF for r in ds["relationships"])
    periods = [r for r in ds["relationships"] if (r["staff"], r["contact"]) == ("s-am-wv", "nwm-wv-gm")]
    assert [(r["since"], r["until"]) for r in periods] == [
        (dt.date(2025, 3, 1), dt.date(2026, 6, 1)),
        (dt.date(2026, 6, 1), None),
    ]
    # every unit but the root of each account has a parent of the same account
    units = {u["id"]: u for u in ds["units"]}
    for u in units.values():
        if u["parent"]:
            assert units[u["parent"]]["account"] == u["account"]


def test_demo_has_no_apostrophes(demo_dir):
    for f in demo_dir.iterdir():
        assert "'" not in f.read_text(encoding="utf-8"), f.name


# --- the weak spots, in the data -----------------------------------------------------------


def test_weak_spots_in_the_data(ds):
    contacts = {c["id"]: c for c in ds["contacts"]}
    staff = {s["id"]: s for s in ds["staff"]}
    nwm = [c for c in ds["contacts"] if c["account"] == "nwm"]
    cells = {(level_of(ds, c), c["role"]) for c in nwm}
    # blind cells
    assert ("province", "finance") not in cells
    assert ("county", "procurement") not in cells
    # rotation: three years in role end 68 days after as-of
    assert staff["s-am-es"]["in_role_since"] == dt.date(2024, 1, 8)
    assert (dt.date(2027, 1, 8) - AS_OF).days == 68
    # coach funnel: the chairman has no relationship, and every link into him comes
    # from the coach (his only other link is his influence on the CEO)
    assert not [r for r in ds["relationships"] if r["contact"] == "nwm-chair"]
    chair_links = sorted(
        (lk["source"], lk["target"], lk["kind"])
        for lk in ds["links"]
        if "nwm-chair" in (lk["source"], lk["target"])
    )
    assert chair_links == [
        ("nwm-chair", "nwm-ceo", "influences"),
        ("nwm-chair-office", "nwm-chair", "influences"),
        ("nwm-chair-office", "nwm-chair", "reports_to"),
    ]
    assert contacts["nwm-chair-office"]["coach"] is True
    assert sorted(r["staff"] for r in ds["relationships"] if r["contact"] == "nwm-chair-office") == [
        "s-ad-nwm",
        "s-pres",
    ]
    # the opponent closest to the CEO
    assert contacts["nwm-evp"]["attitude"] == "opponent"
    assert ("nwm-evp", "nwm-ceo", "reports_to", 5) in [
        (lk["source"], lk["target"], lk["kind"], lk["weight"]) for lk in ds["links"]
    ]
    # rank gap
    assert contacts["nwm-vpm"]["seniority"] - staff["s-am-jr"]["seniority"] == 3
    # stale relationship
    stale = [r for r in ds["relationships"] if (r["staff"], r["contact"]) == ("s-pres", "nwm-ceo")]
    assert [(r["strength"], r["last_contact"]) for r in stale] == [(4, dt.date(2026, 4, 20))]
    # an incomplete iron triangle
    hpg_team = {t["role"] for t in ds["team"] if t["account"] == "hpg"}
    assert "delivery" not in hpg_team and {"account_manager", "solution"} <= hpg_team


# --- the weak spots, found by the analyses ------------------------------------------------


@pytest.fixture
def store(make_store, ds):
    s = make_store(ds)
    yield s
    s.close()


def test_gaps_show_the_blind_cells(store):
    from relgraph.analysis.portfolio import gaps_report

    gaps = gaps_report(store, as_of=AS_OF)["gaps"]
    nwm = {(g["level"], g["role"]): g for g in gaps if g["account"] == "nwm"}
    # priority: grade S (4) x influence 3 (no contact) x (1 - 0) = 12, the highest
    assert [(g["account"], g["level"], g["role"], g["status"], g["priority"]) for g in gaps[:2]] == [
        ("nwm", "province", "finance", "unknown", 12.0),
        ("nwm", "county", "procurement", "unknown", 12.0),
    ]
    uncovered, weak = nwm[("county", "finance")], nwm[("city", "procurement")]
    assert (uncovered["status"], uncovered["contacts"]) == (
        "uncovered",
        WEAK_SPOTS["uncovered_cell"]["contacts"],
    )
    assert (weak["status"], weak["contacts"]) == ("weak", WEAK_SPOTS["weak_cell"]["contacts"])
    assert set(nwm) == {
        ("province", "finance"),
        ("county", "procurement"),
        ("county", "finance"),
        ("city", "procurement"),
    }


def test_threads_lists_the_weak_key_contacts(store):
    from relgraph.analysis.portfolio import threads_report

    rows = {r["id"]: r for r in threads_report(store, as_of=AS_OF)["contacts"]}
    assert set(rows) == {
        "nwm-chair",
        "nwm-ceo",
        "nwm-cfo",
        "nwm-vpm",
        "nwm-es-gm",
        "nwm-es-dgm",
        "nwm-es-cto",
        "nwm-es-pa-gm",
    }
    # single-threaded decision-maker
    cfo = rows["nwm-cfo"]
    # backup: the successor; s-sol-hq -> CTO -> CEO -> CFO (1.0 x 0.8 x 0.8 = 0.64)
    # beats s-ad-nwm's weak direct tie (3 x 0.5^(49/180) / 5 = 0.50)
    assert (cfo["threads"], cfo["staff"], cfo["backup"]) == (1, ["s-vpka"], "s-sol-hq")
    # coach funnel: no thread, and a single route through the office director
    chair = rows["nwm-chair"]
    assert (chair["threads"], chair["redundancy"]) == (0, 1)
    # rank gap: seniority 4 - 1
    assert (rows["nwm-vpm"]["staff"], rows["nwm-vpm"]["rank_gap"]) == (["s-am-jr"], 3)
    # stale: 4 x 0.5^((195 - 90)/180) = 2.67 < 3, so the CEO has no thread
    ceo = rows["nwm-ceo"]
    # backup: s-sol-hq -> CTO -> CEO (0.8) beats s-pres's stale tie (2.67 / 5 = 0.53)
    assert (ceo["threads"], ceo["backup"]) == (0, "s-sol-hq")
    for c in ("nwm-es-gm", "nwm-es-dgm", "nwm-es-cto", "nwm-es-pa-gm"):
        assert rows[c]["staff"] == ["s-am-es"]


def test_risk_ranks_the_rotating_account_manager_first(store):
    from relgraph.analysis.portfolio import risk_report

    rows = risk_report(store, as_of=AS_OF)["staff"]
    top = rows[0]
    # 4 (grade S) x (5 + 4 + 4 + 4) = 68
    assert (top["id"], top["risk"], top["due_soon"], top["rotation_due"]) == (
        "s-am-es",
        68,
        True,
        dt.date(2027, 1, 8),
    )
    assert top["sole_threads"] == WEAK_SPOTS["rotation"]["sole_threads"]
    assert [r["id"] for r in rows if r["due_soon"]] == ["s-am-es"]
    assert [(r["id"], r["risk"]) for r in rows[1:3]] == [("s-vpka", 20), ("s-am-jr", 16)]


def test_paths_to_the_ceo_avoid_the_opponent(store):
    from relgraph.analysis.portfolio import paths_report

    safe = paths_report(store, target="nwm-ceo", as_of=AS_OF)["paths"]
    assert all("nwm-evp" not in p["nodes"] for p in safe)
    # s-sol-hq -> CTO: 5 / 5 (met 8 days ago: within the grace), CTO -> CEO (reports_to 4): 0.8
    assert safe[0]["nodes"] == ["s-sol-hq", "nwm-cto", "nwm-ceo"]
    assert safe[0]["score"] == pytest.approx(0.8)
    risky = paths_report(store, target="nwm-ceo", as_of=AS_OF, through_opponents=True)["paths"]
    # s-ad-nwm -> EVP: 5 / 5 (within the grace), EVP -> CEO (reports_to 5): 1.0
    assert risky[0]["nodes"] == ["s-ad-nwm", "nwm-evp", "nwm-ceo"]
    assert risky[0]["score"] == pytest.approx(1.0)


def test_whatif_the_rotating_manager_leaves(store):
    from relgraph.analysis.portfolio import whatif_report

    r = whatif_report(store, as_of=AS_OF, without=["s-am-es"])
    lost = {x["contact"] for x in r["lost"]}
    assert set(WEAK_SPOTS["rotation"]["sole_threads"]) <= lost
    nwm = next(a for a in r["accounts"] if a["id"] == "nwm")
    # 27 key contacts: 25 threaded before (all but the chairman and the CEO), 21 after
    assert nwm["before"]["key_coverage"] == pytest.approx(25 / 27)
    assert nwm["after"]["key_coverage"] == pytest.approx(21 / 27)


def test_nobody_due_soon_is_named_to_act_and_heir_is_backup(store):
    from relgraph.analysis.portfolio import gaps_report, risk_report, threads_report, whatif_report

    due = [r["id"] for r in risk_report(store, as_of=AS_OF)["staff"] if r["due_soon"]]
    assert due == ["s-am-es"]
    # Executives do not rotate: the VP of key accounts has no rotation date.
    vpka = next(r for r in risk_report(store, as_of=AS_OF)["staff"] if r["id"] == "s-vpka")
    assert (vpka["rotation_due"], vpka["due_soon"]) == (None, False)
    named = {g["suggested_staff"] for g in gaps_report(store, as_of=AS_OF)["gaps"]}
    backups = {r["id"]: r["backup"] for r in threads_report(store, as_of=AS_OF)["contacts"]}
    assert "s-am-es" not in named | set(backups.values())
    heirs = {x["contact"]: x["heir"] for x in whatif_report(store, as_of=AS_OF, without=["s-am-es"])["lost"]}
    assert {c: backups[c] for c in WEAK_SPOTS["rotation"]["sole_threads"]} == {
        c: heirs[c] for c in WEAK_SPOTS["rotation"]["sole_threads"]
    }
    assert all(heirs[c] is not None for c in WEAK_SPOTS["rotation"]["sole_threads"])


# --- the README's session is real -------------------------------------------------------


def readme_session() -> list[tuple[str, str]]:
    """(command, output) of every ``$ relgraph ... ./relgraph-demo ...`` shown in the
    README's text blocks; an output ending in a line ``…`` is shown in part."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith("relgraph ") and "./relgraph-demo" in command:
                shown.append((command, output.rstrip("\n")))
    return shown


def test_the_readme_session_is_real_output(tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)
    write_demo("relgraph-demo")
    session = readme_session()
    assert len(session) >= 8
    for command, shown in session:
        r = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert r.exit_code == 0, command
        got = r.stdout.rstrip("\n")
        if shown.endswith("\n…"):
            assert got.startswith(shown[: -len("…")]), command
        else:
            assert got == shown, command
