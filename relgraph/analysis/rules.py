"""The rules of the model that more than one figure applies, each written once.

- *In force*: a row with ``since`` / ``until`` (a relationship, a link) exists from
  ``since`` inclusive to ``until`` exclusive; a missing ``since`` means always, a
  missing ``until`` for good (:func:`in_force_days`, :func:`exists_at`).
- *Key contact*: role ``decision_maker`` or influence of 4 or more
  (:func:`key_contacts`).
- *Decay*: a relationship keeps its full strength for a grace period after the last
  contact, then halves every half-life (:func:`decay`); *strong* is an effective
  strength of at least the threshold (:func:`is_strong_at`, the rule that says whether
  a pair is a thread on a given day).
- *Who rotates*: staff whose ``rotates`` is true, or, where it is not given, whose
  role is on the front line (:func:`rotates`).
- *The stronger edge counts*: where several edges join the same ordered pair, the
  one of highest value counts, at equal values the one of smallest label
  (:func:`strongest`). The access graph, the PageRank edges of the influencers and
  the map's link lines all keep their edges by it.

Every function works on plain values and on numpy arrays alike, so that the
portfolio figures (column-wise) and a single check (one row) cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "is_due",
    "staff_rotation_due",
    "GRACE",
    "HALF_LIFE",
    "KEY_INFLUENCE",
    "KEY_ROLE",
    "NO_DATE",
    "ROTATING_ROLES",
    "date_of",
    "day",
    "decay",
    "exists_at",
    "in_force_days",
    "is_strong_at",
    "key_contacts",
    "horizon_end",
    "rotates",
    "rotation_due",
    "strongest",
]

NO_DATE = np.iinfo(np.int32).min
"""The day number of a date that is not given (below every real date)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()

KEY_ROLE = "decision_maker"
KEY_INFLUENCE = 4

GRACE = 90.0
"""Days after the last contact during which a relationship keeps its full strength."""
HALF_LIFE = 180.0
"""Days after the grace period in which an untended relationship loses half its strength."""

ROTATING_ROLES = frozenset({"account_manager", "solution", "delivery", "service"})
"""The front-line staff roles whose holders rotate unless ``rotates`` says otherwise."""


def decay(days: float, *, half_life: float = HALF_LIFE, grace: float = GRACE) -> float:
    """The share of its strength a relationship keeps ``days`` after the last contact:
    ``0.5 ** (max(0, days - grace) / half_life)``, the one formula of decay.

    A relationship tended within the grace period keeps its full strength; after it,
    the strength halves every half-life.

    >>> decay(90), decay(270), decay(100, grace=0, half_life=100)
    (1.0, 0.5, 0.5)
    """
    return 0.5 ** (max(0.0, days - grace) / half_life)


def is_strong_at(
    strength: float,
    last_contact: dt.date | None,
    when: dt.date,
    *,
    half_life: float = HALF_LIFE,
    grace: float = GRACE,
    strong: float = 3.0,
) -> bool:
    """Whether a relationship of ``strength`` last tended on ``last_contact`` (None:
    never ages) is strong on day ``when``, exactly as ``--as-of when`` counts it:
    effective strength ``strength * decay(days since last contact)`` of at least
    ``strong`` (no decay with no last contact, or one after ``when``).

    An active staff member's strong relationship in force is a *thread* on that day.

    >>> d = dt.date(2026, 1, 1)
    >>> [is_strong_at(3, d, d + dt.timedelta(days=n)) for n in (89, 90, 91)]
    [True, True, False]
    """
    if last_contact is None or last_contact > when:
        return strength >= strong
    return strength * decay((when - last_contact).days, half_life=half_life, grace=grace) >= strong


def rotates(role: Any, given: Any = None) -> Any:
    """Whether a staff member rotates: ``given`` (their ``rotates`` cell) when it is
    not None, else whether ``role`` is a front-line role (:data:`ROTATING_ROLES`:
    account manager, solution, delivery, service). Works on one value or on lists.

    >>> rotates("account_manager"), rotates("executive"), rotates("executive", True)
    (True, False, True)
    >>> rotates(["service", "other"], [None, True]).tolist()
    [True, True]
    """
    if isinstance(role, str) or role is None:
        return bool(given) if given is not None else role in ROTATING_ROLES
    return np.array([rotates(r, g) for r, g in zip(role, given)], dtype=bool)


def day(d: dt.date | None) -> int:
    """Days since 1970-01-01 (:data:`NO_DATE` for None).

    >>> day(dt.date(1970, 1, 2)), day(None) == NO_DATE
    (1, True)
    """
    return NO_DATE if d is None else d.toordinal() - _EPOCH


def date_of(days: int) -> dt.date | None:
    """The date of a day number (:func:`day`'s inverse; None for :data:`NO_DATE`).

    >>> date_of(1), date_of(NO_DATE)
    (datetime.date(1970, 1, 2), None)
    """
    return None if days == NO_DATE else dt.date.fromordinal(days + _EPOCH)


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


def rotation_due(in_role_since: dt.date | None, years: int = 3, *, rotates: bool = True) -> dt.date | None:
    """When a staff member's rotation is due: ``in_role_since`` plus ``years``
    (29 February becomes 28 February) for staff who rotate (:func:`rotates`); None
    for staff who do not, without a date, or when the sum falls past 9999-12-31
    (``9999-12-31`` is a common "unknown" sentinel, and no calendar date lies beyond it).

    >>> rotation_due(dt.date(2020, 2, 29), 3)
    datetime.date(2023, 2, 28)
    >>> rotation_due(dt.date(9999, 12, 31), 3) is None, rotation_due(dt.date(2020, 1, 1), rotates=False) is None
    (True, True)
    """
    if in_role_since is None or not rotates:
        return None
    y = in_role_since.year + years
    if y > dt.MAXYEAR:
        return None
    try:
        return in_role_since.replace(year=y)
    except ValueError:
        return in_role_since.replace(year=y, day=28)


def staff_rotation_due(row: Mapping[str, Any], years: int = 3) -> dt.date | None:
    """:func:`rotation_due` of a staff row: its ``in_role_since``, and whether it
    rotates by its ``rotates`` cell or else its ``role`` (:func:`rotates`).

    >>> staff_rotation_due({"in_role_since": dt.date(2024, 1, 15), "role": "account_manager"})
    datetime.date(2027, 1, 15)
    """
    return rotation_due(row.get("in_role_since"), years, rotates=rotates(row.get("role"), row.get("rotates")))


def is_due(due: dt.date | None, limit: dt.date) -> bool:
    """Whether a rotation due on ``due`` (None: never) falls on or before ``limit``,
    the horizon's last day (:func:`horizon_end`): the *due soon* test of an active
    staff member."""
    return due is not None and due <= limit


def horizon_end(as_of: dt.date, horizon: int) -> dt.date:
    """The last day of the horizon, ``as_of + horizon`` days, stopped at the calendar's
    last day (nothing is due beyond it). A staff member is *due soon* when active and
    their rotation is due on or before it.

    >>> horizon_end(dt.date(2026, 1, 1), 30), horizon_end(dt.date(9999, 12, 1), 180)
    (datetime.date(2026, 1, 31), datetime.date(9999, 12, 31))
    """
    return as_of + dt.timedelta(days=min(horizon, (dt.date.max - as_of).days))


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
