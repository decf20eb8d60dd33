"""The demo portfolio: a realistic, entirely fictional data set to learn relgraph on.

The *demo portfolio* is what ``relgraph demo`` writes: four customer accounts of a
fictional telecom-equipment vendor, as a CSV folder in the format of SPEC section 1.
No company or person in it is real. It is deterministic (a fixed seed) and every date
in it is relative to a fixed reference date, :data:`DEMO_AS_OF` (2026-11-01), so the
figures are the same on every machine when commands are given ``--as-of 2026-11-01``.

Accounts:

- ``nwm`` Northwind Mobile (grade S), a national mobile operator: a headquarters with
  five departments, three provincial branches (Eastshore ``nwm-es``, Westvale
  ``nwm-wv``, Northridge ``nwm-nr``), six city branches and five county branches
  (``units.csv``, parent chain hq > province > city > county), about 140 contacts.
- ``bcb`` Bluecrest Broadband (A), ``hpg`` Harborline Power Grid (B, no units: its
  contacts carry a ``level`` column), ``spr`` Silverpine Railways (C).
- Sixteen staff (``s-...``), one of them inactive (``s-old``, left in 2026).

Deliberate weak spots, for the user to discover (all at as-of 2026-11-01, default
``--half-life 180`` and ``--strong 3``):

1. **Blind cells** (no contact known): Northwind ``(province, finance)`` and
   ``(county, procurement)``, priority 4 x 3 x 1 = 12, the top two gaps. Also an
   *uncovered* cell ``(county, finance)`` (``nwm-c035``, ``nwm-c039``, ``nwm-c064``,
   ``nwm-c089``: nobody knows them), a *weak* cell ``(city, procurement)``
   (``nwm-c031``, ``nwm-c046``, ``nwm-c060``, ``nwm-c071``, ``nwm-c085``,
   ``nwm-c096``: only weak relationships), and a unit with no contact at all,
   ``nwm-nr-pc-ag`` (Ashgrove County Branch).
2. **Single-threaded decision-maker**: the CFO ``nwm-cfo`` has exactly one strong
   thread, ``s-vpka``; ``s-ad-nwm`` knows her only weakly (the backup).
3. **Coach funnel**: the Chairman ``nwm-chair`` (decision-maker) has no relationship
   with us at all; the only route to him is the coach ``nwm-chair-office`` (Director of
   the Chairman Office, known strongly by two staff, ``s-pres`` and ``s-ad-nwm``).
   The chairman's redundancy is 1: lose the office director and he is out of reach.
4. **Opponent on the obvious path**: the CEO ``nwm-ceo`` has no strong thread (7); the
   strongest route to him is ``s-ad-nwm -> nwm-evp -> nwm-ceo``, but the EVP of
   Operations ``nwm-evp`` is an opponent. Without ``--through-opponents`` the best
   path goes through the CTO ``nwm-cto``.
5. **Rotation due**: ``s-am-es`` (Zhou Jian, account manager for Eastshore) has been in
   the role since 2024-01-08, so rotation is due 2027-01-08, 68 days after as-of. He
   is the only thread of ``nwm-es-gm``, ``nwm-es-dgm``, ``nwm-es-cto`` and
   ``nwm-es-pa-gm`` (risk 4 x (5+4+4+4) = 68, the highest in the portfolio).
6. **Rank gap**: the VP of Marketing ``nwm-vpm`` (seniority 4) is covered only by the
   associate account manager ``s-am-jr`` (seniority 1): rank gap 3.
7. **Stale relationship**: our president ``s-pres`` rated the CEO ``nwm-ceo`` at
   strength 4 but last met him on 2026-04-20 (195 days before as-of): effective
   strength 4 x 0.5^(195/180) = 1.89, below strong, so the CEO has no thread.

Also in the data: every contact role, level, attitude and strength 1-5; coaches; an
ended relationship and a pair with two periods (``s-old`` / ``s-am-wv`` with
``nwm-wv-gm``); a reporting line that changed (``nwm-es-cto`` reported to
``nwm-es-dgm`` until 2026-03-01, to ``nwm-es-gm`` since); a relationship with no
``last_contact`` refreshed by a touchpoint (``s-sol-rg`` / ``nwm-nr-cto``); touchpoints
of every method; an account whose team lacks delivery (``hpg``).

Strings hold no apostrophes (some Bolt servers used in tests reject them).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shlex
from pathlib import Path
from typing import Any

from .errors import UsageError
from .model import TABLES

DEMO_AS_OF = dt.date(2026, 11, 1)
"""The reference date of the demo: every date in it is relative to this day."""

DEMO_SEED = 20261101
MARKER = ".relgraph-demo"
"""A file written into the demo folder so that ``relgraph demo`` may overwrite it."""

MAIN_ACCOUNT = "nwm"

# Ids the README walk-through and the tests refer to.
WEAK_SPOTS: dict[str, Any] = {
    "blind_cells": [("nwm", "province", "finance"), ("nwm", "county", "procurement")],
    "uncovered_cell": {
        "cell": ("nwm", "county", "finance"),
        "contacts": ["nwm-c035", "nwm-c039", "nwm-c064", "nwm-c089"],
    },
    "weak_cell": {
        "cell": ("nwm", "city", "procurement"),
        "contacts": ["nwm-c031", "nwm-c046", "nwm-c060", "nwm-c071", "nwm-c085", "nwm-c096"],
    },
    "unit_without_contacts": "nwm-nr-pc-ag",
    "single_threaded": {"contact": "nwm-cfo", "staff": "s-vpka", "backup": "s-ad-nwm"},
    "coach_funnel": {"target": "nwm-chair", "coach": "nwm-chair-office", "staff": ["s-ad-nwm", "s-pres"]},
    "opponent_path": {"target": "nwm-ceo", "opponent": "nwm-evp", "instead": "nwm-cto"},
    "rotation": {
        "staff": "s-am-es",
        "in_role_since": "2024-01-08",
        "rotation_due": "2027-01-08",
        "sole_threads": ["nwm-es-cto", "nwm-es-dgm", "nwm-es-gm", "nwm-es-pa-gm"],
    },
    "rank_gap": {"contact": "nwm-vpm", "staff": "s-am-jr", "rank_gap": 3},
    "stale": {"staff": "s-pres", "contact": "nwm-ceo", "strength": 4, "last_contact": "2026-04-20"},
    "inactive_staff": "s-old",
    "no_delivery": "hpg",
}


def ago(days: int) -> str:
    """The ISO date ``days`` before :data:`DEMO_AS_OF`."""
    return (DEMO_AS_OF - dt.timedelta(days=days)).isoformat()


# --- fictional names ------------------------------------------------------------------

_CN_SURNAMES = (
    "Zhang Wang Li Zhao Chen Yang Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Ma Luo Liang "
    "Song Zheng Xie Han Tang Feng Yu Dong Xiao Cheng Cao Yuan Deng Fu Shen Zeng Peng Lu Su "
    "Jiang Cai Jia Ding Wei Xue Ye Yan Pan Du Dai Xia Zhong Tian Ren Fan Fang Shi Yao Tan "
    "Liao Zou Xiong Jin Qiu Hou Bai"
).split()
_CN_GIVEN = (
    "Wei Fang Na Min Jing Lei Qiang Jun Yong Yan Jie Tao Ming Chao Hui Ping Gang Hua Ying "
    "Bo Lan Xin Hong Dan Kai Rui Hao Ling Yi Bin Shan Ning Xiaoming Jianguo Lihua Yuting "
    "Zihan Haoyu Mengyao Wenjie Shuang Qian Zhen Yun Xiaolin Jiahui Zhiwei Yifan Ruoxi "
    "Tianyu Xinyi Junjie Meiling Guoqing Haiyan Wenbo Shumin Kexin Dongmei"
).split()
_INTL_GIVEN = (
    "Amara Lena Rahul Sofia Mateo Ingrid Kwame Yuki Elena Farid Nadia Oscar Leila Viktor "
    "Chloe Arjun Marta Tobias Aisha Diego Hana Jonas Noor Luca Camila Emeka Freya Idris"
).split()
_INTL_SURNAMES = (
    "Okafor Fischer Iyer Moreau Alvarez Lindqvist Mensah Tanaka Petrova Rahimi Novak Bauer "
    "Sorensen Dubois Kapoor Silva Weber Osei Romero Kimura Jansen Nair Berg Khalil Ricci "
    "Duarte Eze Holm Aziz"
).split()

# Bulk contact titles per role: (title, seniority).
_TITLES = {
    "technical": [
        ("Network Engineer", 1),
        ("Senior Wireless Engineer", 1),
        ("Transmission Manager", 2),
        ("Core Network Manager", 2),
        ("IT Architect", 2),
    ],
    "business": [
        ("Product Manager", 2),
        ("Channel Manager", 2),
        ("Enterprise Sales Manager", 2),
        ("Marketing Analyst", 1),
    ],
    "finance": [("Finance Manager", 2), ("Budget Analyst", 1), ("Cost Controller", 1)],
    "user": [
        ("Network Operations Engineer", 1),
        ("Field Maintenance Lead", 2),
        ("Operations Supervisor", 2),
    ],
    "procurement": [("Procurement Manager", 2), ("Sourcing Specialist", 1), ("Tender Officer", 1)],
    "other": [("Administration Officer", 1), ("Executive Assistant", 1)],
}

_NOTES = (
    "Prefers short technical briefings",
    "Joined from another operator in 2025",
    "Plays badminton on Thursdays",
    "Sits on the tender evaluation panel",
    "Asked for a model site visit",
    "Reads every proposal in detail",
)


class _Builder:
    """Accumulates the demo tables row by row (plain dicts of column -> value)."""

    def __init__(self) -> None:
        self.rng = random.Random(DEMO_SEED)
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.used_names: set[str] = set()
        self.bulk_counter: dict[str, int] = {}
        self.rank_and_file: set[str] = set()

    # names ---------------------------------------------------------------------------
    def name(self, style: str) -> str:
        surnames, given = (_CN_SURNAMES, _CN_GIVEN) if style == "cn" else (_INTL_SURNAMES, _INTL_GIVEN)
        while True:
            if style == "cn":
                n = f"{self.rng.choice(surnames)} {self.rng.choice(given)}"
            else:
                n = f"{self.rng.choice(given)} {self.rng.choice(surnames)}"
            if n not in self.used_names:
                self.used_names.add(n)
                return n

    # rows ----------------------------------------------------------------------------
    def account(self, id: str, name: str, grade: str, industry: str, region: str) -> None:
        self.tables["accounts"].append(
            {"id": id, "name": name, "grade": grade, "industry": industry, "region": region}
        )

    def unit(
        self, id: str, account: str, name: str, level: str, parent: str = "", function: str = ""
    ) -> None:
        self.tables["units"].append(
            {
                "id": id,
                "account": account,
                "name": name,
                "level": level,
                "parent": parent,
                "function": function,
            }
        )

    def contact(
        self,
        id: str,
        name: str,
        account: str,
        *,
        unit: str = "",
        level: str = "",
        title: str = "",
        role: str = "other",
        seniority: int = 2,
        influence: int = 3,
        attitude: str = "unknown",
        coach: bool = False,
        domain: str = "",
        notes: str = "",
    ) -> str:
        self.used_names.add(name)
        email = f"{name.lower().replace(' ', '.')}@{domain}" if domain else ""
        self.tables["contacts"].append(
            {
                "id": id,
                "name": name,
                "account": account,
                "unit": unit,
                "level": level,
                "title": title,
                "role": role,
                "seniority": seniority,
                "influence": influence,
                "attitude": attitude,
                "coach": "true" if coach else "false",
                "email": email,
                "notes": notes,
            }
        )
        return id

    def people(self, account: str, domain: str, rows: tuple[tuple, ...]) -> None:
        """Hand-placed contacts, each row (id, name, unit, level, title, role,
        seniority, influence, attitude, coach, notes)."""
        for id, name, unit, level, title, role, seniority, influence, attitude, coach, notes in rows:
            self.contact(
                id,
                name,
                account,
                unit=unit,
                level=level,
                title=title,
                role=role,
                seniority=seniority,
                influence=influence,
                attitude=attitude,
                coach=coach,
                domain=domain,
                notes=notes,
            )

    def staff(
        self,
        id: str,
        name: str,
        title: str,
        role: str,
        seniority: int,
        office: str,
        since: str,
        active: bool = True,
    ) -> None:
        self.used_names.add(name)
        self.tables["staff"].append(
            {
                "id": id,
                "name": name,
                "title": title,
                "role": role,
                "seniority": seniority,
                "office": office,
                "in_role_since": since,
                "active": "true" if active else "false",
            }
        )

    def rel(
        self,
        staff: str,
        contact: str,
        strength: int,
        days: int | None,
        *,
        since: str = "",
        until: str = "",
        notes: str = "",
    ) -> None:
        """A relationship last in contact ``days`` before as-of (None: not recorded)."""
        self.tables["relationships"].append(
            {
                "staff": staff,
                "contact": contact,
                "strength": strength,
                "last_contact": "" if days is None else ago(days),
                "since": since,
                "until": until,
                "notes": notes,
            }
        )

    def strong(self, staff: str, contact: str) -> None:
        """A healthy relationship: strength 4 or 5, recent enough to stay strong
        (4 within 55 days, 5 within 90 days: effective strength above 3)."""
        if self.rng.random() < 0.5:
            self.rel(staff, contact, 5, self.rng.randint(3, 90))
        else:
            self.rel(staff, contact, 4, self.rng.randint(2, 55))

    def weak(self, staff: str, contact: str) -> None:
        """A relationship that is weak at as-of: strength 1-3 at least 20 days old,
        or a stale 4-5 at least 200 days old (effective strength below 3)."""
        if self.rng.random() < 0.75:
            self.rel(staff, contact, self.rng.randint(1, 3), self.rng.randint(20, 300))
        else:
            self.rel(staff, contact, self.rng.randint(4, 5), self.rng.randint(200, 420))

    def link(
        self, source: str, target: str, kind: str, weight: int = 3, since: str = "", until: str = ""
    ) -> None:
        self.tables["links"].append(
            {
                "source": source,
                "target": target,
                "kind": kind,
                "weight": weight,
                "since": since,
                "until": until,
            }
        )

    def touch(self, days: int, method: str, staff: list[str], contacts: list[str], notes: str = "") -> None:
        self.tables["touchpoints"].append(
            {
                "date": ago(days),
                "method": method,
                "staff": ";".join(staff),
                "contacts": ";".join(contacts),
                "notes": notes,
            }
        )

    def team(self, account: str, staff: str, role: str = "") -> None:
        self.tables["team"].append({"account": account, "staff": staff, "role": role})

    def bulk(self, account: str, unit: str, role: str, style: str, domain: str, level: str = "") -> str:
        """A rank-and-file contact (never key: influence 1-3, not a decision-maker)."""
        self.bulk_counter[account] = n = self.bulk_counter.get(account, 0) + 1
        title, seniority = self.rng.choice(_TITLES[role])
        attitude = self.rng.choices(("supporter", "neutral", "unknown", "opponent"), (30, 40, 25, 5))[0]
        notes = self.rng.choice(_NOTES) if self.rng.random() < 0.15 else ""
        id = f"{account}-c{n:03d}"
        self.rank_and_file.add(id)
        return self.contact(
            id,
            self.name(style),
            account,
            unit=unit,
            level=level,
            title=title,
            role=role,
            seniority=seniority,
            influence=self.rng.randint(1, 3),
            attitude=attitude,
            domain=domain,
            notes=notes,
        )

    def some(
        self, staff_pool: list[str], contact: str, *, allow_strong: bool = True, tended: float = 0.0
    ) -> None:
        """0-3 relationships of random strength and age from ``staff_pool``; with
        probability ``tended`` the first of the pool also has a healthy one."""
        if self.rng.random() < tended:
            self.strong(staff_pool[0], contact)
            staff_pool = staff_pool[1:]
        k = self.rng.choice((0, 1, 1, 2, 2, 2, 3))
        for s in self.rng.sample(staff_pool, min(k, len(staff_pool))):
            if allow_strong:
                self.rel(s, contact, self.rng.randint(1, 5), self.rng.randint(3, 420))
            else:
                self.weak(s, contact)


# --- the portfolio ------------------------------------------------------------------


# fmt: off
_STAFF = (
    # id, name, title, role, seniority, office, in_role_since, active
    ("s-pres", "Helena Voss", "President, Carrier Business Group", "executive", 5, "Head Office", "", True),
    ("s-vpka", "Marcus Feng", "Vice President, Key Accounts East", "executive", 4, "Head Office", "2024-07-01", True),
    ("s-ad-nwm", "Julia Brandt", "Account Director, Northwind Mobile", "account_manager", 4, "Harbor City", "2024-10-01", True),
    ("s-am-es", "Zhou Jian", "Account Manager, Eastshore", "account_manager", 3, "Port Amber", "2024-01-08", True),
    ("s-am-wv", "Priya Raman", "Account Manager, Westvale", "account_manager", 3, "Stonebridge", "2026-06-01", True),
    ("s-am-nr", "Tomas Herrera", "Account Manager, Northridge", "account_manager", 3, "Frostford", "2025-02-01", True),
    ("s-am-jr", "Li Xiaoyu", "Associate Account Manager", "account_manager", 1, "Harbor City", "2025-09-01", True),
    ("s-sol-hq", "Daniel Okoro", "Solution Director, Core Network", "solution", 3, "Harbor City", "2024-06-15", True),
    ("s-sol-rg", "Anna Sokolova", "Solution Manager, Regions", "solution", 2, "Stonebridge", "2025-04-01", True),
    ("s-del-hq", "Kenji Maru", "Delivery Director", "delivery", 3, "Harbor City", "2024-08-01", True),
    ("s-del-rg", "Wu Fang", "Delivery Manager, Regions", "delivery", 2, "Port Amber", "2025-01-15", True),
    ("s-svc", "Omar Haddad", "Service Manager", "service", 2, "Frostford", "2024-11-01", True),
    ("s-am-bcb", "Sofia Marin", "Account Manager, Bluecrest", "account_manager", 3, "Bayport", "2024-07-01", True),
    ("s-am-sm", "Ethan Brooks", "Account Manager, Utilities and Transport", "account_manager", 2, "Head Office", "2025-06-01", True),
    ("s-sol-sm", "Huang Mei", "Solution Manager, Enterprise", "solution", 2, "Head Office", "2024-09-01", True),
    ("s-old", "Grant Keller", "Account Manager, Westvale (left May 2026)", "account_manager", 3, "Stonebridge", "2021-06-01", False),
)

# Hand-placed contacts, per account:
# id, name, unit, level, title, role, seniority, influence, attitude, coach, notes
_NWM_TOP = (
    ("nwm-chair", "Zhou Mingyuan", "nwm-hq", "", "Chairman of the Board", "decision_maker", 5, 5, "unknown", False, "Never met; reachable through his office"),
    ("nwm-chair-office", "Liu Yang", "nwm-hq", "", "Director, Chairman Office", "business", 3, 3, "supporter", True, ""),
    ("nwm-ceo", "Chen Haoran", "nwm-hq", "", "Chief Executive Officer", "decision_maker", 5, 5, "neutral", False, ""),
    ("nwm-evp", "Gao Jun", "nwm-hq", "", "Executive Vice President, Operations", "decision_maker", 4, 4, "opponent", False, "Backs a competing vendor"),
    ("nwm-cfo", "Sun Li", "nwm-hq", "", "Chief Financial Officer", "decision_maker", 4, 5, "neutral", False, ""),
    ("nwm-cto", "Ma Qiang", "nwm-hq", "", "Chief Technology Officer", "decision_maker", 4, 5, "supporter", False, ""),
    ("nwm-vpm", "Lin Xue", "nwm-hq", "", "Vice President, Marketing", "business", 4, 4, "supporter", False, ""),
    ("nwm-cpo", "He Ping", "nwm-hq", "", "Chief Procurement Officer", "procurement", 4, 4, "neutral", False, ""),
    ("nwm-net-head", "Xu Bo", "nwm-hq-net", "", "Head of Network Planning", "technical", 3, 4, "supporter", False, ""),
    ("nwm-noc-head", "Tang Wenbo", "nwm-hq-net", "", "Head of Network Operations Center", "user", 3, 3, "supporter", False, ""),
    ("nwm-it-head", "Yuan Kexin", "nwm-hq-it", "", "Head of IT Architecture", "technical", 3, 3, "neutral", False, ""),
    ("nwm-fin-head", "Deng Shumin", "nwm-hq-fin", "", "Head of Finance Operations", "finance", 3, 3, "neutral", False, ""),
    ("nwm-mkt-head", "Fang Ruoxi", "nwm-hq-mkt", "", "Head of Marketing Operations", "business", 3, 3, "supporter", True, ""),
    ("nwm-proc-head", "Pan Guoqing", "nwm-hq-proc", "", "Procurement Manager, Network Equipment", "procurement", 3, 3, "neutral", False, ""),
    ("nwm-assistant", "Ye Ning", "nwm-hq", "", "Executive Assistant to the CEO", "other", 1, 2, "supporter", False, ""),
)
_BCB_TOP = (
    ("bcb-ceo", "Ingrid Lindqvist", "bcb-hq", "", "Chief Executive Officer", "decision_maker", 5, 5, "supporter", False, ""),
    ("bcb-cto", "Kwame Mensah", "bcb-hq", "", "Chief Technology Officer", "decision_maker", 4, 5, "supporter", True, ""),
    ("bcb-cfo", "Elena Petrova", "bcb-hq", "", "Chief Financial Officer", "finance", 4, 4, "neutral", False, ""),
    ("bcb-proc", "Farid Rahimi", "bcb-hq", "", "Head of Procurement", "procurement", 3, 4, "neutral", False, ""),
    ("bcb-coast-dir", "Marta Silva", "bcb-coast", "", "Director, Coastal Region", "decision_maker", 3, 4, "supporter", False, ""),
    ("bcb-bay-mgr", "Leila Novak", "bcb-bay", "", "Area Manager, Bayport", "decision_maker", 2, 3, "neutral", False, ""),
    ("bcb-coast-fin", "Oscar Dubois", "bcb-coast", "", "Regional Finance Controller", "finance", 2, 2, "unknown", False, ""),
    ("bcb-inland-dir", "Jonas Weber", "bcb-inland", "", "Director, Inland Region", "decision_maker", 3, 4, "opponent", False, ""),
)
_HPG_TOP = (  # no units: the level is given directly
    ("hpg-ceo", "Tobias Bauer", "", "hq", "Managing Director", "decision_maker", 5, 5, "neutral", False, ""),
    ("hpg-cto", "Hana Kimura", "", "hq", "Head of Grid Communications", "decision_maker", 3, 4, "supporter", False, ""),
    ("hpg-north", "Emeka Eze", "", "province", "Director, Northern Grid Region", "decision_maker", 3, 4, "neutral", False, ""),
)
_SPR_TOP = (
    ("spr-gm", "Diego Romero", "spr-hq", "", "General Manager", "decision_maker", 4, 4, "supporter", False, ""),
    ("spr-signal", "Aisha Khalil", "spr-hq", "", "Head of Signalling", "technical", 3, 3, "neutral", False, ""),
)

# The management team of each Northwind province: id suffix, title ({} = province
# name), role, seniority, influence. Attitudes and coaches are set in _northwind.
_PROVINCE_TEAM = (
    ("gm", "General Manager, {} Branch", "decision_maker", 4, 5),
    ("dgm", "Deputy General Manager, {} Branch", "business", 4, 4),
    ("cto", "Chief Engineer, {} Branch", "technical", 3, 4),
    ("mkt", "Head of Marketing", "business", 3, 3),
    ("proc", "Head of Procurement", "procurement", 3, 3),
    ("noc", "Network Operations Manager", "user", 2, 2),
)
# fmt: on


def _staff(b: _Builder) -> None:
    for id, name, title, role, seniority, office, since, active in _STAFF:
        b.staff(id, name, title, role, seniority, office, since, active=active)


NWM_DOMAIN = "northwind-mobile.example"

# Province branches of Northwind: (id suffix, name, account manager, cities); each city
# is (id suffix, name, counties) and each county (id suffix, name).
_PROVINCES = (
    (
        "es",
        "Eastshore",
        "s-am-es",
        (("pa", "Port Amber", (("sm", "Saltmarsh"), ("rf", "Reedfield"))), ("gh", "Greenhaven", ())),
    ),  # noqa: E501
    ("wv", "Westvale", "s-am-wv", (("sb", "Stonebridge", (("oh", "Oakhollow"),)), ("mb", "Millbrook", ()))),
    (
        "nr",
        "Northridge",
        "s-am-nr",
        (("ff", "Frostford", (("bw", "Birchwood"),)), ("pc", "Pinecrest", (("ag", "Ashgrove"),))),
    ),  # noqa: E501
)


def _northwind(b: _Builder) -> None:
    A, D = "nwm", NWM_DOMAIN
    rng = b.rng
    b.account(A, "Northwind Mobile", "S", "telecom", "National")
    b.unit("nwm-hq", A, "Northwind Mobile Group Headquarters", "hq")
    depts = (
        ("net", "Network Department", "network"),
        ("it", "IT and Digital Department", "it"),
        ("fin", "Finance Department", "finance"),
        ("mkt", "Marketing Department", "marketing"),
        ("proc", "Procurement Center", "procurement"),
    )
    for key, name, function in depts:
        b.unit(f"nwm-hq-{key}", A, name, "hq", "nwm-hq", function)
    for p, pname, _, _ in _PROVINCES:
        b.unit(f"nwm-{p}", A, f"{pname} Provincial Branch", "province", "nwm-hq")
    for p, _, _, cities in _PROVINCES:
        for c, cname, _ in cities:
            b.unit(f"nwm-{p}-{c}", A, f"{cname} City Branch", "city", f"nwm-{p}")
    for p, _, _, cities in _PROVINCES:
        for c, _, counties in cities:
            for k, kname in counties:
                b.unit(f"nwm-{p}-{c}-{k}", A, f"{kname} County Branch", "county", f"nwm-{p}-{c}")

    # Headquarters: the top of the customer, every contact hand-placed.
    b.people(A, D, _NWM_TOP)
    C, R, L = b.contact, b.rel, b.link

    # The coach funnel: only the office director leads to the chairman.
    R("s-pres", "nwm-chair-office", 5, 8)
    R("s-ad-nwm", "nwm-chair-office", 4, 17)
    # The stale CEO relationship (weak spot 7) and a weak acquaintance.
    R("s-pres", "nwm-ceo", 4, 195, notes="Annual strategy dinner")
    R("s-vpka", "nwm-ceo", 2, 150)
    R("s-ad-nwm", "nwm-assistant", 4, 6)
    # The opponent EVP: well known to us, and closest to the CEO.
    R("s-ad-nwm", "nwm-evp", 5, 10)
    R("s-vpka", "nwm-evp", 4, 30)
    # The single-threaded CFO.
    R("s-vpka", "nwm-cfo", 4, 20)
    R("s-ad-nwm", "nwm-cfo", 3, 60)
    # The CTO: two senior threads.
    R("s-pres", "nwm-cto", 4, 8)
    R("s-sol-hq", "nwm-cto", 5, 8)
    # The rank gap: a VP known well only by a junior.
    R("s-am-jr", "nwm-vpm", 5, 12)
    R("s-ad-nwm", "nwm-vpm", 2, 88)
    R("s-ad-nwm", "nwm-cpo", 4, 25)
    R("s-vpka", "nwm-cpo", 4, 45)
    R("s-sol-hq", "nwm-net-head", 5, 8)
    R("s-del-hq", "nwm-net-head", 4, 32)
    R("s-svc", "nwm-noc-head", 4, 4)
    R("s-del-hq", "nwm-noc-head", 5, 40)
    R("s-sol-hq", "nwm-it-head", 4, 32)
    R("s-del-hq", "nwm-it-head", 3, 40)
    R("s-ad-nwm", "nwm-fin-head", 4, 30)
    R("s-am-jr", "nwm-mkt-head", 4, 48)
    R("s-ad-nwm", "nwm-proc-head", 5, 110)
    R("s-del-hq", "nwm-proc-head", 2, 150)

    L("nwm-chair-office", "nwm-chair", "reports_to", 4)
    L("nwm-chair-office", "nwm-chair", "influences", 4)
    L("nwm-chair", "nwm-ceo", "influences", 3)
    L("nwm-evp", "nwm-ceo", "reports_to", 5)
    L("nwm-cfo", "nwm-ceo", "reports_to", 4)
    L("nwm-cto", "nwm-ceo", "reports_to", 4)
    L("nwm-vpm", "nwm-ceo", "reports_to", 3)
    L("nwm-cpo", "nwm-ceo", "reports_to", 3)
    L("nwm-assistant", "nwm-ceo", "reports_to", 2)
    L("nwm-evp", "nwm-cfo", "influences", 4)
    L("nwm-net-head", "nwm-cto", "reports_to", 4)
    L("nwm-net-head", "nwm-cto", "influences", 4)
    L("nwm-it-head", "nwm-cto", "reports_to", 3)
    L("nwm-noc-head", "nwm-net-head", "reports_to", 3)
    L("nwm-fin-head", "nwm-cfo", "reports_to", 3)
    L("nwm-mkt-head", "nwm-vpm", "reports_to", 4)
    L("nwm-proc-head", "nwm-cpo", "reports_to", 3)
    L("nwm-proc-head", "nwm-cpo", "influences", 3)

    # Headquarters rank and file.
    hq_bulk = (
        ("nwm-hq-net", "technical", 4, "nwm-net-head", ["s-sol-hq", "s-del-hq", "s-svc"]),
        ("nwm-hq-net", "user", 3, "nwm-noc-head", ["s-svc", "s-del-hq"]),
        ("nwm-hq-it", "technical", 3, "nwm-it-head", ["s-sol-hq", "s-del-hq"]),
        ("nwm-hq-fin", "finance", 2, "nwm-fin-head", ["s-ad-nwm", "s-del-hq"]),
        ("nwm-hq-mkt", "business", 3, "nwm-mkt-head", ["s-am-jr", "s-ad-nwm"]),
        ("nwm-hq-proc", "procurement", 2, "nwm-proc-head", ["s-ad-nwm", "s-del-hq"]),
    )
    for unit, role, n, boss, pool in hq_bulk:
        for _ in range(n):
            c = b.bulk(A, unit, role, "cn", D)
            b.some(pool, c)
            b.link(c, boss, "reports_to", rng.randint(2, 4))

    # Provinces: a management team each, then rank and file (never finance: blind cell).
    for p, pname, am, cities in _PROVINCES:
        u = f"nwm-{p}"
        gm, dgm, cto = f"nwm-{p}-gm", f"nwm-{p}-dgm", f"nwm-{p}-cto"
        mkt, proc, noc = f"nwm-{p}-mkt", f"nwm-{p}-proc", f"nwm-{p}-noc"
        attitudes = {
            "gm": "neutral" if p == "wv" else "supporter",
            "dgm": "neutral",
            "cto": "supporter",
            "proc": "neutral",
            "noc": "supporter",
        }
        for suffix, title, role, seniority, influence in _PROVINCE_TEAM:
            name = b.name("cn")
            C(
                f"nwm-{p}-{suffix}",
                name,
                A,
                unit=u,
                title=title.format(pname),
                role=role,
                seniority=seniority,
                influence=influence,
                attitude=attitudes.get(suffix) or rng.choice(("supporter", "neutral")),
                coach=suffix == "cto" and p == "wv",
                domain=D,
            )
        L(gm, "nwm-evp", "reports_to", 4)
        L(dgm, gm, "reports_to", 4)
        L(dgm, gm, "influences", 3)
        L(cto, gm, "influences", 4)
        L(mkt, dgm, "reports_to", 3)
        L(proc, gm, "reports_to", 3)
        L(noc, cto, "reports_to", 3)
        if p == "es":
            # The chief engineer moved under the GM this spring.
            L(cto, dgm, "reports_to", 3, until="2026-03-01")
            L(cto, gm, "reports_to", 4, since="2026-03-01")
        else:
            L(cto, gm, "reports_to", 4)

        if p == "es":  # weak spot 5: everything rests on s-am-es
            R(am, gm, 5, 21)
            R("s-vpka", gm, 3, 120)
            R(am, dgm, 4, 15)
            R("s-sol-rg", dgm, 2, 60)
            R(am, cto, 4, 30)
            R("s-sol-rg", cto, 3, 45)
        elif p == "wv":  # a handover: s-old left, s-am-wv took over on 2026-06-01
            R("s-old", gm, 5, 190, since="2021-07-01", until="2026-06-01")
            R(am, gm, 2, 160, since="2025-03-01", until="2026-06-01")
            R(am, gm, 4, 12, since="2026-06-01")
            R("s-vpka", gm, 5, 45)
            R("s-old", dgm, 4, 200)
            b.strong(am, dgm)
            b.strong("s-ad-nwm", dgm)
            b.strong("s-sol-rg", cto)
            b.strong(am, cto)
        else:
            R(am, gm, 4, 10)
            R("s-vpka", gm, 5, 45)
            R(am, dgm, 4, 20)
            b.strong("s-ad-nwm", dgm)
            R("s-sol-rg", cto, 4, None, notes="Met at the tech exchange")
            b.strong(am, cto)
        b.strong(am, mkt)
        b.strong(am, proc)
        if rng.random() < 0.6:
            b.weak("s-del-rg", proc)
        b.strong("s-svc", noc)

        pool = [am, "s-sol-rg", "s-del-rg", "s-svc"]
        bosses = {"technical": cto, "business": mkt, "user": noc, "procurement": proc, "other": gm}
        for i, role in enumerate(
            ("technical", "technical", "business", "user", "user", "procurement", "other")
        ):
            c = b.bulk(A, u, role, "cn", D)
            b.some(pool, c)
            L(c, bosses[role], "reports_to", rng.randint(2, 4))
            if i == 0:  # a senior engineer with a say in the chief engineer's choices
                L(c, cto, "influences", 2)

        for ci, (c_key, cname, counties) in enumerate(cities):
            cu = f"nwm-{p}-{c_key}"
            cgm = f"{cu}-gm"
            C(
                cgm,
                b.name("cn"),
                A,
                unit=cu,
                title=f"General Manager, {cname} City Branch",
                role="decision_maker",
                seniority=3,
                influence=4,
                attitude=rng.choice(("supporter", "neutral", "supporter")),
                domain=D,
            )
            L(cgm, gm, "reports_to", 3)
            if cgm == "nwm-es-pa-gm":  # weak spot 5
                R(am, cgm, 4, 40)
                R("s-del-rg", cgm, 2, 100)
                L(cgm, gm, "influences", 3)
            else:
                b.strong(am, cgm)
                b.strong("s-del-rg" if ci == 0 else "s-svc", cgm)
            pool = [am, "s-del-rg", "s-svc", "s-sol-rg"]
            for ri, role in enumerate(
                ("technical", "technical", "business", "user", "user", "finance", "procurement")
            ):
                c = b.bulk(A, cu, role, "cn", D)
                if role == "procurement":  # the weak cell (city, procurement)
                    if ci == 0:
                        b.weak(am, c)
                    else:
                        b.some([am, "s-del-rg"], c, allow_strong=False)
                elif ri in (0, 2, 3, 5) and ci == 0:  # keep every other city cell covered
                    b.strong(am if role != "technical" else "s-sol-rg", c)
                else:
                    b.some(pool, c)
                L(c, cgm, "reports_to", rng.randint(2, 4))

            for k_key, kname in counties:
                ku = f"{cu}-{k_key}"
                if ku == "nwm-nr-pc-ag":
                    continue  # a unit nobody knows anybody in
                head = f"{ku}-head"
                C(
                    head,
                    b.name("cn"),
                    A,
                    unit=ku,
                    title=f"Head, {kname} County Branch",
                    role="decision_maker",
                    seniority=2,
                    influence=3,
                    attitude=rng.choice(("supporter", "neutral")),
                    domain=D,
                )
                L(head, cgm, "reports_to", 3)
                b.strong(am, head)
                b.strong("s-svc", head)
                # No procurement contact at any county: the blind cell (county, procurement).
                for role in ("technical", "user", "business", "finance"):
                    c = b.bulk(A, ku, role, "cn", D)
                    if role == "finance":
                        pass  # the uncovered cell (county, finance): nobody knows them
                    elif ku == "nwm-es-pa-sm":
                        b.strong(am if role == "business" else "s-svc", c)
                    else:
                        b.some([am, "s-svc"], c)
                    L(c, head, "reports_to", rng.randint(2, 4))

    # Touchpoints of the main account (dates agree with the relationships'
    # last_contact, so decay is what the relationship rows say).
    T = b.touch
    T(8, "visit", ["s-pres", "s-sol-hq"], ["nwm-cto", "nwm-net-head"], "CTO delegation at our campus")
    T(8, "model_site", ["s-pres"], ["nwm-chair-office"], "Model site tour for the chairman office")
    T(45, "model_site", ["s-vpka", "s-am-nr"], ["nwm-nr-gm"], "Northridge 5G model site")
    T(12, "meeting", ["s-am-wv"], ["nwm-wv-gm"], "Handover follow-up")
    T(20, "tech_exchange", ["s-sol-rg"], ["nwm-nr-cto"], "Core network roadmap exchange")
    T(88, "research", ["s-ad-nwm", "s-am-jr"], ["nwm-vpm", "nwm-mkt-head"], "Consumer market research")
    T(195, "meeting", ["s-pres"], ["nwm-ceo"], "Annual strategy dinner")
    T(4, "other", ["s-svc"], ["nwm-noc-head"], "Network incident review")
    T(417, "visit", ["s-pres", "s-vpka"], ["nwm-ceo", "nwm-cfo"], "Executive visit to our headquarters")
    T(136, "model_site", ["s-am-es"], ["nwm-es-gm", "nwm-es-dgm"], "Eastshore rural coverage model site")
    T(32, "tech_exchange", ["s-sol-hq", "s-del-hq"], ["nwm-net-head", "nwm-it-head"], "Cloud core workshop")
    T(110, "research", ["s-ad-nwm"], ["nwm-proc-head"], "Procurement process research")
    T(17, "meeting", ["s-ad-nwm"], ["nwm-chair-office"], "Quarterly review")
    T(10, "meeting", ["s-ad-nwm"], ["nwm-evp"], "Operations review")
    T(30, "meeting", ["s-vpka"], ["nwm-evp"], "Steering committee")
    T(20, "meeting", ["s-vpka"], ["nwm-cfo"], "Budget planning")


def _bluecrest(b: _Builder) -> None:
    A, D = "bcb", "bluecrest.example"
    b.account(A, "Bluecrest Broadband", "A", "telecom", "South Coast")
    b.unit("bcb-hq", A, "Bluecrest Head Office", "hq")
    b.unit("bcb-coast", A, "Coastal Region", "province", "bcb-hq")
    b.unit("bcb-inland", A, "Inland Region", "province", "bcb-hq")
    b.unit("bcb-bay", A, "Bayport Area Office", "city", "bcb-coast")
    R, L = b.rel, b.link
    b.people(A, D, _BCB_TOP)
    R("s-pres", "bcb-ceo", 5, 30)
    R("s-am-bcb", "bcb-ceo", 4, 14)
    R("s-am-bcb", "bcb-cto", 5, 6)
    R("s-sol-sm", "bcb-cto", 4, 21)
    R("s-am-bcb", "bcb-cfo", 4, 35)
    R("s-vpka", "bcb-cfo", 4, 50)
    R("s-am-bcb", "bcb-proc", 5, 28)
    R("s-sol-sm", "bcb-proc", 4, 40)
    R("s-am-bcb", "bcb-coast-dir", 4, 9)
    R("s-del-rg", "bcb-coast-dir", 5, 60)
    R("s-am-bcb", "bcb-inland-dir", 4, 25)
    R("s-am-bcb", "bcb-bay-mgr", 5, 40)
    R("s-del-rg", "bcb-bay-mgr", 4, 12)
    R("s-am-bcb", "bcb-coast-fin", 2, 75)
    R("s-del-rg", "bcb-inland-dir", 4, 33)
    for c in ("bcb-cto", "bcb-cfo", "bcb-proc"):
        L(c, "bcb-ceo", "reports_to", 4)
    L("bcb-coast-dir", "bcb-cto", "reports_to", 3)
    L("bcb-inland-dir", "bcb-cto", "reports_to", 3)
    L("bcb-bay-mgr", "bcb-coast-dir", "reports_to", 3)
    L("bcb-coast-fin", "bcb-cfo", "reports_to", 2)
    L("bcb-cto", "bcb-ceo", "influences", 5)
    pool = ["s-am-bcb", "s-sol-sm", "s-del-rg"]
    for unit, roles, boss in (
        ("bcb-hq", ("technical", "business", "finance", "user"), "bcb-cto"),
        ("bcb-coast", ("technical", "user", "business"), "bcb-coast-dir"),
        ("bcb-inland", ("technical", "user"), "bcb-inland-dir"),
        ("bcb-bay", ("technical", "user", "business"), "bcb-coast-dir"),
    ):
        for role in roles:
            c = b.bulk(A, unit, role, "intl", D)
            b.some(pool, c, tended=0.7)
            L(c, boss, "reports_to", b.rng.randint(2, 4))
    b.touch(6, "visit", ["s-am-bcb", "s-sol-sm"], ["bcb-cto"], "Fiber access demo at our lab")
    b.touch(30, "meeting", ["s-pres", "s-am-bcb"], ["bcb-ceo"], "Executive sponsor meeting")
    b.touch(60, "tech_exchange", ["s-del-rg"], ["bcb-coast-dir"], "Rollout lessons learned")
    b.touch(200, "research", ["s-am-bcb"], ["bcb-cfo", "bcb-proc"], "Total cost of ownership study")


def _harborline(b: _Builder) -> None:
    # No units: contacts carry their level directly.
    A, D = "hpg", "harborline.example"
    b.account(A, "Harborline Power Grid", "B", "utilities", "North")
    R, L = b.rel, b.link
    b.people(A, D, _HPG_TOP)
    R("s-vpka", "hpg-ceo", 5, 70)
    R("s-am-sm", "hpg-ceo", 4, 40)
    R("s-am-sm", "hpg-cto", 5, 15)
    R("s-sol-sm", "hpg-cto", 5, 15)
    R("s-am-sm", "hpg-north", 4, 22)
    R("s-sol-sm", "hpg-north", 4, 50)
    L("hpg-cto", "hpg-ceo", "reports_to", 4)
    L("hpg-north", "hpg-ceo", "reports_to", 3)
    pool = ["s-am-sm", "s-sol-sm"]
    for level, roles, boss in (
        ("hq", ("technical", "business", "finance", "procurement", "user"), "hpg-cto"),
        ("province", ("technical", "user", "business"), "hpg-north"),
    ):
        for role in roles:
            c = b.bulk(A, "", role, "intl", D, level=level)
            b.some(pool, c, tended=0.5)
            L(c, boss, "reports_to", b.rng.randint(2, 4))
    b.touch(15, "tech_exchange", ["s-am-sm", "s-sol-sm"], ["hpg-cto"], "Private LTE for substations")
    b.touch(300, "model_site", ["s-vpka"], ["hpg-ceo"], "Smart grid model site")


def _silverpine(b: _Builder) -> None:
    # Imported from an old CRM: most relationships have no last_contact (no decay).
    A, D = "spr", "silverpine.example"
    b.account(A, "Silverpine Railways", "C", "transport", "West")
    b.unit("spr-hq", A, "Silverpine Railways Head Office", "hq")
    R, L = b.rel, b.link
    b.people(A, D, _SPR_TOP)
    R("s-am-sm", "spr-gm", 4, None)
    R("s-vpka", "spr-gm", 4, None)
    R("s-sol-sm", "spr-signal", 3, None)
    L("spr-signal", "spr-gm", "reports_to", 3)
    for role in ("user", "business", "procurement", "finance"):
        c = b.bulk(A, "spr-hq", role, "intl", D)
        b.rel("s-am-sm", c, b.rng.randint(1, 3), None)
        L(c, "spr-gm", "reports_to", b.rng.randint(2, 4))
    b.touch(500, "other", ["s-am-sm"], ["spr-signal"], "Trade fair booth")


def _teams(b: _Builder) -> None:
    T = b.team
    for s, role in (
        ("s-pres", "executive"),
        ("s-vpka", "executive"),
        ("s-ad-nwm", "account_manager"),
        ("s-am-es", "account_manager"),
        ("s-am-wv", "account_manager"),
        ("s-am-nr", "account_manager"),
        ("s-am-jr", "account_manager"),
        ("s-sol-hq", "solution"),
        ("s-sol-rg", "solution"),
        ("s-del-hq", "delivery"),
        ("s-del-rg", "delivery"),
        ("s-svc", "service"),
        ("s-old", "account_manager"),
    ):
        T("nwm", s, role)
    T("bcb", "s-am-bcb", "account_manager")
    T("bcb", "s-sol-sm", "solution")
    T("bcb", "s-del-rg", "delivery")
    T("bcb", "s-pres", "executive")
    # Harborline: no delivery on the team (an incomplete iron triangle).
    T("hpg", "s-am-sm", "account_manager")
    T("hpg", "s-sol-sm", "solution")
    T("hpg", "s-vpka", "executive")
    T("spr", "s-am-sm", "account_manager")
    T("spr", "s-sol-sm", "solution")
    T("spr", "s-del-rg", "")  # empty team role: the staff role (delivery) counts


_METHODS_BY_ROLE = {
    "technical": ("tech_exchange", "tech_exchange", "meeting"),
    "business": ("research", "meeting"),
    "finance": ("meeting",),
    "user": ("meeting", "other"),
    "procurement": ("meeting", "research"),
    "other": ("other",),
}


def _routine_touchpoints(b: _Builder) -> None:
    """Day-to-day touchpoints with rank-and-file contacts: one per sampled relationship
    of strength 3 or more in the last year, dated on its ``last_contact`` (so that it
    does not change the relationship's decay)."""
    role = {r["id"]: r["role"] for r in b.tables["contacts"]}
    rows = [
        r
        for r in b.tables["relationships"]
        if r["contact"] in b.rank_and_file
        and r["strength"] >= 3
        and r["last_contact"]
        and r["last_contact"] > ago(365)
    ]
    for r in sorted(
        b.rng.sample(rows, min(40, len(rows))), key=lambda r: (r["last_contact"], r["staff"], r["contact"])
    ):
        method = b.rng.choice(_METHODS_BY_ROLE[role[r["contact"]]])
        days = (DEMO_AS_OF - dt.date.fromisoformat(r["last_contact"])).days
        b.touch(days, method, [r["staff"]], [r["contact"]])


def demo_tables() -> dict[str, list[dict[str, Any]]]:
    """The demo portfolio as tables of rows (column -> value), always the same."""
    b = _Builder()
    _staff(b)
    _northwind(b)
    _bluecrest(b)
    _harborline(b)
    _silverpine(b)
    _routine_touchpoints(b)
    _teams(b)
    b.tables["touchpoints"].sort(key=lambda r: r["date"])
    return b.tables


def _columns(name: str, rows: list[dict[str, Any]]) -> list[str]:
    """The columns of ``name`` that some row fills, in the model's order (required
    columns always)."""
    table = TABLES[name]
    return [c.name for c in table.columns if c.required or any(r.get(c.name) not in ("", None) for r in rows)]


def is_demo_dir(path: str | os.PathLike) -> bool:
    """True when ``path`` holds a data set written by :func:`write_demo`."""
    return (Path(path) / MARKER).is_file()


def write_demo(path: str | os.PathLike, *, force: bool = False) -> dict[str, Any]:
    """Write the demo portfolio to the folder ``path`` as CSV files.

    The folder is created if needed. A folder that is not empty and was not written
    by an earlier ``write_demo`` is refused unless ``force`` is true.

    Returns
    -------
    dict
        ``path``, ``as_of`` (:data:`DEMO_AS_OF`), ``account`` (the main account id),
        ``ceo``, ``chairman``, ``counts`` (rows per table), ``weak_spots``
        (:data:`WEAK_SPOTS`), and ``map`` / ``report``: the file names (inside
        ``path``) where the demo's map and portfolio report belong.

    Raises
    ------
    UsageError
        ``path`` is a file, or a non-empty folder that is not a demo.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{path} is a file; give a folder for the demo")
    if folder.is_dir() and any(folder.iterdir()) and not is_demo_dir(folder) and not force:
        raise UsageError(
            f"{path} is not empty and does not hold a relgraph demo; choose another folder or pass --force"
        )
    folder.mkdir(parents=True, exist_ok=True)
    tables = demo_tables()
    for name, rows in tables.items():
        columns = _columns(name, rows)
        with open(folder / TABLES[name].filename, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            for row in rows:
                w.writerow([row.get(c, "") for c in columns])
    (folder / MARKER).write_text(
        f"Written by relgraph demo. Dates are relative to {DEMO_AS_OF.isoformat()}.\n", encoding="utf-8"
    )
    return {
        "path": str(path),
        "as_of": DEMO_AS_OF,
        "account": MAIN_ACCOUNT,
        "ceo": "nwm-ceo",
        "chairman": "nwm-chair",
        "counts": {name: len(rows) for name, rows in tables.items()},
        "weak_spots": WEAK_SPOTS,
        "map": f"{MAIN_ACCOUNT}-map.html",
        "report": "report.html",
    }


def next_steps(info: dict[str, Any]) -> list[str]:
    """The commands to try on a demo written by :func:`write_demo`, in order."""
    d = shlex.quote(info["path"])
    a = f"--as-of {info['as_of'].isoformat()}"
    acc, ceo = info["account"], info["ceo"]
    map_file = shlex.quote(str(Path(info["path"]) / info["map"]))
    report_file = shlex.quote(str(Path(info["path"]) / info["report"]))
    return [
        f"relgraph validate {d}",
        f"relgraph summary {d}",
        f"relgraph coverage {d} --account {acc} {a}",
        f"relgraph gaps {d} --limit 10 {a}",
        f"relgraph threads {d} {a}",
        f"relgraph risk {d} {a}",
        f"relgraph paths {d} --to {ceo} {a}",
        f"relgraph paths {d} --to {ceo} --through-opponents {a}",
        f"relgraph whatif {d} --without {WEAK_SPOTS['rotation']['staff']} {a}",
        f"relgraph influencers {d} --account {acc} {a}",
        f"relgraph map {d} --account {acc} --to {ceo} {a} -o {map_file}",
        f"relgraph report {d} {a} -o {report_file}",
    ]


def write_demo_pages(info: dict[str, Any]) -> dict[str, Any]:
    """Render the pages of a demo written by :func:`write_demo`, inside its folder,
    as of :data:`DEMO_AS_OF`: the main account's map with the best path to its CEO
    (``info["map"]``), and the portfolio report (``info["report"]``) with every
    account's map in ``maps/`` beside it.

    Returns ``{"map": path, "report": path, "maps": [paths]}``.
    """
    from .render import write_map, write_report
    from .stores.files import FileStore

    folder = Path(info["path"])
    store = FileStore(folder)
    as_of = info["as_of"]
    map_path = write_map(store, folder / info["map"], account=info["account"], to=info["ceo"], as_of=as_of)
    written = write_report(store, folder / info["report"], as_of=as_of)
    return {"map": map_path, "report": written[0], "maps": written[1:]}
