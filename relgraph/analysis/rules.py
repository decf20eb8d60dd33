"""The rules of the model that more than one figure applies, each written once.

- *In force*: a row with ``since`` / ``until`` (a relationship, a link) exists from
  ``since`` inclusive to ``until`` exclusive; a missing ``since`` means always, a
  missing ``until`` for good (:func:`in_force_days`, :func:`exists_at`).
- *Key contact*: role ``decision_maker`` or influence of 4 or more
  (:func:`key_contacts`).
- *The stronger edge counts*: where several edges join the same ordered pair, the
  one of highest value counts, at equal values the one of smallest label
  (:func:`strongest`). The access graph, the PageRank edges of the influencers and
  the map's link lines all keep their edges by it.

Every function works on plain values and on numpy arrays alike, so that the
portfolio figures (column-wise) and a single check (one row) cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

__all__ = ["KEY_INFLUENCE", "KEY_ROLE", "NO_DATE", "day", "exists_at", "in_force_days", "key_contacts", "strongest"]

NO_DATE = np.iinfo(np.int32).min
"""The day number of a date that is not given (below every real date)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()

KEY_ROLE = "decision_maker"
KEY_INFLUENCE = 4


def day(d: dt.date | None) -> int:
    """Days since 1970-01-01 (:data:`NO_DATE` for None).

    >>> day(dt.date(1970, 1, 2)), day(None) == NO_DATE
    (1, True)
    """
    return NO_DATE if d is None else d.toordinal() - _EPOCH


def in_force_days(since: Any, until: Any, a: int) -> Any:
    """Which rows with ``since`` / ``until`` days (:func:`day`; arrays or single
    days) exist on day ``a``: from ``since`` inclusive to ``until`` exclusive.
    :data:`NO_DATE` is below every day, so a missing ``since`` passes and a missing
    ``until`` never ends the row.

    >>> bool(in_force_days(10, 20, 10)), bool(in_force_days(10, 20, 20)), bool(in_force_days(NO_DATE, NO_DATE, 5))
    (True, False, True)
    """
    return (since <= a) & ((until == NO_DATE) | (a < until))


def exists_at(since: dt.date | None, until: dt.date | None, as_of: dt.date) -> bool:
    """True when a row existing from ``since`` to ``until`` is in force at ``as_of``
    (:func:`in_force_days` on dates).

    >>> exists_at(dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 2, 1))
    False
    """
    return bool(in_force_days(day(since), day(until), day(as_of)))


def key_contacts(role: Any, influence: Any) -> Any:
    """Which contacts are *key*: role ``decision_maker`` or influence of 4 or more
    (``role``: a role or an array of them; ``influence``: a number or an array).

    >>> bool(key_contacts("decision_maker", 1)), bool(key_contacts("user", 4)), bool(key_contacts("user", 3))
    (True, True, False)
    >>> key_contacts(np.array(["user", "decision_maker"], dtype=object), np.array([5, 2])).tolist()
    [True, True]
    """
    if isinstance(role, str):  # one contact: no arrays (a map asks once per contact)
        return role == KEY_ROLE or influence >= KEY_INFLUENCE
    return (np.asarray(role, dtype=object) == KEY_ROLE) | (np.asarray(influence) >= KEY_INFLUENCE)


def strongest(
    edges: Iterable[tuple[Hashable, Hashable, float, Any]],
) -> dict[tuple[Hashable, Hashable], tuple[float, Any]]:
    """The edge that counts for each ordered pair among ``edges``, given as
    ``(u, v, value, label)``: the highest value, at equal values the smallest label.
    Pairs keep the order in which they first appear.

    >>> strongest([("a", "b", 2.0, "x"), ("a", "b", 5.0, "y"), ("b", "a", 1.0, "y"), ("b", "a", 1.0, "x")])
    {('a', 'b'): (5.0, 'y'), ('b', 'a'): (1.0, 'x')}
    """
    out: dict[tuple[Hashable, Hashable], tuple[float, Any]] = {}
    for u, v, value, label in edges:
        pair = (u, v)
        old = out.get(pair)
        if old is None or value > old[0] or (value == old[0] and label < old[1]):
            out[pair] = (value, label)
    return out
