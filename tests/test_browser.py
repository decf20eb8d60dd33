"""The maps and the report in a real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright), opened from file:// with every other request blocked.

The data and its hand-worked answers are those of test_render.py
(tests/data/render_tiny.json, as of 2024-06-01). Without a browser these tests skip,
except under CI=true, where a missing browser fails the run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.render import map_html, write_report
from relgraph.stores.files import FileStore

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data" / "render_tiny.json"
AS_OF = dt.date(2024, 6, 1)
# The `browser` fixture (one headless Chromium for the session) is in conftest.py.


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
    assert v.page.inner_text("#search-result") == "Nobody by that name, title or id."
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


def test_org_layout_is_a_tree_of_units_with_their_people(visit, store, tmp_path):
    path = tmp_path / "org.html"
    path.write_text(map_html(store.account_graph("A"), as_of=AS_OF, layout="org"), encoding="utf-8")
    v = visit(path)
    v.assert_clean()
    assert v.js("relgraphMap.network") is None  # no physics network: HTML
    # The top unit is open with its people; u2 sits inside it, closed until asked.
    tree = v.js("""Array.from(document.querySelectorAll('#orgtree details'), d => [d.dataset.id, d.open,
        d.parentElement.closest('details') ? d.parentElement.closest('details').dataset.id : null,
        Array.from(d.querySelectorAll(':scope > ul > li'), li => li.dataset.id)])""")
    assert tree == [["Unit:u1", True, None, ["Contact:c1", "Contact:c2"]], ["Unit:u2", False, "Unit:u1", []]]
    v.page.click("#orgtree details[data-id='Unit:u2'] > summary")
    # The browser fires "toggle" after the click returns: the unit's people come then.
    v.page.wait_for_selector("details[data-id='Unit:u2'] li", state="attached")
    assert v.js("Array.from(document.querySelectorAll(\"details[data-id='Unit:u2'] li\"), li => li.dataset.id)") == [
        "Contact:c4", "Contact:c3",  # by level, role, id: decision-maker before finance
    ]
    # Names stay text in the tree too.
    assert v.js("document.querySelector(\"details[data-id='Unit:u2'] > summary .name\").textContent") == (
        "</script><script>alert(2)</script>"
    )
    v.page.click("li[data-id='Contact:c4'] button")
    assert v.page.inner_text("#details-body .head") == "Sun Li"
    v.assert_clean()


def test_report_opens_offline_and_links_every_map(visit, store, tmp_path):
    paths = write_report(store, tmp_path / "report.html", as_of=AS_OF)
    v = visit(paths[0], wait_ready=False)
    v.assert_clean()
    hrefs = v.js("Array.from(document.querySelectorAll('a[href^=\"maps/\"]'), a => a.href.split('#')[0])")
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


def big_map(tmp_path, contacts: int, **options) -> tuple[Path, dict]:
    """The map of :func:`big_account` written to ``tmp_path``, with its records."""
    from relgraph.readwrite.jsonfile import read_obj
    from relgraph.render import map_data
    from relgraph.render.accountmap import page_html

    G = FileStore.from_dataset(read_obj(big_account(contacts))).account_graph("BIG")
    data = map_data(G, as_of=AS_OF, **options)
    path = tmp_path / f"big-{contacts}-{options.get('layout', 'network')}.html"
    path.write_text(page_html(data), encoding="utf-8")
    return path, data


def test_a_2000_contact_map_opens_on_its_units_and_settles(visit, tmp_path):
    path, data = big_map(tmp_path, 2000)
    v = visit(path, timeout_ms=60_000)
    v.assert_clean()
    nodes = data["nodes"]
    units = [n["id"] for n in nodes if n["kind"] == "Unit"]
    assert len(units) == 100 and data["overview"] is True
    assert v.js("relgraphMap.nodes.length") == len(nodes)
    # The overview: the account and one cluster per unit (its people and blind spots
    # inside); our staff wait until a unit they reach is opened.
    drawn = v.js("relgraphMap.network.body.nodeIndices.slice().sort()")
    assert drawn == sorted(["Account:BIG"] + [f"cluster:{u}" for u in units])
    assert v.js("relgraphMap.network.physics.physicsEnabled") is False
    # Settled within 5 s of the script starting (plus the page load, on a busy box).
    assert v.js("relgraphMap.timing.ready - relgraphMap.timing.start") < 5000
    assert v.seconds < 30
    # One circle per unit, sized by its people, coloured by how its key contacts are held.
    u7 = next(n for n in nodes if n["id"] == "Unit:u7")
    opts = v.js("(() => { const o = relgraphMap.network.body.nodes['cluster:Unit:u7'].options;"
                " return [o.size, o.color.background, o.label]; })()")
    assert opts == [10 + 3 * u7["contacts"] ** 0.5, data["palette"]["status"][u7["status"]], f"Unit 7 · {u7['contacts']}"]

    # Opening a unit: its people, its blind spots and the staff who know them appear.
    v.js("relgraphMap.openUnit('Unit:u7')")
    people = {n["id"] for n in nodes if n.get("home") == "Unit:u7"}
    gaps = {n["id"] for n in nodes if n["kind"] == "Gap" and n["anchor"] == "Unit:u7"}
    staff = {e["from"] for e in data["edges"] if e["type"] == "KNOWS" and e["to"] in people}
    after = set(v.js("relgraphMap.network.body.nodeIndices"))
    assert after == (set(drawn) - {"cluster:Unit:u7"}) | {"Unit:u7"} | people | gaps | staff
    assert len(people) == u7["contacts"] > 0
    # A search opens the unit of the person found.
    v.page.fill("#search", "contact 1999")
    v.page.press("#search", "Enter")
    assert v.js("relgraphMap.network.getSelectedNodes()") == ["Contact:c1999"]
    home = next(n["home"] for n in nodes if n["id"] == "Contact:c1999")
    assert v.js(f"relgraphMap.network.body.nodes['cluster:{home}'] === undefined || !relgraphMap.network.isCluster('cluster:{home}')")
    assert "Contact:c1999" in v.js("relgraphMap.network.body.nodeIndices")
    # Show all returns to the overview.
    v.page.click("#show-all")
    assert sorted(v.js("relgraphMap.network.body.nodeIndices")) == drawn
    v.assert_clean()


def test_org_tree_of_20000_contacts_loads_within_15_s(visit, tmp_path):
    path, data = big_map(tmp_path, 20_000, layout="org")
    v = visit(path, timeout_ms=60_000)
    v.assert_clean()
    assert v.seconds < 15
    assert v.js("document.querySelectorAll('#orgtree details').length") == 5  # HQ and its four units
    # Finding someone deep in the tree opens the units above them and scrolls to them.
    deep = next(n for n in reversed(data["nodes"]) if n["kind"] == "Contact" and n.get("home") not in (None, "Unit:u0"))
    v.page.fill("#search", deep["ref"])
    v.page.press("#search", "Enter")
    box = v.page.locator(f"li[data-id='{deep['id']}']").bounding_box()
    assert box is not None and 0 <= box["y"] <= 900 - box["height"]
    assert v.page.inner_text("#details-body .head") == deep["label"]
    # The tree fits the window's width: no 20:1 strip.
    assert v.js("document.getElementById('orgtree').scrollWidth <= document.getElementById('orgtree').clientWidth")
    v.assert_clean()


# --- maps v2 on tests/data/map_v2.json (see test_render.py) -------------------------

V2 = Path(__file__).parent / "data" / "map_v2.json"


@pytest.fixture(scope="module")
def v2_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("v2") / "N.html"
    path.write_text(map_html(FileStore(V2).account_graph("N"), as_of=AS_OF), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, found",
    [
        ("bjorn", ["Contact:n-bjorn"]),  # accents ignored
        ("ASTROM", ["Contact:n-bjorn"]),
        ("zoe", ["Contact:n-zoe"]),
        ("CFO", ["Contact:n-cfo"]),  # part of the id
        ("n-cfo", ["Contact:n-cfo"]),  # the id
        ("financial officer", ["Contact:n-cfo"]),  # the title
        ("head of networks", ["Contact:n-bjorn"]),
        ("Sun Li", ["Contact:n-cfo"]),
    ],
)
def test_search_by_name_title_or_id_ignoring_case_and_accents(visit, v2_map, text, found):
    v = visit(v2_map)
    v.page.fill("#search", text)
    v.page.press("#search", "Enter")
    assert v.js("relgraphMap.network.getSelectedNodes()") == found
    assert v.page.inner_text("#search-result") == "1 match"
    v.assert_clean()


def _click_node(v, node_id: str):
    pos = v.js(
        f"(() => {{ const p = relgraphMap.network.getPositions(['{node_id}'])['{node_id}'];"
        " const d = relgraphMap.network.canvasToDOM(p); return [d.x, d.y]; })()"
    )
    box = v.page.locator("#network").bounding_box()
    v.page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])


def test_a_click_shows_details_in_view_with_who_knows_them(visit, v2_map):
    r = CliRunner().invoke(cli, ["threads", str(V2), "--as-of", "2024-06-01", "--format", "json"])
    successor = {c["id"]: c["backup"] for c in json.loads(r.output)["contacts"]}["n-cfo"]
    names = {"s1": "Ann", "s2": "Bob", "s3": "Cleo"}
    v = visit(v2_map)
    _click_node(v, "Contact:n-cfo")
    v.page.wait_for_selector("#details:not([hidden])")
    box = v.page.locator("#details").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1400 and box["y"] + box["height"] <= 900
    rows = dict(zip(v.page.locator("#details .k").all_inner_texts(), v.page.locator("#details .v").all_inner_texts()))
    assert v.page.inner_text("#details-body .head") == "Sun Li"
    assert rows["Known by"].splitlines() == [
        "Ann 4 → 2.2, last contact 2023-10-03 (weak)",  # 4 x 0.5^((242 - 90)/180) = 2.23
        "Cleo 2 → 2.0, last contact not recorded (weak)",
    ]
    assert rows["Successor"] == (names[successor] if successor else "—")
    assert rows["Next action"] == "—"  # no plan yet
    assert rows["Title"] == "Chief Financial Officer"
    # The tooltip explains a relationship the same way.
    assert v.js("relgraphMap.edges.get({filter: e => e.type === 'KNOWS' && e.from === 'Staff:s1'})[0].title") == (
        "Ann knows Sun Li: 4 → 2.2, last contact 2023-10-03 (weak)"
    )
    v.assert_clean()


def test_neighbourhood_in_the_page_and_show_all(visit, v2_map):
    v = visit(v2_map)
    v.page.fill("#search", "bjorn")
    v.page.press("#search", "Enter")
    v.page.click("#neighbourhood")
    assert sorted(v.js("relgraphMap.nodesView.getIds()")) == ["Contact:n-bjorn", "Contact:n-cfo", "Staff:s2"]
    v.page.fill("#hops", "2")
    v.page.click("#neighbourhood")
    assert sorted(v.js("relgraphMap.nodesView.getIds()")) == [
        "Contact:n-bjorn", "Contact:n-cfo", "Contact:n-zoe", "Staff:s1", "Staff:s2", "Staff:s3",
    ]
    v.page.click("#show-all")
    assert v.js("relgraphMap.nodesView.length") == v.js("relgraphMap.nodes.length") == 19
    v.assert_clean()


def test_focus_option_opens_on_the_neighbourhood(visit, tmp_path):
    path = tmp_path / "focus.html"
    path.write_text(map_html(FileStore(V2).account_graph("N"), as_of=AS_OF, focus="n-cfo", hops=1), encoding="utf-8")
    v = visit(path)
    v.assert_clean()
    # Sun Li, who knows her (Ann, Cleo) and who reports to her (Björn, Zoë)
    assert sorted(v.js("relgraphMap.network.body.nodeIndices")) == [
        "Contact:n-bjorn", "Contact:n-cfo", "Contact:n-zoe", "Staff:s1", "Staff:s3",
    ]
    assert v.page.inner_text("#details-body .head") == "Sun Li"
    v.page.click("#show-all")
    assert v.js("relgraphMap.network.body.nodeIndices.length") == 19
    v.assert_clean()


def test_filters_key_contacts_unit_below_and_level(visit, tiny_map):
    v = visit(tiny_map)
    people = "relgraphMap.nodesView.getIds().filter(id => id.startsWith('Contact:') || id.startsWith('Staff:')).sort()"
    v.page.check("#key-only")
    assert v.js(people) == ["Contact:c1", "Contact:c2", "Contact:c4", "Staff:s1", "Staff:s2"]
    v.page.uncheck("#key-only")
    v.page.select_option("#unit-filter", "Unit:u2")  # u2 and below: c3, c4 and who knows them
    assert v.js(people) == ["Contact:c3", "Contact:c4", "Staff:s2", "Staff:s3"]
    assert sorted(v.js("relgraphMap.nodesView.getIds().filter(id => id.startsWith('Unit:'))")) == ["Unit:u2"]
    v.page.select_option("#unit-filter", "Unit:u1")  # u1 holds u2
    assert v.js(people) == ["Contact:c1", "Contact:c2", "Contact:c3", "Contact:c4", "Staff:s1", "Staff:s2", "Staff:s3"]
    v.page.select_option("#unit-filter", "")
    v.page.select_option("#level-filter", "hq")
    assert v.js(people) == ["Contact:c1", "Contact:c2", "Staff:s1", "Staff:s2"]
    v.page.click("#show-all")
    assert v.js("relgraphMap.nodesView.length") == 18
    v.assert_clean()


def test_two_lists_named_apart(visit, tiny_map):
    v = visit(tiny_map)
    gaps = v.page.locator("#gap-list li button").all_inner_texts()
    assert len(gaps) == 10
    assert gaps[0].splitlines() == ["blind spot: business at hq", "best placed: Ann"]
    assert gaps[6].splitlines() == ["uncovered: finance at province (1 known)", "best placed: Bob"]
    assert gaps[9].splitlines() == ["weak: technical at hq (1 known)", "best placed: Ann"]
    assert v.page.inner_text("#gap-list h2") == "GAPS 10"
    assert v.page.locator("#key-list h3").all_inner_texts() == ["Unthreaded 1", "Single-threaded 1"]
    assert [t.split(" technical")[0].split(" decision")[0] for t in v.page.locator("#key-list li button").all_inner_texts()] == [
        "<script>alert(1)</script>", "Sun Li",
    ]
    v.assert_clean()


def test_matrix_headers_are_whole_words(visit, tiny_map):
    v = visit(tiny_map)
    cut = v.js("""Array.from(document.querySelectorAll('.matrix th.rot'), th => {
        const s = th.querySelector('span').getBoundingClientRect(), r = th.getBoundingClientRect();
        return [th.textContent, s.top >= r.top - 1 && s.bottom <= r.bottom + 1 && s.left >= r.left - 1 && s.right <= r.right + 1]; })""")
    assert cut == [[r, True] for r in ["decision-maker", "technical", "business", "finance", "user", "procurement"]]


def test_print_keeps_colours_and_the_whole_panel(visit, tiny_map, store, tmp_path):
    v = visit(tiny_map)
    v.page.emulate_media(media="print")
    panel = v.js("(() => { const p = document.getElementById('panel'), s = getComputedStyle(p);"
                 " return [s.overflowY, p.scrollHeight <= p.clientHeight + 1, p.getBoundingClientRect().height > 900]; })()")
    assert panel == ["visible", True, True]  # laid out in full, longer than the screen
    cell = v.js("getComputedStyle(document.querySelector('button.cell.covered'))")
    colours = v.js("(() => { const s = getComputedStyle(document.querySelector('button.cell.covered'));"
                   " return [s.printColorAdjust || s.webkitPrintColorAdjust, s.backgroundColor]; })()")
    assert cell is not None and colours == ["exact", "rgb(165, 214, 167)"]
    assert v.js("getComputedStyle(document.querySelector('#panel .list')).maxHeight") == "none"
    # The report prints in colour too, with its heat-map headers whole.
    paths = write_report(store, tmp_path / "report.html", as_of=AS_OF, maps=False)
    r = visit(paths[0], wait_ready=False)
    r.page.emulate_media(media="print")
    got = r.js("(() => { const td = getComputedStyle(document.querySelector('table.heat td.covered'));"
               " const th = getComputedStyle(document.querySelector('table.heat tbody th'));"
               " return [td.printColorAdjust || td.webkitPrintColorAdjust, td.backgroundColor, th.whiteSpace, th.wordBreak]; })()")
    assert got == ["exact", "rgb(165, 214, 167)", "nowrap", "keep-all"]
    r.assert_clean()


@pytest.fixture
def phone(browser):
    """Open a page on a 390 x 844 touch screen, every non-file request refused."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)

    def open_(path: Path):
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("body[data-state=ready]", state="attached", timeout=30_000)
        return page

    yield open_
    context.close()


def test_a_390_px_phone_screen(phone, tiny_map):
    page = phone(tiny_map)
    net = page.locator("#network").bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert net["width"] >= 380 and net["height"] >= 420  # not a 50 px sliver
    assert panel["width"] >= 380 and panel["y"] >= net["y"] + net["height"] - 1  # the panel below the map
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    search = page.locator("#search").bounding_box()
    assert search["y"] + search["height"] <= net["y"] and search["width"] >= 340  # the search above the map
    assert page.locator("#legend summary").is_visible()  # the legend, closed, over the map
    page.fill("#search", "zhao")
    page.press("#search", "Enter")
    d = page.locator("#details").bounding_box()
    assert 0 <= d["x"] and d["x"] + d["width"] <= 390


# --- the plan (SPEC section 6) in the map and the report, on the demo ---------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo written and rendered as `relgraph demo` does, with its plan."""
    from relgraph.analysis.portfolio import plan_report
    from relgraph.demo import write_demo, write_demo_pages

    info = write_demo(tmp_path_factory.mktemp("demo") / "demo")
    pages = write_demo_pages(info)
    plan = plan_report(FileStore(info["path"]), as_of=info["as_of"])["actions"]
    return {**info, **pages, "plan": plan}


def _in_view(v, selector: str, width: int = 1400, height: int = 900) -> bool:
    box = v.page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and (
        box["y"] + box["height"] <= height
    )


def test_the_plan_panel_lists_the_accounts_actions_and_selects_their_targets(visit, demo):
    mine = [a for a in demo["plan"] if a["account"] == "nwm"]
    v = visit(demo["map"])
    v.assert_clean()
    entries = v.page.locator("#plan-list li button")
    assert entries.count() == len(mine) == 41
    assert v.page.inner_text("#plan-list h2") == "PLAN 41"
    assert entries.nth(0).inner_text().splitlines() == [
        "2026-12-09 handover meeting",
        "Marcus Feng → Shi Hao",
        "Zhou Jian rotates on 2027-01-08 and is Shi Hao's only thread",
    ]
    # Highest priority first, as `relgraph plan` orders them.
    firsts = [t.splitlines()[1].rsplit(" → ", 1)[1] for t in entries.all_inner_texts()]
    assert firsts == [a["target_name"] for a in mine]
    # The CEO's stale tie: a reach through the CTO; a click selects the CEO, details in view.
    reach = next(i for i, a in enumerate(mine) if a["kind"] == "reach" and a["target"] == "nwm-ceo")
    entries.nth(reach).click()
    assert v.js("relgraphMap.network.getSelectedNodes()") == ["Contact:nwm-ceo"]
    v.page.wait_for_selector("#details:not([hidden])")
    assert _in_view(v, "#details")
    rows = dict(zip(v.page.locator("#details .k").all_inner_texts(), v.page.locator("#details .v").all_inner_texts()))
    a = mine[reach]
    assert rows["Next action"] == (
        f"{a['due'].isoformat()} reach: {' → '.join([a['owner_name'], *a['via_names']])} ({a['method']}) — {a['reason']}"
    )
    # A blind spot's action selects the blind spot of its cell.
    blind = next(i for i, a in enumerate(mine) if a["kind"] == "blind_spot")
    cell = mine[blind]["target"]
    entries.nth(blind).click()
    assert v.js("relgraphMap.network.getSelectedNodes()") == [f"Gap:{cell['level']}|{cell['role']}"]
    assert v.page.inner_text("#details-body .head") == f"? {cell['role']}"
    assert _in_view(v, "#details")
    v.assert_clean()


def test_a_focus_link_opens_the_map_on_that_person(visit, store, tmp_path):
    paths = write_report(store, tmp_path / "report.html", as_of=AS_OF)
    v = visit(paths[1], wait_ready=False)  # maps/A.html
    v.page.goto(paths[1].resolve().as_uri() + "#focus=Contact%3Ac4")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    v.page.wait_for_selector("#details:not([hidden])")
    assert v.js("relgraphMap.network.getSelectedNodes()") == ["Contact:c4"]
    assert v.page.inner_text("#details-body .head") == "Sun Li"
    assert _in_view(v, "#details")
    # Following another link on the same page selects that one (a blind spot here).
    v.js("location.hash = '#focus=' + encodeURIComponent('Gap:hq|business')")
    v.page.wait_for_function("() => relgraphMap.network.getSelectedNodes()[0] === 'Gap:hq|business'")
    assert v.page.inner_text("#details-body .head") == "? business"
    # An unknown key selects nobody and breaks nothing.
    v.js("location.hash = '#focus=Contact%3Anobody'")
    v.page.wait_for_timeout(100)
    assert v.js("relgraphMap.network.getSelectedNodes()") == ["Gap:hq|business"]
    v.assert_clean()


def test_the_reports_top_actions_link_to_existing_maps_and_nodes(visit, demo):
    r = visit(demo["report"], wait_ready=False)
    r.assert_clean()
    rows = r.page.locator("#actions tbody tr")
    assert rows.count() == 20
    assert r.page.inner_text("#actions h2") == f"Next actions 20 of {len(demo['plan'])}"
    top = demo["plan"][:20]
    assert [t.split("\t")[0] for t in rows.all_inner_texts()] == [a["due"].isoformat() for a in top]
    links = r.js("Array.from(document.querySelectorAll('#actions a.target'), a => [a.href, a.textContent])")
    assert [name for _, name in links] == [a["target_name"] for a in top]
    maps = {}
    for href, name in links:
        file, key = href.split("#focus=")
        path = Path(file.removeprefix("file://"))
        assert path.is_file()
        if path not in maps:
            m = visit(path)
            maps[path] = set(m.js("relgraphMap.nodes.getIds()"))
            m.close()
        assert unquote(key) in maps[path]
    # Following the first link opens that map with its target selected.
    r.page.click("#actions a.target >> nth=0")
    r.page.wait_for_selector("body[data-state=ready]", state="attached")
    r.page.wait_for_selector("#details:not([hidden])")
    first = top[0]
    assert r.js("relgraphMap.network.getSelectedNodes()") == [f"Contact:{first['target']}"]
    assert r.page.inner_text("#details-body .head") == first["target_name"]
    r.assert_clean()


def test_on_a_phone_a_plan_entry_brings_the_map_and_details_into_view(phone, demo):
    page = phone(demo["map"])
    entry = page.locator("#plan-list li button").nth(0)
    entry.evaluate("e => e.scrollIntoView({ block: 'start' })")
    assert page.evaluate("document.getElementById('network').getBoundingClientRect().bottom") < 0  # the map is above
    entry.click()
    page.wait_for_selector("#details:not([hidden])")
    d = page.locator("#details").bounding_box()
    assert 0 <= d["y"] and d["y"] + d["height"] <= 844 and 0 <= d["x"] and d["x"] + d["width"] <= 390
    assert page.inner_text("#details-body .head") == "Shi Hao"


def test_the_legend_explains_the_unit_colours_compactly(visit, tiny_map, store, tmp_path):
    v = visit(tiny_map)
    assert v.js("document.getElementById('legend').open") is False  # a closed tab until asked for
    closed = v.page.locator("#legend").bounding_box()
    assert closed["height"] < 40
    v.page.click("#legend summary")
    legend = v.page.locator("#legend").bounding_box()
    assert legend["height"] <= 300 and legend["x"] >= 0  # a corner of the map, not a quarter of the screen
    status = json.loads(v.js("JSON.stringify(relgraphMap.data.palette.status)"))
    swatches = v.js("Array.from(document.querySelectorAll('#legend p.units .sw-item'), s => [s.textContent,"
                    " getComputedStyle(s.querySelector('.chip')).backgroundColor])")
    rgb = {k: "rgb({}, {}, {})".format(*(int(c[i:i + 2], 16) for i in (1, 3, 5))) for k, c in status.items()}
    assert swatches == [["all held", rgb["covered"]], ["some", rgb["weak"]], ["none", rgb["uncovered"]],
                        ["no key contact", rgb["unknown"]]]
    # The units are drawn in those colours: u1 holds c1 and c2 (key, one threaded: some),
    # u2 holds c3 and c4 (c4 key and threaded: all held).
    assert v.js("relgraphMap.nodes.get('Unit:u1').color.background") == status["weak"]
    assert v.js("relgraphMap.nodes.get('Unit:u2').color.background") == status["covered"]
    v.assert_clean()
    # The org tree's legend explains its own marks: the unit bars and the names.
    path = tmp_path / "org.html"
    path.write_text(map_html(store.account_graph("A"), as_of=AS_OF, layout="org"), encoding="utf-8")
    o = visit(path)
    o.page.click("#legend summary")
    assert o.page.locator("#legend p.units .sw-item").all_inner_texts() == ["all held", "some", "none", "no key contact"]
    bar = o.js("getComputedStyle(document.querySelector('#legend .bar.covered')).borderLeftColor")
    assert bar == o.js("getComputedStyle(document.querySelector('#orgtree details.covered')).borderLeftColor")
    o.assert_clean()


def test_the_report_prints_on_a4_with_whole_words_and_colours(browser, demo):
    # 718 CSS px: an A4 page's width inside Chromium's default print margins.
    context = browser.new_context(viewport={"width": 718, "height": 1000})
    try:
        page = context.new_page()
        page.goto(demo["report"].resolve().as_uri())
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth") <= 718  # no column cut off
        got = page.evaluate("""(() => {
            const td = getComputedStyle(document.querySelector('#accounts td'));
            const date = document.querySelector('#actions td span.nowrap');
            const kind = getComputedStyle(document.querySelector('#actions .kind.handover'));
            return [td.overflowWrap, date.textContent, getComputedStyle(date).whiteSpace,
                    kind.printColorAdjust || kind.webkitPrintColorAdjust, kind.backgroundColor]; })()""")
        assert got == ["break-word", "2027-01-08", "nowrap", "exact", "rgb(255, 224, 178)"]
        # Each account's name wraps between words only: its lines are whole words of it.
        for name in page.locator("#accounts tbody td:first-child a").all():
            lines = name.evaluate("""a => { const r = document.createRange(); r.selectNodeContents(a);
                return Array.from(r.getClientRects(), x => Math.round(x.top)).length; }""")
            words = len(name.inner_text().split())
            assert lines <= words
    finally:
        context.close()


def test_several_matches_are_listed_to_pick_one(visit, demo):
    v = visit(demo["map"])
    v.page.fill("#search", "zhou")
    v.page.press("#search", "Enter")
    ids = v.js("relgraphMap.find('zhou')")
    assert len(ids) > 2 and v.page.inner_text("#search-result") == f"{len(ids)} matches"
    entries = v.page.locator("#matches li button")
    names = json.loads(v.js("JSON.stringify(relgraphMap.data.nodes.filter(n => relgraphMap.find('zhou').includes(n.id)))"))
    label = {n["id"]: n["label"] for n in names}
    assert [t.split(" ")[0] + " " + t.split(" ")[1] for t in entries.all_inner_texts()] == [label[i] for i in ids[:12]]
    entries.nth(1).click()  # leaving the search box does not search again
    assert v.js("relgraphMap.network.getSelectedNodes()") == [ids[1]]
    assert v.page.inner_text("#details-body .head") == label[ids[1]]
    assert entries.count() == min(12, len(ids))
    v.page.fill("#search", "")
    v.page.press("#search", "Enter")
    assert entries.count() == 0
    v.assert_clean()


def test_a_focus_link_opens_the_unit_of_that_person_on_an_overview(visit, tmp_path):
    path, data = big_map(tmp_path, 400)
    assert data["overview"] is True
    person = next(n for n in reversed(data["nodes"]) if n["kind"] == "Contact" and n.get("home"))
    v = visit(path, wait_ready=False)
    v.page.goto(path.resolve().as_uri() + "#focus=" + person["id"].replace(":", "%3A"))
    v.page.wait_for_selector("body[data-state=ready]", state="attached", timeout=60_000)
    v.page.wait_for_selector("#details:not([hidden])")
    assert v.js("relgraphMap.network.getSelectedNodes()") == [person["id"]]
    drawn = set(v.js("relgraphMap.network.body.nodeIndices"))
    assert person["id"] in drawn and person["home"] in drawn and f"cluster:{person['home']}" not in drawn
    assert "cluster:Unit:u0" in drawn or person["home"] == "Unit:u0"  # the other units stay closed
    v.assert_clean()
