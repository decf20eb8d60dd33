"""The demo portfolio: a realistic, entirely fictional data set to learn relgraph on.

The *demo portfolio* is what ``relgraph demo`` writes: four customer accounts of a
fictional telecom-equipment vendor, as a CSV folder in the format of SPEC section 1.
No company or person in it is real. It ships as data, the CSV files of
``relgraph/demo/data/`` and the weak spots below in ``weak_spots.json`` beside them,
which ``relgraph demo`` copies byte for byte: nothing is generated, so it is the same
on every machine and Python version. Every date in it is relative to a fixed
reference date, :data:`DEMO_AS_OF` (2026-11-01), so the figures are the same
everywhere when commands are given ``--as-of 2026-11-01``.

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
import io
import json
import os
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import TABLES

MARKER = ".relgraph-demo"
"""A file written into the demo folder so that ``relgraph demo`` may overwrite it."""


def _data():
    return resources.files(__name__).joinpath("data")


_NOTES: dict[str, Any] = json.loads(_data().joinpath("weak_spots.json").read_text(encoding="utf-8"))

DEMO_AS_OF = dt.date.fromisoformat(_NOTES["as_of"])
"""The reference date of the demo: every date in it is relative to this day."""

MAIN_ACCOUNT: str = _NOTES["account"]

WEAK_SPOTS: dict[str, Any] = _NOTES["weak_spots"]
"""Ids of the weak spots, which the README walk-through and the tests refer to
(``weak_spots.json``, where ``notes`` says what each one is)."""


def is_demo_dir(path: str | os.PathLike) -> bool:
    """True when ``path`` holds a data set written by :func:`write_demo`."""
    return (Path(path) / MARKER).is_file()


def write_demo(path: str | os.PathLike, *, force: bool = False) -> dict[str, Any]:
    """Write the demo portfolio to the folder ``path`` as CSV files (a copy of the
    package's ``demo/data/*.csv``).

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
    counts = {}
    for name, table in TABLES.items():
        data = _data().joinpath(table.filename).read_bytes()
        (folder / table.filename).write_bytes(data)
        counts[name] = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))) - 1
    (folder / MARKER).write_text(
        f"Written by relgraph demo. Dates are relative to {DEMO_AS_OF.isoformat()}.\n", encoding="utf-8"
    )
    return {
        "path": str(path),
        "as_of": DEMO_AS_OF,
        "account": MAIN_ACCOUNT,
        "ceo": _NOTES["ceo"],
        "chairman": _NOTES["chairman"],
        "counts": counts,
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
    from ..render import write_map, write_report
    from ..stores.files import FileStore

    folder = Path(info["path"])
    store = FileStore(folder)
    as_of = info["as_of"]
    map_path = write_map(store, folder / info["map"], account=info["account"], to=info["ceo"], as_of=as_of)
    written = write_report(store, folder / info["report"], as_of=as_of)
    return {"map": map_path, "report": written[0], "maps": written[1:]}
