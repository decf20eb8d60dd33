"""The portfolio report: one static HTML page over every account, beside its maps.

The *portfolio report* shows, for the whole portfolio on one page: each account's
figures (SPEC section 2) with a link to its map, the top actions of the
relationship plan (SPEC section 6, each linking to its account's map opened on its
target), a level × role coverage heat-map per account, the top coverage gaps with the staff best placed to close them, the key
contacts with at most one thread, and the staff ranked by rotation risk.

:func:`write_report` writes the page and, in a folder ``maps`` beside it, one map per
account (``maps/<account>.html``, the account id made safe for file names by
:func:`file_stems`). Nothing is written until every page has rendered, so a failure
leaves the previous report and maps as they were. Maps left in that folder by an
earlier report, of accounts no longer listed, are removed: only pages that
relgraph wrote (recognised by :func:`is_relgraph_map`), never another file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from ..analysis.account import PortfolioLists, account_result, portfolio_lists
from ..analysis.plan import action_sort_key, relationship_plan
from ..model import COVERAGE_ROLES, level_sort_key
from ..rows import paused_gc
from .accountmap import GAP, PALETTE, PLAN_WORDS, ROLE_LABELS, map_html, plan_records
from .page import render_template, stage_text

MAPS_DIR = "maps"
"""The folder, beside the report, that holds the account maps."""

MAP_MARK = '<meta name="generator" content="relgraph map">'
"""The mark in the head of every account map, by which a report knows its own maps."""

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
    lists: PortfolioLists, *, map_links: dict[str, str] | None = None, top: int = 20, plan: list[dict] | None = None
) -> str:
    """The report page of a portfolio's lists (:func:`relgraph.analysis.account.portfolio_lists`).

    ``map_links`` maps account ids to the (relative) address of their map; ``top``
    bounds the gap, thread and risk lists and the actions listed of ``plan`` (the
    actions of :func:`relgraph.analysis.portfolio.plan_report`, in plan order).
    """
    map_links = map_links or {}
    actions = plan_links(plan or [], map_links)
    accounts = []
    for acc in lists.accounts:
        cells = {(c["level"], c["role"]): c for c in acc["cells"]}
        levels = sorted({c["level"] for c in acc["cells"]}, key=level_sort_key)
        accounts.append({**acc, "grid": cells, "levels": levels})
    per_account_single: dict[str, int] = {}
    for c in lists.single:
        per_account_single[c["account"]] = per_account_single.get(c["account"], 0) + 1
    return render_template(
        "report.html",
        title="Portfolio relationship report",
        as_of=lists.as_of,
        accounts=accounts,
        account_names={acc["id"]: acc["name"] for acc in accounts},
        gaps=lists.gaps[:top],
        gaps_total=len(lists.gaps),
        single=lists.single[:top],
        single_total=len(lists.single),
        unthreaded_total=sum(c["threads"] == 0 for c in lists.single),
        per_account_single=per_account_single,
        risk=lists.risk[:top],
        risk_total=len(lists.risk),
        contact_names=lists.contact_names,
        staff_names=lists.staff_names,
        map_links=map_links,
        roles=list(COVERAGE_ROLES),
        role_labels=ROLE_LABELS,
        palette=PALETTE,
        actions=actions[:top],
        actions_total=len(actions),
        kind_words=PLAN_WORDS,
    )


def plan_links(actions: list[dict], map_links: dict[str, str]) -> list[dict]:
    """The plan's actions as the report lists them: :func:`plan_records` with the
    ``account`` and, where the account has a map, ``href``: the map opened on the
    action's target (``maps/<stem>.html#focus=<node key>``, a blind spot's key being
    ``Gap:<level>|<role>``), which the map selects on load."""
    out = []
    for a, rec in zip(actions, plan_records(actions)):
        key = rec["target"] or f"{GAP}:{rec['cell']}"
        href = f"{map_links[a['account']]}#focus={quote(key, safe='')}" if a["account"] in map_links else None
        out.append({**rec, "account": a["account"], "href": href, "reason_parts": date_parts(rec["reason"])})
    return out


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def date_parts(text: str) -> list[tuple[str, bool]]:
    """``text`` cut around its ISO dates, each part with whether it is a date (the
    page keeps a date on one line: never "2027-01-" and "08").

    >>> date_parts("rotates on 2027-01-08.")
    [('rotates on ', False), ('2027-01-08', True), ('.', False)]
    """
    return [(part, i % 2 == 1) for i, part in enumerate(_DATE.split(text)) if part]


def write_report(
    store,
    path: str | Path = "relgraph-report.html",
    *,
    as_of: dt.date,
    half_life: float = 180.0,
    grace: float = 90.0,
    strong: float = 3.0,
    horizon: int = 180,
    rotation_years: int = 3,
    top: int = 20,
    maps: bool = True,
) -> list[Path]:
    """Write the portfolio report of ``store`` to ``path`` and each account's map to
    ``maps/<stem>.html`` beside it; returns the paths written, the report first.

    Each account is read from the store once (its typed tables): its one
    :func:`~relgraph.analysis.account.account_result` gives its map, its rows of the
    report and the basis of its plan (strengths, access graph, successors). Every page is rendered before any is moved into place (temporary
    files in the target folders, then renames), so a failure leaves nothing
    half-written.
    """
    path = Path(path)
    ids = store.account_ids()
    plan: list[dict] = []  # every account's actions, from the read its figures come from
    stems = file_stems(ids)
    staged: list[tuple[Path, Path]] = []  # (temporary file, final path)
    map_links: dict[str, str] = {}

    def results():
        for account in ids:
            typed = store.tables([account])
            r = account_result(typed, as_of=as_of, half_life=half_life, grace=grace, strong=strong, lists=True,
                               horizon=horizon, rotation_years=rotation_years)
            actions = relationship_plan(typed, as_of=as_of, half_life=half_life, grace=grace, strong=strong,
                                        horizon=horizon, rotation_years=rotation_years, result=r)
            r = r.without_basis()  # its map is drawn after its plan, at the peak of memory
            plan.extend(actions)
            if maps:
                target = path.parent / MAPS_DIR / f"{stems[account]}.html"
                staged.append((stage_text(target, map_html(typed, r, plan=actions)), target))
                map_links[account] = f"{MAPS_DIR}/{quote(stems[account])}.html"
            yield r

    try:
        # One account at a time: its tables and full result are dropped once its map is staged.
        lists = portfolio_lists(_paused(results()), store.staff(), as_of=as_of, horizon=horizon, rotation_years=rotation_years)
        plan.sort(key=action_sort_key)
        html = report_html(lists, map_links=map_links, top=top, plan=plan)
        staged.insert(0, (stage_text(path, html), path))
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = [final for _, final in staged]
    if maps:
        folder = path.parent / MAPS_DIR
        keep = {p.name for p in written[1:]}
        for old in sorted(folder.glob("*.html")):
            if old.name not in keep and is_relgraph_map(old):
                old.unlink()
    return written


T = TypeVar("T")
_END: Any = object()  # the end of _paused's items


def _paused(items: Iterable[T]) -> Iterator[T]:
    """``items``, each one made with the garbage collector paused (an account's map
    builds hundreds of thousands of small containers, none in a cycle), and running
    between them."""
    it = iter(items)
    while True:
        with paused_gc():
            item = next(it, _END)
        if item is _END:
            return
        yield item


def is_relgraph_map(path: str | Path) -> bool:
    """True when ``path`` is an account map that relgraph wrote: a file whose head
    carries the map's generator mark (``<meta name="generator" content="relgraph
    map">``)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return False
    return MAP_MARK in head


__all__ = ["MAPS_DIR", "MAP_MARK", "file_stem", "file_stems", "is_relgraph_map", "report_html", "write_report"]
