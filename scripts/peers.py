#!/usr/bin/env python3
"""The benchmark's peers: key and cell coverage of every account, as an analyst with
DuckDB or polars would compute them straight from the CSV folder.

*Key coverage* is the share of an account's key contacts (role ``decision_maker`` or
influence >= 4) with at least one thread; *cell coverage* the share of its coverage
cells (every level occurring among its units and contacts x the six roles other
than ``other``) holding a contact with a thread (SPEC section 2). A thread is an
active staff member whose relationship in force has an effective strength >= 3:
``strength x 0.5 ^ (max(0, days since the last contact - grace) / half_life)``, the
last contact being the later of ``last_contact`` and the newest touchpoint (on or
before as-of) listing both people.

These are the measures ``scripts/bench`` holds relgraph's ``coverage`` against, and
``tests/test_peers.py`` holds them to relgraph's answers; they are not part of the
package (``duckdb`` and ``polars`` come only with the ``bench`` extra).

    python3 scripts/peers.py duckdb DATA [--as-of 2026-11-01]
    python3 scripts/peers.py polars DATA [--as-of 2026-11-01]

Both print ``{"accounts": [{"id", "key_coverage", "cell_coverage"}, ...]}`` (by id;
a share of an empty set is null).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROLES = ("decision_maker", "technical", "business", "finance", "user", "procurement")
TOP_LEVEL = "hq"


def duckdb_coverage(folder: Path, as_of: dt.date, *, half_life: float = 180.0, grace: float = 0.0,
                    strong: float = 3.0) -> list[dict]:
    """Key and cell coverage of every account by one DuckDB SQL query over the CSVs."""
    import duckdb

    def csv(name: str, types: str) -> str:
        return f"read_csv('{folder / (name + '.csv')}', header = true, columns = {{{types}}})"

    roles = ", ".join(f"'{r}'" for r in ROLES)
    sql = f"""
    WITH
    accounts AS (SELECT id FROM {csv('accounts', "'id': 'VARCHAR', 'name': 'VARCHAR', 'grade': 'VARCHAR', 'industry': 'VARCHAR', 'region': 'VARCHAR'")}),
    units AS (SELECT id, account, level FROM {csv('units', "'id': 'VARCHAR', 'account': 'VARCHAR', 'name': 'VARCHAR', 'level': 'VARCHAR', 'parent': 'VARCHAR'")}),
    contacts AS (
        SELECT c.id, c.account, coalesce(u.level, c.level, '{TOP_LEVEL}') AS level, coalesce(c.role, 'other') AS role,
               (c.role = 'decision_maker' OR coalesce(c.influence, 3) >= 4) AS is_key
        FROM {csv('contacts', "'id': 'VARCHAR', 'name': 'VARCHAR', 'account': 'VARCHAR', 'unit': 'VARCHAR', 'level': 'VARCHAR', 'title': 'VARCHAR', 'role': 'VARCHAR', 'seniority': 'INTEGER', 'influence': 'INTEGER', 'attitude': 'VARCHAR', 'coach': 'VARCHAR'")} c
        LEFT JOIN units u ON u.id = c.unit),
    staff AS (SELECT id, coalesce(active, true) AS active FROM {csv('staff', "'id': 'VARCHAR', 'name': 'VARCHAR', 'title': 'VARCHAR', 'role': 'VARCHAR', 'seniority': 'INTEGER', 'office': 'VARCHAR', 'in_role_since': 'DATE', 'active': 'BOOLEAN'")}),
    tp_staff AS (
        SELECT date, unnest(string_split(staff, ';')) AS staff, contacts
        FROM {csv('touchpoints', "'date': 'DATE', 'method': 'VARCHAR', 'staff': 'VARCHAR', 'contacts': 'VARCHAR'")}
        WHERE date <= DATE '{as_of}'),
    tp_pairs AS (SELECT staff, unnest(string_split(contacts, ';')) AS contact, date FROM tp_staff),
    last_tp AS (SELECT staff, contact, max(date) AS date FROM tp_pairs GROUP BY staff, contact),
    rels AS (
        SELECT r.staff, r.contact, r.strength, greatest(r.last_contact, t.date) AS last
        FROM {csv('relationships', "'staff': 'VARCHAR', 'contact': 'VARCHAR', 'strength': 'DOUBLE', 'last_contact': 'DATE', 'since': 'DATE', 'until': 'DATE'")} r
        LEFT JOIN last_tp t ON t.staff = r.staff AND t.contact = r.contact
        WHERE (r.since IS NULL OR r.since <= DATE '{as_of}') AND (r.until IS NULL OR DATE '{as_of}' < r.until)),
    threads AS (
        SELECT r.contact, count(DISTINCT r.staff) AS n
        FROM rels r JOIN staff s ON s.id = r.staff
        WHERE s.active AND r.strength * CASE WHEN r.last IS NOT NULL AND r.last <= DATE '{as_of}'
            THEN pow(0.5, greatest(0, (DATE '{as_of}' - r.last) - {grace}) / {half_life}) ELSE 1 END >= {strong}
        GROUP BY r.contact),
    levels AS (SELECT account, level FROM units UNION SELECT account, level FROM contacts),
    cells AS (SELECT account, count(*) * {len(ROLES)} AS n FROM levels GROUP BY account),
    judged AS (SELECT c.*, coalesce(t.n, 0) >= 1 AS threaded FROM contacts c LEFT JOIN threads t ON t.contact = c.id),
    keys AS (SELECT account, count(*) FILTER (WHERE is_key) AS n, count(*) FILTER (WHERE is_key AND threaded) AS hit
             FROM judged GROUP BY account),
    covered AS (SELECT account, count(DISTINCT (level, role)) AS n FROM judged
                WHERE threaded AND role IN ({roles}) GROUP BY account)
    SELECT a.id,
           CASE WHEN coalesce(k.n, 0) = 0 THEN NULL ELSE k.hit / k.n END AS key_coverage,
           CASE WHEN coalesce(c.n, 0) = 0 THEN NULL ELSE coalesce(v.n, 0) / c.n END AS cell_coverage
    FROM accounts a
    LEFT JOIN keys k ON k.account = a.id
    LEFT JOIN cells c ON c.account = a.id
    LEFT JOIN covered v ON v.account = a.id
    ORDER BY a.id
    """
    con = duckdb.connect()
    rows = con.execute(sql).fetchall()
    return [{"id": i, "key_coverage": k, "cell_coverage": c} for i, k, c in rows]


def polars_coverage(folder: Path, as_of: dt.date, *, half_life: float = 180.0, grace: float = 0.0,
                    strong: float = 3.0) -> list[dict]:
    """Key and cell coverage of every account by one polars lazy query over the CSVs."""
    import polars as pl

    def scan(name: str, **types) -> pl.LazyFrame:
        return pl.scan_csv(folder / f"{name}.csv", schema_overrides=types, infer_schema=False)

    day = pl.lit(as_of)
    units = scan("units").select("id", "account", "level")
    contacts = (
        scan("contacts", influence=pl.Int64)
        .join(units.select(pl.col("id").alias("unit"), pl.col("level").alias("unit_level")), on="unit", how="left")
        .select(
            "id",
            "account",
            pl.coalesce("unit_level", "level", pl.lit(TOP_LEVEL)).alias("level"),
            pl.col("role").fill_null("other"),
            ((pl.col("role") == "decision_maker").fill_null(False) | (pl.col("influence").fill_null(3) >= 4)).alias("is_key"),
        )
    )
    staff = scan("staff").select("id", (pl.col("active").str.to_lowercase() != "false").fill_null(True).alias("active"))
    last_tp = (
        scan("touchpoints", date=pl.Date)
        .filter(pl.col("date") <= day)
        .with_columns(pl.col("staff").str.split(";"), pl.col("contacts").str.split(";").alias("contact"))
        .explode("staff")
        .explode("contact")
        .group_by("staff", "contact")
        .agg(pl.col("date").max().alias("tp"))
    )
    rels = (
        scan("relationships", strength=pl.Float64, last_contact=pl.Date, since=pl.Date, until=pl.Date)
        .filter(
            (pl.col("since").is_null() | (pl.col("since") <= day)) & (pl.col("until").is_null() | (day < pl.col("until")))
        )
        .join(last_tp, on=["staff", "contact"], how="left")
        .with_columns(pl.max_horizontal("last_contact", "tp").alias("last"))
        .join(staff, left_on="staff", right_on="id", how="inner")
        .with_columns(
            pl.when(pl.col("last").is_not_null() & (pl.col("last") <= day))
            .then(
                pl.col("strength")
                * pl.lit(0.5).pow(((day - pl.col("last")).dt.total_days() - grace).clip(lower_bound=0) / half_life)
            )
            .otherwise(pl.col("strength"))
            .alias("eff")
        )
    )
    threads = (
        rels.filter(pl.col("active") & (pl.col("eff") >= strong))
        .group_by("contact")
        .agg(pl.col("staff").n_unique().alias("n"))
    )
    judged = contacts.join(threads, left_on="id", right_on="contact", how="left").with_columns(
        (pl.col("n").fill_null(0) >= 1).alias("threaded")
    )
    keys = judged.group_by("account").agg(
        pl.col("is_key").sum().alias("key_n"), (pl.col("is_key") & pl.col("threaded")).sum().alias("key_hit")
    )
    levels = pl.concat([units.select("account", "level"), contacts.select("account", "level")]).unique()
    cells = levels.group_by("account").agg((pl.len() * len(ROLES)).alias("cell_n"))
    covered = (
        judged.filter(pl.col("threaded") & pl.col("role").is_in(ROLES))
        .select("account", "level", "role")
        .unique()
        .group_by("account")
        .agg(pl.len().alias("cell_hit"))
    )
    out = (
        scan("accounts")
        .select("id")
        .join(keys, left_on="id", right_on="account", how="left")
        .join(cells, left_on="id", right_on="account", how="left")
        .join(covered, left_on="id", right_on="account", how="left")
        .select(
            "id",
            pl.when(pl.col("key_n").fill_null(0) > 0).then(pl.col("key_hit") / pl.col("key_n")).alias("key_coverage"),
            pl.when(pl.col("cell_n").fill_null(0) > 0)
            .then(pl.col("cell_hit").fill_null(0) / pl.col("cell_n"))
            .alias("cell_coverage"),
        )
        .sort("id")
        .collect()
    )
    return out.to_dicts()


PEERS = {"duckdb": duckdb_coverage, "polars": polars_coverage}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("engine", choices=sorted(PEERS))
    ap.add_argument("data", type=Path)
    ap.add_argument("--as-of", default="2026-11-01", type=dt.date.fromisoformat)
    ap.add_argument("--half-life", type=float, default=180.0)
    ap.add_argument("--grace", type=float, default=0.0, help="days a relationship keeps its full strength (default 0)")
    ap.add_argument("--strong", type=float, default=3.0)
    args = ap.parse_args()
    rows = PEERS[args.engine](args.data, args.as_of, half_life=args.half_life, grace=args.grace, strong=args.strong)
    json.dump({"accounts": rows}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
