"""Typed values back to text, the one way every writer spells them."""

from __future__ import annotations

import datetime as dt
from typing import Any


def cell_text(value: Any) -> str:
    """A typed cell as CSV text: None empty, booleans true/false, dates ISO,
    id lists joined by ``;``, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_value(value: Any) -> Any:
    """A typed cell as a JSON value: dates ISO, everything else as is."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
