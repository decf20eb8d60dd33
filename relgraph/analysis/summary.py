"""Counts of everything in a portfolio, per account."""

from __future__ import annotations

from typing import Any

from ..graph import CONTACT, KNOWS, STAFF


def account_counts(G) -> dict[str, Any]:
    """Counts for the one account of an account graph: contacts, the staff who know
    one of its contacts or are on its team, relationship rows to its contacts,
    units, links and touchpoints."""
    acc = next(d for _, d in G.nodes(data=True) if d["kind"] == "Account")
    kinds: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    types: dict[str, int] = {}
    for _, _, t in G.edges(data="type"):
        types[t] = types.get(t, 0) + 1
    return {
        "id": acc["id"],
        "name": acc["name"],
        "grade": acc["grade"],
        "contacts": kinds.get(CONTACT, 0),
        "staff": kinds.get(STAFF, 0),
        "relationships": types.get(KNOWS, 0),
        "units": kinds.get("Unit", 0),
        "links": types.get("REPORTS_TO", 0) + types.get("INFLUENCES", 0),
        "touchpoints": len(G.graph.get("touchpoints", [])),
    }


def summarize(store) -> dict[str, Any]:
    """The ``summary`` command's result: per-account counts and portfolio totals.

    Totals count each row once (a staff member working on two accounts is one staff
    member; a touchpoint listing contacts of two accounts is one touchpoint).
    """
    accounts = [account_counts(G) for G in store.account_graphs()]
    ds = store.dataset()
    totals = {name: len(rows) for name, rows in ds.tables.items()}
    return {"accounts": accounts, "totals": totals}
