"""Version 2 of the model on hand-worked tiny data sets: the grace period, who rotates,
"due soon", and the one successor rule (threads' backup = whatif's heir = gaps'
suggested staff), on both stores."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from relgraph.analysis import portfolio as P
from relgraph.analysis.rules import decay, is_strong_at
from relgraph.analysis.strength import effective_strengths
from relgraph.cli import cli
from relgraph.graph import build_graph
from relgraph.readwrite.jsonfile import read_obj

AS_OF = dt.date(2026, 6, 1)


def days_ago(n: int) -> str:
    return (AS_OF - dt.timedelta(days=n)).isoformat()


# --- the grace period ------------------------------------------------------------------

# One staff member, five key contacts: a 3 last met 89, 90 and 91 days ago, a 4 met
# 164 and 165 days ago. With grace 90 and half-life 180:
#   day 89, 90: 3 * 0.5 ** 0 = 3.0 (strong: the decay starts after day 90)
#   day 91:     3 * 0.5 ** (1 / 180) = 2.9885... (weak)
#   a 4 is strong while 4 * 0.5 ** ((d - 90) / 180) >= 3, i.e.
#   d <= 90 + 180 * log2(4 / 3) = 164.7: day 164 -> 3.0081... strong, day 165 -> 2.9966... weak.
AGES = {"c089": (3, 89), "c090": (3, 90), "c091": (3, 91), "c164": (4, 164), "c165": (4, 165)}
GRACE = {
    "accounts": [{"id": "A", "name": "Acme"}],
    "contacts": [{"id": c, "name": c.upper(), "account": "A", "role": "decision_maker"} for c in AGES],
    "staff": [{"id": "s1", "name": "Sam", "role": "account_manager"}],
    "relationships": [
        {"staff": "s1", "contact": c, "strength": n, "last_contact": days_ago(d)} for c, (n, d) in AGES.items()
    ],
    "team": [{"account": "A", "staff": "s1", "role": "account_manager"}],
}
STRENGTHS = {
    "c089": 3.0,
    "c090": 3.0,
    "c091": 3 * 0.5 ** (1 / 180),
    "c164": 4 * 0.5 ** (74 / 180),
    "c165": 4 * 0.5 ** (75 / 180),
}
THREADS = {"c089": 1, "c090": 1, "c091": 0, "c164": 1, "c165": 0}


def test_decay_starts_after_the_grace_period():
    assert [decay(d) for d in (0, 89, 90)] == [1.0, 1.0, 1.0]
    assert decay(91) == 0.5 ** (1 / 180)
    assert decay(270) == 0.5
    assert 2.9884 < STRENGTHS["c091"] < 2.9885
    assert 3.0081 < STRENGTHS["c164"] < 3.0082 and 2.9966 < STRENGTHS["c165"] < 2.9967


def test_grace_effective_strengths():
    G = build_graph(read_obj(GRACE))
    got = effective_strengths(G, as_of=AS_OF)
    assert got == {("Staff:s1", f"Contact:{c}"): v for c, v in STRENGTHS.items()}
    # Without grace, the 3 met 89 days ago is no longer strong: the version 1 rule.
    assert effective_strengths(G, as_of=AS_OF, grace=0)[("Staff:s1", "Contact:c089")] == 3 * 0.5 ** (89 / 180)


def test_grace_threads_on_both_stores(make_store):
    store = make_store(GRACE)
    rows = P.threads_report(store, as_of=AS_OF)["contacts"]
    assert {r["id"]: r["threads"] for r in rows} == THREADS
    cover = P.coverage_report(store, as_of=AS_OF)["accounts"][0]
    assert cover["key_coverage"] == 3 / 5
    assert [c["best_strength"] for c in cover["cells"] if c["role"] == "decision_maker"] == [STRENGTHS["c164"]]
    store.close()


def test_the_thread_rule_of_one_day_is_that_of_as_of():
    last = dt.date(2026, 1, 1)
    for strength, day_n in ((3, 89), (3, 90), (3, 91), (4, 164), (4, 165)):
        when = last + dt.timedelta(days=day_n)
        G = build_graph(read_obj({**GRACE, "relationships": [
            {"staff": "s1", "contact": "c089", "strength": strength, "last_contact": last.isoformat()}]}))
        strong = effective_strengths(G, as_of=when)[("Staff:s1", "Contact:c089")] >= 3
        assert is_strong_at(strength, last, when) is strong
        assert strong is (day_n in (89, 90, 164))


def test_cli_grace(tmp_path):
    data = tmp_path / "grace.json"
    data.write_text(json.dumps(GRACE))
    run = CliRunner().invoke(cli, ["threads", str(data), "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert run.exit_code == 0, run.output
    assert {r["id"]: r["threads"] for r in json.loads(run.output)["contacts"]} == THREADS
    run = CliRunner().invoke(cli, ["threads", str(data), "--as-of", AS_OF.isoformat(), "--grace", "0",
                                   "--format", "json"])
    assert {r["id"]: r["threads"] for r in json.loads(run.output)["contacts"]} == dict.fromkeys(THREADS, 0)
    run = CliRunner().invoke(cli, ["threads", str(data), "--grace", "-1"])
    assert run.exit_code == 2


# --- who rotates, due soon and the successor -----------------------------------------

# Account A (grade A, weight 3), every contact at hq (no units), as of 2026-06-01:
#   staff   role             in role since  rotates   rotation due  due soon (180 days)
#   lead    account_manager  2023-07-01     (role)    2026-07-01    yes (in 30 days)
#   amy     solution         2025-01-01     (role)    2028-01-01    no
#   bob     delivery         2020-01-01     false     -             no
#   vp      executive        2010-01-01     (role)    -             no
#   contacts: k (decision_maker, key), f (finance, influence 4: key), coach
#   (technical, coach), x (user, influence 2)
#   relationships (no dates: no decay): lead-k 5, amy-k 2, bob-coach 5, lead-f 2,
#   vp-f 1, vp-x 3; link: coach influences k (weight 4)
# Routes to k: lead 1.0, bob -> coach -> k 1.0 * 0.8, amy 0.4. To f: lead 0.4, vp 0.2.
SUCCESSION = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "A"}],
    "contacts": [
        {"id": "k", "name": "Kim", "account": "A", "role": "decision_maker"},
        {"id": "f", "name": "Fay", "account": "A", "role": "finance", "influence": 4},
        {"id": "coach", "name": "Coco", "account": "A", "role": "technical", "coach": True},
        {"id": "x", "name": "Xu", "account": "A", "role": "user", "influence": 2},
    ],
    "staff": [
        {"id": "lead", "name": "Lee", "role": "account_manager", "in_role_since": "2023-07-01"},
        {"id": "amy", "name": "Amy", "role": "solution", "in_role_since": "2025-01-01"},
        {"id": "bob", "name": "Bob", "role": "delivery", "in_role_since": "2020-01-01", "rotates": False},
        {"id": "vp", "name": "Vic", "role": "executive", "seniority": 4, "in_role_since": "2010-01-01"},
    ],
    "relationships": [
        {"staff": "lead", "contact": "k", "strength": 5},
        {"staff": "amy", "contact": "k", "strength": 2},
        {"staff": "bob", "contact": "coach", "strength": 5},
        {"staff": "lead", "contact": "f", "strength": 2},
        {"staff": "vp", "contact": "f", "strength": 1},
        {"staff": "vp", "contact": "x", "strength": 3},
    ],
    "links": [{"source": "coach", "target": "k", "kind": "influences", "weight": 4}],
    "team": [{"account": "A", "staff": s} for s in ("lead", "amy", "bob", "vp")],
}


@pytest.fixture
def succession(make_store):
    store = make_store(SUCCESSION)
    yield store
    store.close()


def test_who_rotates_and_who_is_due_soon(succession):
    rows = {r["id"]: (r["rotation_due"], r["due_soon"]) for r in P.risk_report(succession, as_of=AS_OF)["staff"]}
    assert rows == {
        "lead": (dt.date(2026, 7, 1), True),
        "amy": (dt.date(2028, 1, 1), False),
        "bob": (None, False),  # rotates: false, though a delivery role
        "vp": (None, False),  # an executive does not rotate
    }
    rows = {r["id"]: r["due_soon"] for r in P.risk_report(succession, as_of=AS_OF, horizon=10)["staff"]}
    assert rows["lead"] is False


def test_the_frame_rotation_is_the_rule_of_each_staff_row():
    """``staff_rotation`` and ``due_soon`` work each distinct date out once; every
    active member gets what the row rule (``staff_rotation_due``) gives them."""
    from relgraph.analysis.frame import frame_of
    from relgraph.analysis.rules import horizon_end, staff_rotation_due
    from relgraph.analysis.successor import due_soon, staff_rotation
    from relgraph.graph import tables_from_graph

    staff = [
        *SUCCESSION["staff"],
        {"id": "gone", "name": "Gus", "role": "account_manager", "in_role_since": "2023-07-01", "active": False},
        {"id": "leap", "name": "Lea", "role": "account_manager", "in_role_since": "2024-02-29"},
        {"id": "leap2", "name": "Leo", "role": "account_manager", "in_role_since": "2024-02-29", "rotates": False},
        {"id": "nodate", "name": "Ned", "role": "account_manager"},
        {"id": "never", "name": "Nev", "role": "account_manager", "in_role_since": "9999-12-31"},
        {"id": "also", "name": "Al", "role": "solution", "in_role_since": "2023-07-01"},
    ]
    typed = tables_from_graph(build_graph(read_obj({**SUCCESSION, "staff": staff})))
    F = frame_of(typed)
    rows = sorted(typed.rows("staff"), key=lambda r: r["id"])
    by_row = {r["id"]: staff_rotation_due(r, 3) for r in rows if r["active"]}
    assert list(staff_rotation(F).items()) == list(by_row.items())
    assert staff_rotation(F)["leap"] == dt.date(2027, 2, 28) and staff_rotation(F)["leap2"] is None
    assert "gone" not in staff_rotation(F) and staff_rotation(F)["never"] is None
    assert staff_rotation(F, 1)["also"] == dt.date(2024, 7, 1)
    limit = horizon_end(AS_OF, 180)
    soon = {s for s, d in by_row.items() if d is not None and d <= limit}
    assert due_soon(F, as_of=AS_OF) == soon == {"lead", "also"}


def test_backup_is_the_successor_never_a_leaver(succession):
    rows = P.threads_report(succession, as_of=AS_OF)["contacts"]
    # f: no thread; lead (0.4) is due soon, so vp (0.2). k: lead's only thread; left
    # out, bob through the coach (0.8) beats amy's weak direct tie (0.4).
    assert [(r["id"], r["threads"], r["staff"], r["redundancy"], r["backup"]) for r in rows] == [
        ("f", 0, [], 2, "vp"),
        ("k", 1, ["lead"], 3, "bob"),
    ]
    # With a horizon of 10 days lead is not due soon: lead is best placed for f.
    rows = P.threads_report(succession, as_of=AS_OF, horizon=10)["contacts"]
    assert [r["backup"] for r in rows] == ["lead", "bob"]


def test_heir_is_the_backup(succession):
    r = P.whatif_report(succession, as_of=AS_OF, without=["lead"])
    assert [(x["contact"], x["heir"]) for x in r["lost"]] == [("k", "bob")]
    backup = {x["id"]: x["backup"] for x in P.threads_report(succession, as_of=AS_OF)["contacts"]}
    assert backup["k"] == "bob"
    # bob leaving too: amy's weak direct tie is the best left for k; nobody else
    # reaches the coach.
    r = P.whatif_report(succession, as_of=AS_OF, without=["lead", "bob"])
    assert [(x["contact"], x["heir"]) for x in r["lost"]] == [("coach", None), ("k", "amy")]


def test_gaps_never_suggest_a_leaver(succession):
    got = [(g["role"], g["status"], g["priority"], g["suggested_staff"])
           for g in P.gaps_report(succession, as_of=AS_OF)["gaps"]]
    # Blind spots at hq: 3 * 3 = 9, best placed to reach anyone at hq leaving out
    # nobody: lead (k, 1.0) is due soon, bob -> coach (1.0). hq/finance (weak):
    # 3 * 4 * (1 - 2/5) = 7.2, lead (0.4) due soon: vp (0.2).
    assert got == [
        ("business", "unknown", 9.0, "bob"),
        ("procurement", "unknown", 9.0, "bob"),
        ("finance", "weak", pytest.approx(7.2), "vp"),
    ]
    # With a horizon of 10 days lead is not due soon: for the blind spots lead (k) and
    # bob (coach) tie at 1.0, the lowest id is bob; lead is best placed for f.
    got = [g["suggested_staff"] for g in P.gaps_report(succession, as_of=AS_OF, horizon=10)["gaps"]]
    assert got == ["bob", "bob", "lead"]


def test_cli_horizon(tmp_path):
    data = tmp_path / "succession.json"
    data.write_text(json.dumps(SUCCESSION))
    base = [str(data), "--as-of", AS_OF.isoformat(), "--format", "json"]
    for args, key, want in (
        (["gaps"], "gaps", ["bob", "bob", "vp"]),
        (["gaps", "--horizon", "10"], "gaps", ["bob", "bob", "lead"]),
        (["threads"], "contacts", ["vp", "bob"]),
        (["threads", "--horizon", "10"], "contacts", ["lead", "bob"]),
    ):
        run = CliRunner().invoke(cli, [args[0], *base, *args[1:]])
        assert run.exit_code == 0, run.output
        rows = json.loads(run.output)[key]
        assert [r["suggested_staff" if key == "gaps" else "backup"] for r in rows] == want
    run = CliRunner().invoke(cli, ["whatif", *base, "--without", "lead", "--without", "bob"])
    assert [x["heir"] for x in json.loads(run.output)["lost"]] == [None, "amy"]
