"""Self-contained HTML pages: templates, inlined assets, embedded data, atomic writes.

A *self-contained page* opens from disk with no network at all: every script and
style is inlined, data travels as JSON inside ``<script type="application/json">``,
and no font, image or stylesheet is fetched. This module is the only place that
reads vis-network (shipped by pyvis 0.3.2 under ``pyvis/lib/vis-9.1.2``) and our own
assets (``relgraph/render/assets``).

Escaping is never left to chance: templates are Jinja2 with autoescape on, and
:func:`script_json` escapes ``<``, ``>`` and ``&`` so that ``</script>`` inside a
name cannot end the data block.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import markupsafe

from ..jsontext import compact_json

VIS_VERSION = "9.1.2"

def script_json(obj: Any) -> markupsafe.Markup:
    """``obj`` as JSON that is safe inside a ``<script type="application/json">``:
    ``<``, ``>`` and ``&`` (and the JavaScript line separators) as ``\\uXXXX``, so
    that no string in it can close the element.

    >>> str(script_json({"name": "</script>"}))
    '{"name":"\\\\u003c/script\\\\u003e"}'
    """
    text = json_text(obj)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        if char in text:  # a search is several times faster than a replace that finds nothing
            text = text.replace(char, escape)
    return markupsafe.Markup(text)


def json_text(obj: Any) -> str:
    """``obj`` as compact JSON, the very text of ``json.dumps(obj,
    ensure_ascii=False, separators=(",", ":"), allow_nan=False)``, but a NaN or an
    infinity (no figure holds one) written as null
    (:func:`relgraph.jsontext.compact_json`, strict: written by orjson, several times
    faster on the tens of megabytes of a big account's map).

    >>> json_text({"a": [1.5, 2e-05, None], "é": "x"})
    '{"a":[1.5,2e-05,null],"é":"x"}'
    """
    return compact_json(obj, strict=True).decode("utf-8")


def markup_join(rows: Iterable[Iterable[Any]]) -> markupsafe.Markup:
    """One HTML string of ``rows``, each a sequence of markup and values: the even
    items (0, 2, ...) are written as they are (our markup), the odd ones escaped as
    the templates' autoescape does (what ``{{ value }}`` writes), so that a list of
    thousands of items is joined at once rather than looped over in a template.

    >>> str(markup_join([('<b title="', 'a&b', '">', 1, '</b>')]))
    '<b title="a&amp;b">1</b>'
    """
    escape = markupsafe.escape
    return markupsafe.Markup(
        "".join([part if i % 2 == 0 else escape(part) for row in rows for i, part in enumerate(row)])
    )


@functools.cache
def vis_network_assets() -> tuple[str, str]:
    """``(javascript, css)`` of vis-network, read from the installed pyvis package.

    Only pyvis's files are used, so the package is located without being imported
    (importing pyvis pulls in IPython, ~90 ms of a map's start-up)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")  # the only place that touches pyvis
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed (pip install pyvis==0.3.2)")
    lib = Path(list(spec.submodule_search_locations)[0]) / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)  # no map to fetch
    return _inline_safe(js, "script"), _inline_safe(css, "style")


@functools.cache
def asset_text(name: str) -> str:
    """The text of one of our assets (``relgraph/render/assets/<name>``)."""
    text = resources.files("relgraph.render").joinpath("assets", name).read_text(encoding="utf-8")
    if name.endswith(".js"):
        return _inline_safe(text, "script")
    if name.endswith(".css"):
        return _inline_safe(text, "style")
    return text


def _inline_safe(text: str, tag: str) -> str:
    # A closing tag inside an inlined script or style would end it early.
    return re.sub(f"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("relgraph.render", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["pct"] = percent_text
    # The words of every page are those of the CLI (relgraph/words.py).
    from ..words import fragile_text, status_word

    env.filters["status_word"] = status_word
    env.globals["fragile_text"] = fragile_text
    return env


def render_template(name: str, **context: Any) -> str:
    """Render the autoescaping template ``assets/<name>`` with our assets available as
    ``vis_js``, ``vis_css`` and ``asset(name)``."""
    vis_js, vis_css = vis_network_assets()
    context.setdefault("vis_js", markupsafe.Markup(vis_js))
    context.setdefault("vis_css", markupsafe.Markup(vis_css))
    context.setdefault("asset", lambda n: markupsafe.Markup(asset_text(n)))
    return _environment().get_template(name).render(**context)


def percent_text(value: float | None) -> str:
    """A share as a whole percentage, ``"–"`` for null (a share of an empty set).

    >>> percent_text(0.666), percent_text(None)
    ('67%', '–')
    """
    if value is None:
        return "–"
    return f"{round(value * 100)}%"


def stage_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to a new temporary file in ``path``'s folder (created if need
    be) and return its path: :func:`os.replace` it onto ``path`` to publish it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        from ..readwrite import file_mode

        os.chmod(tmp, file_mode())  # mkstemp makes it 0o600: as the umask gives, as any file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a
    rename, so that a failure never leaves a half-written file; returns the path."""
    tmp = stage_text(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Path(path)
