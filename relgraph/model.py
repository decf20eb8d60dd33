"""The data model: the tables of a data set, their columns, types and enums.

A *data set* is eight tables (SPEC section 1). Each table is described once here, as
a :class:`Table` of :class:`Column` objects; reading, validation, writing and the
Neo4j property mapping are all driven by these descriptions, so a column is defined
in exactly one place.

Typed rows are plain dicts keyed by column name. Values are ``str``, ``int``,
``float``, ``bool``, :class:`datetime.date`, a ``list`` of ids (touchpoint
``staff`` / ``contacts``) or ``None`` for "not given" (after defaults are applied,
only optional columns without a default are ``None``). Extra columns found in the
input are kept as ``str`` under their own names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- enums -------------------------------------------------------------------------

GRADES = ("S", "A", "B", "C")
GRADE_WEIGHT = {"S": 4, "A": 3, "B": 2, "C": 1}

LEVELS = ("hq", "province", "city", "county")
"""The known organisational levels, top first. Other text is allowed and sorts after."""

CONTACT_ROLES = (
    "decision_maker",
    "technical",
    "business",
    "finance",
    "user",
    "procurement",
    "other",
)
COVERAGE_ROLES = CONTACT_ROLES[:-1]
"""The roles that make coverage cells (every contact role except ``other``)."""

ATTITUDES = ("supporter", "neutral", "opponent", "unknown")

STAFF_ROLES = ("account_manager", "solution", "delivery", "executive", "service", "other")
TRIANGLE = ("account_manager", "solution", "delivery")
"""The account "iron triangle", in the order the ``triangle`` figure lists it."""

LINK_KINDS = ("reports_to", "influences")
TOUCHPOINT_METHODS = ("visit", "model_site", "meeting", "tech_exchange", "research", "other")

STRENGTH_NAMES = {1: "met", 2: "acquainted", 3: "working relationship", 4: "trusted", 5: "strategic"}


def level_sort_key(level: str) -> tuple[int, str]:
    """Sort key putting ``hq, province, city, county`` first (in that order), then
    any other level text alphabetically."""
    try:
        return (LEVELS.index(level), "")
    except ValueError:
        return (len(LEVELS), level)


# --- table descriptions ------------------------------------------------------------

# Column types understood by the reader/validator.
TEXT = "text"  # free text
ID = "id"  # the row's own id (unique in its table)
REF = "ref"  # an id of another table (``Column.ref``)
REFS = "refs"  # a ';'-separated list of ids of another table
ENUM = "enum"  # one of ``Column.choices`` (matched case-insensitively)
INT = "int"  # whole number within ``Column.range``
NUMBER = "number"  # number within ``Column.range``
BOOL = "bool"  # true/false (also yes/no, 1/0)
DATE = "date"  # ISO YYYY-MM-DD
LEVEL = "level"  # free text; the four known levels are normalised to lower case


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, type and rules."""

    name: str
    type: str = TEXT
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    range: tuple[float, float] | None = None
    ref: str | None = None  # table name a REF/REFS column points at
    prop: str | None = None  # Neo4j property name when it differs from the camelCase rule


@dataclass(frozen=True)
class Table:
    """One table of a data set: its file name and columns (required ones first)."""

    name: str
    columns: tuple[Column, ...]
    optional: bool = False  # the file may be absent
    key: str | None = "id"  # the id column, or None for tables without ids
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, type: str = TEXT, **kw: Any) -> Column:
    return Column(name, type, **kw)


SCORE = (1, 5)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "accounts",
            (
                _c("id", ID, required=True),
                _c("name", required=True),
                _c("grade", ENUM, choices=GRADES, default="C"),
                _c("industry"),
                _c("region"),
            ),
        ),
        Table(
            "units",
            (
                _c("id", ID, required=True),
                _c("account", REF, required=True, ref="accounts"),
                _c("name", required=True),
                _c("level", LEVEL, required=True),
                _c("parent", REF, ref="units"),
                _c("function"),
            ),
            optional=True,
        ),
        Table(
            "contacts",
            (
                _c("id", ID, required=True),
                _c("name", required=True),
                _c("account", REF, required=True, ref="accounts"),
                _c("unit", REF, ref="units"),
                _c("level", LEVEL),
                _c("title"),
                _c("role", ENUM, choices=CONTACT_ROLES, default="other"),
                _c("seniority", INT, range=SCORE, default=2),
                _c("influence", INT, range=SCORE, default=3),
                _c("attitude", ENUM, choices=ATTITUDES, default="unknown"),
                _c("coach", BOOL, default=False),
                _c("email"),
                _c("phone"),
                _c("notes"),
            ),
        ),
        Table(
            "staff",
            (
                _c("id", ID, required=True),
                _c("name", required=True),
                _c("title"),
                _c("role", ENUM, choices=STAFF_ROLES, default="other"),
                _c("seniority", INT, range=SCORE, default=2),
                _c("office"),
                _c("in_role_since", DATE),
                _c("active", BOOL, default=True),
                _c("email"),
                # No fixed default: an empty cell means "by role" (rules.rotates).
                _c("rotates", BOOL),
            ),
        ),
        Table(
            "relationships",
            (
                _c("staff", REF, required=True, ref="staff"),
                _c("contact", REF, required=True, ref="contacts"),
                _c("strength", NUMBER, required=True, range=SCORE),
                _c("last_contact", DATE),
                _c("since", DATE),
                _c("until", DATE),
                _c("notes"),
            ),
            key=None,
        ),
        Table(
            "links",
            (
                _c("source", REF, required=True, ref="contacts"),
                _c("target", REF, required=True, ref="contacts"),
                _c("kind", ENUM, required=True, choices=LINK_KINDS),
                _c("weight", NUMBER, range=SCORE, default=3),
                _c("since", DATE),
                _c("until", DATE),
            ),
            optional=True,
            key=None,
        ),
        Table(
            "touchpoints",
            (
                _c("date", DATE, required=True),
                _c("method", ENUM, required=True, choices=TOUCHPOINT_METHODS),
                _c("staff", REFS, required=True, ref="staff"),
                _c("contacts", REFS, required=True, ref="contacts"),
                _c("notes"),
            ),
            optional=True,
            key=None,
        ),
        Table(
            "team",
            (
                _c("account", REF, required=True, ref="accounts"),
                _c("staff", REF, required=True, ref="staff"),
                _c("role"),
            ),
            optional=True,
            key=None,
        ),
    )
}
"""Every table of a data set, in load order (a table only refers to earlier ones,
except ``units.parent`` which refers to its own table)."""


def camel(name: str) -> str:
    """``in_role_since`` -> ``inRoleSince``: the Neo4j property name of a column."""
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


@dataclass
class Dataset:
    """A validated data set: typed rows per table, in input order.

    ``tables[name]`` is a list of row dicts (see the module docstring). ``extras[name]``
    lists the extra column names of that table, in input order, so that writing the
    data set back reproduces them.
    """

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)
    warnings: list = field(default_factory=list, compare=False)
    """The validation warnings (:class:`relgraph.errors.Problem`) of the input."""
    seqs: dict[str, list[int]] = field(default_factory=dict, compare=False)
    """For a part of a larger data set: each row's position in the whole table."""

    def __post_init__(self) -> None:
        for name in TABLES:
            self.tables.setdefault(name, [])
            self.extras.setdefault(name, [])

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table]
