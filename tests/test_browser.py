"""The maps and the report in a real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright), opened from file:// with every other request blocked.

The data and its hand-worked answers are those of test_render.py
(tests/data/render_tiny.json, as of 2024-06-01). Without a browser these tests skip,
except under CI=true, where a missing browser fails the run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.render import map_html, write_report
from relgraph.stores.files import FileStore

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data" / "render_tiny.json"
AS_OF = dt.date(2024, 6, 1)
CHROMIUM = os.environ.get("RELGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A page opened from disk with every non-file request blocked and counted, and
    console errors, page errors and dialogs recorded (dialogs dismissed)."""

    def __init__(self, browser, path: Path, *, wait_ready: bool = True, timeout_ms: int = 30_000):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        started = time.monotonic()
        self.page.goto(path.resolve().as_uri())
        if wait_ready:
            # A selector, not a JS predicate: the page's CSP forbids eval.
            self.page.wait_for_selector("body[data-state=ready]", state="attached", timeout=timeout_ms)
        self.seconds = time.monotonic() - started

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def assert_clean(self):
        assert self.blocked == []
        assert self.errors == []
        assert self.dialogs == []

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_(path: Path, **kw) -> Visit:
        v = Visit(browser, path, **kw)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


@pytest.fixture(scope="module")
def store():
    return FileStore(DATA)


@pytest.fixture(scope="module")
def tiny_map(store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "A.html"
    path.write_text(map_html(store.account_graph("A"), as_of=AS_OF, to="c3"), encoding="utf-8")
    return path


def test_map_loads_offline_and_draws_every_node(visit, tiny_map):
    v = visit(tiny_map)
    v.assert_clean()
    # 1 account + 2 units + 4 contacts + 3 staff + 8 blind spots
    assert v.js("relgraphMap.nodes.length") == 18
    assert v.js("relgraphMap.edges.length") == 26
    assert v.js("relgraphMap.nodesView.length") == 18
    assert v.js("relgraphMap.network.body.nodeIndices.length") == 18  # what vis draws
    assert v.js("relgraphMap.nodes.get('Contact:c2').flag") == "gap"
    assert v.js("relgraphMap.nodes.get('Contact:c4').flag") == "single"
    # Physics stopped once the layout settled.
    assert v.js("relgraphMap.network.physics.physicsEnabled") is False


def test_injected_names_stay_text(visit, tiny_map):
    v = visit(tiny_map)
    v.assert_clean()
    assert v.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert v.js("document.scripts.length") == 3
    assert v.js("document.getElementById('account-name').textContent") == "Acme <b>Telecom</b>"
    assert "<script>alert(1)</script>" in v.js("document.getElementById('panel').innerText")
    # Tooltips are DOM built with textContent: the name is text, no element inside.
    tip = "relgraphMap.nodes.get('Contact:c2').title"
    assert v.js(f"{tip}.querySelector('.head').textContent") == "<script>alert(1)</script>"
    assert v.js(f"{tip}.querySelectorAll('script, img').length") == 0
    assert "<img src=x onerror=alert(4)>" in v.js(f"{tip}.textContent")  # the notes
    # Hovering shows it (vis's own popup) without running anything.
    pos = v.js(
        "(() => { const p = relgraphMap.network.getPositions(['Contact:c2'])['Contact:c2'];"
        " const d = relgraphMap.network.canvasToDOM(p); return [d.x, d.y]; })()"
    )
    box = v.page.locator("#network").bounding_box()
    v.page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
    v.page.wait_for_selector("div.vis-tooltip .head", timeout=5000)
    assert v.page.locator("div.vis-tooltip .head").inner_text() == "<script>alert(1)</script>"
    v.assert_clean()


def test_search_finds_a_contact(visit, tiny_map):
    v = visit(tiny_map)
    v.page.fill("#search", "zhao")
    v.page.press("#search", "Enter")
    assert v.js("relgraphMap.network.getSelectedNodes()") == ["Contact:c3"]
    assert v.page.inner_text("#search-result") == "1 match"
    assert v.page.inner_text("#details-body .head") == "Zhao Min"
    v.page.fill("#search", "<script>")  # a contact's name and a unit's
    v.page.press("#search", "Enter")
    assert sorted(v.js("relgraphMap.network.getSelectedNodes()")) == ["Contact:c2", "Unit:u2"]
    assert v.page.inner_text("#search-result") == "2 matches"
    v.page.fill("#search", "nobody here")
    v.page.press("#search", "Enter")
    assert v.page.inner_text("#search-result") == "Nobody by that name."
    v.assert_clean()


def test_highlighted_path_is_the_one_paths_returns(visit, tiny_map):
    r = CliRunner().invoke(cli, ["paths", str(DATA), "--to", "c3", "--as-of", "2024-06-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    best = json.loads(r.output)["paths"][0]
    assert best["nodes"] == ["s2", "c4", "c3"]
    v = visit(tiny_map)
    drawn = v.js("relgraphMap.pathNodes()")
    assert drawn == ["Staff:s2", "Contact:c4", "Contact:c3"]
    assert [v.js(f"relgraphMap.nodes.get({json.dumps(k)}).ref") for k in drawn] == best["nodes"]
    assert v.page.locator("#best-path li").all_inner_texts()[0] == "Bob"
    v.assert_clean()


def test_filters_by_role_and_staff(visit, tiny_map):
    v = visit(tiny_map)
    v.page.uncheck("#role-filter input[value=decision_maker]")
    assert v.js("relgraphMap.nodesView.length") == 16  # c1 and c4 hidden
    v.page.check("#role-filter input[value=decision_maker]")
    v.page.uncheck("#role-filter input[value=business]")
    assert v.js("relgraphMap.nodesView.length") == 16  # two business blind spots hidden
    v.page.check("#role-filter input[value=business]")
    v.page.select_option("#staff-filter", "Staff:s2")
    # Bob, whom he knows (c1, c4), the account and its two units
    assert sorted(v.js("relgraphMap.nodesView.getIds()")) == [
        "Account:A", "Contact:c1", "Contact:c4", "Staff:s2", "Unit:u1", "Unit:u2",
    ]
    v.page.select_option("#staff-filter", "")
    assert v.js("relgraphMap.nodesView.length") == 18
    v.assert_clean()


def test_org_layout_is_top_down(visit, store, tmp_path):
    path = tmp_path / "org.html"
    path.write_text(map_html(store.account_graph("A"), as_of=AS_OF, layout="org"), encoding="utf-8")
    v = visit(path)
    v.assert_clean()
    y = v.js("(() => { const p = relgraphMap.network.getPositions(); const o = {};"
             " for (const k in p) o[k] = p[k].y; return o; })()")
    order = ["Account:A", "Unit:u1", "Contact:c1", "Contact:c4", "Contact:c3", "Staff:s1"]
    ys = [y[k] for k in order]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert y["Unit:u2"] == y["Contact:c1"] == y["Contact:c2"]  # rows 0..5 as in test_render


def test_report_opens_offline_and_links_every_map(visit, store, tmp_path):
    paths = write_report(store, tmp_path / "report.html", as_of=AS_OF)
    v = visit(paths[0], wait_ready=False)
    v.assert_clean()
    hrefs = v.js("Array.from(document.querySelectorAll('a[href^=\"maps/\"]'), a => a.href)")
    assert sorted(set(hrefs)) == sorted(p.resolve().as_uri() for p in paths[1:])
    first = visit(paths[1])  # maps/A.html
    first.assert_clean()
    assert first.js("relgraphMap.nodes.length") == 18


def big_account(contacts: int, *, seed: int = 7) -> dict:
    """A synthetic account of ``contacts`` contacts in ``contacts // 20`` units under
    one root, ``contacts // 20`` staff, 1.5 relationships and ~0.9 links per contact."""
    r = random.Random(seed)
    n_units = max(2, contacts // 20)
    roles = ["decision_maker", "technical", "business", "finance", "user", "procurement", "other"]
    levels = ["hq", "province", "city", "county"]
    units = [{"id": "u0", "account": "BIG", "name": "HQ", "level": "hq"}]
    for i in range(1, n_units):
        units.append(
            {"id": f"u{i}", "account": "BIG", "name": f"Unit {i}", "level": levels[min(3, 4 * i // n_units)],
             "parent": f"u{(i - 1) // 4}"}
        )
    people = [
        {"id": f"c{i}", "name": f"Contact {i}", "account": "BIG", "unit": f"u{r.randrange(n_units)}",
         "role": r.choice(roles), "influence": r.randint(1, 5)}
        for i in range(contacts)
    ]
    n_staff = max(2, contacts // 20)
    staff = [{"id": f"s{i}", "name": f"Staff {i}"} for i in range(n_staff)]
    rels = {}
    while len(rels) < contacts * 3 // 2:
        rels[(r.randrange(n_staff), r.randrange(contacts))] = r.randint(1, 5)
    links = [
        {"source": f"c{i}", "target": f"c{r.randrange(i)}", "kind": "reports_to"} for i in range(1, contacts)
        if r.random() < 0.7
    ] + [
        {"source": f"c{i}", "target": f"c{(i + 1 + r.randrange(contacts - 1)) % contacts}", "kind": "influences"}
        for i in range(contacts) if r.random() < 0.2
    ]
    return {
        "accounts": [{"id": "BIG", "name": "Big", "grade": "S"}],
        "units": units,
        "contacts": people,
        "staff": staff,
        "relationships": [{"staff": f"s{s}", "contact": f"c{c}", "strength": v} for (s, c), v in rels.items()],
        "links": links,
    }


def test_a_2000_node_map_settles_and_stops(visit, tmp_path):
    from relgraph.readwrite.jsonfile import read_obj

    store = FileStore.from_dataset(read_obj(big_account(1880)))
    path = tmp_path / "big.html"
    path.write_text(map_html(store.account_graph("BIG"), as_of=AS_OF), encoding="utf-8")
    v = visit(path, timeout_ms=60_000)
    v.assert_clean()
    n = v.js("relgraphMap.nodes.length")
    assert n >= 2000  # 1 + 94 units + 1880 contacts + 94 staff + blind spots
    assert v.js("relgraphMap.network.body.nodeIndices.length") == n
    assert v.js("relgraphMap.network.physics.physicsEnabled") is False
    # Settles within its 3 s physics budget plus loading; generous for a busy CI box.
    assert v.seconds < 30
