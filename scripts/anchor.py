#!/usr/bin/env python3
"""The benchmark's anchor: what a user would write instead of relgraph.

A plain script: read the CSV files with the csv module into one networkx DiGraph
(accounts, units, contacts and staff as nodes; relationships, links and the
contact -> account edges as edges), then loop over it in Python to compute the
coverage cell statuses of every account at a date, decay included (SPEC section 2:
effective strength = strength x 0.5 ^ (days since the last contact / 180), the last
contact being the later of last_contact and the newest touchpoint listing both
people; a contact is covered by active staff with effective strength >= 3).

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


def rows(folder: str, name: str):
    try:
        f = open(f"{folder}/{name}.csv", newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        return
    with f:
        yield from csv.DictReader(f)


def date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--as-of", default="2026-11-01")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    half_life, strong = 180.0, 3.0

    G = nx.DiGraph()
    for a in rows(args.data, "accounts"):
        G.add_node(("account", a["id"]), kind="account", **a)
    for u in rows(args.data, "units"):
        G.add_node(("unit", u["id"]), kind="unit", **u)
    for c in rows(args.data, "contacts"):
        G.add_node(("contact", c["id"]), kind="contact", **c)
        G.add_edge(("contact", c["id"]), ("account", c["account"]), type="at")
    for s in rows(args.data, "staff"):
        G.add_node(("staff", s["id"]), kind="staff", **s)
    last_touch: dict[tuple[str, str], dt.date] = {}
    for t in rows(args.data, "touchpoints"):
        d = date(t["date"])
        if d > as_of:
            continue
        for s in t["staff"].split(";"):
            for c in t["contacts"].split(";"):
                if d > last_touch.get((s, c), dt.date.min):
                    last_touch[(s, c)] = d
    for r in rows(args.data, "relationships"):
        since, until = date(r.get("since", "")), date(r.get("until", ""))
        if (since and since > as_of) or (until and until <= as_of):
            continue
        last = date(r.get("last_contact", ""))
        tp = last_touch.get((r["staff"], r["contact"]))
        if tp and (last is None or tp > last):
            last = tp
        eff = float(r["strength"])
        if last and last <= as_of:
            eff *= 0.5 ** ((as_of - last).days / half_life)
        u, v = ("staff", r["staff"]), ("contact", r["contact"])
        if not G.has_edge(u, v) or G.edges[u, v]["eff"] < eff:
            G.add_edge(u, v, type="knows", eff=eff, **r)
    for link in rows(args.data, "links"):
        G.add_edge(("contact", link["source"]), ("contact", link["target"]), type=link["kind"], **link)

    unit_levels: dict[str, dict[str, str]] = {}
    for n, ud in G.nodes(data=True):
        if ud["kind"] == "unit":
            unit_levels.setdefault(ud["account"], {})[ud["id"]] = ud["level"].lower()
    for acc, d in sorted((n, d) for n, d in G.nodes(data=True) if d["kind"] == "account"):
        unit_level = unit_levels.get(d["id"], {})
        contacts = [n for n in G.predecessors(acc) if G.nodes[n]["kind"] == "contact"]
        levels = set(unit_level.values())
        cells: dict[tuple[str, str], list[tuple[float | None, int]]] = {}
        for c in contacts:
            cd = G.nodes[c]
            level = unit_level.get(cd.get("unit") or "") or (cd.get("level") or "hq").lower()
            levels.add(level)
            best, threads = None, 0
            for s in G.predecessors(c):
                sd = G.nodes[s]
                if sd["kind"] != "staff":
                    continue
                eff = G.edges[s, c]["eff"] if sd.get("active", "true").lower() != "false" else 0.0
                best = eff if best is None or eff > best else best
                threads += eff >= strong
            cells.setdefault((level, cd.get("role") or "other"), []).append((best, threads))
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
        print(f"{d['id']}\t{covered}/{total}")


if __name__ == "__main__":
    main()
