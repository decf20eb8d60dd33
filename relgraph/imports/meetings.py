"""The rules both imports share: which of the five methods a meeting was, and how
strong a relationship its meetings suggest.

*Method.* A meeting's method is read from text that names it — a Salesforce
activity ``Type``, a calendar event's ``CATEGORIES``, then its ``SUMMARY`` — with an
ordered keyword table (:data:`METHOD_KEYWORDS`): the first keyword found as a whole
word or phrase, ignoring case and ``_``/``-``, gives the method. More specific
phrases come first, so that "model site visit" is a ``model_site`` and not a
``visit``. Text that names none of them is a ``meeting``.

*Estimated strength.* A relationship drawn from meetings alone is given a strength by
the number of meetings the pair had in the 365 days up to and including their latest
one (:func:`estimated_strength`): 1 -> 1 (met), 2-3 -> 2 (acquainted), 4-11 -> 3
(working relationship), 12 or more -> 4 (trusted). Meetings do not show personal
trust, so no estimate is 5; its last contact is the latest meeting.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidData, Problem
from ..model import TOUCHPOINT_METHODS

DEFAULT_METHOD = "meeting"

METHOD_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("model site", "model_site"),
    ("model-site", "model_site"),
    ("site tour", "model_site"),
    ("showcase", "model_site"),
    ("reference site", "model_site"),
    ("tech exchange", "tech_exchange"),
    ("technical exchange", "tech_exchange"),
    ("workshop", "tech_exchange"),
    ("seminar", "tech_exchange"),
    ("research", "research"),
    ("survey", "research"),
    ("interview", "research"),
    ("visit", "visit"),
    ("on-site", "meeting"),
    ("meeting", "meeting"),
)
"""Keyword -> method, first match wins (see the module docstring)."""


_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    """Lower case, every run of characters that are not letters or digits (``_``,
    ``-``, ``/``, spaces) as one space, padded with spaces so that a phrase can be
    searched as whole words."""
    return " " + _NOT_WORD.sub(" ", text.lower()).strip() + " "


@functools.lru_cache(maxsize=64)
def _phrases(table: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """A keyword table with each keyword as searched: `` word `` for a keyword in
    ASCII (whole words), the bare text otherwise (in Chinese or Japanese, words are
    not spaced)."""
    out = []
    for key, value in table:
        w = _words(key)
        out.append((w if key.isascii() else w.strip(), value))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 16)
def first_match(text: str | None, table: tuple[tuple[str, Any], ...]) -> Any:
    """The value of the first keyword of ``table`` that ``text`` holds (as whole
    words, ignoring case and punctuation), or None.

    >>> first_match("Pre-Sales Consultant", (("sales rep", 1), ("pre sales", 2)))
    2
    """
    if not text:
        return None
    words = _words(text)
    for key, value in _phrases(table):
        if key in words:
            return value
    return None


def method_of(texts: Iterable[str | None], table: Sequence[tuple[str, str]] = METHOD_KEYWORDS) -> str | None:
    """The method the first of ``texts`` that names one says, or None.

    >>> method_of(["Customer Visit"])
    'visit'
    >>> method_of(["Quarterly review", "Model site visit"])
    'model_site'
    >>> method_of(["Call"]) is None
    True
    """
    table = tuple(table)
    for text in texts:
        method = first_match(text, table)
        if method is not None:
            return method
    return None


def read_method_table(path: str | Path) -> tuple[tuple[str, str], ...]:
    """A keyword table from a CSV file with the columns ``keyword,method`` (in
    priority order), put before :data:`METHOD_KEYWORDS` so that it overrides it.

    Raises
    ------
    InvalidData
        For a missing column or a method that is not one of the six.
    """
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidData([Problem(shown, 1, f"cannot read the method table: {e}")]) from None
    rows = list(csv.reader(text.splitlines()))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "keyword" not in header or "method" not in header:
        raise InvalidData([Problem(shown, 1, "expected the columns keyword,method")])
    k, m = header.index("keyword"), header.index("method")
    table, problems = [], []
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        keyword = row[k].strip() if k < len(row) else ""
        method = row[m].strip().lower() if m < len(row) else ""
        if not keyword:
            problems.append(Problem(shown, line, "missing value for 'keyword'"))
        elif method not in TOUCHPOINT_METHODS:
            problems.append(
                Problem(shown, line, f"unknown method {method!r} (expected one of {', '.join(TOUCHPOINT_METHODS)})")
            )
        else:
            table.append((keyword, method))
    if problems:
        raise InvalidData(problems)
    return tuple(table) + METHOD_KEYWORDS


def estimated_strength(dates: Iterable[dt.date]) -> int:
    """The strength the meetings on ``dates`` suggest (see the module docstring).

    >>> estimated_strength([dt.date(2026, 1, 5)])
    1
    >>> estimated_strength([dt.date(2025, 1, 1)] + [dt.date(2026, m, 1) for m in range(1, 5)])
    3
    """
    n = _in_last_year(list(dates))
    if n >= 12:
        return 4
    if n >= 4:
        return 3
    if n >= 2:
        return 2
    return 1


def meeting_dates(
    touchpoints: Iterable[dict[str, Any]], pairs: set[tuple[str, str]] | None = None
) -> dict[tuple[str, str], list[dt.date]]:
    """For each (staff, contact) pair listed together in ``touchpoints`` (only those
    in ``pairs`` when given), the dates they met (``date`` a date or ISO text)."""
    met: dict[tuple[str, str], list[dt.date]] = {}
    for tp in touchpoints:
        date = tp["date"]
        for s in tp["staff"]:
            for c in tp["contacts"]:
                if pairs is None or (s, c) in pairs:
                    met.setdefault((s, c), []).append(dt.date.fromisoformat(date) if isinstance(date, str) else date)
    return met


def relationships_from_touchpoints(
    touchpoints: Iterable[dict[str, Any]], *, pairs: set[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """One relationship per (staff, contact) pair who met in ``touchpoints`` (only
    those in ``pairs`` when given): its strength estimated from their meetings, its
    last contact the latest (a date); in order of staff, then contact."""
    return [
        {"staff": s, "contact": c, "strength": estimated_strength(d), "last_contact": max(d),
         "notes": estimate_note(d)}
        for (s, c), d in sorted(meeting_dates(touchpoints, pairs).items())
    ]


def estimate_note(dates: list[dt.date]) -> str:
    """The ``notes`` of an estimated relationship, saying what the estimate counted.

    >>> estimate_note([dt.date(2026, 3, 1), dt.date(2026, 5, 2)])
    'strength estimated from 2 meetings in the year to 2026-05-02'
    """
    n = _in_last_year(dates)
    return f"strength estimated from {n} meeting{'s' if n != 1 else ''} in the year to {max(dates).isoformat()}"


def is_estimate(notes: str | None) -> bool:
    """Whether a relationship's ``notes`` are those of an estimate
    (:func:`estimate_note`): an import may estimate it again from more meetings."""
    return bool(notes) and re.fullmatch(r"strength estimated from \d+ meetings? in the year to [0-9-]{10}", notes) is not None


def _in_last_year(dates: list[dt.date]) -> int:
    """How many of ``dates`` fall in the 365 days up to and including the latest."""
    latest = max(dates)
    return sum(1 for d in dates if (latest - d).days < 365)
