"""The analysis commands through click's CliRunner: exact tables, JSON keys, CSV, errors.

The data set is the coach funnel of tests/test_analysis.py (figures worked out there).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from test_analysis import FUNNEL

AS_OF = ["--as-of", "2024-01-01"]
COMMANDS = ["coverage", "gaps", "threads", "risk", "whatif", "diff", "paths", "influencers"]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "funnel.json"
    path.write_text(json.dumps(FUNNEL))
    return str(path)


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    return r


def run_json(*args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command):
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "--as-of" in r.stdout and "--format" in r.stdout


def test_coverage_table(data):
    r = run("coverage", data, *AS_OF)
    assert r.exit_code == 0
    assert r.stdout == (
        "as of 2024-01-01\n\n"
        "Acme (A, grade A): 5 contacts, 4 key; 16 gaps (14 blind spots)\n"
        "  key coverage 25%   cell coverage 11%   multithreading 0%   unit coverage 67%\n"
        "  triangle: account_manager, solution   exec ties: -   opponents: fin\n"
        "  activity (365 days): 2 (visit 1, research 1)\n"
        "\n"
        "  level     decision_maker  technical    business    finance     user        procurement\n"
        "  --------  --------------  -----------  ----------  ----------  ----------  -----------\n"
        "  hq        uncovered 0.0   covered 5.0  blind spot  blind spot  blind spot  blind spot\n"
        "  province  blind spot      blind spot   blind spot  weak 2.0    blind spot  covered 4.0\n"
        "  city      blind spot      blind spot   blind spot  blind spot  blind spot  blind spot\n"
    )
    assert r.stderr == ""


def test_coverage_json(data):
    r = run_json("coverage", data, *AS_OF, "--account", "A")
    assert set(r) == {"as_of", "accounts"}
    assert r["as_of"] == "2024-01-01"
    [acc] = r["accounts"]
    for key in ("id", "name", "grade", "key_coverage", "cell_coverage", "multithreading", "opponents",
                "triangle", "unit_coverage", "exec_ties", "activity", "cells"):
        assert key in acc
    assert acc["unit_coverage"] == 2 / 3
    assert acc["cells"][0] == {
        "level": "hq", "role": "decision_maker", "status": "uncovered", "contacts": ["ceo"], "best_strength": 0.0
    }


def test_gaps(data):
    r = run("gaps", data, *AS_OF, "--limit", "2")
    assert r.stdout.splitlines() == [
        "account  level  role            status      priority  best  contacts  suggested staff",
        "-------  -----  --------------  ----------  --------  ----  --------  ---------------",
        # sol's rotation is overdue (due soon): never suggested.
        "A        hq     decision_maker  uncovered   15.00     0.00  ceo       Alice (am)",
        "A        hq     business        blind spot  9.00      -     -         Alice (am)",
    ]
    j = run_json("gaps", data, *AS_OF)
    assert set(j) == {"as_of", "gaps"}
    assert len(j["gaps"]) == 16
    assert {"account", "level", "role", "status", "priority", "contacts", "suggested_staff"} <= set(j["gaps"][0])
    csv = run("gaps", data, *AS_OF, "--limit", "2", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("account,level,role,status,priority,contacts,suggested_staff")
    assert csv[1].startswith("A,hq,decision_maker,uncovered,15.0,ceo,am")
    # sol is overdue: due soon whatever the horizon.
    assert run_json("gaps", data, *AS_OF, "--horizon", "0")["gaps"][0]["suggested_staff"] == "am"


def test_threads(data):
    j = run_json("threads", data, *AS_OF)
    assert [[c[k] for k in ("id", "threads", "staff", "redundancy", "rank_gap", "backup")] for c in j["contacts"]] == [
        ["ceo", 0, [], 1, None, "am"],  # the successor: am -> coach -> ceo
        ["cto", 0, [], 1, None, "am"],
        ["fin", 0, [], 2, None, "am"],
        ["proc", 1, ["sol"], 1, -1, None],
    ]
    assert {"id", "name", "account", "role", "influence", "threads", "staff", "redundancy", "rank_gap",
            "backup"} <= set(j["contacts"][0])
    j = run_json("threads", data, *AS_OF, "--all")
    assert [c["id"] for c in j["contacts"]] == ["ceo", "cto", "fin", "proc", "coach"]
    lines = run("threads", data, *AS_OF).stdout.splitlines()
    assert lines[2].split() == ["A", "ceo", "Ceo", "decision_maker", "5", "0", "-", "1", "-", "Alice"]
    assert lines[5].split() == ["A", "proc", "Proc", "procurement", "4", "1", "Sam", "1", "-1", "-"]


def test_risk(data):
    r = run("risk", data, *AS_OF)
    assert r.stdout.splitlines() == [
        "id   name   risk  sole threads  rotation due  due soon",
        "---  -----  ----  ------------  ------------  --------",
        "sol  Sam    12    proc          2023-02-28    yes",
        "am   Alice  0     -             2024-08-01    no",
    ]
    j = run_json("risk", data, *AS_OF, "--horizon", "365")
    assert [j["staff"][1][k] for k in ("id", "rotation_due", "due_soon")] == ["am", "2024-08-01", True]
    assert {"id", "name", "risk", "sole_threads", "rotation_due", "due_soon"} <= set(j["staff"][0])
    csv = run("risk", data, *AS_OF, "--format", "csv").stdout.splitlines()
    assert csv[1].startswith("sol,Sam,12,proc,2023-02-28,true")


def test_paths(data):
    r = run("paths", data, "--to", "ceo", *AS_OF)
    assert r.exit_code == 0
    assert r.stdout == "1. Sam → Coach (coach) → Ceo (0.80)\n2. Alice → Coach (coach) → Ceo (0.64)\n"
    r = run("paths", data, "--to", "ceo", *AS_OF, "--through-opponents", "-k", "4")
    assert r.stdout.splitlines()[-1] == "4. Alice → Fin (opponent) → Ceo (0.40)"
    j = run_json("paths", data, "--to", "ceo", "--from", "am", "-k", "1", *AS_OF)
    assert j["target"] == "ceo"
    assert [(p["nodes"], p["score"]) for p in j["paths"]] == [(["am", "coach", "ceo"], 0.8 * 0.8)]
    assert j["paths"][0]["steps"][0] == {"from": "am", "to": "coach", "kind": "knows", "p": 0.8}
    r = run("paths", data, "--to", "proc", "--from", "am", *AS_OF)
    assert r.stdout == "no influence path to proc from am\n"


def test_whatif(data):
    j = run_json("whatif", data, "--without", "sol", *AS_OF)
    assert {"as_of", "accounts", "lost"} <= set(j)
    assert [[x["contact"], x["heir"]] for x in j["lost"]] == [["proc", None]]
    assert j["accounts"][0]["before"]["key_coverage"] == 0.25
    assert j["accounts"][0]["after"]["key_coverage"] == 0.0
    r = run("whatif", data, "--without", "sol", *AS_OF)
    assert "A        25% -> 0%  11% -> 6%" in r.stdout
    assert r.stdout.splitlines()[-1].split() == ["A", "proc", "Proc", "-"]


def test_diff(data):
    j = run_json("diff", data, "--since", "2023-07-05", *AS_OF)
    assert (j["since"], j["as_of"]) == ("2023-07-05", "2024-01-01")
    assert [[x["staff"], x["contact"]] for x in j["gained"]] == [["sol", "proc"]]
    assert [[x["staff"], x["contact"]] for x in j["lost"]] == [["am", "cto"], ["sol", "fin"]]
    assert j["accounts"][0]["before"]["key_coverage"] == 0.5
    r = run("diff", data, "--since", "2024-02-01", *AS_OF)
    assert r.exit_code == 2
    assert r.stderr == "Error: --since 2024-02-01 is after --as-of 2024-01-01\n"


def test_influencers(data):
    j = run_json("influencers", data, "--account", "A", "--limit", "2", *AS_OF)
    assert j["account"] == "A"
    assert [c["id"] for c in j["contacts"]] == ["coach", "ceo"]
    assert {"id", "name", "rank", "best_strength", "threads"} <= set(j["contacts"][0])
    lines = run("influencers", data, "--account", "A", *AS_OF).stdout.splitlines()
    assert lines[2].split() == ["coach", "Coach", "technical", "hq", "0.3316", "5.00", "2"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["coverage", "{data}", "--account", "nope"], "Error: unknown account 'nope'"),
        (["gaps", "{data}", "--account", "nope"], "Error: unknown account 'nope'"),
        (["threads", "{data}", "--account", "nope"], "Error: unknown account 'nope'"),
        (["influencers", "{data}", "--account", "nope"], "Error: unknown account 'nope'"),
        (["paths", "{data}", "--to", "nope"], "Error: unknown contact 'nope'"),
        (["paths", "{data}", "--to", "ceo", "--from", "nobody"], "Error: unknown staff member 'nobody'"),
        (["whatif", "{data}", "--without", "nobody"], "Error: unknown staff member 'nobody'"),
    ],
)
def test_unknown_ids_exit_2(data, args, message):
    r = run(*[a.format(data=data) for a in args], *AS_OF)
    assert r.exit_code == 2
    assert r.stderr == message + "\n"
    assert r.stdout == ""


# --- options and dates at the edges of the calendar -----------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["coverage", "--strong", "nan"], "Invalid value for '--strong': 'nan' is not a finite number."),
        (["threads", "--strong", "inf"], "Invalid value for '--strong': 'inf' is not a finite number."),
        (["paths", "--to", "ceo", "--half-life", "nan"],
         "Invalid value for '--half-life': 'nan' is not a finite number."),
        (["coverage", "--half-life", "inf"], "Invalid value for '--half-life': 'inf' is not a finite number."),
        (["map", "--account", "A", "--strong", "nan"], "Invalid value for '--strong': 'nan' is not a finite number."),
        (["risk", "--horizon", "99999999999999999999"],
         "Invalid value for '--horizon': 99999999999999999999 is not in the range 0<=x<=36500."),
        (["risk", "--rotation-years", "99999999999999999999"],
         "Invalid value for '--rotation-years': 99999999999999999999 is not in the range 0<=x<=100."),
        (["report", "--rotation-years", "101"], "Invalid value for '--rotation-years': 101 is not in the range 0<=x<=100."),
        (["risk", "--as-of", "10000-01-01"], "Invalid value for '--as-of': '10000-01-01' is not a date (YYYY-MM-DD)"),
    ],
)
def test_meaningless_options_are_usage_errors(data, tmp_path, args, message):
    r = run(args[0], data, *args[1:])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == f"Error: {message}"
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert list(tmp_path.iterdir()) == [tmp_path / "funnel.json"]


def test_risk_at_the_end_of_the_calendar(data):
    j = run_json("risk", data, "--as-of", "9999-12-31", "--horizon", "36500")
    assert [(s["id"], s["rotation_due"], s["due_soon"]) for s in j["staff"]] == [
        ("sol", "2023-02-28", True), ("am", "2024-08-01", True)
    ]


@pytest.fixture
def sentinel(tmp_path):
    """The funnel with Alice in role since 9999-12-31, a common 'unknown' sentinel."""
    doc = json.loads(json.dumps(FUNNEL))
    doc["staff"][0]["in_role_since"] = "9999-12-31"
    path = tmp_path / "sentinel.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_a_sentinel_in_role_since_has_no_rotation_date(sentinel, tmp_path):
    j = run_json("risk", sentinel, *AS_OF)
    assert [(s["id"], s["rotation_due"], s["due_soon"]) for s in j["staff"]] == [
        ("sol", "2023-02-28", True), ("am", None, False)
    ]
    r = run("report", sentinel, *AS_OF, "--no-maps", "-o", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r.html").is_file()


# --- influence paths on long chains ----------------------------------------------------


def chain_data(tmp_path, chains: dict[str, list[str]], target: str) -> str:
    """One account, staff 's' knowing the first contact of each chain at strength 5,
    each chain linked on to ``target`` by influences of weight 5: every step p = 1."""
    contacts = sorted({c for chain in chains.values() for c in chain} | {target})
    links = []
    for chain in chains.values():
        hops = chain + [target]
        links += [{"source": a, "target": b, "kind": "influences", "weight": 5} for a, b in zip(hops, hops[1:])]
    doc = {
        "accounts": [{"id": "A", "name": "Acme", "grade": "A"}],
        "contacts": [{"id": c, "name": c.upper(), "account": "A"} for c in contacts],
        "staff": [{"id": "s", "name": "Sue"}],
        "relationships": [{"staff": "s", "contact": chain[0], "strength": 5} for chain in chains.values()],
        "links": links,
    }
    path = tmp_path / "chains.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_among_equal_scores_fewer_steps_win(tmp_path):
    detour = [f"a{i:03d}" for i in range(300)]  # ids sort before the short route's 'z'
    data = chain_data(tmp_path, {"detour": detour, "short": ["z"]}, "t")
    j = run_json("paths", data, "--to", "t", "-k", "2", *AS_OF)
    assert [(p["score"], p["nodes"]) for p in j["paths"]] == [(1.0, ["s", "z", "t"]), (1.0, ["s", *detour, "t"])]


def test_a_path_of_twelve_hundred_steps(tmp_path):
    chain = [f"c{i:04d}" for i in range(1200)]
    data = chain_data(tmp_path, {"only": chain[:-1]}, chain[-1])
    j = run_json("paths", data, "--to", chain[-1], *AS_OF)
    assert [p["nodes"] for p in j["paths"]] == [["s", *chain]]
    assert j["paths"][0]["steps"][-1] == {"from": "c1198", "to": "c1199", "kind": "influences", "p": 1.0}
