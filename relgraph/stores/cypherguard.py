"""The read-only guard of ``relgraph cypher``: which parts of a Cypher query may write.

A query is *read-only* for relgraph when none of its clauses writes (``CREATE``,
``MERGE``, ``SET``, ``DELETE``, ``LOAD CSV``, GQL ``INSERT``, administration such as
``DROP``, ``GRANT`` or ``TERMINATE TRANSACTIONS``, ...) and every procedure it calls
is on a short list of procedures known to read only (:data:`READ_ONLY_PROCEDURES`).
Namespaced functions are held to the same standard (:data:`READ_ONLY_FUNCTIONS`):
``apoc.cypher.runFirstColumn`` runs arbitrary Cypher from inside an expression.

The guard reads the query as the Cypher lexer does: it splits the text into tokens
(strings, comments, backtick-quoted names, parameters, numbers, identifiers,
symbols) and looks at identifiers in clause position only, so ``n.set``, ``:Set``,
``'DELETE'``, ``$create`` and ``RETURN 1 AS set`` are names, while ``LIMIT 1CREATE``
(a number followed by a keyword) and ``CALL `db.idx.fulltext.createNodeIndex```
or ``CALL db . /* */ idx.fulltext.createNodeIndex`` are what they are.

It is the first guard; a real Neo4j runs every query without ``--write`` in a read
transaction as well, and refuses writes there. This module imports no driver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError

READ_ONLY_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.indexes",
        "db.constraints",
        "db.info",
        "db.ping",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "dbms.components",
    }
)
"""Procedures a query may ``CALL`` without ``--write`` (exact, case-sensitive names)."""

READ_ONLY_FUNCTIONS = frozenset(
    {
        # Cypher's own namespaced functions.
        "date", "datetime", "localdatetime", "localtime", "time", "duration", "point", "vector", "db",
        # APOC's pure value functions.
        "apoc.coll", "apoc.map", "apoc.text", "apoc.convert", "apoc.date", "apoc.temporal",
        "apoc.math", "apoc.number", "apoc.agg", "apoc.hashing", "apoc.bitwise", "apoc.label",
        "apoc.node", "apoc.rel", "apoc.any", "apoc.json", "apoc.meta", "apoc.util", "apoc.scoring",
    }
)
"""Namespaces whose functions a query may call without ``--write`` (``date.truncate``,
``apoc.text.join``, ...); plain functions (``toUpper``, ``count``) are always allowed."""

# Keywords that make a clause write, alone or followed by the given word.
_WRITES = {"CREATE", "MERGE", "DELETE", "DETACH", "NODETACH", "SET", "REMOVE", "DROP", "FOREACH",
           "INSERT", "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE", "DEALLOCATE",
           "REALLOCATE", "ENABLE", "DISABLE"}
_WRITES_BEFORE = {"LOAD": "CSV", "START": "DATABASE", "STOP": "DATABASE"}

# One token of Cypher. Order matters: comments before '/', numbers before names.
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n\r]*|/\*.*?\*/)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<quoted>`(?:[^`]|``)*`)
    | (?P<param>\$(?:[^\W\d]\w*|\d+|`(?:[^`]|``)*`))
    | (?P<number>0[xX][0-9a-fA-F_]+|0o[0-7_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)
    | (?P<name>[^\W\d]\w*)
    | (?P<symbol>.)
    """,
    re.S | re.X,
)


@dataclass(frozen=True)
class Token:
    """A token of a query: its kind (``name``, ``quoted``, ``string``, ``param``,
    ``number``, ``symbol``), its text, and the 1-based line where it starts."""

    kind: str
    text: str
    line: int

    @property
    def word(self) -> str | None:
        """The keyword this token can be (an unquoted name, upper-cased), else None."""
        return self.text.upper() if self.kind == "name" else None


def tokens(query: str) -> list[Token]:
    """The tokens of ``query`` without whitespace and comments.

    Raises :class:`~relgraph.errors.UsageError` for an unterminated string, quoted
    name or comment, which the guard cannot read past.

    >>> [t.text for t in tokens("MATCH (n) // CREATE\\nRETURN n.`x y` AS set")]
    ['MATCH', '(', 'n', ')', 'RETURN', 'n', '.', '`x y`', 'AS', 'set']
    """
    out = []
    line = 1
    for m in _TOKEN.finditer(query):
        kind, text = m.lastgroup, m.group()
        if kind == "symbol" and text in "'\"`" or kind == "symbol" and query.startswith("/*", m.start()):
            what = {"'": "string", '"': "string", "`": "quoted name"}.get(text, "comment")
            raise UsageError(f"the query has an unterminated {what} on line {line}; nothing was run")
        if kind not in ("space", "comment"):
            out.append(Token(kind, text, line))
        line += text.count("\n")
    return out


def _name_part(t: Token) -> str | None:
    if t.kind == "name":
        return t.text
    if t.kind == "quoted":
        return t.text[1:-1].replace("``", "`")
    return None


def _qualified_name(toks: list[Token], i: int) -> tuple[str, int]:
    """The dotted name starting at ``toks[i]`` (parts may be quoted, and spaces or
    comments may stand between them) and the index just after it."""
    parts = []
    while i < len(toks):
        part = _name_part(toks[i])
        if part is None:
            break
        parts.append(part)
        i += 1
        if i < len(toks) and toks[i].text == "." and i + 1 < len(toks) and _name_part(toks[i + 1]) is not None:
            i += 1
            continue
        break
    return ".".join(parts), i


def _is_function_namespace_allowed(name: str) -> bool:
    namespace = name.rpartition(".")[0]
    return any(namespace == ns or namespace.startswith(ns + ".") for ns in READ_ONLY_FUNCTIONS)


@lru_cache(maxsize=512)
def _findings(query: str) -> tuple[str, ...]:
    toks = tokens(query)
    found: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        prev = toks[i - 1] if i else None
        # A name after '.', ':' or AS, or before ':' (a map key), names something.
        named = prev is not None and (prev.text in (".", ":") or prev.word == "AS")
        is_key = i + 1 < len(toks) and toks[i + 1].text == ":" and (prev is None or prev.text in ("{", ","))
        word = t.word
        if word == "CALL" and not named and i + 1 < len(toks) and _name_part(toks[i + 1]) is not None:
            name, i = _qualified_name(toks, i + 1)
            if name not in READ_ONLY_PROCEDURES:
                found.append(f"CALL {name}")
            continue
        if word and not named and not is_key:
            nxt = toks[i + 1].word if i + 1 < len(toks) else None
            if word in _WRITES:
                found.append(word)
            elif word in _WRITES_BEFORE and nxt == _WRITES_BEFORE[word]:
                found.append(f"{word} {nxt}")
                i += 2
                continue
            elif word == "IN" and "TRANSACTIONS" in [x.word for x in toks[i + 1 : i + 4]]:
                # CALL { ... } IN [n] [CONCURRENT] TRANSACTIONS: batches of writes
                found.append("IN TRANSACTIONS")
        if _name_part(t) is not None and not named:
            name, j = _qualified_name(toks, i)
            if "." in name and j < len(toks) and toks[j].text == "(" and not _is_function_namespace_allowed(name):
                found.append(f"{name}()")
                i = j
                continue
            if "." in name:
                i = j
                continue
        i += 1
    return tuple(found)


def write_clauses(query: str) -> list[str]:
    """The parts of a Cypher query that write or may write, in order of appearance:
    write keywords upper-cased (``SET``, ``LOAD CSV``), ``CALL name`` for each
    procedure outside :data:`READ_ONLY_PROCEDURES`, ``name()`` for each namespaced
    function outside :data:`READ_ONLY_FUNCTIONS`.

    >>> write_clauses("MATCH (n) WHERE n.name = 'SET' RETURN n AS set // DELETE")
    []
    >>> write_clauses("MATCH (n) DETACH DELETE n")
    ['DETACH', 'DELETE']
    >>> write_clauses("CALL `db.idx.fulltext.createNodeIndex`('X', ['name'])")
    ['CALL db.idx.fulltext.createNodeIndex']
    >>> write_clauses("MATCH (n) RETURN n LIMIT 1CREATE (m)")
    ['CREATE']
    """
    return list(_findings(query))


def refuse_writes(query: str) -> None:
    """Raise :class:`~relgraph.errors.UsageError` when ``query`` may write
    (:func:`write_clauses`), before anything is sent to the server."""
    found = write_clauses(query)
    if found:
        raise UsageError(
            f"the query writes ({', '.join(dict.fromkeys(found))}); nothing was run. Add --write to allow writes"
        )


def split_statements(text: str) -> list[str]:
    """The statements of a Cypher script: split at each ``;`` outside strings,
    quoted names and comments; statements holding nothing but comments are dropped.

    >>> split_statements("RETURN ';' AS x; // done\\nRETURN 2;")
    ["RETURN ';' AS x", '// done\\nRETURN 2']
    """
    out, start = [], 0
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "symbol" and m.group() == ";":
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if tokens(s)]


def statements_to_run(text: str, *, script: bool = False, write: bool = False) -> list[str]:
    """The statements of a query (``script=False``: the whole text is one statement)
    or of a script (split by :func:`split_statements`), checked before any runs.

    Raises :class:`~relgraph.errors.UsageError` when there is no statement, or,
    unless ``write``, when one of them may write (:func:`refuse_writes`).
    """
    stmts = split_statements(text) if script else [text] if tokens(text) else []
    if not stmts:
        raise UsageError("the query is empty")
    if not write:
        for stmt in stmts:
            refuse_writes(stmt)
    return stmts

