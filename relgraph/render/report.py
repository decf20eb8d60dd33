"""The portfolio report: one static HTML page over every account, beside its maps.

The *portfolio report* shows, for the whole portfolio on one page: each account's
figures (SPEC section 2) with a link to its map, a level × role coverage heat-map per
account, the top coverage gaps with the staff best placed to close them, the key
contacts with at most one thread, and the staff ranked by rotation risk.

:func:`write_report` writes the page and, in a folder ``maps`` beside it, one map per
account (``maps/<account>.html``, the account id made safe for file names by
:func:`file_stems`). Nothing is written until every page has rendered, so a failure
leaves the previous report and maps as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import COVERAGE_ROLES, level_sort_key
from .accountmap import PALETTE, ROLE_LABELS, map_html
from .page import render_template, stage_text

MAPS_DIR = "maps"
"""The folder, beside the report, that holds the account maps."""

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def file_stem(account: str) -> str:
    """A file name stem for an account id: the id itself when it is made of letters,
    digits, ``.``, ``_`` and ``-`` (at most 60, not starting with a dot, not a
    Windows device name), else its safe characters followed by ``-`` and 8 hex
    digits of its SHA-1, so that distinct ids never share a stem.

    >>> file_stem("ACME-01"), file_stem("../etc/passwd"), file_stem("中国移动")
    ('ACME-01', 'etc_passwd-e96c47ea', 'account-c912e498')
    """
    if _SAFE.fullmatch(account) and account.split(".")[0].lower() not in _RESERVED:
        return account
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", account).strip("._-")[:40] or "account"
    return f"{safe}-{hashlib.sha1(account.encode('utf-8')).hexdigest()[:8]}"


def file_stems(accounts: list[str]) -> dict[str, str]:
    """:func:`file_stem` of every account, made unique ignoring case (for file
    systems that ignore it) by adding the hash to every stem of a clash."""
    stems = {a: file_stem(a) for a in accounts}
    seen: dict[str, int] = {}
    for s in stems.values():
        seen[s.lower()] = seen.get(s.lower(), 0) + 1
    for a, s in stems.items():
        if seen[s.lower()] > 1:
            stems[a] = f"{s}-{hashlib.sha1(a.encode('utf-8')).hexdigest()[:8]}"
    return stems


def report_html(
    *,
    coverage: dict[str, Any],
    gaps: dict[str, Any],
    threads: dict[str, Any],
    risk: dict[str, Any],
    contact_names: dict[str, str] | None = None,
    staff_names: dict[str, str] | None = None,
    map_links: dict[str, str] | None = None,
    top: int = 20,
) -> str:
    """The report page from the JSON objects of the ``coverage``, ``gaps``,
    ``threads`` and ``risk`` commands.

    ``contact_names`` and ``staff_names`` map ids to names (ids are shown where
    missing);
    ``map_links`` maps account ids to the (relative) address of their map; ``top``
    bounds the gap, thread and risk lists.
    """
    map_links = map_links or {}
    accounts = []
    for acc in coverage["accounts"]:
        cells = {(c["level"], c["role"]): c for c in acc["cells"]}
        levels = sorted({c["level"] for c in acc["cells"]}, key=level_sort_key)
        counts = {s: sum(1 for c in acc["cells"] if c["status"] == s) for s in ("covered", "weak", "uncovered", "unknown")}
        accounts.append({**acc, "grid": cells, "levels": levels, "status_counts": counts})
    single = [c for c in threads["contacts"] if c["threads"] is not None and c["threads"] <= 1]
    per_account_single: dict[str, int] = {}
    for c in single:
        per_account_single[c["account"]] = per_account_single.get(c["account"], 0) + 1
    at_risk = [s for s in risk["staff"] if s["risk"] > 0 or s.get("due_soon")]
    return render_template(
        "report.html",
        title="Portfolio relationship report",
        as_of=coverage["as_of"],
        accounts=accounts,
        account_names={acc["id"]: acc["name"] for acc in accounts},
        gaps=gaps["gaps"][:top],
        gaps_total=len(gaps["gaps"]),
        single=single[:top],
        single_total=len(single),
        per_account_single=per_account_single,
        risk=at_risk[:top],
        risk_total=len(at_risk),
        contact_names=contact_names or {},
        staff_names=staff_names or {},
        map_links=map_links,
        roles=list(COVERAGE_ROLES),
        role_labels=ROLE_LABELS,
        palette=PALETTE,
    )


def write_report(
    store,
    path: str | Path = "relgraph-report.html",
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    strong: float = 3.0,
    horizon: int = 180,
    rotation_years: int = 3,
    top: int = 20,
    maps: bool = True,
) -> list[Path]:
    """Write the portfolio report of ``store`` to ``path`` and each account's map to
    ``maps/<stem>.html`` beside it; returns the paths written, the report first.

    Every page is rendered before any is moved into place (temporary files in the
    target folders, then renames), so a failure leaves nothing half-written.
    """
    from ..analysis import portfolio

    options = {"as_of": as_of, "half_life": half_life, "strong": strong}
    cov = portfolio.coverage_report(store, **options)
    gap = portfolio.gaps_report(store, **options)
    thr = portfolio.threads_report(store, **options)
    rsk = portfolio.risk_report(store, **options, horizon=horizon, rotation_years=rotation_years)

    path = Path(path)
    stems = file_stems(store.account_ids())
    staff_names = {s["id"]: s["name"] for s in store.staff()}
    contact_names: dict[str, str] = {}
    staged: list[tuple[Path, Path]] = []  # (temporary file, final path)
    map_links: dict[str, str] = {}
    try:
        for account in store.account_ids():
            G = store.account_graph(account)
            for _, d in G.nodes(data=True):
                if d["kind"] == "Contact":
                    contact_names[d["id"]] = d["name"]
            if not maps:
                continue
            target = path.parent / MAPS_DIR / f"{stems[account]}.html"
            staged.append((stage_text(target, map_html(G, **options)), target))
            map_links[account] = f"{MAPS_DIR}/{quote(stems[account])}.html"
        html = report_html(
            coverage=cov,
            gaps=gap,
            threads=thr,
            risk=rsk,
            contact_names=contact_names,
            staff_names=staff_names,
            map_links=map_links,
            top=top,
        )
        staged.insert(0, (stage_text(path, html), path))
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    return [final for _, final in staged]


__all__ = ["MAPS_DIR", "file_stem", "file_stems", "report_html", "write_report"]
