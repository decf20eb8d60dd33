"""relgraph's exceptions: one base class, subclasses named for the state.

The CLI turns a :class:`RelgraphError` into one clean line and its ``exit_code``;
anything else is a bug and keeps its traceback under ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RelgraphError(Exception):
    """Base class of every error relgraph raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem (or warning) in a data set, located as ``FILE:LINE``.

    For a CSV file ``line`` is the physical line number (header = 1). For a JSON file
    ``line`` is ``None`` and ``table`` / ``index`` (0-based) locate the row; a problem
    with a whole file or table has neither. For a workbook ``sheet`` names the sheet
    and ``line`` is the row number there (``book.xlsx:contacts!12``). For a database
    ``file`` is its URI and ``element`` names the node or relationship
    (``bolt://host:7687: Contact 'c1'``, ``bolt://host:7687: KNOWS s1->c1``), with
    ``table`` / ``index`` giving its table and position for sorting.
    """

    file: str
    line: int | None
    message: str
    table: str | None = None
    index: int | None = None
    sheet: str | None = None
    element: str | None = None
    kind: str | None = field(default=None, compare=False, repr=False)
    """For a warning, which kind it is (:data:`relgraph.validate.WARNING_KINDS`), so
    that a long list can be summed up by kind; not part of its identity."""

    @property
    def where(self) -> str:
        if self.element is not None:
            return f"{self.file}: {self.element}"
        if self.sheet is not None:
            return f"{self.file}:{self.sheet}" + ("" if self.line is None else f"!{self.line}")
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.table is not None and self.index is not None:
            return f"{self.file}:{self.table}[{self.index}]"
        if self.table is not None:
            return f"{self.file}:{self.table}"
        return self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict:
        d = {"file": self.file, "line": self.line, "message": self.message}
        if self.element is not None:
            d["table"] = self.table
            d["element"] = self.element
        elif self.sheet is not None:
            d["table"] = self.table
            d["sheet"] = self.sheet
        elif self.table is not None:
            d["table"] = self.table
            d["index"] = self.index
        return d


class InvalidData(RelgraphError):
    """The data set has problems; ``problems`` lists every one of them."""

    exit_code = 2

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(RelgraphError):
    """A command-line value is wrong (exit status 2)."""

    exit_code = 2


class NotFound(UsageError):
    """An id given by the user (account, contact, staff) does not exist."""


class StoreUnavailable(RelgraphError):
    """The store cannot be reached or used (server down, authentication failed, ...)."""


class QueryError(RelgraphError):
    """A Cypher query was rejected (syntax error, write in read-only mode, ...)."""
