"""Counts of everything in a portfolio, per account."""

from __future__ import annotations

from typing import Any

from ..tables import TypedTables


def account_counts(typed: TypedTables) -> dict[str, Any]:
    """Counts for the one account of an account's share of the tables: contacts, the
    staff who know one of its contacts or are on its team, relationship rows to its
    contacts, units, links between its contacts and touchpoints listing one of them."""
    t = typed.tables
    (acc,) = typed.rows("accounts")
    return {
        "id": acc["id"],
        "name": acc["name"],
        "grade": acc["grade"],
        **{name: t[name].num_rows for name in ("contacts", "staff", "relationships", "units", "links", "touchpoints")},
    }


def summarize(store) -> dict[str, Any]:
    """The ``summary`` command's result: per-account counts and portfolio totals.

    Totals count each row once (a staff member working on two accounts is one staff
    member; a touchpoint listing contacts of two accounts is one touchpoint).
    """
    accounts = [account_counts(store.tables([a])) for a in store.account_ids()]
    totals = {name: table.num_rows for name, table in store.tables().tables.items()}
    return {"accounts": accounts, "totals": totals}
