"""scripts/generate: synthetic portfolios that validate, match their options and are
deterministic per seed."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from relgraph.model import CONTACT_ROLES, LEVELS, TOUCHPOINT_METHODS
from relgraph.readwrite import check, read

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "generate"
TABLES = ("accounts", "units", "contacts", "staff", "relationships", "links", "touchpoints", "team")


def generate(out: Path, *args: str) -> subprocess.CompletedProcess:
    # -S: no site-packages, so the script must run on the standard library alone.
    return subprocess.run(
        [sys.executable, "-S", str(SCRIPT), "--out", str(out), *args], capture_output=True, text=True
    )


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_small_portfolio_validates_and_matches_options(tmp_path):
    out = tmp_path / "p"
    r = generate(out, "--accounts", "4", "--contacts", "150", "--staff", "12", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(
        r"wrote .*: 4 accounts, \d+ units, 150 contacts, 12 staff, \d+ relationships, \d+ links, "
        r"180 touchpoints, \d+ team \(\d+ relationship\+link\+touchpoint rows\) in \d+\.\d s\n",
        r.stderr,
    )
    problems, _ = check(out)
    assert problems == []
    assert len(rows(out, "accounts")) == 4
    assert len(rows(out, "contacts")) == 150
    assert len(rows(out, "staff")) == 12
    assert len(rows(out, "touchpoints")) == 180  # 1.2 per contact
    assert [s["active"] for s in rows(out, "staff")].count("false") == 1


def test_contacts_per_account(tmp_path):
    r = generate(tmp_path / "p", "--accounts", "3", "--contacts-per-account", "40")
    assert r.returncode == 0, r.stderr
    assert len(rows(tmp_path / "p", "contacts")) == 120
    assert len(rows(tmp_path / "p", "staff")) == 12  # default: one per 10 contacts


def test_deterministic_per_seed(tmp_path):
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        assert (
            generate(tmp_path / name, "--accounts", "3", "--contacts", "200", "--seed", seed).returncode == 0
        )
    for t in TABLES:
        a, b, c = ((tmp_path / n / f"{t}.csv").read_bytes() for n in "abc")
        assert a == b, t
    assert (tmp_path / "a" / "relationships.csv").read_bytes() != (
        tmp_path / "c" / "relationships.csv"
    ).read_bytes()


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    r = generate(tmp_path, "--accounts", "1", "--contacts", "5")
    assert r.returncode == 2
    assert "is not empty; choose another folder or pass --force" in r.stderr
    assert generate(tmp_path, "--accounts", "1", "--contacts", "5", "--force").returncode == 0


def test_structure_is_realistic(tmp_path):
    out = tmp_path / "p"
    r = generate(
        out,
        "--accounts",
        "12",
        "--contacts",
        "3000",
        "--staff",
        "300",
        "--seed",
        "11",
        "--as-of",
        "2026-06-30",
    )
    assert r.returncode == 0, r.stderr
    ds = read(out)  # raises if anything is invalid
    contacts = ds["contacts"]
    units = {u["id"]: u for u in ds["units"]}
    levels = {units[c["unit"]]["level"] if c["unit"] else c["level"] for c in contacts}
    assert levels == set(LEVELS)
    assert {c["role"] for c in contacts} == set(CONTACT_ROLES)
    assert {r["strength"] for r in ds["relationships"]} == {1, 2, 3, 4, 5}
    assert {t["method"] for t in ds["touchpoints"]} == set(TOUCHPOINT_METHODS)
    assert 2.2 < len(ds["relationships"]) / len(contacts) < 3.0
    assert any(r["until"] for r in ds["relationships"]) and any(r["since"] for r in ds["relationships"])
    assert sum(1 for s in ds["staff"] if not s["active"]) == 3  # 1%
    # every date is on or before as-of
    last = max(
        [r["last_contact"] for r in ds["relationships"] if r["last_contact"]]
        + [t["date"] for t in ds["touchpoints"]]
    )
    assert last.isoformat() <= "2026-06-30"
    # reports_to forms one tree per account: every contact but one reports to exactly one
    # other contact of its own account
    account = {c["id"]: c["account"] for c in contacts}
    reports = [lk for lk in ds["links"] if lk["kind"] == "reports_to"]
    assert all(account[lk["source"]] == account[lk["target"]] for lk in ds["links"])
    per_source = Counter(lk["source"] for lk in reports)
    assert max(per_source.values()) == 1
    assert len(reports) == len(contacts) - len({c["account"] for c in contacts})
    # staff work on one to three accounts, and relationships stay within their teams
    teams = Counter(t["staff"] for t in ds["team"])
    assert max(teams.values()) <= 3 and len(teams) == 300
    on_team = {(t["staff"], t["account"]) for t in ds["team"]}
    assert all((r["staff"], account[r["contact"]]) in on_team for r in ds["relationships"])
    # most accounts have a full iron triangle, some lack delivery
    roles = {}
    for t in ds["team"]:
        roles.setdefault(t["account"], set()).add(t["role"])
    assert sum(1 for rs in roles.values() if {"account_manager", "solution", "delivery"} <= rs) >= 8


@pytest.mark.parametrize("bad", [["--accounts", "0"], ["--as-of", "2026-13-01"], ["--staff", "0"]])
def test_bad_options(tmp_path, bad):
    r = generate(tmp_path / "p", *bad)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1].startswith("generate: error:")
