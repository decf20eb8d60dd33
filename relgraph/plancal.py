"""The relationship plan as an iCalendar file (RFC 5545, SPEC section 6).

Each plan action becomes one all-day event on its due date: the summary names the
kind, the owner and the target, the description gives the reason and the route
(owner, the contacts via, the target, the method). An event's UID is a hash of the
action's kind, account and target, not of its owner or date, so that importing a
newer plan into Outlook, Google Calendar or Thunderbird updates the events it
already holds instead of adding new ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import UsageError

__all__ = ["action_uid", "iso_dates", "plan_calendar", "route_text", "route_texts", "write_plan_ics"]


def action_uid(action: dict[str, Any]) -> str:
    """The stable UID of a plan action: the same kind on the same target of the same
    account keeps it, whoever owns it and whenever it is due."""
    t = action["target"]
    target = t if isinstance(t, str) else f"{t['level']}/{t['role']}"
    digest = hashlib.sha256("\x1f".join([action["kind"], action["account"], target]).encode("utf-8")).hexdigest()
    return f"{digest[:32]}@relgraph"


def route_text(action: dict[str, Any]) -> str:
    """``Owner → via … → Target (method)``; ``nobody`` where no one qualifies."""
    people = [action.get("owner_name") or action["owner"] or "nobody", *action.get("via_names", action["via"]),
              action.get("target_name") or str(action["target"])]
    return " → ".join(people) + f" ({action['method']})"


def route_texts(actions: list[dict[str, Any]]) -> list[str]:
    """:func:`route_text` of each of ``actions``, in order; the many direct ties
    (no one via) without building a list of people each."""
    out = []
    for a in actions:
        via = a.get("via_names", a["via"])
        owner = a.get("owner_name") or a["owner"] or "nobody"
        target = a.get("target_name") or str(a["target"])
        if via:
            out.append(f"{owner} → {' → '.join(via)} → {target} ({a['method']})")
        else:
            out.append(f"{owner} → {target} ({a['method']})")
    return out


def iso_dates(dates: Iterable[dt.date]) -> list[str]:
    """Each of ``dates`` as ISO text, each distinct day converted once (a plan's
    actions fall on a few hundred days)."""
    text: dict[dt.date, str] = {}
    return [text.get(d) or text.setdefault(d, d.isoformat()) for d in dates]


def plan_calendar(report: dict[str, Any]):
    """The :class:`icalendar.Calendar` of a plan report
    (:func:`relgraph.analysis.portfolio.plan_report`); DTSTAMP is the plan's as-of
    day, so the same plan gives the same file."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//relgraph//relationship plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = dt.datetime.combine(report["as_of"], dt.time(0, 0), tzinfo=dt.timezone.utc)
    typed: dict[tuple[str, Any], Any] = {}

    def shared(name: str, value: Any, key: Any = None) -> Any:
        """The property value icalendar makes of ``value``, made once for all the
        events that share it (the stamp, the days, the kinds)."""
        k = (name, value if key is None else key)
        made = typed.get(k)
        if made is None:
            proto = icalendar.Event()
            proto.add(name, value)
            made = typed[k] = proto[name]
        return made

    actions = report["actions"]
    for a, route in zip(actions, route_texts(actions)):
        ev = icalendar.Event()
        ev.add("uid", action_uid(a))
        ev.add("dtstamp", shared("dtstamp", stamp))
        ev.add("dtstart", shared("dtstart", a["due"]))
        ev.add("dtend", shared("dtend", a["due"] + dt.timedelta(days=1)))
        owner = a.get("owner_name") or a["owner"] or "nobody"
        ev.add("summary", f"{a['kind']}: {owner} → {a.get('target_name') or a['target']}")
        ev.add("description", f"{a['reason']}\nRoute: {route}\nAccount: {a['account']}")
        ev.add("categories", shared("categories", [a["kind"]], a["kind"]))
        ev.add("transp", shared("transp", "TRANSPARENT"))  # an all-day reminder, not busy time
        cal.add_component(ev)
    return cal


def write_plan_ics(report: dict[str, Any], path: str | os.PathLike, *, force: bool = False) -> None:
    """Write the plan's calendar to ``path``, whole or not at all (written aside,
    then renamed); an existing file is replaced only with ``force``.

    Raises
    ------
    UsageError
        ``path`` exists (without ``force``), or is a folder or not a plain file.
    """
    from .readwrite import _write_file

    target = Path(os.path.abspath(path))
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path} is not a plain file; give the path of a .ics file")
    if st is not None and not force:
        raise UsageError(f"{path} exists; use --force to replace it")
    data = plan_calendar(report).to_ical()
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_file(lambda f: f.write(data), target)
