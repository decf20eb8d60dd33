"""Touchpoints from a calendar: the meetings our staff had with customer contacts.

A calendar (an iCalendar file, RFC 5545, as Outlook, Google Calendar and
Thunderbird export) holds *events*; a recurring one stands for each of its
*occurrences* (expanded by ``recurring-ical-events``: RRULE, RDATE, EXDATE and moved
or cancelled single occurrences). Each occurrence that starts on or before as-of
is a meeting of the people who attended it: the organiser, and every attendee
whose ``PARTSTAT`` is not ``DECLINED`` or ``DELEGATED`` (no answer, ``NEEDS-ACTION``
and ``TENTATIVE`` count as attending; rooms and resources are not people). People
are matched by e-mail, ignoring case and ``mailto:``, against ``contacts.email`` and
``staff.email``. A meeting with at least one of our staff and one known contact
becomes a touchpoint:

- ``date``: the day it starts, in its own time zone (an all-day event: its first day);
- ``method``: from its ``CATEGORIES``, else its ``SUMMARY``, by the keyword table of
  :mod:`relgraph.imports.meetings` (overridable), else ``meeting``;
- ``notes``: its summary; ``uid``: its ``UID`` (an extra column).

An occurrence whose UID and date a touchpoint already has is not added again, so
importing the same calendar twice (or a newer export of it) adds each meeting once.
A staff member and contact who meet and had no relationship get one, its strength
estimated from their touchpoints (and an estimated relationship in force is
estimated again, :func:`relgraph.imports.meetings.is_estimate`). Everything else — cancelled, no known contact,
no staff, already imported, addresses nobody has — is counted in the summary.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from ..errors import InvalidData, Problem
from ..model import TABLES, Dataset
from .meetings import (
    DEFAULT_METHOD,
    METHOD_KEYWORDS,
    is_estimate,
    method_of,
    relationships_from_touchpoints,
)
from .summary import ImportSummary

NOT_ATTENDING = {"DECLINED", "DELEGATED"}
NOT_PEOPLE = {"ROOM", "RESOURCE"}


def address(value: Any) -> str:
    """An organiser or attendee as a lower-case e-mail address (``mailto:`` removed).

    >>> address("MAILTO:Li.Na@Example.com")
    'li.na@example.com'
    """
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def read_calendar(path: str | os.PathLike):
    """The parsed calendar of an ``.ics`` file.

    Raises
    ------
    InvalidData
        The file cannot be read or is not an iCalendar file.
    """
    import icalendar

    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InvalidData([Problem(shown, None, f"cannot read the calendar: {e.strerror or e}")]) from None
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError) as e:
        raise InvalidData([Problem(shown, None, f"not an iCalendar file: {e}")]) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise InvalidData([Problem(shown, None, "not an iCalendar file: no BEGIN:VCALENDAR")])
    # Several calendars exported into one file are read as one.
    for more in calendars[1:]:
        calendars[0].subcomponents.extend(more.subcomponents)
    return calendars[0]


def _directory(ds: Dataset, s: ImportSummary) -> dict[str, tuple[str, str]]:
    """E-mail address -> ("staff" | "contacts", id); an address two people share
    is left out (and noted), as it cannot say who attended."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for table in ("staff", "contacts"):
        for row in ds[table]:
            if row.get("email"):
                owners.setdefault(address(row["email"]), []).append((table, row["id"]))
    found = {}
    for email, who in owners.items():
        if len(who) == 1:
            found[email] = who[0]
        else:
            s.map("shared_address", f"{email} is the e-mail of {', '.join(i for _, i in who)}; it matches "
                                    f"nobody", id=email)
    return found


def _start_date(event: Any) -> dt.date:
    start = event.get("DTSTART").dt
    return start.date() if isinstance(start, dt.datetime) else start


def _categories(event: Any) -> list[str]:
    values = event.get("CATEGORIES")
    if values is None:
        return []
    out = []
    for v in values if isinstance(values, list) else [values]:
        out.extend(str(c) for c in getattr(v, "cats", [v]))
    return out


def _attendees(event: Any) -> list[str]:
    """The addresses of the people who attended (see the module docstring)."""
    people = []
    organizer = event.get("ORGANIZER")
    if organizer is not None:
        people.append(address(organizer))
    attendees = event.get("ATTENDEE", [])
    for a in attendees if isinstance(attendees, list) else [attendees]:
        params = getattr(a, "params", {})
        if str(params.get("CUTYPE", "")).upper() in NOT_PEOPLE:
            continue
        email = address(a)
        if str(params.get("PARTSTAT", "")).upper() in NOT_ATTENDING:
            if email in people:
                people.remove(email)  # an organiser who declined their own meeting
            continue
        people.append(email)
    return list(dict.fromkeys(people))


def _prepare(calendar: Any, s: ImportSummary) -> None:
    """Name every event and set aside those that cannot be placed in time: an event
    without a ``UID`` gets one made from its start, summary and organiser (so that
    importing it again still finds it); one without a ``DTSTART`` is noted and
    removed."""
    import hashlib

    kept = []
    for c in calendar.subcomponents:
        if c.name == "VEVENT":
            if not str(c.get("UID", "")).strip():
                made = "|".join(str(c.get(k, "")) for k in ("DTSTART", "SUMMARY", "ORGANIZER"))
                c["UID"] = "no-uid-" + hashlib.sha1(made.encode("utf-8")).hexdigest()[:16]
            if c.get("DTSTART") is None:
                s.skip("no_start", "no start (DTSTART)", id=f"{c['UID']} ({c.get('SUMMARY', '')})")
                continue
        kept.append(c)
    calendar.subcomponents[:] = kept


def _occurrences(calendar: Any, as_of: dt.date) -> list[Any]:
    """Every occurrence of every event that starts on or before ``as_of``, by date
    and UID (``between`` is faster than walking ``all`` in time order); an event
    whose recurrence cannot be worked out is left out here (and noted by the caller,
    as an event with no occurrence)."""
    import recurring_ical_events

    class Query(recurring_ical_events.CalendarQuery):
        suppressed_errors: ClassVar = [*recurring_ical_events.CalendarQuery.suppressed_errors, ValueError, TypeError]

    stop = as_of + dt.timedelta(days=2)  # a day's slack each way: a start's local date may differ from UTC's
    query = recurring_ical_events.of(calendar, skip_bad_series=True, calendar_query=Query)
    found = [(_start_date(e), str(e["UID"]), e) for e in query.between(dt.date(1900, 1, 1), stop)]
    found.sort(key=lambda x: x[:2])
    return [e for start, _, e in found if start <= as_of]


def read_ics(
    calendar: str | os.PathLike,
    ds: Dataset,
    *,
    as_of: dt.date,
    methods: Sequence[tuple[str, str]] = METHOD_KEYWORDS,
) -> tuple[Dataset, ImportSummary]:
    """``ds`` with the touchpoints of a calendar added, and the summary of the import.

    Parameters
    ----------
    calendar
        An ``.ics`` file.
    ds
        A validated data set (its ``contacts.email`` and ``staff.email`` match the
        attendees); it is not changed.
    as_of
        Occurrences starting after it are not meetings yet.
    methods
        The keyword table giving a meeting's method
        (:func:`relgraph.imports.meetings.read_method_table` reads one).

    Raises
    ------
    InvalidData
        The calendar cannot be read.
    """
    cal = read_calendar(calendar)
    s = ImportSummary(source=str(calendar), as_of=as_of.isoformat())
    _prepare(cal, s)
    people = _directory(ds, s)
    out = Dataset(tables={name: list(rows) for name, rows in ds.tables.items()},
                  extras={name: list(cols) for name, cols in ds.extras.items()})
    if "uid" not in out.extras["touchpoints"]:
        out.extras["touchpoints"].append("uid")
    seen = {(tp.get("uid"), tp["date"]) for tp in ds["touchpoints"] if tp.get("uid")}
    unknown: Counter[str] = Counter()
    added: list[dict[str, Any]] = []
    uids: set[str] = set()
    n = 0
    for event in _occurrences(cal, as_of):
        n += 1
        uid = str(event["UID"])
        date = _start_date(event)
        where = {"id": uid, "date": date.isoformat()}
        uids.add(uid)
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            s.skip("cancelled", "cancelled", **where)
            continue
        found: dict[str, list[str]] = {"staff": [], "contacts": []}
        strangers = []
        for email in _attendees(event):
            if email in people:
                table, pid = people[email]
                found[table].append(pid)
            elif email:
                strangers.append(email)
        unknown.update(strangers)
        if not found["contacts"]:
            if strangers:
                why = f"no attendee is a known contact (unknown: {', '.join(strangers)})"
            else:
                why = "only our staff attended" if found["staff"] else "nobody attended"
            s.skip("no_contact", why, **where)
            continue
        if not found["staff"]:
            s.skip("no_staff", f"none of our staff attended (contacts {', '.join(found['contacts'])})", **where)
            continue
        if (uid, date) in seen:
            s.skip("already_imported", "a touchpoint with this UID and date exists", **where)
            continue
        seen.add((uid, date))
        summary = str(event.get("SUMMARY", "")) or None
        method = method_of(_categories(event) + [summary or ""], methods) or DEFAULT_METHOD
        added.append({**_blank(out, "touchpoints"), "date": date, "method": method, "staff": found["staff"],
                      "contacts": found["contacts"], "notes": summary, "uid": uid})
    first: dict[str, dt.date] = {}
    for e in cal.walk("VEVENT"):
        if str(e["UID"]) not in uids:
            first[str(e["UID"])] = min(_start_date(e), first.get(str(e["UID"]), _start_date(e)))
    for uid, start in sorted(first.items()):
        if start > as_of:
            s.skip("after_as_of", "no occurrence on or before as-of", id=uid)
        else:
            s.skip("bad_event", "its occurrences cannot be worked out (a broken recurrence rule?)", id=uid)
    for email, count in sorted(unknown.items()):
        s.skip("unknown_address", f"in {count} meeting{'s' if count != 1 else ''}; give it to a contact or staff "
                                  f"member (email) to import them", id=email)
    touchpoints = ds["touchpoints"] + added
    relationships, renewed = _relationships(ds, touchpoints, {(st, c) for tp in added for st in tp["staff"]
                                                              for c in tp["contacts"]})
    out.tables["touchpoints"] = touchpoints
    out.tables["relationships"] = ds["relationships"] + relationships
    if renewed:
        out.tables["relationships"] = [renewed.get(id(r), r) for r in out.tables["relationships"]]
    s.counts = {"occurrences": n, "relationships_estimated_again": len(renewed)}
    s.added = {"touchpoints": len(added), "relationships": len(relationships)}
    return out, s


def _relationships(
    ds: Dataset, touchpoints: list[dict[str, Any]], met: set[tuple[str, str]]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """For the pairs that ``met`` in the new touchpoints: a relationship for each
    pair that had none, and (by ``id`` of the old row) the new value of each
    estimated relationship (:func:`~relgraph.imports.meetings.is_estimate`) whose
    estimate the new meetings change."""
    estimates = {(r["staff"], r["contact"]): r for r in relationships_from_touchpoints(touchpoints, pairs=met)}
    renewed, known = {}, set()
    for r in ds["relationships"]:
        pair = (r["staff"], r["contact"])
        known.add(pair)
        new = estimates.get(pair)
        if new is not None and r["until"] is None and is_estimate(r["notes"]) and new["notes"] != r["notes"]:
            renewed[id(r)] = {**r, **new}
    added = [{**_blank(ds, "relationships"), **r} for pair, r in estimates.items() if pair not in known]
    return added, renewed


def _blank(ds: Dataset, table: str) -> dict[str, Any]:
    """A row of ``table`` with every column (and extra column) not given."""
    return {c: None for c in [c.name for c in TABLES[table].columns] + ds.extras[table]}


def import_ics(
    calendar: str | os.PathLike,
    data: str | os.PathLike,
    output: str | os.PathLike | None = None,
    *,
    as_of: dt.date,
    methods_file: str | os.PathLike | None = None,
    force: bool = False,
) -> ImportSummary:
    """Add a calendar's meetings (:func:`read_ics`) to the data set at ``data``, and
    write it to ``output`` — or, without one, over ``data`` itself (only the tables
    that changed; see :mod:`relgraph.imports.output`).

    Raises
    ------
    InvalidData
        ``data`` has problems, the calendar or the method table cannot be read;
        nothing is written.
    UsageError
        ``output`` exists and ``force`` is not given.
    """
    from ..readwrite import read
    from .meetings import read_method_table
    from .output import update_in_place, write_new

    methods = METHOD_KEYWORDS if methods_file is None else read_method_table(methods_file)
    ds = read(data)
    result, summary = read_ics(calendar, ds, as_of=as_of, methods=methods)
    if output is not None:
        write_new(result, output, force=force)
    elif any(summary.added.values()):
        update_in_place(result, data, ["touchpoints", "relationships"])
    summary.output = str(output if output is not None else data)
    return summary
