"""Compact JSON text, written fast: orjson where it writes :mod:`json`'s very text
(a command's result, a map's data), :mod:`json` where the two could differ.

orjson writes the tens of megabytes of a portfolio's plan or a big account's map
several times faster than :mod:`json`; its compact text is json's with
``separators=(",", ":")`` for every string, integer and float but the floats under
1e-4, which the two write differently (:func:`_json_forms`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["compact_json"]


def compact_json(obj: Any, *, default: Callable[[Any], Any] | None = None, strict: bool = False) -> bytes:
    """``obj`` as compact JSON, UTF-8: the very text of ``json.dumps(obj,
    ensure_ascii=False, separators=(",", ":"), default=default)``, written by
    orjson, several times faster (a portfolio's plan, 21 MB: 0.12 s instead of
    0.37), or by :mod:`json` where the two could differ (:func:`_json_forms`) or
    where orjson declines (an integer over 64 bits, a key that is not a string, a
    value only ``default`` knows that turns into another such value).

    orjson writes dates and datetimes itself, as ``isoformat()`` does (a datetime's
    UTC offset in whole minutes: no result holds a datetime), dataclasses field by
    field, as :func:`relgraph.format.to_jsonable` does, and a NaN or an infinity
    (no figure holds one) as null, where json writes the invalid ``NaN``. ``strict``: as
    ``json.dumps`` without ``default`` and with ``allow_nan=False`` (a date, a
    dataclass or a subclass of a built-in type goes to :mod:`json`, which refuses
    what it cannot write; orjson still writes a NaN as null).
    """
    import orjson

    option = 0
    if strict:
        option = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
    try:
        text = orjson.dumps(obj, default=default, option=option)
    except TypeError:  # orjson.JSONEncodeError included
        text = None
    if text is None or _json_forms(text):
        import json

        # Not checked for cycles: results are trees made afresh.
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=default, allow_nan=not strict,
                          check_circular=False).encode("utf-8")
    return text


def _json_forms(text: bytes) -> bool:
    """Whether orjson's ``text`` may differ from :mod:`json`'s: where it has a float
    under 1e-4, which json writes with a two-digit exponent (``1e-05``) and orjson
    as ``0.00001`` or ``1e-5`` (every other float, string and integer both write
    alike), so where the text holds ``0.0000`` or a digit before ``e-``. A string
    may hold one too (a name such as "Anne-Marie" holds ``e-``, not after a
    digit); then json writes the text, as it would have. (Looking for two words
    is a hundred times faster than a pattern over megabytes; over a long text,
    numpy finds them where the few dots and dashes are, in a third of that time,
    when something imported it already: :func:`_numpy_forms`.)"""
    np = sys.modules.get("numpy") if len(text) >= NUMPY_FROM else None
    if np is not None:
        return _numpy_forms(np, text)
    if b"0.0000" in text:
        return True
    at = text.find(b"e-")
    while at >= 0:
        if at and 48 <= text[at - 1] <= 57:
            return True
        at = text.find(b"e-", at + 2)
    return False


NUMPY_FROM = 1 << 16
"""The length of text from which :func:`_json_forms` looks with numpy (a
portfolio's plan is written 4,096 actions, about a megabyte, at a time)."""


def _numpy_forms(np: Any, text: bytes) -> bool:
    """:func:`_json_forms` by numpy (the module ``np``): ``0.0000`` is a ``0``, a
    dot and four ``0``, looked for around each dot; a digit before ``e-`` around
    each dash (10 MB of a plan's actions in 6.5 ms instead of 17: JSON text has
    few of either, two dashes in each date)."""
    a = np.frombuffer(text, dtype=np.uint8)
    n = len(a)
    dots = np.flatnonzero(a == 46)  # '.'
    at = dots[(dots >= 1) & (dots < n - 4)]
    if len(at) and ((a[at - 1] == 48) & (a[at + 1] == 48) & (a[at + 2] == 48) & (a[at + 3] == 48)
                    & (a[at + 4] == 48)).any():
        return True
    dashes = np.flatnonzero(a == 45)  # '-'
    at = dashes[dashes >= 2]
    at = at[a[at - 1] == 101]  # 'e-'
    return bool(len(at)) and bool(((a[at - 2] >= 48) & (a[at - 2] <= 57)).any())
