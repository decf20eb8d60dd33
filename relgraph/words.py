"""The words relgraph shows people, the same in the CLI tables, the maps, the report
and the README (SPEC section 3, "Words").

A *gap* is a coverage cell that is not covered: ``weak``, ``uncovered``, or a
*blind spot* — the word people read for the status ``unknown``, a cell where no
contact is known. A *key contact* (:data:`KEY_CONTACT`) is *unthreaded* with no
thread and *single-threaded* with exactly one. People are never counted among the
gaps: a list of gaps is a list of cells, and the key contacts without a thread or
with one are a list of their own.

JSON and CSV keep the contract's values (status ``"unknown"``); only text for people
uses these words. Nothing here imports more than the standard library, so that
``relgraph --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

STATUS_WORDS = {"covered": "covered", "weak": "weak", "uncovered": "uncovered", "unknown": "blind spot"}
"""The word for each coverage cell status (``unknown`` is a *blind spot*)."""

KEY_CONTACT = "A key contact has role decision_maker or influence >= 4."
"""The definition of a key contact (SPEC section 2), as every ``--help`` that lists
key contacts states it."""


def status_word(status: str) -> str:
    """The word people read for a cell status: ``"blind spot"`` for ``"unknown"``,
    the status itself otherwise."""
    return STATUS_WORDS.get(status, status)


def count_text(n: int, word: str, many: str | None = None) -> str:
    """``1 gap``, ``2 gaps``; ``many`` is the plural where it is not ``word + "s"``."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def fragile_counts(rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """``(unthreaded, single_threaded)``: how many of ``rows`` (``threads`` rows, which
    carry ``key`` and ``threads``) are key contacts with no thread and with one. A
    row without ``key`` is taken as a key contact (the report lists only those)."""
    unthreaded = single = 0
    for r in rows:
        if r.get("key", True):
            unthreaded += r["threads"] == 0
            single += r["threads"] == 1
    return unthreaded, single


def fragile_text(unthreaded: int, single: int) -> str:
    """The key contacts without a thread or with one, in the one phrase every output
    uses: ``2 unthreaded and 6 single-threaded key contacts``."""
    noun = "key contact" if unthreaded + single == 1 else "key contacts"
    return f"{unthreaded} unthreaded and {single} single-threaded {noun}"


def gaps_text(statuses: Iterable[str]) -> str:
    """The gaps among cell ``statuses`` in words: ``4 gaps (2 blind spots)``, or
    ``no gaps``."""
    open_ = [s for s in statuses if s != "covered"]
    if not open_:
        return "no gaps"
    blind = sum(s == "unknown" for s in open_)
    return count_text(len(open_), "gap") + (f" ({count_text(blind, 'blind spot')})" if blind else "")


__all__ = ["KEY_CONTACT", "STATUS_WORDS", "count_text", "fragile_counts", "fragile_text", "gaps_text", "status_word"]
