"""What an import did: the rows it added, the values it mapped, what it left out.

An import never drops anything silently: every row it does not carry over is a
*skipped* note, every value it had to interpret (several Salesforce roles of which
one was kept, an unknown activity type read as a meeting) a *mapped* note, and every
column of the export that no rule reads is listed by file. The CLI prints the notes
grouped by kind; ``--format json`` lists every one (:meth:`ImportSummary.as_dict`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem


@dataclass(frozen=True)
class Note:
    """One row skipped, or one value mapped by a rule, located where it came from.

    ``file`` / ``line`` locate a CSV row (header = 1); a calendar event has no line
    and is named by ``id`` (its UID) and ``date``. ``kind`` is a short stable key
    grouping notes of the same cause (``unknown_account``, ``cancelled``, ...).
    """

    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    id: str | None = None
    date: str | None = None

    @property
    def where(self) -> str:
        if self.file is not None and self.line is not None:
            return f"{self.file}:{self.line}"
        if self.id is not None:
            return self.id + (f" on {self.date}" if self.date else "")
        return self.file or ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ImportSummary:
    """The account of one import (see the module docstring).

    ``added`` counts the rows added per table; ``skipped`` and ``mapped`` are
    :class:`Note` lists; ``unmapped_columns`` maps an export file to the columns no
    rule reads; ``warnings`` are the validation warnings of the resulting data set;
    ``counts`` holds other figures of the import (events read, occurrences, ...).
    """

    source: str
    as_of: str
    output: str | None = None
    added: dict[str, int] = field(default_factory=dict)
    skipped: list[Note] = field(default_factory=list)
    mapped: list[Note] = field(default_factory=list)
    unmapped_columns: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def skip(self, kind: str, message: str, **where: Any) -> None:
        self.skipped.append(Note(kind, message, **where))

    def map(self, kind: str, message: str, **where: Any) -> None:
        self.mapped.append(Note(kind, message, **where))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "as_of": self.as_of,
            "added": dict(self.added),
            "counts": dict(self.counts),
            "mapped": [n.as_dict() for n in self.mapped],
            "skipped": [n.as_dict() for n in self.skipped],
            "unmapped_columns": {k: list(v) for k, v in self.unmapped_columns.items()},
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def text(self, examples: int = 3) -> str:
        """The summary for people: counts, then each kind of note with its first
        ``examples`` occurrences, then the columns not read."""
        added = ", ".join(f"{n} {table}" for table, n in self.added.items()) or "nothing"
        lines = [f"{self.source} -> {self.output or '(not written)'}, as of {self.as_of}", f"added: {added}"]
        if self.counts:
            lines.append("read: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.counts.items()))
        for title, notes in (("mapped", self.mapped), ("skipped", self.skipped)):
            if not notes:
                continue
            lines += ["", f"{title}: {len(notes)}"]
            by_kind: dict[str, list[Note]] = {}
            for n in notes:
                by_kind.setdefault(n.kind, []).append(n)
            for kind, group in by_kind.items():
                lines.append(f"  {kind} ({len(group)})")
                for n in group[:examples]:
                    lines.append(f"    {n.where}: {n.message}")
                if len(group) > examples:
                    lines.append(f"    ... and {len(group) - examples} more (--format json lists every one)")
        if self.unmapped_columns:
            lines += ["", "columns not read:"]
            for file, cols in self.unmapped_columns.items():
                lines.append(f"  {file}: {', '.join(cols)}")
        if self.warnings:
            kinds = Counter(_warning_kind(w.message) for w in self.warnings)
            lines += ["", f"warnings of the data set: {len(self.warnings)} (relgraph validate lists them)"]
            lines += [f"  {k}: {n}" for k, n in kinds.items()]
        return "\n".join(lines)


def _warning_kind(message: str) -> str:
    """``contact '003x' has no relationship`` -> ``contact has no relationship``:
    a validation warning without the quoted value, to count warnings by kind."""
    return re.sub(r"\s*'[^']*'", "", message)
