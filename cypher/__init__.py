"""The Cypher library (``cypher/``, shipped as ``relgraph.cypher``).

A *library file* is one ``.cypher`` file: the read, write and schema statements the
Neo4j store runs, and one query per analysis for analysts, each headed by what it
answers and its ``$parameters``, and each complete as it stands, so that it runs as
it is in cypher-shell or Neo4j Browser.

A *prelude* is a block that several files need word for word, written once in
``prelude/<name>.cypher`` (the effective strength of a relationship). A file holds
a prelude between two marker lines::

    // BEGIN effective_strength(a, level, c)
    ... the prelude, with the names carried through (the last one: the contact) ...
    // END effective_strength

:func:`splice` writes the prelude between them; :func:`text` gives a file with its
preludes spliced (the test suite holds every file on disk to it) and
``python -m relgraph.cypher`` rewrites the files after a prelude was edited.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

__all__ = ["files", "prelude", "splice", "text", "refresh"]

_BLOCK = re.compile(
    r"^(?P<begin>// BEGIN (?P<name>\w+)\((?P<names>[^)]*)\)[^\n]*\n)(?P<body>.*?)^(?P<end>// END (?P=name)\n)",
    re.M | re.S,
)


def _library():
    return resources.files(__name__)


def files() -> list[str]:
    """The names of the library files, sorted."""
    return sorted(p.name for p in _library().iterdir() if p.name.endswith(".cypher"))


def prelude(name: str) -> str:
    """The body of ``prelude/<name>.cypher``: the file without its heading comment."""
    raw = _library().joinpath("prelude", f"{name}.cypher").read_text(encoding="utf-8")
    return raw.split("\n\n", 1)[1].lstrip("\n")


def splice(query: str) -> str:
    """``query`` with the prelude named by each ``// BEGIN name(names)`` marker
    written between it and its ``// END name``: ``__KEEP__`` becomes the names,
    ``__CONTACT__`` the last of them.

    >>> q = "MATCH (s:Staff)-[k:KNOWS]->(c)\\n// BEGIN effective_strength(c)\\n// END effective_strength\\n"
    >>> "WITH c, s, k, max(t.date) AS touched" in splice(q)
    True
    """

    def body(m: re.Match) -> str:
        names = [n.strip() for n in m.group("names").split(",") if n.strip()]
        if not names:
            raise ValueError(f"prelude {m.group('name')}: name the variables to carry, the contact last")
        block = prelude(m.group("name")).replace("__KEEP__", ", ".join(names)).replace("__CONTACT__", names[-1])
        return m.group("begin") + block + m.group("end")

    return _BLOCK.sub(body, query)


def text(filename: str) -> str:
    """The text of one library file with its preludes spliced."""
    return splice(_library().joinpath(filename).read_text(encoding="utf-8"))


def refresh(directory: str | Path | None = None) -> list[str]:
    """Rewrite the library files in ``directory`` (default: this package's own)
    whose preludes are out of date; returns the names of the files rewritten."""
    folder = Path(directory) if directory is not None else Path(__file__).parent
    changed = []
    for path in sorted(folder.glob("*.cypher")):
        old = path.read_text(encoding="utf-8")
        new = splice(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path.name)
    return changed
