#!/usr/bin/env python3
"""The benchmark's anchor: what a user would write instead of relgraph.

A plain script: read the CSV files with the csv module into one networkx DiGraph
(accounts, units, contacts and staff as nodes; relationships, links and the
contact -> account edges as edges), then loop over it in Python to compute the
coverage cell statuses of every account at a date, decay included (SPEC v2 section 2:
effective strength = strength x 0.5 ^ (max(0, days since the last contact - 90) / 180),
90 days of grace, the last contact being the later of last_contact and the newest
touchpoint listing both people; a contact is covered by active staff with effective
strength >= 3).

It prints one line per account (covered cells / cells) and is timed by
scripts/bench as the reference the relgraph commands are compared with.

    python3 scripts/anchor.py DATA [--as-of 2026-11-01]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt

import networkx as nx

LEVELS = ["hq", "province", "city", "county"]
ROLES = ["decision_maker", "technical", "business", "finance", "user", "procurement"]


def table(folder: str, name: str):
    """(column index, rows) of one CSV file; no rows when it is absent."""
    try:
        f = open(f"{folder}/{name}.csv", newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        return {}, iter(())
    reader = csv.reader(f)
    header = next(reader)
    return {h.strip(): i for i, h in enumerate(header)}, reader


def date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--as-of", default="2026-11-01")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    grace, half_life, strong = 90, 180.0, 3.0

    G = nx.DiGraph()
    ix, rows = table(args.data, "accounts")
    for r in rows:
        G.add_node(("account", r[ix["id"]]), kind="account", name=r[ix["name"]])
    unit_levels: dict[str, dict[str, str]] = {}
    ix, rows = table(args.data, "units")
    for r in rows:
        G.add_node(("unit", r[ix["id"]]), kind="unit", account=r[ix["account"]], level=r[ix["level"]].lower())
        unit_levels.setdefault(r[ix["account"]], {})[r[ix["id"]]] = r[ix["level"]].lower()
    ix, rows = table(args.data, "contacts")
    for r in rows:
        c = ("contact", r[ix["id"]])
        G.add_node(c, kind="contact", unit=r[ix["unit"]], level=r[ix["level"]], role=r[ix["role"]] or "other")
        G.add_edge(c, ("account", r[ix["account"]]), type="at")
    ix, rows = table(args.data, "staff")
    for r in rows:
        G.add_node(("staff", r[ix["id"]]), kind="staff", active=r[ix["active"]].lower() != "false")
    last_touch: dict[tuple[str, str], dt.date] = {}
    ix, rows = table(args.data, "touchpoints")
    for r in rows:
        d = date(r[ix["date"]])
        if d > as_of:
            continue
        for s in r[ix["staff"]].split(";"):
            for c in r[ix["contacts"]].split(";"):
                if d > last_touch.get((s, c), dt.date.min):
                    last_touch[(s, c)] = d
    ix, rows = table(args.data, "relationships")
    for r in rows:
        since, until = date(r[ix["since"]]), date(r[ix["until"]])
        if (since and since > as_of) or (until and until <= as_of):
            continue
        last = date(r[ix["last_contact"]])
        tp = last_touch.get((r[ix["staff"]], r[ix["contact"]]))
        if tp and (last is None or tp > last):
            last = tp
        eff = float(r[ix["strength"]])
        if last and last <= as_of:
            eff *= 0.5 ** (max(0, (as_of - last).days - grace) / half_life)
        u, v = ("staff", r[ix["staff"]]), ("contact", r[ix["contact"]])
        if not G.has_edge(u, v) or G.edges[u, v]["eff"] < eff:
            G.add_edge(u, v, type="knows", eff=eff)
    ix, rows = table(args.data, "links")
    for r in rows:
        G.add_edge(("contact", r[ix["source"]]), ("contact", r[ix["target"]]), type=r[ix["kind"]], weight=r[ix["weight"]])

    for acc, d in sorted((n, d) for n, d in G.nodes(data=True) if d["kind"] == "account"):
        unit_level = unit_levels.get(acc[1], {})
        contacts = [n for n in G.predecessors(acc) if G.nodes[n]["kind"] == "contact"]
        levels = set(unit_level.values())
        cells: dict[tuple[str, str], list[tuple[float | None, int]]] = {}
        for c in contacts:
            cd = G.nodes[c]
            level = unit_level.get(cd["unit"]) or (cd["level"] or "hq").lower()
            levels.add(level)
            best, threads = None, 0
            for s in G.predecessors(c):
                sd = G.nodes[s]
                if sd["kind"] != "staff":
                    continue
                eff = G.edges[s, c]["eff"] if sd["active"] else 0.0
                best = eff if best is None or eff > best else best
                threads += eff >= strong
            cells.setdefault((level, cd["role"]), []).append((best, threads))
        covered = total = 0
        for level in sorted(levels, key=lambda x: (LEVELS.index(x) if x in LEVELS else 4, x)):
            for role in ROLES:
                members = cells.get((level, role), [])
                total += 1
                if any(t for _, t in members):
                    status = "covered"
                elif any(b for b, _ in members):
                    status = "weak"
                elif members:
                    status = "uncovered"
                else:
                    status = "unknown"
                covered += status == "covered"
        print(f"{acc[1]}\t{covered}/{total}")


if __name__ == "__main__":
    main()
