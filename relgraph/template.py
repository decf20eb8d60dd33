"""The template: an empty data set to fill in, and what every column means.

A *template* is a data set whose every table holds one example row (two contacts and
two relationships, so that a link has two ends): a CSV folder or an Excel workbook
with every table's header, ready for a data owner to overwrite the examples with
real rows. The example rows refer to each other and pass ``relgraph validate``
without a warning. The workbook also explains each column on its ``README`` sheet
and offers drop-down lists (:func:`relgraph.readwrite.xlsx.write_xlsx`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import UsageError
from .model import BOOL, DATE, ENUM, INT, LEVEL, LEVELS, NUMBER, REF, REFS, TABLES, Column, Dataset

__all__ = ["init", "template_dataset", "column_note", "readme_rows", "NOTES"]

NOTES: dict[tuple[str, str], str] = {
    ("accounts", "id"): "Your short code for the customer account, unique (e.g. A1).",
    ("accounts", "name"): "The customer's name.",
    ("accounts", "grade"): "How important the account is: S (strategic), A, B or C (default C).",
    ("accounts", "industry"): "Free text, e.g. telecom.",
    ("accounts", "region"): "Free text, e.g. East.",
    ("units", "id"): "A code for one part of the customer's organisation, unique (e.g. U1).",
    ("units", "account"): "The id of the account this unit belongs to (accounts sheet).",
    ("units", "name"): "The unit's name, e.g. Network Department.",
    ("units", "level"): "Where it sits: hq, province, city or county (other text is allowed).",
    ("units", "parent"): "The id of the unit above it, of the same account; empty at the top.",
    ("units", "function"): "Free text, e.g. network, procurement.",
    ("contacts", "id"): "A code for the customer's person, unique (e.g. C1).",
    ("contacts", "name"): "The person's name.",
    ("contacts", "account"): "The id of their account (accounts sheet).",
    ("contacts", "unit"): "The id of their unit (units sheet), when known.",
    ("contacts", "level"): "hq, province, city or county; only needed without a unit (default hq).",
    ("contacts", "title"): "Their job title.",
    ("contacts", "role"): "Their part in buying: decision_maker, technical, business, finance, user, "
    "procurement or other.",
    ("contacts", "seniority"): "1 engineer/staff, 2 manager, 3 department head, 4 executive/VP, "
    "5 chief executive (default 2).",
    ("contacts", "influence"): "1-5: how much weight they carry in a buying decision (default 3).",
    ("contacts", "attitude"): "Towards us: supporter, neutral, opponent or unknown.",
    ("contacts", "coach"): "TRUE when the person guides us inside the customer.",
    ("contacts", "email"): "Their e-mail address (matches calendar invitations).",
    ("contacts", "phone"): "Their phone number.",
    ("contacts", "notes"): "Anything worth keeping.",
    ("staff", "id"): "A code for one of our people, unique (e.g. S1).",
    ("staff", "name"): "Their name.",
    ("staff", "title"): "Their job title.",
    ("staff", "role"): "account_manager, solution, delivery (the iron triangle), executive, service or other.",
    ("staff", "seniority"): "1-5 as for contacts: rank is met with rank.",
    ("staff", "office"): "Where they work, free text.",
    ("staff", "in_role_since"): "The date they took this role (rotation is due some years later).",
    ("staff", "active"): "FALSE once they have left.",
    ("staff", "email"): "Their e-mail address (matches calendar invitations).",
    ("staff", "rotates"): "TRUE when they rotate to other accounts every few years "
    "(default TRUE for account_manager, solution, delivery, service).",
    ("relationships", "staff"): "The id of our staff member (staff sheet).",
    ("relationships", "contact"): "The id of the customer's person (contacts sheet).",
    ("relationships", "strength"): "1 met, 2 acquainted, 3 working relationship, 4 trusted, "
    "5 strategic/personal trust.",
    ("relationships", "last_contact"): "The date they last met or spoke (strength fades after it).",
    ("relationships", "since"): "The date it began, when it matters; empty: always.",
    ("relationships", "until"): "The date it ended (not included); empty: still in force.",
    ("relationships", "notes"): "Anything worth keeping.",
    ("links", "source"): "The id of one contact.",
    ("links", "target"): "The id of the other contact.",
    ("links", "kind"): "reports_to (source reports to target) or influences (source sways target).",
    ("links", "weight"): "1-5: how strong the link is (default 3).",
    ("links", "since"): "The date it began, when it matters.",
    ("links", "until"): "The date it ended (not included).",
    ("touchpoints", "date"): "The date of the contact.",
    ("touchpoints", "method"): "visit (to our company), model_site, meeting (on site), tech_exchange, "
    "research or other.",
    ("touchpoints", "staff"): "The ids of our staff who took part, separated by ; (e.g. S1;S2).",
    ("touchpoints", "contacts"): "The ids of the customer's people who took part, separated by ;.",
    ("touchpoints", "notes"): "What it was about.",
    ("team", "account"): "The id of an account (accounts sheet).",
    ("team", "staff"): "The id of a staff member working on it (staff sheet).",
    ("team", "role"): "Their role on this account, e.g. account_manager, solution, delivery.",
}
"""One line per column: what it means and what to put in it."""

_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "accounts": [{"id": "A1", "name": "Example Telecom", "grade": "A", "industry": "telecom", "region": "East"}],
    "units": [{"id": "U1", "account": "A1", "name": "Headquarters", "level": "hq", "function": "management"}],
    "contacts": [
        {
            "id": "C1",
            "name": "Jane Example",
            "account": "A1",
            "unit": "U1",
            "title": "Chief Technology Officer",
            "role": "decision_maker",
            "seniority": 4,
            "influence": 5,
            "attitude": "supporter",
            "coach": False,
            "email": "jane@example.com",
            "notes": "Replace these example rows with your own",
        },
        {
            "id": "C2",
            "name": "Li Example",
            "account": "A1",
            "unit": "U1",
            "title": "Network Manager",
            "role": "technical",
            "seniority": 2,
            "influence": 3,
            "attitude": "neutral",
            "coach": True,
            "email": "li@example.com",
        },
    ],
    "staff": [
        {
            "id": "S1",
            "name": "Sam Seller",
            "title": "Account Manager",
            "role": "account_manager",
            "seniority": 4,
            "office": "Shanghai",
            "in_role_since": "2025-01-01",
            "active": True,
            "email": "sam@ourcompany.example",
            "rotates": True,
        }
    ],
    "relationships": [
        {"staff": "S1", "contact": "C1", "strength": 3, "last_contact": "2026-10-15", "since": "2025-02-01"},
        {"staff": "S1", "contact": "C2", "strength": 4, "last_contact": "2026-11-02"},
    ],
    "links": [{"source": "C2", "target": "C1", "kind": "reports_to", "weight": 3}],
    "touchpoints": [
        {"date": "2026-10-15", "method": "meeting", "staff": "S1", "contacts": "C1;C2", "notes": "Network roadmap"}
    ],
    "team": [{"account": "A1", "staff": "S1", "role": "account_manager"}],
}


def template_dataset() -> Dataset:
    """The template's data set: every table with its example row(s), typed and
    validated like any input (only the columns this version of the model has)."""
    from .readwrite.jsonfile import read_obj

    doc = {
        name: [{k: v for k, v in row.items() if k in TABLES[name].by_name} for row in _EXAMPLES[name]]
        for name in TABLES
    }
    return read_obj(doc, "<template>")


def column_note(table: str, column: str) -> str:
    """What a column means, in one line (for a column without a note: its kind)."""
    note = NOTES.get((table, column))
    if note is not None:
        return note
    col = TABLES[table].by_name.get(column)
    return "An extra column, kept as text." if col is None else f"{_kind(col).capitalize()}."


def _kind(col: Column) -> str:
    """What a cell of the column may hold, in words."""
    if col.type == ENUM:
        return "one of " + ", ".join(col.choices)
    if col.type == LEVEL:
        return ", ".join(LEVELS) + " or other text"
    if col.type == BOOL:
        return "TRUE or FALSE"
    if col.type == DATE:
        return "a date (YYYY-MM-DD)"
    if col.type in (INT, NUMBER) and col.range is not None:
        whole = "a whole number" if col.type == INT else "a number"
        return f"{whole} from {col.range[0]:g} to {col.range[1]:g}"
    if col.type == REF:
        return f"an id from the {col.ref} sheet"
    if col.type == REFS:
        return f"ids from the {col.ref} sheet, separated by ;"
    if col.type == "id":
        return "a unique id"
    return "text"


def readme_rows() -> tuple[list[str], tuple[str, ...], list[tuple[str, str, str, str, str]]]:
    """The README sheet: lines of introduction, the header of the column table, and
    one row per column (sheet, column, required, values, meaning)."""
    intro = [
        "relgraph data set: one sheet per table; the first row of each sheet is its header.",
        "Replace the example rows with your own (ids are codes you choose; other sheets refer to them).",
        "Sheets units, links, touchpoints and team may be left empty. Extra columns are kept as they are.",
        "Columns with a fixed set of values offer a drop-down list. Dates: YYYY-MM-DD or an Excel date.",
        "Then check it: relgraph validate FILE.xlsx  (every problem is shown as FILE:SHEET!ROW: message)",
    ]
    header = ("sheet", "column", "required", "values", "what it means")
    rows = []
    for name, table in TABLES.items():
        for c in table.columns:
            default = "" if c.default is None or c.required else f" (default {_shown(c.default)})"
            rows.append((name, c.name, "yes" if c.required else "", _kind(c) + default, column_note(name, c.name)))
    return intro, header, rows


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def init(path: str | os.PathLike, *, xlsx: bool | None = None, force: bool = False) -> str:
    """Write the template to ``path``: a workbook when ``xlsx`` is true (by default:
    when ``path`` ends in ``.xlsx``), one JSON file when ``path`` ends in ``.json``,
    else a CSV folder. Returns the format written: ``"xlsx"``, ``"json"`` or ``"csv"``.

    Raises
    ------
    UsageError
        When ``path`` is a non-empty folder or an existing file, unless ``force``.

    Example
    -------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> init(d / "book.xlsx")
    'xlsx'
    """
    from .readwrite import write

    suffix = Path(path).suffix.lower()
    if xlsx is None:
        xlsx = suffix == ".xlsx"
    fmt = "xlsx" if xlsx else "json" if suffix == ".json" else "csv"
    if fmt != "csv" and Path(path).is_file() and not force:
        raise UsageError(f"{path} exists; use --force to replace it")
    write(template_dataset(), path, fmt, force=force)
    return fmt
