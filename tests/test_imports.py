"""Imports from a Salesforce export and from a calendar (relgraph.imports).

The fixtures in tests/data/imports/ are written with Salesforce's API field names
(Event.csv in the capitals Data Loader writes, Task.csv with the slashed dates of a
report export) and an Outlook-style calendar with the iCalendar features that
matter: RRULE with EXDATE, a cancelled and a moved occurrence, time zones (TZID),
PARTSTAT DECLINED / NEEDS-ACTION / TENTATIVE, STATUS:CANCELLED, a meeting with only
our staff, one with only the customer's people, and an all-day event.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.errors import InvalidData
from relgraph.imports import (
    contact_role,
    estimated_strength,
    import_ics,
    import_salesforce,
    method_of,
    read_ics,
    read_method_table,
    read_salesforce,
)
from relgraph.readwrite import read

DATA = Path(__file__).parent / "data" / "imports"
EXPORT = DATA / "salesforce"
CALENDAR = DATA / "calendar.ics"
AS_OF = dt.date(2026, 11, 1)

A1, A2 = "001Ws00000A1aaaIAB", "001Ws00000A2bbbIAB"
C1, C2, C3, C4, C6 = (f"003Ws00000C{i}IAB" for i in ("1aaa", "2bbb", "3ccc", "4ddd", "6fff"))
U1, U2, U3, U5 = (f"005Ws00000U{i}IAB" for i in ("1aaa", "2bbb", "3ccc", "5eee"))


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def imported():
    return read_salesforce(EXPORT, as_of=AS_OF)


def pick(rows, *columns):
    return [tuple(r[c] for c in columns) for r in rows]


def where(notes):
    return [(n.kind, Path(n.file).name if n.file else None, n.line, n.id) for n in notes]


# --- the mapping rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "roles, role, left",
    [
        ("Decision Maker", "decision_maker", []),
        ("Economic Decision Maker", "decision_maker", []),
        ("Economic Buyer", "finance", []),
        ("Technical Buyer", "technical", []),
        ("Evaluator", "technical", []),
        ("Business User", "user", []),
        ("Influencer", "business", []),
        ("Executive Sponsor", "business", []),
        ("Influencer;Decision Maker", "decision_maker", ["Influencer"]),
        ("Executive Sponsor;Business User;Evaluator", "technical", ["Executive Sponsor", "Business User"]),
        ("economic buyer ; TECHNICAL BUYER", "finance", ["TECHNICAL BUYER"]),
        ("Other;Influencer", "business", ["Other"]),
        ("Other", "other", ["Other"]),
        ("", None, []),
    ],
)
def test_contact_role_takes_the_first_in_the_spec_order(roles, role, left):
    assert contact_role(roles) == (role, left)


@pytest.mark.parametrize(
    "texts, method",
    [
        (["Customer Visit"], "visit"),
        (["Model Site Tour"], "model_site"),
        (["model_site"], "model_site"),
        (["Technical Exchange"], "tech_exchange"),
        (["tech-exchange"], "tech_exchange"),
        (["Research"], "research"),
        (["Meeting"], "meeting"),
        (["Model site visit"], "model_site"),
        (["Call"], None),
        (["Other"], None),
        (["Harbor Power", "Core network workshop"], "tech_exchange"),
        (["revisit"], None),  # a whole word, not a part of one
    ],
)
def test_method_of(texts, method):
    assert method_of(texts) == method


def test_method_keywords_outside_ascii_match_inside_words():
    table = (("技术交流", "tech_exchange"), ("visit", "visit"))
    assert method_of(["5G核心网技术交流会"], table) == "tech_exchange"
    assert method_of(["Besuch/Visit"], table) == "visit"


def test_estimated_strength_counts_the_year_before_the_latest_meeting():
    day = dt.date(2026, 10, 1)
    weeks = lambda n: [day - dt.timedelta(weeks=i) for i in range(n)]
    assert [estimated_strength(weeks(n)) for n in (1, 2, 3, 4, 11, 12, 40)] == [1, 2, 2, 3, 3, 4, 4]
    # meetings more than 364 days before the latest do not count
    assert estimated_strength([day, day - dt.timedelta(days=364), day - dt.timedelta(days=365)]) == 2


# --- Salesforce ------------------------------------------------------------------------------


def test_salesforce_accounts_units_contacts(imported):
    ds, _ = imported
    assert pick(ds["accounts"], "id", "name", "grade", "industry", "region") == [
        (A1, "Eastern Telecom", "S", "Telecommunications", "East"),
        (A2, "Harbor Power", "B", "Utilities", "South Coast"),
    ]
    assert pick(ds["units"], "id", "account", "name", "level", "parent") == [
        (f"{A1}-U1", A1, "Headquarters", "hq", None),
        (f"{A1}-U2", A1, "North Province", "province", None),
        (f"{A1}-U3", A1, "Network Dept", "province", f"{A1}-U2"),
        (f"{A1}-U4", A1, "River City", "city", f"{A1}-U2"),
        (f"{A2}-U1", A2, "Purchasing", "hq", None),
    ]
    assert pick(ds["contacts"], "id", "name", "account", "unit", "role", "seniority", "email") == [
        (C1, "Wei Zhang", A1, f"{A1}-U1", "decision_maker", 5, "Zhang.Wei@EasternTel.example"),
        (C2, "Na Li", A1, f"{A1}-U3", "technical", 5, "li.na@easterntel.example"),
        (C3, "Fang Wang", A1, f"{A1}-U4", "technical", 1, "wang.fang@easterntel.example"),
        (C4, "Jie Chen", A2, None, "decision_maker", 5, "chen.jie@harborpower.example"),
        (C6, "Min Zhou", A2, f"{A2}-U1", "other", 2, "zhou.min@harborpower.example"),
    ]
    # ReportsToId, in its 18- and its 15-character form
    assert pick(ds["links"], "source", "target", "kind") == [
        (C2, C1, "reports_to"), (C3, C2, "reports_to"), (C6, C4, "reports_to"),
    ]


def test_salesforce_staff_and_team(imported):
    ds, _ = imported
    assert pick(ds["staff"], "id", "name", "title", "role", "seniority", "active", "email") == [
        (U1, "Alice Martin", "Key Account Manager", "account_manager", 2, True, "Alice.Martin@OurCo.example"),
        (U2, "Bob Stone", "Solution Architect", "solution", 2, True, "bob.stone@ourco.example"),
        (U3, "Carol Diaz", "VP Sales", "executive", 4, True, "carol.diaz@ourco.example"),
        (U5, "Dan Old", "Channel Manager", "other", 2, False, "dan.old@ourco.example"),
    ]
    assert pick(ds["team"], "account", "staff", "role") == [
        (A1, U1, "account_manager"), (A1, U2, "solution"), (A2, U1, "account_manager"), (A2, U5, "Channel Manager"),
    ]


def test_salesforce_touchpoints_and_relationships(imported):
    ds, _ = imported
    d = dt.date
    assert pick(ds["touchpoints"], "date", "method", "staff", "contacts", "uid") == [
        (d(2026, 10, 1), "meeting", [U1], [C2], "00UWs0000000E01IAB"),
        (d(2026, 6, 15), "visit", [U1], [C2], "00UWs0000000E02IAB"),
        # with the people of its EventRelation rows (Carol declined)
        (d(2026, 9, 10), "tech_exchange", [U2, U1], [C3, C2], "00UWs0000000E03IAB"),
        (d(2026, 8, 20), "model_site", [U1, U2], [C1], "00UWs0000000E04IAB"),  # with the invitee's copy
        (d(2026, 10, 20), "meeting", [U3], [C1], "00UWs0000000E08IAB"),  # Type Call; ActivityDateTime only
        (d(2026, 9, 1), "meeting", [U1], [C4], "00UWs0000000E10IAB"),  # occurrences of a series
        (d(2026, 10, 1), "meeting", [U1], [C4], "00UWs0000000E11IAB"),
        (d(2026, 10, 15), "meeting", [U1], [C2], "00TWs0000000T01IAB"),  # task, 10/15/2026
        (d(2026, 7, 1), "research", [U2], [C3], "00TWs0000000T03IAB"),
    ]
    assert pick(ds["relationships"], "staff", "contact", "strength", "last_contact", "notes") == [
        (U1, C1, 1, d(2026, 8, 20), "strength estimated from 1 meeting in the year to 2026-08-20"),
        (U1, C2, 3, d(2026, 10, 15), "strength estimated from 4 meetings in the year to 2026-10-15"),
        (U1, C3, 1, d(2026, 9, 10), "strength estimated from 1 meeting in the year to 2026-09-10"),
        (U1, C4, 2, d(2026, 10, 1), "strength estimated from 2 meetings in the year to 2026-10-01"),
        (U2, C1, 1, d(2026, 8, 20), "strength estimated from 1 meeting in the year to 2026-08-20"),
        (U2, C2, 1, d(2026, 9, 10), "strength estimated from 1 meeting in the year to 2026-09-10"),
        (U2, C3, 2, d(2026, 9, 10), "strength estimated from 2 meetings in the year to 2026-09-10"),
        (U3, C1, 1, d(2026, 10, 20), "strength estimated from 1 meeting in the year to 2026-10-20"),
    ]


def test_salesforce_summary_lists_everything_not_carried_over(imported):
    _, s = imported
    assert where(s.mapped) == [
        ("several_roles", "AccountContactRelation.csv", 3, C2),
        ("several_roles", "AccountContactRelation.csv", 5, C4),
        ("role_other", "AccountContactRelation.csv", 6, C6),
        ("team_role_text", "AccountTeamMember.csv", 5, None),
        ("method_default", "Event.csv", 9, "00UWs0000000E08IAB"),
        ("method_default", "Event.csv", 11, "00UWs0000000E10IAB"),
        ("method_default", "Event.csv", 12, "00UWs0000000E11IAB"),
        ("method_default", "Task.csv", 2, "00TWs0000000T01IAB"),
        ("invitee", "Event.csv", 6, "00UWs0000000E05IAB"),
    ]
    assert s.mapped[0].message == (
        "Roles 'Influencer;Technical Buyer': technical (the first in the mapping's order); Influencer not kept"
    )
    assert where(s.skipped) == [
        ("not_staff", "User.csv", 5, "005Ws00000U4dddIAB"),
        ("unknown_account", "Contact.csv", 6, "003Ws00000C5eeeIAB"),
        ("deleted", "Contact.csv", 8, "003Ws00000C7gggIAB"),
        ("other_account", "AccountContactRelation.csv", 7, C2),
        ("inactive_relation", "AccountContactRelation.csv", 8, None),
        ("unknown_reference", "AccountTeamMember.csv", 6, None),
        ("declined", "EventRelation.csv", 4, None),
        ("unknown_person", "EventRelation.csv", 6, None),
        ("after_as_of", "Event.csv", 7, "00UWs0000000E06IAB"),
        ("lead", "Event.csv", 8, "00UWs0000000E07IAB"),
        ("recurring_series", "Event.csv", 10, "00UWs0000000E09IAB"),
        ("not_completed", "Task.csv", 3, "00TWs0000000T02IAB"),
    ]
    assert s.unmapped_columns == {
        "Account.csv": ["Website", "CreatedDate"],
        "Contact.csv": ["MailingCity"],
        "User.csv": ["TimeZoneSidKey"],
        "AccountContactRelation.csv": ["Id", "IsDirect"],
        "AccountTeamMember.csv": ["Id", "AccountAccessLevel"],
        "Event.csv": ["WHATID", "DURATIONINMINUTES"],
        "Task.csv": ["Priority"],
        "EventRelation.csv": ["Id", "IsInvitee", "IsParent"],
    }
    assert s.added == {"accounts": 2, "units": 5, "contacts": 5, "staff": 4, "relationships": 8, "links": 3,
                       "touchpoints": 9, "team": 4}
    assert [w.message for w in s.warnings] == [
        f"contact {C6!r} has no relationship", f"staff member {U3!r} is in no team",
    ]


def write_export(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_salesforce_export_problems_are_reported_and_nothing_is_written(runner, tmp_path):
    export = write_export(tmp_path / "export", {
        "account.csv": "Id,Name\n001A,Acme\n",  # file names in any case
        "Event.csv": "Id,WhoId,Subject\n00U1,003A,Hello\n",
    })
    with pytest.raises(InvalidData) as e:
        read_salesforce(export, as_of=AS_OF)
    assert [str(p) for p in e.value.problems] == [
        f"{export}/Contact.csv:1: missing file Contact.csv (a Salesforce export of Contact records)",
        f"{export}/Event.csv:1: missing column 'OwnerId'",
        f"{export}/Event.csv:1: missing column 'ActivityDate'",
    ]
    out = tmp_path / "out"
    r = runner.invoke(cli, ["import", "salesforce", str(export), "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == "3 problems; nothing was written."
    assert not out.exists()


def test_salesforce_day_first_report_dates_and_no_grade(tmp_path):
    export = write_export(tmp_path / "export", {
        "Account.csv": "ID,NAME\n001A,Acme\n",
        "Contact.csv": "ID,ACCOUNTID,LASTNAME,EMAIL\n003A,001A,Ode,ode@acme.example\n",
        "User.csv": "ID,NAME\n005A,Sam Lee\n",
        "Task.csv": "Id,WhoId,OwnerId,ActivityDate,Status,Type\n"
                    "00T1,003A,005A,25/10/2026,Completed,Customer visit\n"
                    "00T2,003A,005A,03/10/2026,completed,\n"
                    "00T3,003A,005A,31/02/2026,Completed,\n",
    })
    ds, s = read_salesforce(export, as_of=AS_OF)
    assert pick(ds["touchpoints"], "date", "method") == [(dt.date(2026, 10, 25), "visit"),
                                                          (dt.date(2026, 10, 3), "meeting")]
    assert pick(ds["accounts"], "id", "grade") == [("001A", "C")]
    assert pick(ds["contacts"], "name", "role") == [("Ode", "other")]  # no AccountContactRelation
    assert s.counts["contacts_without_roles"] == 1
    assert [(n.kind, n.message) for n in s.mapped] == [
        ("no_file", "no AccountContactRelation.csv in the export: no contact roles"),
        ("no_file", "no AccountTeamMember.csv in the export: no account teams"),
        ("no_file", "no Event.csv in the export: no touchpoints from events"),
        ("day_first_dates", "slashed dates read as day/month/year"),
        ("no_grade", "Account.csv has no Grade__c column: every account is grade C; set the grades in accounts.csv"),
        ("method_default", "no Type; meeting"),
    ]
    assert [(n.kind, n.line, n.message) for n in s.skipped] == [("bad_date", 4, "'31/02/2026' is not a date")]


def test_salesforce_reports_to_cycle_is_broken_and_listed(tmp_path):
    export = write_export(tmp_path / "export", {
        "Account.csv": "Id,Name\n001A,Acme\n",
        "Contact.csv": "Id,AccountId,LastName,ReportsToId\n003A,001A,A,003C\n003B,001A,B,003A\n003C,001A,C,003B\n"
                       "003D,001A,D,003X\n",
    })
    ds, s = read_salesforce(export, as_of=AS_OF)
    assert pick(ds["links"], "source", "target") == [("003A", "003C"), ("003B", "003A")]
    assert [(n.kind, n.line) for n in s.skipped] == [("reports_to_cycle", 4), ("unknown_manager", 5)]


def test_salesforce_ids_match_exactly_first_then_in_their_other_form(tmp_path):
    # made-up 18-character ids that differ only in their last characters are three
    # records; a 15-character reference finds an 18-character id (and the reverse)
    export = write_export(tmp_path / "export", {
        "Account.csv": "Id,Name\n001000000000000AAA,Acme\n001000000000001,Beta\n",
        "Contact.csv": "Id,AccountId,LastName,ReportsToId\n"
                       "003000000000000001,001000000000000,One,\n"
                       "003000000000000002,001000000000000AAA,Two,003000000000000001\n"
                       "003000000000000003,001000000000001QAX,Three,\n"
                       "003000000000009ABC,001000000000000AAA,Four,003000000000009\n"
                       "003000000000009,001000000000001,Four again,\n",
    })
    ds, s = read_salesforce(export, as_of=AS_OF)
    assert pick(ds["contacts"], "id", "account") == [
        ("003000000000000001", "001000000000000AAA"),
        ("003000000000000002", "001000000000000AAA"),
        ("003000000000000003", "001000000000001"),
        ("003000000000009ABC", "001000000000000AAA"),
    ]
    assert pick(ds["links"], "source", "target") == [("003000000000000002", "003000000000000001")]
    # the same record in its 15-character form; Four reports to itself
    assert [(n.kind, n.line, n.message) for n in s.skipped] == [
        ("duplicate_id", 6, "Id 003000000000009 appears twice; the first row is kept"),
        ("reports_to_cycle", 5, "003000000000009ABC reports to itself: this line is left out"),
    ]


def test_salesforce_files_not_read_are_listed(tmp_path):
    export = write_export(tmp_path / "export", {
        "Account.csv": "Id,Name\n001A,Acme\n",
        "Contact.csv": "Id,AccountId,LastName\n003A,001A,Ode\n",
        "Opportunity.csv": "Id,AccountId,StageName\n006A,001A,Closed Won\n",
    })
    _, s = read_salesforce(export, as_of=AS_OF)
    assert [(n.kind, Path(n.file).name) for n in s.skipped] == [("file_not_read", "Opportunity.csv")]
    assert s.skipped[0].message.startswith("Opportunity.csv is none of the exports read (Account.csv, Contact.csv, ")


# --- the calendar -------------------------------------------------------------------------------


@pytest.fixture
def portfolio(tmp_path):
    """The Salesforce export imported into a folder."""
    out = tmp_path / "portfolio"
    import_salesforce(EXPORT, out, as_of=AS_OF)
    return out


def test_ics_touchpoints(portfolio):
    before = read(portfolio)
    ds, s = read_ics(CALENDAR, before, as_of=AS_OF)
    d = dt.date
    new = ds["touchpoints"][len(before["touchpoints"]):]
    weekly = "weekly-sync-li-na@ourco.example"
    assert pick(new, "date", "method", "staff", "contacts", "notes", "uid") == [
        # weekly on Mondays from 7 September: 21 September excluded (EXDATE), 12 October
        # cancelled, 19 October moved to the 20th
        (d(2026, 9, 7), "meeting", [U1], [C2], "Weekly sync", weekly),
        (d(2026, 9, 14), "meeting", [U1], [C2], "Weekly sync", weekly),
        # Zhang Wei declined; Wang Fang has not answered (attends); the guest is unknown
        (d(2026, 9, 25), "model_site", [U1], [C3], "Model site tour at the Smart Grid Center",
         "model-site-tour@ourco.example"),
        (d(2026, 9, 28), "meeting", [U1], [C2], "Weekly sync", weekly),
        (d(2026, 10, 5), "meeting", [U1], [C2], "Weekly sync", weekly),
        # 21:00 in New York on the 15th (the 16th in UTC): the date in its own time zone
        (d(2026, 10, 15), "tech_exchange", [U2], [C4], "Core network roadmap", "core-workshop-2026@ourco.example"),
        (d(2026, 10, 20), "meeting", [U1], [C2], "Weekly sync (moved)", weekly),
        (d(2026, 10, 22), "research", [U3], [C1], "Strategy interview", "ceo-research@ourco.example"),
        (d(2026, 10, 26), "meeting", [U1], [C2], "Weekly sync", weekly),
        # all day, no PARTSTAT (counts as attending)
        (d(2026, 10, 28), "visit", [U3], [C6], "Customer visit to our HQ", "hq-visit-zhou@ourco.example"),
    ]
    assert [(n.kind, n.id, n.date) for n in s.skipped] == [
        ("no_contact", "internal-prep@ourco.example", "2026-10-06"),
        ("cancelled", "cancelled-dinner@ourco.example", "2026-10-08"),
        ("cancelled", weekly, "2026-10-12"),
        ("no_staff", "customer-only@easterntel.example", "2026-10-14"),
        ("no_contact", "partner-call@ourco.example", "2026-10-16"),
        ("after_as_of", "next-month@ourco.example", None),
        ("unknown_address", "guest@partner.example", None),
        ("unknown_address", "someone@partner.example", None),
    ]
    assert s.skipped[0].message == "only our staff attended"
    from relgraph.readwrite.jsonfile import dataset_obj, read_obj

    checked = read_obj(dataset_obj(ds))  # the result validates
    assert [w.message for w in checked.warnings] == [f"staff member {U3!r} is in no team"]
    assert s.added == {"touchpoints": 10, "relationships": 2}
    assert s.counts == {"occurrences": 15, "relationships_estimated_again": 3}
    # pairs who had no relationship get one; estimated ones are estimated again
    rel = {(r["staff"], r["contact"]): (r["strength"], r["last_contact"]) for r in ds["relationships"]}
    assert len(rel) == 10
    assert {k: rel[k] for k in [(U2, C4), (U3, C6), (U1, C3), (U1, C2), (U3, C1), (U1, C1)]} == {
        (U2, C4): (1, d(2026, 10, 15)),
        (U3, C6): (1, d(2026, 10, 28)),
        (U1, C3): (2, d(2026, 9, 25)),
        (U1, C2): (3, d(2026, 10, 26)),  # 4 meetings in Salesforce and 6 in the calendar
        (U3, C1): (2, d(2026, 10, 22)),
        (U1, C1): (1, d(2026, 8, 20)),  # no new meeting: unchanged
    }


def test_ics_twice_adds_each_meeting_once(portfolio, runner):
    r = runner.invoke(cli, ["import", "ics", str(CALENDAR), str(portfolio), "--as-of", "2026-11-01"])
    assert r.exit_code == 0, r.output
    files = {p.name: p.read_bytes() for p in portfolio.iterdir()}
    r = runner.invoke(cli, ["import", "ics", str(CALENDAR), str(portfolio), "--as-of", "2026-11-01",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["added"] == {"touchpoints": 0, "relationships": 0}
    assert [n["kind"] for n in summary["skipped"]].count("already_imported") == 10
    assert {p.name: p.read_bytes() for p in portfolio.iterdir()} == files


def test_ics_updates_only_the_changed_tables_in_place(portfolio):
    (portfolio / "notes.txt").write_text("kept\n")
    untouched = {n: (portfolio / n).read_bytes() for n in ("accounts.csv", "contacts.csv", "staff.csv", "team.csv")}
    s = import_ics(CALENDAR, portfolio, as_of=AS_OF)
    assert s.output == str(portfolio)
    assert {n: (portfolio / n).read_bytes() for n in untouched} == untouched
    assert (portfolio / "notes.txt").read_text() == "kept\n"
    assert sorted(p.name for p in portfolio.iterdir()) == sorted(
        ["notes.txt", "accounts.csv", "units.csv", "contacts.csv", "staff.csv", "relationships.csv", "links.csv",
         "touchpoints.csv", "team.csv"])
    lines = (portfolio / "touchpoints.csv").read_text().splitlines()
    assert lines[0] == "date,method,staff,contacts,notes,uid"
    assert lines[-1] == f"2026-10-28,visit,{U3},{C6},Customer visit to our HQ,hq-visit-zhou@ourco.example"
    assert len(read(portfolio)["touchpoints"]) == 19


def test_ics_into_a_json_file_and_output_refused_without_force(portfolio, runner, tmp_path):
    out = tmp_path / "with-calendar.json"
    args = ["import", "ics", str(CALENDAR), str(portfolio), "-o", str(out), "--as-of", "2026-11-01"]
    assert runner.invoke(cli, args).exit_code == 0
    assert len(json.loads(out.read_text())["touchpoints"]) == 19
    assert len(read(portfolio)["touchpoints"]) == 9  # DATA itself unchanged
    r = runner.invoke(cli, args)
    assert (r.exit_code, r.stderr) == (2, f"Error: {out} already exists; use --force to replace it\n")
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0


def test_salesforce_output_refused_without_force(runner, tmp_path):
    out = tmp_path / "portfolio"
    args = ["import", "salesforce", str(EXPORT), "-o", str(out), "--as-of", "2026-11-01"]
    assert runner.invoke(cli, args).exit_code == 0
    (out / "accounts.csv").write_text("id,name\nX,Changed by hand\n")
    r = runner.invoke(cli, args)
    assert (r.exit_code, r.stderr) == (2, f"Error: {out} already exists; use --force to replace it\n")
    assert (out / "accounts.csv").read_text() == "id,name\nX,Changed by hand\n"
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0
    assert read(out)["accounts"][0]["name"] == "Eastern Telecom"


def test_ics_nothing_written_when_data_has_problems(portfolio, runner):
    bad = (portfolio / "contacts.csv").read_text().replace(f"{C6},Min Zhou,{A2}", f"{C6},Min Zhou,A9")
    (portfolio / "contacts.csv").write_text(bad)
    files = {p.name: p.read_bytes() for p in portfolio.iterdir()}
    r = runner.invoke(cli, ["import", "ics", str(CALENDAR), str(portfolio), "--as-of", "2026-11-01"])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == f"{portfolio}/contacts.csv:6: account: unknown account 'A9'"
    assert r.stderr.splitlines()[1] == f"{portfolio}/contacts.csv:6: unit '{A2}-U1' belongs to account '{A2}', not 'A9'"
    assert r.stderr.splitlines()[-1] == "2 problems; nothing was written."
    assert {p.name: p.read_bytes() for p in portfolio.iterdir()} == files


def test_ics_bad_calendar(portfolio, runner, tmp_path):
    cal = tmp_path / "mail.ics"
    cal.write_text("From: someone\nSubject: not a calendar\n")
    r = runner.invoke(cli, ["import", "ics", str(cal), str(portfolio)])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"{cal}: not an iCalendar file: ")


def test_ics_method_table_override(portfolio, tmp_path):
    table = tmp_path / "methods.csv"
    table.write_text("keyword,method\nweekly sync,research\nroadmap,visit\n")
    ds, _ = read_ics(CALENDAR, read(portfolio), as_of=AS_OF, methods=read_method_table(table))
    methods = {(tp["uid"], tp["date"].isoformat()): tp["method"] for tp in ds["touchpoints"]}
    assert methods[("weekly-sync-li-na@ourco.example", "2026-09-07")] == "research"
    assert methods[("core-workshop-2026@ourco.example", "2026-10-15")] == "tech_exchange"  # categories first
    assert methods[("hq-visit-zhou@ourco.example", "2026-10-28")] == "visit"  # the built-in table still applies
    table.write_text("keyword,method\nsync,call\n,visit\n")
    with pytest.raises(InvalidData) as e:
        read_method_table(table)
    assert [str(p) for p in e.value.problems] == [
        (f"{table}:2: unknown method 'call' (expected one of visit, model_site, meeting, tech_exchange, research, "
         "other)"),
        f"{table}:3: missing value for 'keyword'",
    ]


def test_ics_as_of_cuts_the_series(portfolio):
    ds, s = read_ics(CALENDAR, read(portfolio), as_of=dt.date(2026, 9, 20))
    assert pick(ds["touchpoints"][9:], "date", "uid") == [
        (dt.date(2026, 9, 7), "weekly-sync-li-na@ourco.example"),
        (dt.date(2026, 9, 14), "weekly-sync-li-na@ourco.example"),
    ]
    assert s.counts["occurrences"] == 2


def test_ics_shared_address_matches_nobody(portfolio):
    text = (portfolio / "staff.csv").read_text().replace("carol.diaz@ourco.example", "li.na@easterntel.example")
    (portfolio / "staff.csv").write_text(text)
    ds, s = read_ics(CALENDAR, read(portfolio), as_of=AS_OF)
    assert [(n.kind, n.id) for n in s.mapped] == [("shared_address", "li.na@easterntel.example")]
    assert not [tp for tp in ds["touchpoints"][9:] if C2 in tp["contacts"]]


# --- the CLI and the whole way to a map ---------------------------------------------------------


def help_examples(runner, *command):
    text = runner.invoke(cli, [*command, "--help"]).stdout
    lines = text.split("Examples:", 1)[1].splitlines()
    return [shlex.split(x.strip())[1:] for x in lines if x.strip().startswith("relgraph ")]


def test_help_examples_run(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DATA, tmp_path / "tests" / "data" / "imports")
    examples = help_examples(runner, "import")
    assert [e[:2] for e in examples] == [["import", "salesforce"], ["import", "ics"]]
    for sub in ("salesforce", "ics"):
        examples += help_examples(runner, "import", sub)
    for args in examples:
        r = runner.invoke(cli, [*args, "--force"])
        assert r.exit_code == 0, (args, r.output)
    assert len(read("portfolio")["touchpoints"]) == 19
    assert len(json.loads(Path("with-calendar.json").read_text())["touchpoints"]) == 19


def test_from_an_empty_folder_to_coverage_and_a_map(runner, tmp_path, make_store):
    """Both imports into an empty data folder, then coverage (the same on every
    store), the plan and the map of an account."""
    out = tmp_path / "portfolio"
    out.mkdir()
    r = runner.invoke(cli, ["import", "salesforce", str(EXPORT), "-o", str(out), "--as-of", "2026-11-01"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == [
        f"{EXPORT} -> {out}, as of 2026-11-01",
        "added: 2 accounts, 5 units, 5 contacts, 4 staff, 8 relationships, 3 links, 9 touchpoints, 4 team",
    ]
    r = runner.invoke(cli, ["import", "ics", str(CALENDAR), str(out), "--as-of", "2026-11-01"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1] == "added: 10 touchpoints, 2 relationships"
    assert runner.invoke(cli, ["validate", str(out)]).exit_code == 0

    r = runner.invoke(cli, ["coverage", str(out), "--as-of", "2026-11-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    cov = json.loads(r.stdout)
    a1, a2 = cov["accounts"]
    assert (a1["id"], a1["contacts"], a1["key_contacts"], a1["key_coverage"], a1["triangle"]) == (
        A1, 3, 1, 0.0, ["account_manager", "solution"])
    assert a1["activity"] == {"visit": 1, "model_site": 2, "meeting": 9, "tech_exchange": 1, "research": 2,
                              "other": 0, "total": 15}
    assert a1["unit_coverage"] == 0.75  # North Province itself has no contact
    assert [(c["level"], c["role"], c["status"], c["contacts"]) for c in a1["cells"]
            if c["contacts"]] == [("hq", "decision_maker", "weak", [C1]), ("province", "technical", *[
                next(x["status"] for x in a1["cells"] if (x["level"], x["role"]) == ("province", "technical"))
            ], [C2]), ("city", "technical", "weak", [C3])]
    assert (a2["id"], a2["activity"]["total"], a2["triangle"]) == (A2, 4, ["account_manager"])

    from relgraph.analysis.portfolio import coverage_report

    store = make_store(read(out))
    try:
        assert json.loads(json.dumps(coverage_report(store, as_of=AS_OF), default=str)) == cov
    finally:
        store.close()

    # The plan of what was imported: the unthreaded key contacts to reach, and the
    # blind cells of A1 (grade S from its Grade__c; A2 is grade B: no blind-spot action).
    r = runner.invoke(cli, ["plan", str(out), "--as-of", "2026-11-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    actions = json.loads(r.stdout)["actions"]
    assert [(a["kind"], a["account"]) for a in actions].count(("blind_spot", A1)) == 15
    assert [(a["kind"], a["account"], a["owner"], a["target"], a["via"], a["due"], a["method"])
            for a in actions if a["kind"] != "blind_spot"] == [
        ("reach", A1, U3, C1, [], "2027-01-30", "visit"),
        ("reach", A2, U1, C4, [], "2027-01-30", "visit"),
    ]

    page = tmp_path / "map.html"
    r = runner.invoke(cli, ["map", str(out), "--account", A1, "--as-of", "2026-11-01", "-o", str(page)])
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    for name in ("Wei Zhang", "Na Li", "Fang Wang", "Alice Martin", "Bob Stone", "North Province"):
        assert name in html


def test_ics_events_without_start_uid_or_a_usable_rule(tmp_path):
    from relgraph.readwrite.jsonfile import read_obj

    ds = read_obj({"accounts": [{"id": "A", "name": "Acme"}],
                   "contacts": [{"id": "C", "name": "Ode", "account": "A", "email": "ode@acme.example"}],
                   "staff": [{"id": "S", "name": "Sam", "email": "sam@ourco.example"}], "relationships": []})
    cal = tmp_path / "odd.ics"
    cal.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:no-start", "SUMMARY:When?", "ORGANIZER:mailto:sam@ourco.example", "END:VEVENT",
        "BEGIN:VEVENT", "SUMMARY:Visit without a UID", "DTSTART:20261001T080000Z",
        "ORGANIZER:mailto:sam@ourco.example", "ATTENDEE:mailto:ode@acme.example", "END:VEVENT",
        "BEGIN:VEVENT", "UID:bad-rule", "SUMMARY:Sometimes", "DTSTART:20261002T080000Z", "RRULE:FREQ=SOMETIMES",
        "ORGANIZER:mailto:sam@ourco.example", "ATTENDEE:mailto:ode@acme.example", "END:VEVENT",
        "END:VCALENDAR", ""]))
    out, s = read_ics(cal, ds, as_of=AS_OF)
    assert pick(out["touchpoints"], "date", "method", "staff", "contacts") == [(dt.date(2026, 10, 1), "visit",
                                                                                 ["S"], ["C"])]
    uid = out["touchpoints"][0]["uid"]
    assert uid.startswith("no-uid-")
    assert [(n.kind, n.id) for n in s.skipped] == [("no_start", "no-start (When?)"), ("bad_event", "bad-rule")]
    again, s = read_ics(cal, out, as_of=AS_OF)  # the made UID is the same the next time
    assert (len(again["touchpoints"]), s.skipped[1].kind, s.skipped[1].id) == (1, "already_imported", uid)


def test_ics_several_calendars_in_one_file(portfolio, tmp_path):
    one = CALENDAR.read_text()
    other = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//other//EN",
        "BEGIN:VEVENT", "UID:second-file@ourco.example", "SUMMARY:Workshop", "DTSTART;VALUE=DATE:20261030",
        "ORGANIZER:mailto:bob.stone@ourco.example", "ATTENDEE:mailto:chen.jie@harborpower.example", "END:VEVENT",
        "END:VCALENDAR", ""])
    both = tmp_path / "both.ics"
    both.write_text(one + other, newline="")
    ds, s = read_ics(both, read(portfolio), as_of=AS_OF)
    assert s.added["touchpoints"] == 11
    assert pick(ds["touchpoints"][-1:], "date", "method", "staff", "contacts") == [
        (dt.date(2026, 10, 30), "tech_exchange", [U2], [C4])]


def test_the_readme_session_is_real(runner, tmp_path, monkeypatch):
    """The session of the README's imports section, run as shown, prints what it shows."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    head = "A session from the test export and calendar in `tests/data/imports/` to a map:\n\n```text\n"
    block = text.split(head, 1)[1].split("\n```", 1)[0]
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DATA, tmp_path / "tests" / "data" / "imports")
    commands = block.split("$ relgraph ")[1:]
    assert [c.split()[0:2] for c in commands] == [["import", "salesforce"], ["import", "ics"], ["validate", "portfolio"],
                                                 ["map", "portfolio"]]
    for command in commands:
        line, _, shown = command.partition("\n")
        r = runner.invoke(cli, shlex.split(line))
        assert r.exit_code == 0, r.output
        assert r.output.rstrip("\n") == shown.rstrip("\n"), line


def test_ics_updates_a_json_data_set_in_place(tmp_path):
    data = tmp_path / "portfolio.json"
    import_salesforce(EXPORT, data, as_of=AS_OF)
    s = import_ics(CALENDAR, data, as_of=AS_OF)
    assert (s.output, s.added) == (str(data), {"touchpoints": 10, "relationships": 2})
    doc = json.loads(data.read_text())
    assert len(doc["touchpoints"]) == 19
    assert doc["touchpoints"][-1] == {"date": "2026-10-28", "method": "visit", "staff": [U3], "contacts": [C6],
                                      "notes": "Customer visit to our HQ", "uid": "hq-visit-zhou@ourco.example"}
    assert [p.name for p in tmp_path.iterdir()] == ["portfolio.json"]  # nothing left aside
