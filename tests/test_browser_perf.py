"""How fluid the maps are, in headless Chromium (software rendering: no GPU here):
frames a second while a 2,000-contact account zooms and focuses with every unit
open, an animation's length against the duration it was given, and a search at
10,000 contacts. Measured in the page (scripts/mapfps.py, the same code that
scripts/bench reports against the targets of issue #18: >= 20 fps, a 400 ms move
over in about 400 ms, a search under 100 ms).

The bounds here are looser than the targets, so that a CI machine busy with the
rest of the suite does not fail them by chance: each is what the map keeps on this
two-core machine under a load average of 10, with room to spare. They still fail
the frame-counted drawing that came before (4 fps, a 400 ms focus lasting 5.4 s,
0.6 s a search).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from test_browser import big_map

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import mapfps  # noqa: E402  (scripts/mapfps.py: the measuring, shared with scripts/bench)

pytestmark = pytest.mark.browser


def _until(page, expression: str, seconds: float = 10.0):
    """Wait until ``expression`` is true in the page (polled: the CSP forbids the
    eval that wait_for_function needs)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {seconds} s: {expression}"
        page.wait_for_timeout(20)


@pytest.fixture(scope="module")
def open_2000(browser, tmp_path_factory):
    """The 2,000-contact map of test_browser with every unit open: 2,201 nodes."""
    path, data = big_map(tmp_path_factory.mktemp("perf"), 2000)
    page = mapfps.open_map(browser, path)
    assert mapfps.open_all(page) == len(data["nodes"]) == 2201
    yield page
    page.context.close()


@pytest.mark.parametrize("kind", ["zoom", "focus"])
def test_a_2000_contact_map_moves_fluidly_and_on_time(open_2000, kind):
    open_2000.evaluate("""(() => { window.draws = 0;
        if (!window.counted) { window.counted = true; relgraphMap.network.on('initRedraw', () => window.draws++); }
        return 0; })()""")
    moves = [mapfps.move(open_2000, kind, 400) for _ in range(3)]
    # The map is drawn once a move, where it ends; the frames between slide the picture.
    assert open_2000.evaluate("window.draws") == 3
    m = sorted(moves, key=lambda m: m["fps"])[1]
    assert m["drawn"] > 9000  # nodes and edges: the whole account, not the overview
    # Frames while moving: >= 20 a second is the target (scripts/bench: 60 on an
    # idle machine); 8 leaves room for a machine under a load average of 15.
    assert m["fps"] >= 8, moves
    # A 400 ms move gets there in 400 ms, give or take a frame: the clock decides,
    # not the count of frames. Then the whole map is drawn there once.
    assert 400 <= m["on_clock_ms"] <= 400 + m["slowest_ms"] + 50, m
    assert m["took_ms"] >= m["on_clock_ms"]
    assert open_2000.evaluate("relgraphMap.moves.last.duration") == 400
    # The view ends where vis-network puts it: the picture is gone, the map drawn.
    assert open_2000.evaluate("relgraphMap.network.canvas.frame.canvas.style.transform") == ""
    assert open_2000.evaluate("relgraphMap.network.renderer.allowRedraw") is True


def test_focus_ends_on_the_person_found(open_2000):
    """After a focus the view is centred on the person, as vis-network's own focus
    leaves it, and they are selected with their details shown."""
    open_2000.evaluate("relgraphMap.moves.last = null")
    open_2000.fill("#search", "contact 1234")
    open_2000.press("#search", "Enter")
    _until(open_2000, "relgraphMap.moves.last !== null")
    open_2000.evaluate("new Promise(r => requestAnimationFrame(r))")
    got = open_2000.evaluate(
        """(() => { const net = relgraphMap.network, c = net.canvas.frame.canvas;
           const n = net.body.nodes['Contact:c1234'], p = net.canvasToDOM({x: n.x, y: n.y});  /* getPositions rounds */
           return [Math.round(p.x - c.clientWidth / 2), Math.round(p.y - c.clientHeight / 2), net.getSelectedNodes()]; })()"""
    )
    assert got == [0, 0, ["Contact:c1234"]]
    assert open_2000.inner_text("#details-body .head") == "Contact 1234"


def test_the_wheel_zooms_the_picture_then_draws_once(open_2000):
    """The mouse wheel over a large view: vis-network's zoom about the pointer, its
    drawing held back until the wheel stops, then one redraw."""
    box = open_2000.locator("#network").bounding_box()
    open_2000.evaluate("(() => { relgraphMap.network.fit(); return 0; })()")  # well below vis's largest scale, 10
    before = open_2000.evaluate("[relgraphMap.network.getScale(), relgraphMap.moves.pictures]")
    open_2000.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        open_2000.mouse.wheel(0, -100)
    open_2000.wait_for_timeout(50)
    held = open_2000.evaluate("[relgraphMap.network.renderer.allowRedraw, relgraphMap.network.canvas.frame.canvas.style.transform]")
    assert held[0] is False and held[1].startswith("matrix(")
    _until(open_2000, "relgraphMap.network.renderer.allowRedraw")
    after = open_2000.evaluate("[relgraphMap.network.getScale(), relgraphMap.moves.pictures]")
    assert after[0] == pytest.approx(before[0] * 1.1**3)  # vis's wheel step: 10 % a notch
    assert after[1] == before[1] + 1
    assert open_2000.evaluate("relgraphMap.network.canvas.frame.canvas.style.transform") == ""


def test_search_at_10000_contacts(browser, tmp_path):
    path, data = big_map(tmp_path, 10_000)
    page = mapfps.open_map(browser, path, timeout_ms=180_000)
    try:
        times = []
        for text, line in [("ontact 99", "111 matches"), ("nobody", "Nobody by that name, title or id."), ("CONTACT 9999", "1 match")]:
            r = mapfps.search(page, text, enter=False)
            assert r["result"] == line
            times.append(r["ms"])
        # In-page, from the input event to the painted result line: < 100 ms is the
        # target; 250 leaves room for a loaded machine, against 600 before.
        assert sorted(times)[1] < 250, times
        # Enter goes to the person: their unit opened, them selected, their details shown.
        r = mapfps.search(page, "contact 9999")
        assert page.evaluate("relgraphMap.network.getSelectedNodes()") == ["Contact:c9999"]
        assert page.inner_text("#details-body .head") == "Contact 9999"
        assert r["enter_ms"] < 10_000
    finally:
        page.context.close()
