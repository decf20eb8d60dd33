#!/usr/bin/env python3
"""An independent oracle of SPEC version 2's figures, written from the SPEC alone.

An *oracle* is a second, deliberately plain implementation of a specification that
another implementation is held to: here the csv module and dicts (no numpy, no
networkx, no relgraph import) compute, straight from a CSV folder, every figure of
SPEC section 2 that the analysis commands print — effective strength with grace,
threads, key contacts, the account figures and coverage cells, gaps with priority and
suggested staff, the ``threads`` rows (redundancy, rank gap, backup), rotation risk,
``whatif`` (heir), ``diff``, key influencers (PageRank) and the relationship plan
(section 6). Each function returns the JSON shape of the relgraph command of the same
name, so that tests/test_oracle.py can compare them key by key.

Where the SPEC is silent or ambiguous the oracle takes these readings (relgraph
agrees with each, as tests/test_oracle.py shows, unless said otherwise):

- Levels: the four known ones in any case; any other text is kept as written, so
  ``Regional`` and ``regional`` are two levels (scripts/anchor.py lower-cases both).
- A team role is free text; it names a triangle role in any case and with spaces
  around it (``Account_Manager``). relgraph matched it case-sensitively until #12.
- Booleans: true/false, yes/no, 1/0, in any case.
- A cell's ``best_strength`` counts a relationship in force of inactive staff as 0.0
  (not null); "a relationship of any strength" (``unit_coverage``) is one above 0.
- The access graph is one account's: links between contacts of two accounts and
  self-links are not used. An influence link and a reporting line of the same
  probability between the same pair make an ``influences`` step.
- Scores and priorities equal to 12 decimal places are equal; ties go to the lowest
  id, paths to fewer steps, then the node id sequence; ids compare by code point.
- Redundancy counts staff as nodes of capacity 1; opponents end routes (they are not
  passed through) and may be the target.
- ``whatif``'s ``lost`` lists every contact (key or not) threaded before and not
  after, by id; the heir leaves out the leavers (the contact has no thread left).
- Orders: gaps by priority, account, level (top first), role (SPEC order); threads
  by account, threads, redundancy, influence (highest first), id; risk by risk, id.
- ``gaps``: an ``unknown`` cell's targets are the account's contacts at its level, of
  any role; a null best strength counts 0 in the priority.
- ``activity``: from as-of - 364 days to as-of, every method listed, plus ``total``.
- PageRank runs over every contact of the account (networkx semantics).
- Plan: cells sort after contacts, by level and role, then account; a refresh is
  found with no touchpoint after as-of counted and the rows' periods honoured, its
  first weak day at most as-of + horizon; "as-of + 90 days" is capped there too.
- ``rotation_due``: 29 February plus N years is 28 February; none past 9999-12-31.

    python3 scripts/oracle.py DATA coverage --as-of 2026-11-01
    python3 scripts/oracle.py DATA whatif --without s1 --without s2
    python3 scripts/oracle.py DATA plan --horizon 120

It prints the command's JSON. It validates nothing: give it data that
``relgraph validate`` accepts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import heapq
import json
import os
import sys
from dataclasses import dataclass, field

LEVELS = ("hq", "province", "city", "county")
ROLES = ("decision_maker", "technical", "business", "finance", "user", "procurement")
METHODS = ("visit", "model_site", "meeting", "tech_exchange", "research", "other")
GRADE_WEIGHT = {"S": 4, "A": 3, "B": 2, "C": 1}
ROTATING_ROLES = {"account_manager", "solution", "delivery", "service"}
TRIANGLE = ("account_manager", "solution", "delivery")
METHOD_BY_ROLE = {
    "decision_maker": "visit",
    "technical": "tech_exchange",
    "business": "research",
    "finance": "research",
    "user": "model_site",
}
KIND_ORDER = ("handover", "refresh", "second_thread", "reach", "rank", "blind_spot")
TRUE = {"true", "yes", "1"}


# ---------------------------------------------------------------- reading (section 1)


def read_table(folder: str, name: str) -> list[dict[str, str]]:
    """The rows of ``name``.csv as dicts keyed by lower-case stripped header names.

    SPEC 1 "Reading": file names and headers in any case, ``;`` or tab separators when
    the header has no comma, blank rows skipped, a UTF-8 BOM accepted. An absent file
    is an empty table."""
    match = [f for f in os.listdir(folder) if f.lower() == f"{name}.csv"]
    if not match:
        return []
    with open(os.path.join(folder, match[0]), newline="", encoding="utf-8-sig") as f:
        text = f.read()
    first = text.split("\n", 1)[0]
    sep = ","
    if "," not in first:
        sep = ";" if ";" in first else "\t" if "\t" in first else ","
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=sep))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for r in rows[1:]:
        if all(not c.strip() for c in r):
            continue
        out.append({h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)})
    return out


def date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def level_of(text: str) -> str:
    """Reading: the four known levels match in any case; other text is kept as written."""
    return text.lower() if text.lower() in LEVELS else text


def level_key(level: str) -> tuple:
    """Top first: hq, province, city, county, then any other level by its text."""
    return (LEVELS.index(level), "") if level in LEVELS else (len(LEVELS), level)


def boolean(text: str, default: bool) -> bool:
    return default if not text else text.lower() in TRUE


def add_years(d: dt.date, years: int) -> dt.date | None:
    """``d`` plus whole years; 29 February becomes 28 February; None past 9999-12-31."""
    y = d.year + years
    if y > 9999:
        return None
    if d.month == 2 and d.day == 29:
        try:
            return d.replace(year=y)
        except ValueError:
            return d.replace(year=y, day=28)
    return d.replace(year=y)


def in_force(since: dt.date | None, until: dt.date | None, when: dt.date) -> bool:
    """A row with since/until exists from since (inclusive) to until (exclusive)."""
    return (since is None or since <= when) and (until is None or when < until)


@dataclass
class Data:
    """The data set, typed with the SPEC's defaults."""

    accounts: dict = field(default_factory=dict)  # id -> {name, grade}
    units: dict = field(default_factory=dict)  # id -> {account, level}
    contacts: dict = field(default_factory=dict)  # id -> {...}
    staff: dict = field(default_factory=dict)  # id -> {...}
    relationships: list = field(default_factory=list)
    links: list = field(default_factory=list)
    touchpoints: list = field(default_factory=list)
    team: list = field(default_factory=list)


def read(folder: str) -> Data:
    d = Data()
    for r in read_table(folder, "accounts"):
        d.accounts[r["id"]] = {"name": r["name"], "grade": (r.get("grade") or "C").upper()}
    for r in read_table(folder, "units"):
        d.units[r["id"]] = {"account": r["account"], "level": level_of(r["level"])}
    for r in read_table(folder, "contacts"):
        unit = r.get("unit") or ""
        level = d.units[unit]["level"] if unit else level_of(r.get("level") or "") or "hq"
        d.contacts[r["id"]] = {
            "name": r["name"],
            "account": r["account"],
            "unit": unit,
            "level": level,
            "role": (r.get("role") or "other").lower(),
            "seniority": int(r.get("seniority") or 2),
            "influence": int(r.get("influence") or 3),
            "attitude": (r.get("attitude") or "unknown").lower(),
            "coach": boolean(r.get("coach") or "", False),
        }
    for r in read_table(folder, "staff"):
        role = (r.get("role") or "other").lower()
        d.staff[r["id"]] = {
            "name": r["name"],
            "role": role,
            "seniority": int(r.get("seniority") or 2),
            "in_role_since": date(r.get("in_role_since")),
            "active": boolean(r.get("active") or "", True),
            "rotates": boolean(r.get("rotates") or "", role in ROTATING_ROLES),
        }
    for r in read_table(folder, "relationships"):
        d.relationships.append(
            {
                "staff": r["staff"],
                "contact": r["contact"],
                "strength": float(r["strength"]),
                "last_contact": date(r.get("last_contact")),
                "since": date(r.get("since")),
                "until": date(r.get("until")),
            }
        )
    for r in read_table(folder, "links"):
        d.links.append(
            {
                "source": r["source"],
                "target": r["target"],
                "kind": r["kind"].lower(),
                "weight": float(r.get("weight") or 3),
                "since": date(r.get("since")),
                "until": date(r.get("until")),
            }
        )
    for r in read_table(folder, "touchpoints"):
        d.touchpoints.append(
            {
                "date": date(r["date"]),
                "method": r["method"].lower(),
                "staff": [s.strip() for s in r["staff"].split(";") if s.strip()],
                "contacts": [c.strip() for c in r["contacts"].split(";") if c.strip()],
            }
        )
    for r in read_table(folder, "team"):
        d.team.append({"account": r["account"], "staff": r["staff"], "role": (r.get("role") or "").strip()})
    return d


# ---------------------------------------------------------------- figures (section 2)


@dataclass(frozen=True)
class Options:
    as_of: dt.date
    grace: float = 90
    half_life: float = 180
    strong: float = 3
    horizon: int = 180
    rotation_years: int = 3
    through_opponents: bool = False


def effective(strength: float, last: dt.date | None, o: Options) -> float:
    """SPEC 2: strength x 0.5 ^ (max(0, days since last contact - grace) / half_life);
    no decay without a last contact or with one after as-of."""
    if last is None or last > o.as_of:
        return strength
    days = (o.as_of - last).days
    return strength * 0.5 ** (max(0, days - o.grace) / o.half_life)


class State:
    """Every figure of one data set at one date, with the staff in ``gone`` left."""

    def __init__(self, d: Data, o: Options, gone: frozenset = frozenset()):
        self.d, self.o, self.gone = d, o, gone
        self.active = {s for s, st in d.staff.items() if st["active"] and s not in gone}
        last_touch: dict = {}
        for t in d.touchpoints:
            if t["date"] > o.as_of:
                continue
            for s in t["staff"]:
                for c in t["contacts"]:
                    if last_touch.get((s, c), dt.date.min) < t["date"]:
                        last_touch[(s, c)] = t["date"]
        self.last_touch = last_touch
        # eff[(s, c)]: the strongest row in force; inactive (or gone) staff count 0.
        self.eff: dict = {}
        for r in d.relationships:
            if not in_force(r["since"], r["until"], o.as_of):
                continue
            pair = (r["staff"], r["contact"])
            last = max((x for x in (r["last_contact"], last_touch.get(pair)) if x), default=None)
            e = effective(r["strength"], last, o) if r["staff"] in self.active else 0.0
            if pair not in self.eff or self.eff[pair] < e:
                self.eff[pair] = e
        self.by_contact: dict = {}
        for (s, c), e in self.eff.items():
            self.by_contact.setdefault(c, {})[s] = e
        self.threads = {
            c: sorted(s for s, e in ks.items() if s in self.active and e >= o.strong)
            for c, ks in self.by_contact.items()
        }
        self.account_contacts: dict = {a: [] for a in d.accounts}
        for c in sorted(d.contacts):
            self.account_contacts.setdefault(d.contacts[c]["account"], []).append(c)
        self._graphs: dict = {}

    # --- basic rules

    def threads_of(self, c: str) -> list:
        return self.threads.get(c, [])

    def best_strength(self, c: str):
        ks = self.by_contact.get(c)
        return max(ks.values()) if ks else None

    def is_key(self, c: str) -> bool:
        k = self.d.contacts[c]
        return k["role"] == "decision_maker" or k["influence"] >= 4

    def grade_weight(self, c: str) -> int:
        return GRADE_WEIGHT[self.d.accounts[self.d.contacts[c]["account"]]["grade"]]

    def rotation_due(self, s: str):
        st = self.d.staff[s]
        if not st["rotates"] or st["in_role_since"] is None:
            return None
        return add_years(st["in_role_since"], self.o.rotation_years)

    def horizon_end(self) -> dt.date:
        try:
            return self.o.as_of + dt.timedelta(days=self.o.horizon)
        except OverflowError:
            return dt.date.max

    def due_soon(self, s: str) -> bool:
        due = self.rotation_due(s)
        return s in self.active and due is not None and due <= self.horizon_end()

    # --- account figures

    def levels(self, a: str) -> list:
        found = {u["level"] for u in self.d.units.values() if u["account"] == a}
        found |= {self.d.contacts[c]["level"] for c in self.account_contacts.get(a, [])}
        return sorted(found, key=level_key)

    def cells(self, a: str) -> list:
        """SPEC 2 coverage cells of account ``a``, levels top first, roles in SPEC order."""
        out = []
        members: dict = {}
        for c in self.account_contacts.get(a, []):
            k = self.d.contacts[c]
            members.setdefault((k["level"], k["role"]), []).append(c)
        for level in self.levels(a):
            for role in ROLES:
                cs = members.get((level, role), [])
                bests = [b for b in (self.best_strength(c) for c in cs) if b is not None]
                if any(self.threads_of(c) for c in cs):
                    status = "covered"
                elif any(b > 0 for b in bests):
                    status = "weak"
                elif cs:
                    status = "uncovered"
                else:
                    status = "unknown"
                out.append(
                    {
                        "level": level,
                        "role": role,
                        "status": status,
                        "contacts": cs,
                        "best_strength": max(bests) if bests else None,
                    }
                )
        return out

    def figures(self, a: str) -> dict:
        """SPEC 2 account figures; shares of an empty set are None."""
        d, o = self.d, self.o
        contacts = self.account_contacts.get(a, [])
        key = [c for c in contacts if self.is_key(c)]
        cells = self.cells(a)
        units = [u for u, x in d.units.items() if x["account"] == a]
        unit_has = {
            d.contacts[c]["unit"]
            for c in contacts
            if any(e > 0 for s, e in self.by_contact.get(c, {}).items() if s in self.active)
        }
        roles = set()
        for t in d.team:
            if t["account"] == a and t["staff"] in self.active:
                roles.add((t["role"] or d.staff[t["staff"]]["role"]).lower())
        activity = {m: 0 for m in METHODS}
        mine = set(contacts)
        start = o.as_of - dt.timedelta(days=364)
        for t in d.touchpoints:
            if start <= t["date"] <= o.as_of and mine.intersection(t["contacts"]):
                activity[t["method"]] += 1
        activity["total"] = sum(activity.values())

        def share(n, of):
            return n / of if of else None

        return {
            "key_coverage": share(sum(1 for c in key if self.threads_of(c)), len(key)),
            "cell_coverage": share(sum(1 for x in cells if x["status"] == "covered"), len(cells)),
            "multithreading": share(sum(1 for c in key if len(self.threads_of(c)) >= 2), len(key)),
            "opponents": [c for c in key if d.contacts[c]["attitude"] == "opponent"],
            "triangle": [r for r in TRIANGLE if r in roles],
            "unit_coverage": share(sum(1 for u in units if u in unit_has), len(units)),
            "exec_ties": [c for c in key if any(d.staff[s]["role"] == "executive" for s in self.threads_of(c))],
            "activity": activity,
            "contacts": len(contacts),
            "key_contacts": len(key),
        }

    # --- the access graph and influence paths

    def graph(self, a: str) -> dict:
        """The access graph of account ``a``: {node: {successor: (p, kind)}}, nodes
        ("s", id) for active staff and ("c", id) for the account's contacts.

        Reading: links between contacts of different accounts and self-links are left
        out; where an influence link and a reporting line join a pair with the same
        probability the step is an ``influences``."""
        if a in self._graphs:
            return self._graphs[a]
        g: dict = {}
        mine = set(self.account_contacts.get(a, []))

        def add(u, v, p, kind):
            old = g.setdefault(u, {}).get(v)
            if old is None or p > old[0] or (p == old[0] and kind == "influences"):
                g[u][v] = (p, kind)

        for c in sorted(mine):
            for s, e in sorted(self.by_contact.get(c, {}).items()):
                if s in self.active:
                    add(("s", s), ("c", c), e / 5, "knows")
        for ln in self.d.links:
            u, v = ln["source"], ln["target"]
            if u == v or u not in mine or v not in mine or not in_force(ln["since"], ln["until"], self.o.as_of):
                continue
            p = ln["weight"] / 5
            if ln["kind"] == "influences":
                add(("c", u), ("c", v), p, "influences")
            elif ln["kind"] == "reports_to":
                add(("c", u), ("c", v), p, "reports_to")
                add(("c", v), ("c", u), p, "reports_to")
        self._graphs[a] = g
        return g

    def passable(self, node) -> bool:
        """Intermediate contacts who oppose us are not used (unless --through-opponents)."""
        return self.o.through_opponents or self.d.contacts[node[1]]["attitude"] != "opponent"

    def scores_to(self, a: str, targets: set) -> dict:
        """{staff id: the score of their best influence path to any of ``targets``}.

        Max-product Dijkstra backwards from the targets (every probability is at most
        1, so a longer path never scores higher and the best path is simple)."""
        g = self.graph(a)
        rev: dict = {}
        for u, vs in g.items():
            for v, (p, _) in vs.items():
                rev.setdefault(v, []).append((u, p))
        best = {("c", t): 1.0 for t in targets}
        heap = [(-1.0, ("c", t)) for t in sorted(targets)]
        done = set()
        while heap:
            neg, v = heapq.heappop(heap)
            if v in done:
                continue
            done.add(v)
            if v[0] == "s":
                continue
            if v[1] not in targets and not self.passable(v):
                continue  # an opponent ends routes; it is not passed through
            for u, p in rev.get(v, []):
                if u[0] == "c" and u[1] in targets:
                    continue
                sc = p * -neg
                if sc > best.get(u, 0.0):
                    best[u] = sc
                    heapq.heappush(heap, (-sc, u))
        return {u[1]: sc for u, sc in best.items() if u[0] == "s"}

    def best_placed(self, a: str, targets: set, leave_out=(), pool=None):
        """SPEC 2 best placed: the best-scoring start among active staff not left out and
        not due soon (and in ``pool`` when given); the lowest id among equal scores
        (Reading: scores equal to 12 decimal places are equal)."""
        if not targets:
            return None
        cands = [
            (-round(sc, 12), s)
            for s, sc in self.scores_to(a, set(targets)).items()
            if s not in leave_out and not self.due_soon(s) and (pool is None or s in pool)
        ]
        return min(cands)[1] if cands else None

    def best_path(self, a: str, owner: str, target: str) -> list:
        """The contact ids between ``owner`` and ``target`` on the owner's best path.

        Reading: among equal scores (to 12 decimal places) fewer steps win, then the
        node id sequence. A Dijkstra over labels (score, steps, ids): extending a
        path never improves its label, so the first label settled is the best."""
        g = self.graph(a)
        start = ("s", owner)
        heap = [((-1.0, 0, [owner]), start)]
        settled = set()
        while heap:
            (neg, steps, ids), node = heapq.heappop(heap)
            if node in settled:
                continue
            settled.add(node)
            if node == ("c", target):
                return ids[1:-1]
            if node[0] == "c" and not self.passable(node):
                continue
            for v, (p, _) in g.get(node, {}).items():
                if v not in settled:
                    heapq.heappush(heap, ((-round(-neg * p, 12), steps + 1, ids + [v[1]]), v))
        return []

    def redundancy(self, a: str, c: str) -> int:
        """SPEC 2 redundancy: node-disjoint routes from the set of active staff to ``c``
        (max flow with every node but ``c`` of capacity 1; opponents end routes)."""
        g = self.graph(a)
        cap: dict = {}

        def edge(u, v, k=1):
            cap.setdefault(u, {})[v] = cap.get(u, {}).get(v, 0) + k
            cap.setdefault(v, {}).setdefault(u, 0)

        sink = ("in", ("c", c))
        for u, vs in g.items():
            if u[0] == "s":
                edge("src", ("in", u), 1 << 30)
            if u == ("c", c) or (u[0] == "c" and not self.passable(u)):
                continue
            edge(("in", u), ("out", u))
            for v in vs:
                edge(("out", u), ("in", v))
        flow = 0
        while True:
            prev = {"src": None}
            queue = ["src"]
            for x in queue:
                if x == sink:
                    break
                for y, k in cap.get(x, {}).items():
                    if k > 0 and y not in prev:
                        prev[y] = x
                        queue.append(y)
            if sink not in prev:
                return flow
            y = sink
            while prev[y] is not None:
                x = prev[y]
                cap[x][y] -= 1
                cap[y][x] += 1
                y = x
            flow += 1

    def rank_gap(self, c: str):
        ts = self.threads_of(c)
        if not ts:
            return None
        return self.d.contacts[c]["seniority"] - max(self.d.staff[s]["seniority"] for s in ts)

    def successor(self, c: str, leaving=frozenset()):
        """SPEC 2 successor: best placed to reach ``c`` leaving out L and c's threads."""
        a = self.d.contacts[c]["account"]
        return self.best_placed(a, {c}, leave_out=set(leaving) | set(self.threads_of(c)))


# ---------------------------------------------------------------- commands (section 3)


def chosen(d: Data, accounts) -> list:
    return sorted(accounts) if accounts else sorted(d.accounts)


def coverage(d: Data, o: Options, accounts=()) -> dict:
    st = State(d, o)
    out = []
    for a in chosen(d, accounts):
        acc = d.accounts[a]
        out.append({"id": a, "name": acc["name"], "grade": acc["grade"], **st.figures(a), "cells": st.cells(a)})
    return {"as_of": o.as_of.isoformat(), "accounts": out}


def gaps(d: Data, o: Options, accounts=()) -> dict:
    """Cells not covered, priority = grade_weight x max_influence x (1 - best / 5)
    (Reading: a null best strength counts 0), with the suggested staff."""
    st = State(d, o)
    out = []
    for a in chosen(d, accounts):
        gw = GRADE_WEIGHT[d.accounts[a]["grade"]]
        for cell in st.cells(a):
            if cell["status"] == "covered":
                continue
            cs = cell["contacts"]
            if cs:
                targets = set(cs)
                inf = max(d.contacts[c]["influence"] for c in cs)
            else:
                targets = {c for c in st.account_contacts.get(a, []) if d.contacts[c]["level"] == cell["level"]}
                inf = 3
            best = cell["best_strength"] or 0.0
            out.append(
                {
                    "account": a,
                    "level": cell["level"],
                    "role": cell["role"],
                    "status": cell["status"],
                    "priority": gw * inf * (1 - best / 5),
                    "contacts": cs,
                    "best_strength": cell["best_strength"],
                    "suggested_staff": st.best_placed(a, targets),
                }
            )
    # Reading: priorities equal to 12 decimal places are equal (3 x 3 x (1 - 1/5) and
    # 3 x 4 x (1 - 2/5) are both 7.2, as floats 7.2 and 7.199999999999999).
    out.sort(key=lambda g: (-round(g["priority"], 12), g["account"], level_key(g["level"]), ROLES.index(g["role"])))
    return {"as_of": o.as_of.isoformat(), "gaps": out}


def threads(d: Data, o: Options, accounts=(), all_=False) -> dict:
    st = State(d, o)
    out = []
    for a in chosen(d, accounts):
        for c in st.account_contacts.get(a, []):
            if not (all_ or st.is_key(c)):
                continue
            ts = st.threads_of(c)
            red = st.redundancy(a, c)
            gap = st.rank_gap(c)
            if not (len(ts) <= 1 or red <= 1 or (gap is not None and gap >= 2)):
                continue
            k = d.contacts[c]
            out.append(
                {
                    "id": c,
                    "name": k["name"],
                    "account": a,
                    "role": k["role"],
                    "influence": k["influence"],
                    "threads": len(ts),
                    "staff": ts,
                    "redundancy": red,
                    "rank_gap": gap,
                    "backup": st.successor(c),
                }
            )
    out.sort(key=lambda r: (r["account"], r["threads"], r["redundancy"], -r["influence"], r["id"]))
    return {"as_of": o.as_of.isoformat(), "contacts": out}


def sole_threads(st: State) -> dict:
    """{staff id: the key contacts for which they are the only thread}."""
    out: dict = {}
    for c in sorted(st.d.contacts):
        ts = st.threads_of(c)
        if len(ts) == 1 and st.is_key(c):
            out.setdefault(ts[0], []).append(c)
    return out


def risk(d: Data, o: Options) -> dict:
    st = State(d, o)
    sole = sole_threads(st)
    out = []
    for s in sorted(st.active):
        due = st.rotation_due(s)
        cs = sole.get(s, [])
        out.append(
            {
                "id": s,
                "name": d.staff[s]["name"],
                "risk": sum(st.grade_weight(c) * d.contacts[c]["influence"] for c in cs),
                "sole_threads": cs,
                "rotation_due": due.isoformat() if due else None,
                "due_soon": st.due_soon(s),
            }
        )
    out.sort(key=lambda r: (-r["risk"], r["id"]))
    return {"as_of": o.as_of.isoformat(), "staff": out}


def whatif(d: Data, o: Options, without, accounts=()) -> dict:
    before, after = State(d, o), State(d, o, frozenset(without))
    rows = [{"id": a, "before": before.figures(a), "after": after.figures(a)} for a in chosen(d, accounts)]
    mine = {c for a in chosen(d, accounts) for c in before.account_contacts.get(a, [])}
    lost = [
        {"contact": c, "heir": before.successor(c, leaving=frozenset(without))}
        for c in sorted(mine)
        if before.threads_of(c) and not after.threads_of(c)
    ]
    return {"as_of": o.as_of.isoformat(), "accounts": rows, "lost": lost}


def diff(d: Data, o: Options, since: dt.date, accounts=()) -> dict:
    then = Options(**{**o.__dict__, "as_of": since})
    a_st, b_st = State(d, then), State(d, o)
    names = chosen(d, accounts)
    rows = [{"id": a, "before": a_st.figures(a), "after": b_st.figures(a)} for a in names]
    mine = {c for a in names for c in b_st.account_contacts.get(a, [])}

    def pairs(st):
        return {(s, c) for c in mine for s in st.threads_of(c)}

    p0, p1 = pairs(a_st), pairs(b_st)
    return {
        "since": since.isoformat(),
        "as_of": o.as_of.isoformat(),
        "accounts": rows,
        "gained": [{"staff": s, "contact": c} for s, c in sorted(p1 - p0)],
        "lost": [{"staff": s, "contact": c} for s, c in sorted(p0 - p1)],
    }


def pagerank(nodes: list, edges: dict, alpha: float = 0.85) -> dict:
    """PageRank with networkx semantics: uniform start and teleport, dangling nodes'
    weight spread evenly, iterated to the fixpoint (L1 change below 1e-15)."""
    n = len(nodes)
    if not n:
        return {}
    out_w = {u: sum(vs.values()) for u, vs in edges.items()}
    x = {v: 1.0 / n for v in nodes}
    for _ in range(10000):
        dangling = sum(x[v] for v in nodes if not out_w.get(v))
        nxt = {v: (alpha * dangling + 1 - alpha) / n for v in nodes}
        for u, vs in edges.items():
            if out_w[u]:
                for v, w in vs.items():
                    nxt[v] += alpha * x[u] * w / out_w[u]
        change = sum(abs(nxt[v] - x[v]) for v in nodes)
        x = nxt
        if change < 1e-15:
            break
    return x


def influencers(d: Data, o: Options, account: str) -> dict:
    """SPEC 2 key influencers: PageRank over edges from the influenced to the one who
    influences them and from a subordinate to their manager (links in force, the
    stronger of two in the same direction), weighted by ``weight``."""
    st = State(d, o)
    nodes = st.account_contacts.get(account, [])
    mine = set(nodes)
    edges: dict = {}
    for ln in d.links:
        u, v = ln["source"], ln["target"]
        if u == v or u not in mine or v not in mine or not in_force(ln["since"], ln["until"], o.as_of):
            continue
        if ln["kind"] == "influences":
            u, v = v, u
        elif ln["kind"] != "reports_to":
            continue
        edges.setdefault(u, {})
        edges[u][v] = max(edges[u].get(v, 0.0), ln["weight"])
    rank = pagerank(nodes, edges)
    order = sorted(nodes, key=lambda c: (-round(rank[c], 10), c))
    return {
        "as_of": o.as_of.isoformat(),
        "account": account,
        "contacts": [
            {
                "id": c,
                "name": d.contacts[c]["name"],
                "rank": rank[c],
                "best_strength": st.best_strength(c),
                "threads": len(st.threads_of(c)),
            }
            for c in order
        ],
    }


def paths(d: Data, o: Options, target: str, k: int = 3, source: str | None = None) -> dict:
    """SPEC 2 influence paths: the ``k`` best simple paths from an active staff member
    (only ``source`` with ``--from``) to ``target``, every one enumerated (small data
    only), best score first, then fewer steps, then the node id sequence."""
    st = State(d, o)
    a = d.contacts[target]["account"]
    g = st.graph(a)
    found = []

    def walk(node, path, steps, score):
        if node == ("c", target):
            found.append((-round(score, 12), len(steps), [n[1] for n in path], score, steps))
            return
        if node[0] == "c" and not st.passable(node):
            return
        for v, (p, kind) in sorted(g.get(node, {}).items()):
            if v not in path:
                step = {"from": node[1], "to": v[1], "kind": kind, "p": p}
                walk(v, path + [v], steps + [step], score * p)

    for s in sorted(st.active):
        if source is None or s == source:
            walk(("s", s), [("s", s)], [], 1.0)
    found.sort(key=lambda x: x[:3])
    return {
        "as_of": o.as_of.isoformat(),
        "target": target,
        "paths": [{"score": sc, "nodes": nodes, "steps": steps} for _, _, nodes, sc, steps in found[:k]],
    }


# ---------------------------------------------------------------- the plan (section 6)


def refresh_due(st: State, s: str, c: str):
    """The last day D on which (s, c) is still a thread as ``--as-of D`` would show it
    if nobody meets again (touchpoints after as-of not counted), when the day after
    lies within the horizon; else None."""
    o = st.o
    rows = [r for r in st.d.relationships if r["staff"] == s and r["contact"] == c]
    touched = st.last_touch.get((s, c))
    day = o.as_of
    while day < st.horizon_end():
        nxt = day + dt.timedelta(days=1)
        at = Options(**{**o.__dict__, "as_of": nxt})
        effs = [
            effective(r["strength"], max((x for x in (r["last_contact"], touched) if x), default=None), at)
            for r in rows
            if in_force(r["since"], r["until"], nxt)
        ]
        if not effs or max(effs) < o.strong:
            return day
        day = nxt
    return None


def plan(d: Data, o: Options, accounts=(), lead: int = 30) -> dict:
    """SPEC 6: the dated actions, highest priority first, then earliest due, then kind,
    then target id.

    Readings: "as-of + 90 days" is capped at as-of + horizon; a refresh is found by
    evaluating later dates with the data as they are (no later touchpoint counted,
    relationships whose period ends count as ended); the rank owner's pool is the
    active staff of seniority >= the contact's - 1."""
    st = State(d, o)
    end = st.horizon_end()
    soon90 = min(o.as_of + dt.timedelta(days=90), end)
    names = chosen(d, accounts)
    sole = sole_threads(st)
    actions = []

    def add(kind, a, owner, target, due, method, priority, via=None):
        if via is None:
            via = st.best_path(a, owner, target) if owner and isinstance(target, str) else []
        actions.append(
            {
                "kind": kind,
                "account": a,
                "owner": owner,
                "target": target,
                "via": via,
                "due": due.isoformat(),
                "method": method,
                "priority": priority,
            }
        )

    def by_role(c):
        return METHOD_BY_ROLE.get(d.contacts[c]["role"], "meeting")

    handed = set()
    for s in sorted(st.active):
        if not st.due_soon(s):
            continue
        for c in sole.get(s, []):
            a = d.contacts[c]["account"]
            if a not in names:
                continue
            handed.add(c)
            due = max(st.rotation_due(s) - dt.timedelta(days=lead), o.as_of)
            owner = st.successor(c, leaving={s})
            add("handover", a, owner, c, due, "meeting", 2 * st.grade_weight(c) * d.contacts[c]["influence"])
    for a in names:
        gw = GRADE_WEIGHT[d.accounts[a]["grade"]]
        for c in st.account_contacts.get(a, []):
            if not st.is_key(c):
                continue
            k = d.contacts[c]
            ts = st.threads_of(c)
            base = gw * k["influence"]
            for s in ts:
                if st.due_soon(s):
                    continue
                due = refresh_due(st, s, c)
                if due is not None:
                    add("refresh", a, s, c, due, by_role(c), base * (2 if len(ts) == 1 else 1))
            if len(ts) == 1 and c not in handed:
                add("second_thread", a, st.successor(c), c, soon90, by_role(c), base)
            if not ts:
                best = st.best_strength(c) or 0.0
                add("reach", a, st.best_placed(a, {c}), c, soon90, by_role(c), base * (1 - best / 5))
            gap = st.rank_gap(c)
            if gap is not None and gap >= 2:
                pool = {s for s in st.active if d.staff[s]["seniority"] >= k["seniority"] - 1}
                add("rank", a, st.best_placed(a, {c}, pool=pool), c, soon90, "visit", base)
        if d.accounts[a]["grade"] in ("S", "A"):
            blind = [g for g in gaps(d, o, [a])["gaps"] if g["status"] == "unknown"]
            coaches = [c for c in st.account_contacts.get(a, []) if d.contacts[c]["coach"]]
            for g in blind:
                owner = g["suggested_staff"]
                via = []
                if owner and coaches:
                    sc = [(-round(st.scores_to(a, {c}).get(owner, 0.0), 12), c) for c in coaches]
                    sc = [x for x in sc if x[0] < 0]
                    via = [min(sc)[1]] if sc else []
                target = {"level": g["level"], "role": g["role"]}
                add("blind_spot", a, owner, target, soon90, "research", g["priority"], via=via)

    def target_key(t):
        # Reading: a cell has no id; cells sort after contacts, by level (top first)
        # and role (SPEC order).
        return (0, t, (0, ""), 0) if isinstance(t, str) else (1, "", level_key(t["level"]), ROLES.index(t["role"]))

    actions.sort(
        key=lambda x: (
            -round(x["priority"], 12),
            x["due"],
            KIND_ORDER.index(x["kind"]),
            target_key(x["target"]),
            x["account"],
        )
    )
    return {"as_of": o.as_of.isoformat(), "horizon": o.horizon, "actions": actions}


# ---------------------------------------------------------------- command line


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument(
        "command", choices=["coverage", "gaps", "threads", "risk", "whatif", "diff", "paths", "influencers", "plan"]
    )
    ap.add_argument("--as-of", default=dt.date.today().isoformat())
    ap.add_argument("--grace", type=float, default=90)
    ap.add_argument("--half-life", type=float, default=180)
    ap.add_argument("--strong", type=float, default=3)
    ap.add_argument("--horizon", type=int, default=180)
    ap.add_argument("--rotation-years", type=int, default=3)
    ap.add_argument("--account", action="append", default=[])
    ap.add_argument("--without", action="append", default=[])
    ap.add_argument("--since")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--lead", type=int, default=30)
    ap.add_argument("--to", help="paths: the target contact")
    ap.add_argument("--from", dest="source", help="paths: the only start")
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--through-opponents", action="store_true")
    args = ap.parse_args(argv)
    o = Options(
        as_of=dt.date.fromisoformat(args.as_of),
        grace=args.grace,
        half_life=args.half_life,
        strong=args.strong,
        horizon=args.horizon,
        rotation_years=args.rotation_years,
        through_opponents=args.through_opponents,
    )
    d = read(args.data)
    result = {
        "coverage": lambda: coverage(d, o, args.account),
        "gaps": lambda: gaps(d, o, args.account),
        "threads": lambda: threads(d, o, args.account, args.all),
        "risk": lambda: risk(d, o),
        "whatif": lambda: whatif(d, o, args.without, args.account),
        "diff": lambda: diff(d, o, dt.date.fromisoformat(args.since), args.account),
        "paths": lambda: paths(d, o, args.to, args.k, args.source),
        "influencers": lambda: influencers(d, o, args.account[0]),
        "plan": lambda: plan(d, o, args.account, args.lead),
    }[args.command]()
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
