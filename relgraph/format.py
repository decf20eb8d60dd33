"""How command results are shown: a text table for people, CSV and JSON for scripts.

A *result* is what a library function returns (a dict of plain values, dates and
lists); each command has a ``*_table`` function (the readable text) and, where its
rows differ from the result's own list, a ``*_rows`` function (the rows of its CSV).
:func:`render` turns a result into the text of one ``--format``. Nothing here reads
data or computes a figure.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .jsontext import compact_json
from .words import fragile_counts, fragile_text, gaps_text, status_word

# --- the three formats ------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Dates as ISO strings, tuples and sets as lists, dataclasses as dicts."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return to_jsonable(value)


def indented() -> bool:
    """Whether JSON is written indented by default: for a terminal (people read
    it), compact otherwise (scripts read it)."""
    return sys.stdout.isatty()


def dump_json(obj: Any, *, pretty: bool | None = None) -> str:
    """JSON text: indented for a terminal, compact otherwise (:func:`json_bytes`:
    scripts read it)."""
    if pretty is None:
        pretty = indented()
    if pretty:
        import json

        return json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default)
    return json_bytes(obj).decode("utf-8")


def json_bytes(obj: Any) -> bytes:
    """``obj`` as compact JSON, UTF-8: the very text of ``json.dumps(obj,
    ensure_ascii=False, separators=(",", ":"), default=_json_default)`` (dates as
    ISO text, sets sorted, dataclasses as dicts), written by orjson
    (:func:`relgraph.jsontext.compact_json`: a portfolio's plan, 21 MB, in 0.12 s
    instead of 0.37)."""
    return compact_json(obj, default=_json_default)


def json_texts(items: list[Any]) -> list[bytes]:
    """The compact JSON text of each of ``items``, as :func:`json_bytes` writes it
    (an item :func:`json_pieces` then writes as it is). Dicts that all begin with
    the same key (a command's rows) are written in one pass over the list (half
    the time of one pass per item), its text then cut where one ends and the next
    begins: at each ``},{"key":``, which only an item's start has when the count
    of the pieces says so (a string writes its quotes escaped, and a nested dict
    beginning with that key after another dict would add one); anything else one
    item at a time."""
    first = next(iter(items[0]), None) if items and type(items[0]) is dict else None
    # (next with a default: an empty dict's StopIteration would end the map early)
    if (type(first) is not str or set(map(type, items)) != {dict}
            or set(map(next, map(iter, items), itertools.repeat(None))) != {first}):
        return list(map(json_bytes, items))
    head = b"{" + json_bytes(first) + b":"
    cut = b"}," + head
    ends = (head, b"}")  # x.join(ends): head + x + b"}", made at once
    out: list[bytes] = []
    for k in range(0, len(items), PIECE):  # (a piece's text at a time)
        some = items[k : k + PIECE]
        inner = json_bytes(some)[1 + len(head) : -2].split(cut)  # [{"key":...},{"key":...}]
        out += map(bytes.join, inner, itertools.repeat(ends)) if len(inner) == len(some) else map(json_bytes, some)
    return out


PIECE = 4096
"""The items printed at a time where an answer is long (a JSON list's items, a
table's lines: :func:`json_pieces`, :func:`render_pieces`)."""


def json_pieces(obj: Any, *, size: int = PIECE, pretty: bool | None = None) -> Iterator[str | bytes]:
    """The text of :func:`dump_json` of ``obj`` and a newline, in pieces: compact,
    as UTF-8 bytes (:func:`json_bytes`), the list that is the last value of a dict
    ``obj`` ``size`` items at a time, so that the text of a long list (a
    portfolio's plan: tens of megabytes) is never held whole, an item given as its
    text (bytes, :func:`json_texts`) as it is; indented, or of anything else, in
    one piece."""
    if pretty is None:
        pretty = indented()
    name, items = next(reversed(obj.items())) if isinstance(obj, dict) and obj else (None, None)
    if pretty:
        if isinstance(items, list) and bytes in set(map(type, items)):  # (read back: indented is json's)
            import json

            obj = {**obj, name: [json.loads(x) if type(x) is bytes else x for x in items]}
        yield dump_json(obj, pretty=True) + "\n"
        return
    if not isinstance(name, str) or not isinstance(items, list):
        yield json_bytes(obj) + b"\n"
        return
    head = dict(obj)
    del head[name]
    # The compact text of obj is that of its head, then its last key and list.
    yield json_bytes(head)[:-1] + (b"," if head else b"") + json_bytes(name) + b":["
    for k in range(0, len(items), size):
        yield (b"," if k else b"") + _items_text(items[k : k + size])
    yield b"]}\n"


def _items_text(items: list[Any]) -> bytes:
    """The compact JSON text of ``items`` between its brackets: an item given as
    bytes is its text already (:func:`json_texts`), the others are written here,
    a run of them at a time."""
    kinds = set(map(type, items))
    if bytes not in kinds:
        return json_bytes(items)[1:-1]
    if kinds == {bytes}:
        return b",".join(items)
    return b",".join(b",".join(run) if written else json_bytes(list(run))[1:-1]
                     for written, run in itertools.groupby(items, key=lambda x: type(x) is bytes))


def csv_cell(v: Any) -> str:
    """One CSV cell: lists joined with ';', None as empty, nested dicts as JSON."""
    kind = type(v)
    if kind is str:  # most cells: no conversion at all
        return v
    if v is None:
        return ""
    if kind is int or kind is float:
        return str(v)
    if kind is bool:
        return "true" if v else "false"
    if kind is dt.date:
        return v.isoformat()
    if kind is list and all(type(x) is str for x in v):
        return ";".join(v)
    v = to_jsonable(v)
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        import json

        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class Columns(dict):
    """A table given column by column: each column's name -> its cells, already CSV
    text (:func:`csv_cell`), all of the same length. A command with many rows gives
    its CSV so, built a column at a time instead of a dict per row."""


def csv_text(rows: Iterable[dict[str, Any]] | Columns, columns: list[str] | None = None) -> str:
    """Rows as CSV text: lists joined with ';', None as empty, nested dicts as JSON.
    ``rows`` may be :class:`Columns` (``columns``: a choice of them)."""
    if isinstance(rows, Columns):
        names = list(rows) if columns is None else columns
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(zip(*(rows[c] for c in names)))
        return buf.getvalue()
    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([csv_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def _table_cell(v: Any) -> str:
    """One cell of a text table: ``-`` for none, yes/no, numbers to two places."""
    kind = type(v)
    if kind is str:  # the common types first, without conversion
        return v
    if v is None:
        return "-"
    if kind is int:
        return str(v)
    if kind is float:
        return f"{v:.2f}"
    if kind is bool:
        return "yes" if v else "no"
    if kind is dt.date:
        return v.isoformat()
    if kind is list and all(type(x) is str for x in v):
        return ", ".join(v) or "-"
    v = to_jsonable(v)
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "-"
    return str(v)


def table_text(rows: list[dict[str, Any]], columns: list[str], headers: list[str] | None = None) -> str:
    """A plain aligned text table for people."""
    headers = headers or columns
    # Column by column: each cell converted once, each width one max() over its column.
    cells = [[_table_cell(r.get(c)) for r in rows] for c in columns]
    widths = [max(len(h), max(map(len, col), default=0)) for h, col in zip(headers, cells)]
    padded = [[x.ljust(w) for x in col] for col, w in zip(cells, widths)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(row).rstrip() for row in zip(*padded)] if columns else [""] * len(rows)
    return "\n".join(lines)


def render_pieces(
    fmt: str,
    obj: Any,
    *,
    table: Callable[[Any], str | Iterable[str]],
    rows: Callable[[Any], list[dict] | Columns],
) -> Iterator[str | bytes]:
    """The text of ``obj`` in ``fmt``, ending with a newline, in pieces: ``json``
    (:func:`json_pieces`: compact, as UTF-8 bytes), ``csv`` (of ``rows(obj)``) or
    ``table`` (``table(obj)``: its text, or its lines, joined :data:`PIECE` at a
    time), so that a long answer (a portfolio's plan) is never held whole as text."""
    if fmt == "json":
        yield from json_pieces(obj)
        return
    if fmt == "csv":
        yield csv_text(rows(obj))
        return
    text = table(obj)
    if isinstance(text, str):
        yield text + "\n"
        return
    chunk: list[str] = []
    for line in text:
        chunk.append(line)
        if len(chunk) == PIECE:
            yield "\n".join(chunk) + "\n"
            chunk.clear()
    if chunk:
        yield "\n".join(chunk) + "\n"


# --- figures ----------------------------------------------------------------------------


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def _ids(v: list | None) -> str:
    return ", ".join(str(x) for x in v) if v else "-"


def _figure_lines(f: dict[str, Any], indent: str = "  ") -> list[str]:
    act = f["activity"]
    methods = ", ".join(f"{k} {n}" for k, n in act.items() if k != "total" and n)
    return [
        f"{indent}key coverage {_pct(f['key_coverage'])}   cell coverage {_pct(f['cell_coverage'])}   "
        f"multithreading {_pct(f['multithreading'])}   unit coverage {_pct(f['unit_coverage'])}",
        f"{indent}triangle: {_ids(f['triangle'])}   exec ties: {_ids(f['exec_ties'])}   "
        f"opponents: {_ids(f['opponents'])}",
        f"{indent}activity (365 days): {act.get('total', 0)}" + (f" ({methods})" if methods else ""),
    ]


def _flat_figures(f: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Account figures as flat CSV columns (activity as activity_<method>)."""
    out: dict[str, Any] = {}
    for k, v in f.items():
        if k == "activity":
            for m, n in v.items():
                out[f"{prefix}activity_{m}"] = n
        elif k != "cells":
            out[prefix + k] = v
    return out


def coverage_table(r: dict[str, Any]) -> str:
    """Per account: its figures and gaps, then the level x role matrix of cell
    statuses (in words: ``blind spot`` for ``unknown``) with the best effective
    strength in each."""
    from .model import COVERAGE_ROLES  # not needed by `relgraph --help`

    blocks = []
    for a in r["accounts"]:
        lines = [f"{a['name']} ({a['id']}, grade {a['grade']}): {a['contacts']} contacts, "
                 f"{a['key_contacts']} key; {gaps_text(c['status'] for c in a['cells'])}"]
        lines += _figure_lines(a)
        grid = {}
        for c in a["cells"]:
            label = status_word(c["status"])
            if c["best_strength"] is not None and c["status"] != "unknown":
                label += f" {c['best_strength']:.1f}"
            grid.setdefault(c["level"], {})[c["role"]] = label
        rows = [{"level": lv, **cells} for lv, cells in grid.items()]
        if rows:
            lines.append("")
            lines += ["  " + x for x in table_text(rows, ["level", *COVERAGE_ROLES]).splitlines()]
        blocks.append("\n".join(lines))
    return f"as of {r['as_of']}\n\n" + "\n\n".join(blocks) if blocks else f"as of {r['as_of']}: no accounts"


def coverage_rows(r: dict[str, Any]) -> list[dict]:
    """One CSV row per account: its figures flat, its cells as ``level/role=status``."""
    rows = []
    for a in r["accounts"]:
        row = {"id": a["id"], "name": a["name"], "grade": a["grade"], **_flat_figures(a)}
        row["cells"] = [f"{c['level']}/{c['role']}={c['status']}" for c in a["cells"]]
        rows.append(row)
    return rows


_CHANGE_FIGURES = ("key_coverage", "cell_coverage", "multithreading", "unit_coverage")


def before_after_table(r: dict[str, Any], title: str) -> str:
    """Account figures before -> after (whatif, diff), then the threads gained and
    lost (diff) or the contacts left without a thread and their heirs (whatif)."""
    lines = [f"{title}, as of {r['as_of']}", ""]
    rows = []
    for a in r["accounts"]:
        b, f = a["before"], a["after"]
        row = {"account": a["id"]}
        for k in _CHANGE_FIGURES:
            row[k] = f"{_pct(b[k])} -> {_pct(f[k])}" if b[k] != f[k] else _pct(f[k])
        row["triangle"] = _ids(f["triangle"]) if b["triangle"] == f["triangle"] else \
            f"{_ids(b['triangle'])} -> {_ids(f['triangle'])}"
        rows.append(row)
    lines.append(table_text(rows, ["account", *_CHANGE_FIGURES, "triangle"],
                            ["account", "key cov.", "cell cov.", "multithr.", "unit cov.", "triangle"]))
    if "gained" in r:
        for name in ("gained", "lost"):
            lines += ["", f"threads {name}: {len(r[name])}"]
            if r[name]:
                lines.append(table_text(r[name], ["account", "staff", "contact"]))
    else:
        lines += ["", f"contacts left without a thread: {len(r['lost'])}"]
        if r["lost"]:
            lines.append(table_text(
                [{**x, "heir": x["heir_name"] and f"{x['heir_name']} ({x['heir']})"} for x in r["lost"]],
                ["account", "contact", "name", "heir"]))
    return "\n".join(lines)


def before_after_rows(r: dict[str, Any]) -> list[dict]:
    """One CSV row per account: ``before_*`` and ``after_*`` figures and its changes."""
    rows = []
    for a in r["accounts"]:
        row = {"account": a["id"], **_flat_figures(a["before"], "before_"), **_flat_figures(a["after"], "after_")}
        if "gained" in r:
            for name in ("gained", "lost"):
                row[name] = [f"{x['staff']}>{x['contact']}" for x in r[name] if x["account"] == a["id"]]
        else:
            row["lost"] = [f"{x['contact']}>{x['heir'] or ''}" for x in r["lost"] if x["account"] == a["id"]]
        rows.append(row)
    return rows


def _path_text(p: dict[str, Any]) -> str:
    parts = []
    for person in p["people"]:
        label = person["name"] or person["id"]
        if person.get("coach"):
            label += " (coach)"
        elif person.get("attitude") == "opponent":
            label += " (opponent)"
        parts.append(label)
    return " → ".join(parts) + f" ({p['score']:.2f})"


def summary_table(r: dict[str, Any]) -> str:
    """Counts per account, then the totals on one line."""
    return (table_text(r["accounts"], ["id", "name", "grade", "contacts", "staff", "relationships"]) + "\n\n"
            + ", ".join(f"{k}: {v}" for k, v in r["totals"].items()))


def gaps_table(r: dict[str, Any]) -> str:
    """The gaps, each with its status in words and the staff member best placed to
    close it."""
    return table_text(
        [{**g, "status": status_word(g["status"]),
          "suggested": g["suggested_staff_name"] and f"{g['suggested_staff_name']} ({g['suggested_staff']})"}
         for g in r["gaps"]],
        ["account", "level", "role", "status", "priority", "best_strength", "contacts", "suggested"],
        ["account", "level", "role", "status", "priority", "best", "contacts", "suggested staff"],
    )


def threads_table(r: dict[str, Any]) -> str:
    """The contacts that hang by a thread, with their threads and backup by name,
    then how many of them are unthreaded and single-threaded key contacts."""
    return table_text(
        r["contacts"],
        ["account", "id", "name", "role", "influence", "threads", "staff_names", "redundancy", "rank_gap",
         "backup_name"],
        ["account", "id", "name", "role", "infl", "threads", "staff", "redundancy", "rank gap", "backup"],
    ) + "\n\n" + fragile_text(*fragile_counts(r["contacts"]))


def risk_table(r: dict[str, Any]) -> str:
    """Staff by rotation risk, with their sole threads and rotation date."""
    return table_text(
        r["staff"], ["id", "name", "risk", "sole_threads", "rotation_due", "due_soon"],
        ["id", "name", "risk", "sole threads", "rotation due", "due soon"],
    )


def whatif_table(r: dict[str, Any]) -> str:
    return before_after_table(r, "without " + ", ".join(r["without"]))


def diff_table(r: dict[str, Any]) -> str:
    return before_after_table(r, f"since {r['since']}")


def paths_table(r: dict[str, Any], source: str | None = None) -> str:
    """The paths numbered, one a line, or why there is none (from ``source``)."""
    if not r["paths"]:
        return f"no influence path to {r['target']}" + (f" from {source}" if source else "")
    return "\n".join(f"{i}. {_path_text(p)}" for i, p in enumerate(r["paths"], 1))


def paths_rows(r: dict[str, Any]) -> list[dict]:
    """One CSV row per path: rank, score and its nodes, names, kinds and p as lists."""
    return [
        {"rank": i, "score": p["score"], "nodes": p["nodes"], "names": [x["name"] for x in p["people"]],
         "kinds": [s["kind"] for s in p["steps"]], "p": [s["p"] for s in p["steps"]]}
        for i, p in enumerate(r["paths"], 1)
    ]


def influencers_table(r: dict[str, Any]) -> str:
    """Contacts by PageRank, with our best relationship to each."""
    return table_text(
        [{**c, "rank": f"{c['rank']:.4f}"} for c in r["contacts"]],
        ["id", "name", "role", "level", "rank", "best_strength", "threads"],
        ["id", "name", "role", "level", "rank", "best", "threads"],
    )


def records_table(records: list[dict[str, Any]]) -> str:
    """Cypher records as a table (columns in order of first appearance) and their count."""
    columns = list(dict.fromkeys(k for r in records for k in r))
    return table_text(records, columns) + f"\n({len(records)} records)"


WARNINGS_SHOWN = 5
"""Warnings of one kind shown in a text listing before the rest are summed up."""


def problems_text(problems: list, warnings: list) -> list[str]:
    """Problems as ``FILE:LINE: message`` lines, then warnings as ``FILE:LINE: warning: ...``.

    Every problem is listed; of the warnings of one kind (:attr:`Problem.kind`) the
    first :data:`WARNINGS_SHOWN` are, and the rest summed up in one line after them
    (``… and 56 more contacts with no relationship``), so that a data set with many
    of one slip does not flood the terminal. ``--format json`` lists every one."""
    from .validate import WARNING_KINDS

    lines = [str(p) for p in problems]
    total: dict[str | None, int] = {}
    for w in warnings:
        total[w.kind] = total.get(w.kind, 0) + 1
    seen: dict[str | None, int] = {}
    for w in warnings:
        n = seen[w.kind] = seen.get(w.kind, 0) + 1
        if w.kind is None or n <= WARNINGS_SHOWN:
            lines.append(f"{w.where}: warning: {w.message}")
        if w.kind is not None and n == WARNINGS_SHOWN and total[w.kind] > n:
            more = total[w.kind] - n
            lines.append(f"… and {more} more {WARNING_KINDS[w.kind]} (--format json lists every one)")
    return lines


def plural(n: int, word: str) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{n} {word}{'s' if n != 1 else ''}"
