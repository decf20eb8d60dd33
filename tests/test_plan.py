"""The relationship plan (SPEC section 6): hand-worked actions of every kind on a
tiny portfolio, on files and over Bolt; refresh dates held to the strength function
day by day; the iCalendar file parsed back; properties on generated portfolios."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_analysis_properties import portfolios

from relgraph.analysis.access import FrameAccounts
from relgraph.analysis.frame import frame_of
from relgraph.analysis.paths import best_path
from relgraph.analysis.plan import refresh_dues, strengths
from relgraph.analysis.portfolio import gaps_report, plan_report
from relgraph.analysis.rules import staff_rotation_due
from relgraph.cli import cli
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore

AS_OF = dt.date(2026, 11, 1)
D = dt.date.fromisoformat


def rel(staff, contact, strength, last):
    return {"staff": staff, "contact": contact, "strength": strength, "last_contact": last}


TINY = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "S"}, {"id": "B", "name": "Bolt", "grade": "B"}],
    "contacts": [
        {"id": "c1", "name": "Kai", "account": "A", "level": "hq", "role": "decision_maker", "seniority": 5,
         "influence": 5},
        {"id": "c2", "name": "Lu", "account": "A", "level": "hq", "role": "technical", "seniority": 3,
         "influence": 4},
        {"id": "c3", "name": "Mo", "account": "A", "level": "hq", "role": "business", "seniority": 2,
         "influence": 4},
        {"id": "c4", "name": "Nia", "account": "A", "level": "hq", "role": "finance", "seniority": 3,
         "influence": 4},
        {"id": "c5", "name": "Ola", "account": "A", "level": "hq", "role": "user", "influence": 3,
         "coach": True},
        {"id": "c6", "name": "Pia", "account": "A", "level": "hq", "role": "decision_maker", "seniority": 5,
         "influence": 3},
        {"id": "d1", "name": "Quinn", "account": "B", "level": "hq", "role": "decision_maker"},
    ],
    "staff": [
        {"id": "s1", "name": "Ann", "role": "account_manager", "seniority": 4, "in_role_since": "2024-01-15"},
        {"id": "s2", "name": "Bo", "role": "solution", "seniority": 3, "in_role_since": "2026-01-01"},
        {"id": "s3", "name": "Cy", "role": "executive", "seniority": 5},
        {"id": "s4", "name": "Di", "role": "account_manager", "active": False},
        {"id": "s5", "name": "Ed", "role": "account_manager", "in_role_since": "2023-11-20"},
    ],
    "relationships": [
        rel("s1", "c1", 4, "2026-10-15"),
        rel("s2", "c1", 2, "2026-10-15"),
        rel("s5", "c2", 4, "2026-10-15"),
        rel("s2", "c5", 4, "2026-10-15"),
        rel("s2", "c3", 3, "2026-10-01"),  # strong until the grace period ends: 2026-12-30
        rel("s3", "c3", 1, "2026-10-15"),
        rel("s2", "c6", 5, "2026-10-20"),
        rel("s4", "c5", 5, "2026-10-15"),
    ],
    "links": [
        {"source": "c5", "target": "c2", "kind": "influences", "weight": 5},
        {"source": "c4", "target": "c1", "kind": "reports_to", "weight": 3},
    ],
}

SOON = "2027-01-30"  # as-of + 90 days

# kind, account, owner, target, via, due, method, priority — worked by hand:
EXPECTED = [
    # s1 rotates 2027-01-15 (due soon) and is Kai's only thread: Bo knows Kai (2 / 5).
    ("handover", "A", "s2", "c1", [], "2026-12-16", "meeting", 40),
    # s5 rotates 2026-11-20: the lead (30 days) falls before as-of, so as-of. Bo
    # reaches Lu through the coach Ola (0.8 x 1.0).
    ("handover", "A", "s2", "c2", ["c5"], "2026-11-01", "meeting", 32),
    # Bo's 3 to Mo stays 3.0 through the 90-day grace period, then fades.
    ("refresh", "A", "s2", "c3", [], "2026-12-30", "research", 32),
    ("second_thread", "A", "s3", "c3", [], SOON, "research", 16),
    # Nia: no thread; Bo -> Kai (0.4) -> Nia (reports_to, 0.6); Ann is due soon.
    ("reach", "A", "s2", "c4", ["c1"], SOON, "research", 16),
    # Pia (seniority 5) has Bo (3) only: rank gap 2; the only senior, Cy, reaches no one
    # near her, and nobody but Bo reaches her at all.
    ("second_thread", "A", None, "c6", [], SOON, "visit", 12),
    ("rank", "A", None, "c6", [], SOON, "visit", 12),
    # No procurement contact at Acme (grade S); Bo reaches hq best (Pia, 1.0), and
    # the coach Ola.
    ("blind_spot", "A", "s2", {"level": "hq", "role": "procurement"}, ["c5"], SOON, "research", 12),
    # Bolt is grade B: its blind spots get no action; its unthreaded CEO nobody reaches.
    ("reach", "B", None, "d1", [], SOON, "visit", 6),
]

FIELDS = ("kind", "account", "owner", "target", "via", "due", "method", "priority")


def test_every_kind_as_worked_by_hand(make_store):
    r = plan_report(make_store(TINY), as_of=AS_OF)
    assert (r["as_of"], r["horizon"]) == (AS_OF, 180)
    got = [tuple(a[k].isoformat() if k == "due" else a[k] for k in FIELDS) for a in r["actions"]]
    assert got == EXPECTED
    reasons = [a["reason"] for a in r["actions"]]
    assert reasons[0] == "Ann rotates on 2027-01-15 and is Kai's only thread"
    assert reasons[1] == "Ed rotates on 2026-11-20 and is Lu's only thread"
    assert reasons[2] == "Bo's relationship with Mo stops being strong on 2026-12-31; it is Mo's only thread"
    assert reasons[6] == "Pia (seniority 5) is covered only up to seniority 3"
    assert reasons[7] == "no procurement contact known at hq level of Acme"


def test_accounts_limit_and_lead(make_store):
    store = make_store(TINY)
    r = plan_report(store, as_of=AS_OF, accounts=["B"])
    assert [(a["kind"], a["target"]) for a in r["actions"]] == [("reach", "d1")]
    r = plan_report(store, as_of=AS_OF, lead=60, limit=2)
    assert [(a["target"], a["due"]) for a in r["actions"]] == [("c1", D("2026-11-16")), ("c2", AS_OF)]
    r = plan_report(store, as_of=AS_OF, lead=36_500, limit=2)  # back beyond the calendar's start
    assert [(a["target"], a["due"]) for a in r["actions"]] == [("c1", AS_OF), ("c2", AS_OF)]


def test_a_short_horizon_moves_soon_and_drops_later_rotations():
    r = plan_report(FileStore.from_dataset(read_obj(TINY)), as_of=AS_OF, horizon=30)
    kinds = {(a["kind"], a["target"] if isinstance(a["target"], str) else "cell") for a in r["actions"]}
    # Ann (2027-01-15) is not due within 30 days: Kai's thread is hers to keep and
    # widen; Ed (2026-11-20) still hands over. "as-of + 90" is the horizon's end.
    assert ("handover", "c2") in kinds and ("handover", "c1") not in kinds
    assert ("second_thread", "c1") in kinds
    assert ("refresh", "c3") not in kinds  # it lapses after the horizon
    assert {a["due"] for a in r["actions"] if a["kind"] in ("reach", "rank", "second_thread")} == {D("2026-12-01")}


def test_refresh_date_is_where_the_strength_function_says():
    F = frame_of(FileStore.from_dataset(read_obj(TINY)).tables(["A"]))
    s2, c3 = F.staff_ids.index("s2"), F.contact_ids.index("c3")

    def strength_at(d):
        ps = strengths(F.strengths, as_of=d, half_life=180.0, grace=90, strong=3.0)
        k = [(s, c) for s, c in zip(ps.staff.tolist(), ps.contact.tolist())].index((s2, c3))
        return ps.value[k], bool(ps.strong[k])

    due = refresh_dues(F.strengths, [(s2, c3)], as_of=AS_OF, horizon=180)[(s2, c3)]
    assert due == D("2026-12-30") == D("2026-10-01") + dt.timedelta(days=90)
    assert strength_at(due) == (3.0, True)
    value, strong = strength_at(due + dt.timedelta(days=1))
    assert value == 3 * 0.5 ** (1 / 180) and not strong
    # Without a grace period it fades from the last contact on.
    assert strengths(F.strengths, as_of=AS_OF, half_life=180.0, grace=0, strong=3.0).value.tolist() != \
        strengths(F.strengths, as_of=AS_OF, half_life=180.0, grace=90, strong=3.0).value.tolist()


RANKED = {
    "accounts": [{"id": "R", "name": "Rill", "grade": "B"}],
    "contacts": [
        {"id": "k1", "name": "Kit", "account": "R", "role": "decision_maker", "seniority": 5, "influence": 4},
        {"id": "k2", "name": "Lee", "account": "R", "role": "decision_maker", "influence": 2},
        {"id": "k3", "name": "Max", "account": "R", "role": "decision_maker", "influence": 2},
    ],
    "staff": [
        {"id": "j1", "name": "Jo", "role": "executive", "seniority": 2},
        {"id": "j2", "name": "Jay", "role": "other", "seniority": 2},
        {"id": "v1", "name": "Vi", "role": "executive", "seniority": 4},
    ],
    "relationships": [
        rel("j1", "k1", 4, "2026-10-01"),
        rel("j2", "k1", 4, "2026-09-01"),
        rel("v1", "k2", 3, "2026-10-20"),
        rel("v1", "k3", 3, "2026-10-20"),
    ],
    "links": [{"source": "k2", "target": "k1", "kind": "reports_to", "weight": 3}],
}


def test_rank_refresh_and_ties_in_a_grade_b_account_by_hand(make_store):
    """Kit (seniority 5) has two threads of seniority 2: a rank gap of 3, so the only
    senior colleague, Vi, visits through Lee (0.6 x 0.6) though Jo and Jay know Kit
    directly. A 4 fades below 3 on day 165 after the grace period's start
    (4 * 0.5 ** (75 / 180) < 3), a 3 on day 91; each of Kit's two threads gets a refresh
    of its own, not doubled. Lee and Max have Vi only: their second threads, Jo (through
    Kit; Jay ties, Jo has the lower id) and nobody. Grade B: no blind spots. Equal
    priority and due: kind order, then target id."""
    r = plan_report(make_store(RANKED), as_of=AS_OF)
    got = [tuple(a[k].isoformat() if k == "due" else a[k] for k in FIELDS) for a in r["actions"]]
    assert got == [
        ("refresh", "R", "v1", "k2", [], "2027-01-18", "visit", 8),
        ("refresh", "R", "v1", "k3", [], "2027-01-18", "visit", 8),
        ("rank", "R", "v1", "k1", ["k2"], SOON, "visit", 8),
        ("refresh", "R", "j2", "k1", [], "2027-02-12", "visit", 8),
        ("refresh", "R", "j1", "k1", [], "2027-03-14", "visit", 8),
        ("second_thread", "R", "j1", "k2", ["k1"], SOON, "visit", 4),
        ("second_thread", "R", None, "k3", [], SOON, "visit", 4),
    ]
    assert r["actions"][2]["reason"] == "Kit (seniority 5) is covered only up to seniority 2"
    assert r["actions"][3]["reason"] == "Jay's relationship with Kit stops being strong on 2027-02-13"
    assert r["actions"][0]["reason"] == (
        "Vi's relationship with Lee stops being strong on 2027-01-19; it is Lee's only thread")


def day_by_day_dues(inp, pairs, as_of, horizon):
    """The refresh dates as the rule reads: the first day after as-of that is not a
    thread, asked day by day (touchpoints after as-of left out)."""
    a = (as_of - dt.date(1970, 1, 1)).days
    import dataclasses

    keep = inp.touch_day <= a
    inp = dataclasses.replace(inp, touch_staff=inp.touch_staff[keep], touch_contact=inp.touch_contact[keep],
                              touch_day=inp.touch_day[keep])
    out, left = {}, set(pairs)
    for k in range(1, horizon + 1):
        d = as_of + dt.timedelta(days=k)
        ps = strengths(inp, as_of=d, half_life=180.0, grace=90, strong=3.0)
        strong = set(zip(ps.staff[ps.strong].tolist(), ps.contact[ps.strong].tolist()))
        for p in sorted(left - strong):
            out[p] = d - dt.timedelta(days=1)
        left &= strong
    return out


PAIR_ROWS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from([3, 3.5, 4, 5]),
                               st.integers(-200, 40), st.one_of(st.none(), st.integers(-300, 150)),
                               st.one_of(st.none(), st.integers(1, 200))), min_size=1, max_size=8)
"""Relationship rows ``(staff, contact, strength, last contact, since, length)`` of
three staff and three contacts, days after AS_OF (since None: always; length None:
no end)."""


def threads_of_rows(rows):
    """The frame of the rows ``rows`` (:data:`PAIR_ROWS`) and its threads at AS_OF."""
    when = lambda n: (AS_OF + dt.timedelta(days=n)).isoformat()  # noqa: E731
    rels = []
    for s, c, strength, last, since, length in rows:
        row = {"staff": f"s{s}", "contact": f"c{c}", "strength": strength, "last_contact": when(last)}
        if since is not None:
            row["since"] = when(since)
            if length is not None:
                row["until"] = when(since + length)
        rels.append(row)
    obj = {"accounts": [{"id": "A", "name": "A"}],
           "contacts": [{"id": f"c{i}", "name": f"C{i}", "account": "A", "role": "decision_maker"} for i in range(3)],
           "staff": [{"id": f"s{i}", "name": f"S{i}"} for i in range(3)],
           "relationships": rels}
    F = frame_of(FileStore.from_dataset(read_obj(obj)).tables())
    ps = strengths(F.strengths, as_of=AS_OF, half_life=180.0, grace=90, strong=3.0)
    return F, list(zip(ps.staff[ps.strong].tolist(), ps.contact[ps.strong].tolist()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAIR_ROWS, st.sampled_from([0, 1, 45, 200]))
def test_refresh_dues_are_the_first_lapse_day_by_day(rows, horizon):
    """Rows that come into force or end within the horizon make a pair lapse, come
    back and lapse again: the bisection still finds the first day it is not a thread,
    and due is a thread, due + 1 not."""
    F, threads = threads_of_rows(rows)
    got = refresh_dues(F.strengths, threads, as_of=AS_OF, horizon=horizon)
    assert got == day_by_day_dues(F.strengths, threads, AS_OF, horizon)
    for (s, c), due in got.items():
        at = strengths(F.strengths, as_of=due, half_life=180.0, grace=90, strong=3.0)
        after = strengths(F.strengths, as_of=due + dt.timedelta(days=1), half_life=180.0, grace=90, strong=3.0)
        assert (s, c) in set(zip(at.staff[at.strong].tolist(), at.contact[at.strong].tolist()))
        assert (s, c) not in set(zip(after.staff[after.strong].tolist(), after.contact[after.strong].tolist()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAIR_ROWS, st.sampled_from([1, 45, 200]), st.lists(st.integers(0, 200), min_size=1, max_size=9))
def test_refresh_dues_do_not_depend_on_the_first_guess(rows, horizon, guesses):
    """The first day each pair is asked about is a guess from its rows: any other
    guess (here drawn at random) gives the same refresh dates, found by bisection."""
    from unittest import mock

    import numpy as np

    import relgraph.analysis.plan as plan

    F, threads = threads_of_rows(rows)
    guessed = refresh_dues(F.strengths, threads, as_of=AS_OF, horizon=horizon)

    def drawn(sub, row_pair, touch_pair, n, *, days, **_):
        return np.minimum(np.resize(np.array(guesses, dtype=np.int64), n), days)

    with mock.patch.object(plan, "_guessed_days", drawn):
        assert refresh_dues(F.strengths, threads, as_of=AS_OF, horizon=horizon) == guessed
    assert guessed == day_by_day_dues(F.strengths, threads, AS_OF, horizon)


def test_staff_who_do_not_rotate_have_no_rotation_date():
    # SPEC v2: front-line staff rotate by default, others only when `rotates` says so.
    am = {"in_role_since": D("2024-01-15"), "role": "account_manager"}
    assert staff_rotation_due(am, 3) == D("2027-01-15")
    assert staff_rotation_due({**am, "rotates": False}, 3) is None
    assert staff_rotation_due({**am, "role": "executive"}, 3) is None
    assert staff_rotation_due({**am, "role": "executive", "rotates": True}, 3) == D("2027-01-15")


def write_tiny(tmp_path):
    from relgraph.readwrite import write

    data = tmp_path / "tiny.json"
    write(read_obj(TINY), data, "json")
    return data


def test_cli_table_json_csv(tmp_path):
    data = write_tiny(tmp_path)
    r = CliRunner().invoke(cli, ["plan", str(data), "--as-of", "2026-11-01", "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert r.output == (
        "2026-12-16  handover  Bo → Kai (meeting)  Ann rotates on 2027-01-15 and is Kai's only thread  [A]\n"
        "2026-11-01  handover  Bo → Ola → Lu (meeting)  Ed rotates on 2026-11-20 and is Lu's only thread  [A]\n"
    )
    r = CliRunner().invoke(cli, ["plan", str(data), "--as-of", "2026-11-01", "--account", "B"])
    assert r.output == "B\n  2027-01-30  reach  nobody → Quinn (visit)  Quinn is a key contact with no thread\n"
    r = CliRunner().invoke(cli, ["plan", str(data), "--as-of", "2026-11-01", "--format", "csv"])
    lines = r.output.splitlines()
    assert lines[0] == "kind,account,owner,target,via,due,method,priority,reason"
    assert lines[8] == (
        "blind_spot,A,s2,hq/procurement,c5,2027-01-30,research,12.0,no procurement contact known at hq level of Acme"
    )
    import json

    r = CliRunner().invoke(cli, ["plan", str(data), "--as-of", "2026-11-01", "--format", "json", "--limit", "1"])
    obj = json.loads(r.output)
    assert {k: obj["actions"][0][k] for k in FIELDS} == dict(zip(FIELDS, EXPECTED[0]))


def test_ics_parses_back_with_stable_uids_and_refuses_to_overwrite(tmp_path):
    data, ics = write_tiny(tmp_path), tmp_path / "plan.ics"
    args = ["plan", str(data), "--as-of", "2026-11-01", "--ics", str(ics)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == len(EXPECTED)
    first = events[0]
    assert first.decoded("dtstart") == D("2026-12-16")
    assert first.decoded("dtend") == D("2026-12-17")
    assert str(first["summary"]) == "handover: Bo → Kai"
    assert str(first["description"]) == (
        "Ann rotates on 2027-01-15 and is Kai's only thread\nRoute: Bo → Kai (meeting)\nAccount: A"
    )
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    before = ics.read_bytes()
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2 and f"{ics} exists; use --force to replace it" in r.output
    assert ics.read_bytes() == before
    # A later plan (another owner, another date) keeps the UIDs of the same actions.
    r = CliRunner().invoke(cli, [*args[:3], "2026-11-15", *args[4:], "--force"])
    assert r.exit_code == 0, r.output
    later = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    by_uid = {str(e["uid"]): e for e in later}
    assert set(uids) & set(by_uid) and str(by_uid[uids[0]]["summary"]) == "handover: Bo → Kai"


def test_a_later_meeting_in_the_data_does_not_postpone_a_refresh():
    """"If nobody meets again": a touchpoint dated after as-of (planned) is left out."""
    obj = {**TINY, "touchpoints": [{"date": "2026-12-15", "method": "visit", "staff": "s2", "contacts": "c3"}]}
    r = plan_report(FileStore.from_dataset(read_obj(obj)), as_of=AS_OF)
    assert [a["due"] for a in r["actions"] if a["kind"] == "refresh"] == [D("2026-12-30")]


def test_the_graph_function_and_account_shares_agree(tmp_path):
    from test_portfolio import PerAccount

    from relgraph import relationship_plan
    from relgraph.demo import write_demo

    write_demo(tmp_path / "demo")
    store = FileStore(tmp_path / "demo")
    whole = plan_report(store, as_of=AS_OF)
    assert plan_report(PerAccount(store), as_of=AS_OF) == whole
    assert relationship_plan(store.graph(), as_of=AS_OF) == whole["actions"]
    assert plan_report(store, as_of=AS_OF, accounts=["nwm"])["actions"] == [
        a for a in whole["actions"] if a["account"] == "nwm"
    ]


def test_an_account_result_hands_the_plan_its_successors(tmp_path, monkeypatch):
    """With the account's result (as its map and report have it), the plan takes the
    successors threads already found as the owners of handovers, second threads and
    reaches, searches only for the rank actions, and is the same plan."""
    from relgraph.analysis import plan as plan_module
    from relgraph.analysis.account import account_result
    from relgraph.demo import write_demo

    write_demo(tmp_path / "demo")
    store = FileStore(tmp_path / "demo")
    searched = []
    best_placed = plan_module.best_placed
    monkeypatch.setattr(plan_module, "best_placed", lambda *a, **k: searched.append(1) or best_placed(*a, **k))
    for account in store.account_ids():
        typed = store.tables([account])
        options = {"as_of": AS_OF, "horizon": 120, "rotation_years": 2}
        searched.clear()
        alone = plan_module.relationship_plan(typed, **options)
        assert len(searched) == sum(a["kind"] in ("handover", "second_thread", "reach", "rank") for a in alone)
        searched.clear()
        given = plan_module.relationship_plan(typed, result=account_result(typed, lists=True, **options), **options)
        assert given == alone
        assert len(searched) == sum(a["kind"] == "rank" for a in alone)
    assert [a["kind"] for a in plan_module.relationship_plan(store.tables(["nwm"]), as_of=AS_OF)].count("handover") == 4


def test_the_demo_weak_spots_get_the_expected_actions(tmp_path):
    from relgraph.demo import write_demo

    write_demo(tmp_path / "demo")
    store = FileStore(tmp_path / "demo")
    actions = plan_report(store, as_of=AS_OF)["actions"]
    risk = {s["id"]: s for s in plan_risk(store)}
    # The rotating Zhou Jian's four sole threads are each handed to a colleague who is
    # not leaving, a month before he rotates.
    handovers = [a for a in actions if a["kind"] == "handover"]
    assert len(risk["s-am-es"]["sole_threads"]) == 4
    assert sorted(a["target"] for a in handovers) == sorted(risk["s-am-es"]["sole_threads"])
    assert all(a["owner"] and a["owner"] != "s-am-es" and not risk[a["owner"]]["due_soon"] for a in handovers)
    assert {a["due"] for a in handovers} == {D("2027-01-08") - dt.timedelta(days=30)}
    # The CEO's stale tie (2.7, no longer strong): reached through the CTO.
    (ceo,) = [a for a in actions if a["target"] == "nwm-ceo"]
    assert (ceo["kind"], ceo["via"]) == ("reach", ["nwm-cto"])
    assert ceo["reason"] == "Chen Haoran is a key contact with no thread (best strength 2.7)"
    # The blind finance cells (Northwind's province, Bluecrest's city): research
    # through a coach, by the cell's suggested staff; Harborline (grade B) has none.
    blind = [(a["account"], a["target"]["level"], a["owner"], a["via"], a["method"]) for a in actions
             if a["kind"] == "blind_spot" and a["target"]["role"] == "finance"]
    assert blind == [("nwm", "province", "s-ad-nwm", ["nwm-chair-office"], "research"),
                     ("bcb", "city", "s-am-bcb", ["bcb-cto"], "research")]
    coach = {c["id"] for c in store.tables().rows("contacts") if c["coach"]}
    assert {"nwm-chair-office", "bcb-cto"} <= coach
    suggested = {(g["account"], g["level"]): g["suggested_staff"]
                 for g in gaps_report(store, as_of=AS_OF)["gaps"] if g["role"] == "finance"}
    assert suggested[("nwm", "province")] == "s-ad-nwm" and suggested[("bcb", "city")] == "s-am-bcb"
    assert ("hpg", "province") in suggested  # a blind spot of a grade B account: no action


def plan_risk(store):
    from relgraph.analysis.portfolio import risk_report

    return risk_report(store, as_of=AS_OF)["staff"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(), st.sampled_from([120, 900]))
def test_properties_on_generated_portfolios(obj, horizon):
    # Touchpoints after as-of are left out of a plan; without them, the plan's view of
    # a day D is exactly the figures with --as-of D.
    obj = {**obj, "touchpoints": [t for t in obj["touchpoints"] if D(t["date"]) <= dt.date(2024, 1, 1)]}
    ds = read_obj(obj)
    store = FileStore.from_dataset(ds)
    as_of = dt.date(2024, 1, 1)
    r = plan_report(store, as_of=as_of, horizon=horizon)  # 900 days: rotations fall due
    end = as_of + dt.timedelta(days=horizon)
    staff = {s["id"]: s for s in store.staff()}
    F = frame_of(store.tables())
    ps = strengths(F.strengths, as_of=as_of, half_life=180.0, grace=90, strong=3.0)
    parts = FrameAccounts(F, ps)
    for a in r["actions"]:
        assert as_of <= a["due"] <= end
        if a["owner"] is not None:
            s = staff[a["owner"]]
            assert s["active"]
            due = staff_rotation_due(s, 3)
            assert due is None or due > end  # never an owner due soon
        if a["owner"] is None or a["kind"] == "blind_spot":
            continue
        # via is the inner part of the owner's real best path to the target.
        A = parts.access(F.account_ids.index(a["account"]))
        path = best_path(A, A.index["Contact:" + a["target"]], {A.index["Staff:" + a["owner"]]})
        assert path is not None and [A.ids[x] for x in path[1:-1]] == a["via"]
        if a["kind"] == "refresh":
            s, c = F.staff_ids.index(a["owner"]), F.contact_ids.index(a["target"])

            def thread(d):
                q = strengths(F.strengths, as_of=d, half_life=180.0, grace=90, strong=3.0)
                return any(x == s and y == c and z for x, y, z in zip(q.staff.tolist(), q.contact.tolist(),
                                                                     q.strong.tolist()))

            assert thread(a["due"]) and not thread(a["due"] + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("direct", "first", "second", "via"),
    [
        (2.0, 5.0, 4.0, ["x"]),  # a detour of 1.0 * 0.8 beats the direct tie of 0.4
        (4.0, 5.0, 3.0, []),  # 1.0 * 0.6 does not beat 0.8
        (4.0, 5.0, 4.0, []),  # 1.0 * 0.8 ties with 0.8: the direct tie has fewer steps
        (4.0, 4.5, 5.0, ["x"]),  # 0.9 * 1.0 beats 0.8
    ],
)
def test_a_route_is_the_best_path_whether_or_not_a_detour_beats_the_direct_tie(direct, first, second, via):
    from relgraph.analysis.access import access_from_parts
    from relgraph.analysis.plan import _Routes

    A = access_from_parts(
        ["Contact:t", "Contact:x", "Contact:y"], [None, None, None],
        [{"Staff:o": direct}, {"Staff:o": first}, {"Staff:p": 5.0}], {"Staff:o", "Staff:p"},
        [("Contact:x", "Contact:t", True, second), ("Contact:y", "Contact:x", True, 5.0)],
    )
    owner, target = A.index["Staff:o"], A.index["Contact:t"]
    routes = _Routes(A)
    assert [A.ids[v] for v in routes.via(owner, target)] == via
    assert routes.via(owner, target) == best_path(A, target, {owner})[1:-1]
    # The search the route settled answers the other staff member's question too.
    other = A.index["Staff:p"]
    assert [A.ids[v] for v in routes.via(other, target)] == ["y", "x"]


def test_a_direct_tie_stays_the_route_when_the_detours_bounds_allow_more_than_they_score():
    from relgraph.analysis.access import access_from_parts
    from relgraph.analysis.plan import _Routes

    # o -> t is 0.8; o -> x -> t only 0.6, though x steps on (to y, a dead end) at 1.0
    # and t has a step in of 1.0 (from w, which only p reaches): the two-step bounds
    # allow a detour of 1.0, the search settles until o's best (the direct tie) is final.
    A = access_from_parts(
        ["Contact:t", "Contact:w", "Contact:x", "Contact:y"], [None] * 4,
        [{"Staff:o": 4.0}, {"Staff:p": 5.0}, {"Staff:o": 5.0}, {}], {"Staff:o", "Staff:p"},
        [("Contact:w", "Contact:t", True, 5.0), ("Contact:x", "Contact:t", True, 3.0),
         ("Contact:x", "Contact:y", True, 5.0)],
    )
    owner, target = A.index["Staff:o"], A.index["Contact:t"]
    routes = _Routes(A)
    assert routes.via(owner, target) == [] == best_path(A, target, {owner})[1:-1]
    assert routes.search(target).settled == {target: 1.0, A.index["Contact:w"]: 1.0}
    assert [A.ids[v] for v in routes.via(A.index["Staff:p"], target)] == ["w"]


def test_the_table_and_csv_built_by_column_equal_them_built_row_by_row(make_store):
    # The plan's CSV and table are built a column at a time; row by row, with the
    # generic cell rules and one route at a time, they read the same.
    from relgraph.cli import plan_rows, plan_table
    from relgraph.format import csv_cell, csv_text
    from relgraph.plancal import route_text, route_texts

    r = plan_report(make_store(TINY), as_of=AS_OF)
    actions = r["actions"]
    assert any(a["owner"] is None for a in actions) and any(isinstance(a["target"], dict) for a in actions)
    assert any(a["via"] for a in actions) and any(not a["via"] for a in actions)
    keys = ("kind", "account", "owner", "target", "via", "due", "method", "priority", "reason")
    by_row = [{k: f"{a[k]['level']}/{a[k]['role']}" if k == "target" and isinstance(a[k], dict) else a[k] for k in keys}
              for a in actions]
    assert csv_text(plan_rows(r)) == csv_text(by_row)
    assert [csv_cell(row["priority"]) for row in by_row] == plan_rows(r)["priority"]
    assert route_texts(actions) == [route_text(a) for a in actions]
    width = max(len(a["kind"]) for a in actions)
    assert plan_table(r, grouped=False) == "\n".join(
        f"{a['due'].isoformat()}  {a['kind']:<{width}}  {route_text(a)}  {a['reason']}  [{a['account']}]" for a in actions
    )
    # No actions: no rows, and no header, as for any command with no rows.
    assert csv_text(plan_rows({**r, "actions": []})) == csv_text([]) == "\n"
