"""A data set from Salesforce: the CSV exports of Data Loader or of reports.

A *Salesforce export* is a folder of CSV files named for their objects —
``Account.csv`` and ``Contact.csv`` (required), ``User.csv``,
``AccountContactRelation.csv``, ``AccountTeamMember.csv``, ``Event.csv``,
``Task.csv`` — with API field names as headers (``Id``, ``AccountId``,
``ReportsToId``, ...; in any case, as Data Loader writes them in capitals). Each
object becomes tables of a data set (SPEC section 7; the README shows the mapping):

- accounts from Account; contacts from Contact, their role from the ``Roles`` of
  their AccountContactRelation (of several, the first in :data:`ROLE_ORDER`), their
  unit from ``Department``; ``ReportsToId`` as ``reports_to`` links;
- staff from User, their role from their account-team roles, else their title;
  team from AccountTeamMember;
- touchpoints from events dated on or before as-of and completed tasks (one per
  activity; the invitee copies of a group event join the organiser's touchpoint);
- a relationship per staff member and contact who met, its strength estimated
  from their meetings (:func:`relgraph.imports.meetings.estimated_strength`).

Ids are Salesforce's own; a reference in the 15-character form finds a record
exported with its 18-character id. A row that cannot be carried over (unknown
account, a lead instead of a contact, an open task, a planned event, ...) is left
out and listed in the summary, with its file and line; a missing file or column is
a problem (exit 2).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidData, Problem, UsageError
from ..model import STAFF_ROLES, Dataset
from .meetings import (
    DEFAULT_METHOD,
    first_match,
    method_of,
    relationships_from_touchpoints,
)
from .summary import ImportSummary

# --- the mapping tables (the README shows them) ----------------------------------------

ROLE_ORDER: tuple[tuple[str, str], ...] = (
    ("decision maker", "decision_maker"),
    ("economic decision maker", "decision_maker"),
    ("economic buyer", "finance"),
    ("technical buyer", "technical"),
    ("evaluator", "technical"),
    ("business user", "user"),
    ("influencer", "business"),
    ("executive sponsor", "business"),
)
"""Salesforce contact roles -> contact role, in the order of SPEC section 7: of
several values the first in this order counts; any other value is ``other``."""

STAFF_ROLE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("technical sales", "solution"),
    ("pre sales", "solution"),
    ("presales", "solution"),
    ("sales engineer", "solution"),
    ("solution", "solution"),
    ("architect", "solution"),
    ("account manager", "account_manager"),
    ("account executive", "account_manager"),
    ("account director", "account_manager"),
    ("key account", "account_manager"),
    ("sales rep", "account_manager"),
    ("sales manager", "account_manager"),
    ("delivery", "delivery"),
    ("project manager", "delivery"),
    ("implementation", "delivery"),
    ("executive sponsor", "executive"),
    ("chief", "executive"),
    ("vice president", "executive"),
    ("vp", "executive"),
    ("president", "executive"),
    ("managing director", "executive"),
    ("general manager", "executive"),
    ("customer success", "service"),
    ("service", "service"),
    ("support", "service"),
)
"""Words of a ``TeamMemberRole`` or a user's ``Title`` -> staff role (first match)."""

SENIORITY_KEYWORDS: tuple[tuple[str, int], ...] = (
    ("vice president", 4),
    ("vp", 4),
    ("svp", 4),
    ("evp", 4),
    ("deputy general manager", 4),
    ("general manager", 4),
    ("chief", 5),
    ("ceo", 5),
    ("cto", 5),
    ("cfo", 5),
    ("coo", 5),
    ("cio", 5),
    ("president", 5),
    ("chairman", 5),
    ("director", 3),
    ("head", 3),
    ("manager", 2),
    ("lead", 2),
    ("engineer", 1),
    ("analyst", 1),
    ("specialist", 1),
    ("assistant", 1),
    ("associate", 1),
    ("coordinator", 1),
)
"""Words of a title -> seniority 1-5 (first match); a title with none keeps the
default (2)."""

LEVEL_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("headquarters", "hq"),
    ("head office", "hq"),
    ("hq", "hq"),
    ("group", "hq"),
    ("province", "province"),
    ("provincial", "province"),
    ("city", "city"),
    ("municipal", "city"),
    ("county", "county"),
    ("district", "county"),
)
"""Words of a department (a unit) -> its level (first match)."""

# Each export file, the columns a rule reads (lower case), and those it needs.
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Account.csv": (("id", "name", "industry", "billingstate", "billingcountry", "grade__c", "isdeleted"),
                    ("id",)),
    "Contact.csv": (("id", "accountid", "name", "firstname", "lastname", "title", "department", "email",
                     "phone", "mobilephone", "reportstoid", "description", "isdeleted"), ("id", "accountid")),
    "User.csv": (("id", "name", "firstname", "lastname", "username", "title", "email", "isactive", "city",
                  "usertype"), ("id",)),
    "AccountContactRelation.csv": (("accountid", "contactid", "roles", "isactive", "isdeleted"),
                                   ("accountid", "contactid", "roles")),
    "AccountTeamMember.csv": (("accountid", "userid", "teammemberrole", "isdeleted"), ("accountid", "userid")),
    "Event.csv": (("id", "whoid", "ownerid", "activitydate", "activitydatetime", "startdatetime", "subject",
                   "type", "ischild", "isrecurrence", "recurrenceactivityid", "isdeleted"), ("whoid", "ownerid")),
    "Task.csv": (("id", "whoid", "ownerid", "activitydate", "completeddatetime", "status", "subject", "type",
                  "isdeleted"), ("whoid", "ownerid", "status")),
    "EventRelation.csv": (("eventid", "relationid", "iswhat", "status", "isdeleted"), ("eventid", "relationid")),
    "TaskRelation.csv": (("taskid", "relationid", "iswhat", "isdeleted"), ("taskid", "relationid")),
}
_RELATIONS = {"Event.csv": ("EventRelation.csv", "eventid"), "Task.csv": ("TaskRelation.csv", "taskid")}
REQUIRED_FILES = ("Account.csv", "Contact.csv")
WITHOUT = {
    "User.csv": "no staff, and so no touchpoints (their owners are users)",
    "AccountContactRelation.csv": "no contact roles",
    "AccountTeamMember.csv": "no account teams",
    "Event.csv": "no touchpoints from events",
    "Task.csv": "no touchpoints from tasks",
}
"""What an import lacks without each optional export (the summary says it)."""
_DATE_COLUMNS = {"Event.csv": ("activitydate", "activitydatetime", "startdatetime"),
                 "Task.csv": ("activitydate", "completeddatetime")}
_TRUE = {"true", "1", "yes", "y"}


class _Ids(dict):
    """Records by Salesforce id. :meth:`find` matches an id exactly, else in its
    other form: a Salesforce id has a case-sensitive 15-character form and an
    18-character one (the 15 and a checksum), and exports mix them."""

    def __init__(self) -> None:
        super().__init__()
        self.short: dict[str, Any] = {}  # the first 15 characters of 18-character ids

    def add(self, sfid: str, value: Any) -> None:
        self[sfid] = value
        if len(sfid) == 18:
            # Two ids of one prefix (made-up ids, not Salesforce's) leave it unmatched.
            self.short[sfid[:15]] = None if sfid[:15] in self.short else value

    def find(self, sfid: str) -> Any:
        if not sfid:
            return None
        value = self.get(sfid)
        if value is None and len(sfid) == 18:
            value = self.get(sfid[:15])
        if value is None and len(sfid) == 15:
            value = self.short.get(sfid)
        return value


# --- reading the export -----------------------------------------------------------------


@dataclass
class _Sheet:
    """One export file: its rows keyed by lower-case column name, with their lines."""

    file: str
    columns: list[str]  # lower case
    headers: list[str]  # as in the file
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    day_first: bool = False  # slashed dates are day/month/year (else month/day/year)

    def has(self, column: str) -> bool:
        return column in self.columns


def _read_export(folder: Path) -> tuple[dict[str, _Sheet], list[Problem]]:
    from ..readwrite.csvdir import read_raw_csv

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of Salesforce CSV exports")
    found = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    sheets: dict[str, _Sheet] = {}
    problems: list[Problem] = []
    for name, (_, needed) in FILES.items():
        path = found.get(name.lower())
        if path is None:
            if name in REQUIRED_FILES:
                problems.append(Problem(str(folder / name), 1, f"missing file {name} (a Salesforce export of "
                                                                f"{name[:-4]} records)"))
            continue
        rt = read_raw_csv(path, name, str(path))
        problems.extend(rt.problems)
        columns = [c.lower() for c in rt.columns]
        sheet = _Sheet(str(path), columns, list(rt.columns))
        for line, cells in rt.rows:
            sheet.rows.append((line, {k.lower(): (v or "").strip() for k, v in cells.items()}))
        for c in needed:
            if c not in columns:
                problems.append(Problem(str(path), 1, f"missing column {_api_name(c)!r}"))
        if name in ("Event.csv", "Task.csv") and not any(c in columns for c in _DATE_COLUMNS[name]):
            problems.append(Problem(str(path), 1, "missing column 'ActivityDate'"))
        sheet.day_first = _day_first(sheet, _DATE_COLUMNS.get(name, ()))
        sheets[name] = sheet
    return sheets, problems


def _api_name(column: str) -> str:
    """``accountid`` -> ``AccountId``: a column as Salesforce spells it, for messages."""
    for a in ("AccountId", "ContactId", "UserId", "WhoId", "OwnerId", "ActivityDate", "ReportsToId"):
        if a.lower() == column:
            return a
    return column.capitalize()


_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


def _day_first(sheet: _Sheet, columns: Iterable[str]) -> bool:
    """Whether the slashed dates of a report export are day/month/year: true when
    one of them has a first number above 12 (report exports follow the user's
    locale; Data Loader writes ISO dates)."""
    for _, row in sheet.rows:
        for c in columns:
            m = _SLASHED.match(row.get(c, ""))
            if m and int(m.group(1)) > 12:
                return True
    return False


def _parse_date(text: str, day_first: bool) -> dt.date | None:
    """An ISO date or date-time (the date part), or a slashed report date; None
    when empty. Raises ValueError for anything else."""
    if not text:
        return None
    m = _SLASHED.match(text)
    if m:
        a, b, y = (int(x) for x in m.groups())
        return dt.date(y, b, a) if day_first else dt.date(y, a, b)
    return dt.date.fromisoformat(text[:10])


def _true(text: str | None) -> bool:
    return (text or "").lower() in _TRUE


# --- the mapping ------------------------------------------------------------------------


def contact_role(roles: str) -> tuple[str | None, list[str]]:
    """The contact role of a ``Roles`` value and the values it did not take.

    >>> contact_role("Influencer;Economic Buyer")
    ('finance', ['Influencer'])
    >>> contact_role("Other")
    ('other', ['Other'])
    """
    values = [v.strip() for v in roles.split(";") if v.strip()]
    if not values:
        return None, []
    rank = {name: (i, role) for i, (name, role) in enumerate(ROLE_ORDER)}
    ranked = sorted((rank[v.lower()], v) for v in values if v.lower() in rank)
    if not ranked:
        return "other", values
    taken = ranked[0][1]
    return ranked[0][0][1], [v for v in values if v != taken]


@dataclass
class _Units:
    """The unit tree drawn from contacts' ``Department`` values, per account.

    A department is a path when it holds ``>`` or `` / `` (``North Province >
    Network Dept``): each prefix is a unit whose parent is the one before. A unit's
    level is the one its name says (:data:`LEVEL_KEYWORDS`), else its parent's,
    else ``hq``.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)  # -> its row
    count: Counter = field(default_factory=Counter)

    def unit_of(self, account: str, department: str) -> str | None:
        """The id of the unit of a contact of ``account`` in ``department``."""
        parts = tuple(p for p in re.split(r"\s*>\s*|\s+/\s+", department) if p)
        parent: dict[str, Any] | None = None
        for i in range(1, len(parts) + 1):
            row = self.ids.get((account, parts[:i]))
            if row is None:
                self.count[account] += 1
                level = first_match(parts[i - 1], LEVEL_KEYWORDS) or (parent["level"] if parent else "hq")
                row = {"id": f"{account}-U{self.count[account]}", "account": account, "name": parts[i - 1],
                       "level": level, "parent": parent["id"] if parent else None}
                self.ids[(account, parts[:i])] = row
                self.rows.append(row)
            parent = row
        return parent["id"] if parent else None


def read_salesforce(folder: str | os.PathLike, *, as_of: dt.date) -> tuple[Dataset, ImportSummary]:
    """The data set a Salesforce export makes, and the summary of the import.

    Parameters
    ----------
    folder
        The folder of export CSV files (see the module docstring).
    as_of
        Events and tasks dated after it are planned, not met, and left out.

    Returns
    -------
    (Dataset, ImportSummary)
        The validated data set and what was added, mapped and skipped.

    Raises
    ------
    InvalidData
        A file is missing, unreadable, or lacks a column a rule needs.
    UsageError
        ``folder`` is not a folder.
    """
    folder = Path(folder)
    sheets, problems = _read_export(folder)
    if problems:
        raise InvalidData(problems)
    s = ImportSummary(source=str(folder), as_of=as_of.isoformat())
    for name, lack in WITHOUT.items():
        if name not in sheets:
            s.map("no_file", f"no {name} in the export: {lack}", file=str(folder / name))
    known = {name.lower() for name in FILES}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.lower() not in known and not path.name.startswith("."):
            s.skip("file_not_read", f"{path.name} is none of the exports read ({', '.join(FILES)})", file=str(path))
    for name, sheet in sheets.items():
        extra = [h for c, h in zip(sheet.columns, sheet.headers) if c not in FILES[name][0]]
        if extra:
            s.unmapped_columns[name] = extra
        if sheet.day_first:
            s.map("day_first_dates", "slashed dates read as day/month/year", file=sheet.file)
    m = _Mapper(sheets, s, as_of)
    obj = m.run()
    from ..readwrite.jsonfile import read_obj

    ds = read_obj(obj, f"{folder} (imported)")
    s.added = {name: len(rows) for name, rows in ds.tables.items()}
    s.warnings = list(ds.warnings)
    return ds, s


class _Mapper:
    """One pass over the export, object by object (see the module docstring)."""

    def __init__(self, sheets: dict[str, _Sheet], summary: ImportSummary, as_of: dt.date):
        self.sheets = sheets
        self.s = summary
        self.as_of = as_of
        self.accounts = _Ids()
        self.contacts = _Ids()
        self.staff = _Ids()
        self.units = _Units()

    def rows(self, name: str) -> Iterable[tuple[_Sheet, int, dict[str, str]]]:
        """The rows of one export file, leaving out (and noting) deleted records."""
        sheet = self.sheets.get(name)
        if sheet is None:
            return
        for line, row in sheet.rows:
            if _true(row.get("isdeleted")):
                self.s.skip("deleted", "deleted in Salesforce (IsDeleted)", file=sheet.file, line=line,
                            id=row.get("id") or None)
                continue
            yield sheet, line, row

    def run(self) -> dict[str, list[dict[str, Any]]]:
        self.read_accounts()
        self.read_users()
        self.read_contacts()
        team = self.read_team()
        links = self.read_reports_to()
        touchpoints = self.read_activities()
        self.s.counts["touchpoints_from_events"] = sum(1 for t in touchpoints if t.pop("_from") == "Event.csv")
        self.s.counts["touchpoints_from_tasks"] = len(touchpoints) - self.s.counts["touchpoints_from_events"]
        return {
            "accounts": list(self.accounts.values()),
            "units": self.units.rows,
            "contacts": list(self.contacts.values()),
            "staff": list(self.staff.values()),
            "relationships": [{**r, "last_contact": r["last_contact"].isoformat()}
                              for r in relationships_from_touchpoints(touchpoints)],
            "links": links,
            "touchpoints": touchpoints,
            "team": team,
        }

    @staticmethod
    def ref(table: _Ids, sfid: str) -> str | None:
        """The id under which a referenced record was imported."""
        row = table.find(sfid)
        return None if row is None else row["id"]

    def records(
        self, name: str, table: _Ids
    ) -> Iterable[tuple[_Sheet, int, dict[str, str], str]]:
        """The rows of an object's file with an Id not imported yet into ``table``,
        with that Id; a row without one, or with one seen before, is noted."""
        for sheet, line, row in self.rows(name):
            sfid = row.get("id", "")
            if not sfid:
                self.s.skip("no_id", "no Id", file=sheet.file, line=line)
            elif table.find(sfid) is not None:  # the same record twice (in either form of its id)
                self.s.skip("duplicate_id", f"Id {sfid} appears twice; the first row is kept", file=sheet.file,
                            line=line, id=sfid)
            else:
                yield sheet, line, row, sfid

    def read_accounts(self) -> None:
        for sheet, line, row, sfid in self.records("Account.csv", self.accounts):
            name = row.get("name") or sfid
            if not row.get("name"):
                self.s.map("no_name", "no Name; the Id is used as the name", file=sheet.file, line=line, id=sfid)
            grade = (row.get("grade__c") or "").upper()
            if grade and grade not in ("S", "A", "B", "C"):
                self.s.map("grade", f"Grade__c {row['grade__c']!r} is none of S, A, B, C; grade C",
                           file=sheet.file, line=line, id=sfid)
                grade = ""
            self.accounts.add(sfid, {
                "id": sfid, "name": name, "grade": grade or None, "industry": row.get("industry") or None,
                "region": row.get("billingstate") or row.get("billingcountry") or None,
            })
        if not self.sheets["Account.csv"].has("grade__c"):
            self.s.map("no_grade", "Account.csv has no Grade__c column: every account is grade C; "
                                   "set the grades in accounts.csv", file=self.sheets["Account.csv"].file)

    def read_users(self) -> None:
        titled = 0
        for sheet, line, row, sfid in self.records("User.csv", self.staff):
            kind = row.get("usertype") or "Standard"
            if kind.lower() != "standard":
                self.s.skip("not_staff", f"UserType {kind} is not one of our staff", file=sheet.file, line=line,
                            id=sfid)
                continue
            role = first_match(row.get("title"), STAFF_ROLE_KEYWORDS)
            self.staff.add(sfid, {
                "id": sfid, "name": _person_name(row) or row.get("username") or sfid,
                "title": row.get("title") or None, "role": role,
                "seniority": first_match(row.get("title"), SENIORITY_KEYWORDS), "office": row.get("city") or None,
                "active": None if not row.get("isactive") else _true(row["isactive"]),
                "email": row.get("email") or None, "_line": (sheet.file, line),
            })
            titled += role is not None
        # A role on the account teams says more than a title: the most frequent one wins.
        team_roles: dict[str, Counter] = {}
        for _, _, row in self.rows("AccountTeamMember.csv"):
            user = self.staff.find(row["userid"])
            role = first_match(row.get("teammemberrole"), STAFF_ROLE_KEYWORDS)
            if user is not None and role:
                team_roles.setdefault(user["id"], Counter())[role] += 1
        for user in self.staff.values():
            file, line = user.pop("_line")
            roles = team_roles.get(user["id"])
            if not roles:
                continue
            titled -= user["role"] is not None
            user["role"] = max(roles, key=lambda r: (roles[r], -STAFF_ROLES.index(r)))
            if len(roles) > 1:
                self.s.map("several_team_roles", f"account-team roles {', '.join(sorted(roles))}; staff role "
                                                 f"{user['role']} (the most frequent)", file=file, line=line,
                           id=user["id"])
        self.s.counts["staff_roles_from_title"] = titled

    def read_contacts(self) -> None:
        from_title = 0
        for sheet, line, row, sfid in self.records("Contact.csv", self.contacts):
            account = self.accounts.find(row.get("accountid", ""))
            if account is None:
                why = (f"account {row['accountid']} is not in Account.csv" if row.get("accountid")
                       else "no AccountId (a private contact)")
                self.s.skip("unknown_account", why, file=sheet.file, line=line, id=sfid)
                continue
            name = _person_name(row)
            if not name:
                self.s.map("no_name", "no Name; the Id is used as the name", file=sheet.file, line=line, id=sfid)
            seniority = first_match(row.get("title"), SENIORITY_KEYWORDS)
            from_title += seniority is not None
            dept = row.get("department")
            self.contacts.add(sfid, {
                "id": sfid, "name": name or sfid, "account": account["id"],
                "unit": self.units.unit_of(account["id"], dept) if dept else None,
                "title": row.get("title") or None, "role": None, "seniority": seniority,
                "email": row.get("email") or None, "phone": row.get("phone") or row.get("mobilephone") or None,
                "notes": row.get("description") or None,
            })
        self.s.counts["contact_seniority_from_title"] = from_title
        self.read_roles()
        no_role = sum(1 for c in self.contacts.values() if c["role"] is None)
        if no_role:
            self.s.counts["contacts_without_roles"] = no_role

    def read_roles(self) -> None:
        """Each contact's role from the ``Roles`` of its relation to its own account
        (several rows of one pair are read as one list of values)."""
        roles: dict[str, list[str]] = {}  # contact id -> Roles values
        where: dict[str, tuple[str, int]] = {}  # contact id -> its first relation row
        for sheet, line, row in self.rows("AccountContactRelation.csv"):
            if row.get("isactive") and not _true(row["isactive"]):
                self.s.skip("inactive_relation", "an ended AccountContactRelation (IsActive false)",
                            file=sheet.file, line=line)
                continue
            contact = self.contacts.find(row["contactid"])
            account = self.accounts.find(row["accountid"])
            if contact is None:
                self.s.skip("unknown_contact", f"contact {row['contactid']} is not imported", file=sheet.file,
                            line=line)
            elif account is None or account["id"] != contact["account"]:
                self.s.skip("other_account", f"contact {contact['id']} related to account {row['accountid']} as "
                                             f"well: a contact belongs to its own account ({contact['account']}) "
                                             f"only", file=sheet.file, line=line, id=contact["id"])
            else:
                roles.setdefault(contact["id"], []).append(row.get("roles", ""))
                where.setdefault(contact["id"], (sheet.file, line))
        for cid, values in roles.items():
            text = ";".join(v for v in values if v)
            role, left = contact_role(text)
            file, line = where[cid]
            if role == "other":
                self.s.map("role_other", f"Roles {text!r} name no role of the mapping; role other", file=file,
                           line=line, id=cid)
            elif left:
                self.s.map("several_roles", f"Roles {text!r}: {role} (the first in the mapping's order); "
                                            f"{', '.join(left)} not kept", file=file, line=line, id=cid)
            self.contacts.find(cid)["role"] = role

    def read_team(self) -> list[dict[str, Any]]:
        team: dict[tuple[str, str], dict[str, Any]] = {}
        for sheet, line, row in self.rows("AccountTeamMember.csv"):
            account = self.ref(self.accounts, row["accountid"])
            staff = self.ref(self.staff, row["userid"])
            if account is None or staff is None:
                what = f"account {row['accountid']}" if account is None else f"user {row['userid']}"
                self.s.skip("unknown_reference", f"{what} is not imported", file=sheet.file, line=line)
                continue
            if (account, staff) in team:
                self.s.skip("duplicate", f"{staff} is on the team of {account} already", file=sheet.file,
                            line=line)
                continue
            text = row.get("teammemberrole") or None
            role = first_match(text, STAFF_ROLE_KEYWORDS)
            if text and role is None:
                self.s.map("team_role_text", f"TeamMemberRole {text!r} names no staff role; kept as text",
                           file=sheet.file, line=line)
            team[(account, staff)] = {"account": account, "staff": staff, "role": role or text}
        return list(team.values())

    def read_reports_to(self) -> list[dict[str, Any]]:
        """``ReportsToId`` as reports_to links; one that would close a cycle is left out."""
        boss: dict[str, str] = {}
        links = []
        sheet = self.sheets["Contact.csv"]
        for line, row in sheet.rows:
            source = self.ref(self.contacts, row.get("id", ""))
            if source is None or not row.get("reportstoid"):
                continue
            target = self.ref(self.contacts, row["reportstoid"])
            if target is None:
                self.s.skip("unknown_manager", f"ReportsToId {row['reportstoid']} is not an imported contact",
                            file=sheet.file, line=line, id=source)
                continue
            up, seen = target, {source}
            while up is not None and up not in seen:
                seen.add(up)
                up = boss.get(up)
            if up is not None:
                why = ("reports to itself" if target == source else
                       f"reports to {target}, who reports (in turn) to {source}")
                self.s.skip("reports_to_cycle", f"{source} {why}: this line is left out", file=sheet.file,
                            line=line, id=source)
                continue
            boss[source] = target
            links.append({"source": source, "target": target, "kind": "reports_to"})
        return links

    def read_activities(self) -> list[dict[str, Any]]:
        """Touchpoints from events and completed tasks (see the module docstring)."""
        out: list[dict[str, Any]] = []
        group: dict[tuple, dict[str, Any]] = {}
        children = []
        series = _Ids()  # the series records that have occurrences
        for _, r in self.sheets.get("Event.csv", _Sheet("", [], [])).rows:
            series.add(r.get("recurrenceactivityid", ""), True)
        for name in ("Event.csv", "Task.csv"):
            self.related = self.read_relations(*_RELATIONS[name])
            for sheet, line, row in self.rows(name):
                where = {"file": sheet.file, "line": line, "id": row.get("id") or None}
                if name == "Task.csv" and row.get("status", "").lower() != "completed":
                    self.s.skip("not_completed", f"task Status {row.get('status') or 'empty'!r}, not Completed",
                                **where)
                    continue
                if name == "Event.csv" and _true(row.get("isrecurrence")) and series.find(row.get("id", "")):
                    self.s.skip("recurring_series", "the series record of a recurring event (its occurrences "
                                                    "are imported)", **where)
                    continue
                tp = self.activity(name, sheet, row, where)
                if tp is None:
                    continue
                key = (tp["contacts"][0], tp["date"], row.get("activitydatetime") or row.get("startdatetime"),
                       row.get("subject"))
                if name == "Event.csv" and _true(row.get("ischild")):
                    children.append((key, tp, where))
                    continue
                if name == "Event.csv":
                    group.setdefault(key, tp)
                out.append(tp)
        for key, tp, where in children:
            parent = group.get(key)
            if parent is None:
                out.append(tp)
            else:
                self.s.map("invitee", f"an invitee's copy of a group event: {', '.join(tp['staff'])} joins that "
                                      f"touchpoint", **where)
                for table in ("staff", "contacts"):
                    parent[table].extend(x for x in tp[table] if x not in parent[table])
        return out

    def read_relations(self, name: str, column: str) -> _Ids:
        """The other people of each activity (Salesforce's shared activities): for an
        activity id, the contacts and the users its EventRelation / TaskRelation rows
        name, leaving out those who declined; a relation to an account or opportunity
        (``IsWhat``) is not a person and is counted only."""
        related = _Ids()  # activity id -> (contacts, staff)
        what = 0
        for sheet, line, row in self.rows(name):
            if _true(row.get("iswhat")):
                what += 1
                continue
            people = related.get(row[column])
            if people is None:
                people = ([], [])
                related.add(row[column], people)
            contact, user = self.ref(self.contacts, row["relationid"]), self.ref(self.staff, row["relationid"])
            if (row.get("status") or "").lower() == "declined":
                self.s.skip("declined", f"{row['relationid']} declined", file=sheet.file, line=line)
            elif contact is not None:
                people[0].append(contact)
            elif user is not None:
                people[1].append(user)
            else:
                self.s.skip("unknown_person", f"RelationId {row['relationid']} is not an imported contact or user",
                            file=sheet.file, line=line)
        if what:  # shown as "relations to records (IsWhat) N"
            self.s.counts["relations_to_records_(IsWhat)"] = self.s.counts.get("relations_to_records_(IsWhat)", 0) + what
        return related

    def activity(self, name: str, sheet: _Sheet, row: dict[str, str], where: dict) -> dict[str, Any] | None:
        """One event or task as a touchpoint, or None (and a note) when it cannot be."""
        who = row.get("whoid", "")
        contact = self.ref(self.contacts, who)
        others, staff = self.related.find(row.get("id", "")) or ([], [])
        if contact is None and others:
            contact, others = others[0], others[1:]
        if contact is None:
            if not who:
                why, kind = "no WhoId (no contact)", "no_contact"
            elif who.startswith("00Q"):
                why, kind = f"WhoId {who} is a lead, not a contact", "lead"
            else:
                why, kind = f"WhoId {who} is not an imported contact", "unknown_contact"
            self.s.skip(kind, why, **where)
            return None
        owner = self.ref(self.staff, row.get("ownerid", ""))
        if owner is None:
            self.s.skip("unknown_owner", f"OwnerId {row.get('ownerid') or '(none)'} is not an imported user",
                        **where)
            return None
        columns = _DATE_COLUMNS[name]
        text = next((row[c] for c in columns if row.get(c)), "")
        try:
            date = _parse_date(text, sheet.day_first)
        except ValueError:
            self.s.skip("bad_date", f"{text!r} is not a date", **where)
            return None
        if date is None:
            self.s.skip("no_date", "no ActivityDate", **where)
            return None
        if date > self.as_of:
            self.s.skip("after_as_of", f"dated {date.isoformat()}, after as-of (planned, not met)", **where)
            return None
        kind = row.get("type") or ""
        method = method_of([kind])
        if method is None:
            method = DEFAULT_METHOD
            self.s.map("method_default", f"Type {kind!r} names none of the five methods; meeting"
                       if kind else "no Type; meeting", **where)
        return {"date": date.isoformat(), "method": method, "staff": list(dict.fromkeys([owner, *staff])),
                "contacts": list(dict.fromkeys([contact, *others])),
                "notes": row.get("subject") or None, "uid": row.get("id") or None, "_from": name}


def _person_name(row: dict[str, str]) -> str:
    return row.get("name") or " ".join(x for x in (row.get("firstname"), row.get("lastname")) if x)


def import_salesforce(
    folder: str | os.PathLike, output: str | os.PathLike, *, as_of: dt.date, force: bool = False
) -> ImportSummary:
    """Import a Salesforce export (:func:`read_salesforce`) and write the data set to
    ``output`` (a CSV folder, or a JSON file when it ends in ``.json``).

    Raises
    ------
    InvalidData
        The export has a problem; nothing is written.
    UsageError
        ``output`` exists and ``force`` is not given.
    """
    from .output import write_new

    ds, summary = read_salesforce(folder, as_of=as_of)
    write_new(ds, output, force=force)
    summary.output = str(output)
    return summary
