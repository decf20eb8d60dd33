"""How fluid an account map is in headless Chromium: frames a second while the view
zooms or focuses, how long an animation lasts against the duration it was given,
and how long a search takes from the input event to its result on screen.

A frame is one call of ``requestAnimationFrame``: the browser calls it once per
frame it paints, so the intervals between calls are the frame times. Everything is
measured in the page with ``performance.now()``. Used by ``scripts/bench`` (the
map-fps rows, against the targets) and by ``tests/test_browser_perf.py`` (against
bounds a loaded CI machine keeps).

    python scripts/mapfps.py MAP.html [SEARCH TEXT]   # the numbers of one map, as JSON
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

CHROMIUM = os.environ.get("RELGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}

MOVE = """async ([kind, duration]) => {
  const map = relgraphMap, net = map.network;
  const nextFrame = () => new Promise(r => requestAnimationFrame(r));
  await new Promise(r => setTimeout(r, 150)); await nextFrame(); await nextFrame();
  const stamps = []; let running = true;
  const tick = () => { stamps.push(performance.now()); if (running) requestAnimationFrame(tick); };
  const finished = new Promise(r => net.once('animationFinished', r));
  requestAnimationFrame(tick);
  const began = performance.now();
  if (kind === 'zoom') {
    net.moveTo({scale: net.getScale() * 3, animation: {duration: duration, easingFunction: 'easeInOutQuad'}});
  } else {
    /* the page's own focus (a search result, a list entry): the contact furthest from the middle */
    const mid = net.DOMtoCanvas({x: net.canvas.frame.canvas.clientWidth / 2, y: net.canvas.frame.canvas.clientHeight / 2});
    const ids = net.body.nodeIndices.filter(id => id.startsWith('Contact:'));
    const pos = net.getPositions(ids);
    let far = ids[0], best = -1;
    ids.forEach(id => { const d = Math.hypot(pos[id].x - mid.x, pos[id].y - mid.y); if (d > best) { best = d; far = id; } });
    map.focusNodes([far]);
  }
  await finished; const ended = performance.now(); running = false;
  await nextFrame(); const shown = performance.now();
  const frames = stamps.filter(t => t <= ended);
  const gaps = []; for (let i = 1; i < frames.length; i++) gaps.push(frames[i] - frames[i - 1]);
  return {gaps: gaps, took_ms: shown - began, on_clock_ms: map.moves ? map.moves.last.took : null, /* null: a page of before */
          drawn: net.body.nodeIndices.length + net.body.edgeIndices.length};
}"""

SEARCH = """async ([text, enter]) => {
  const box = document.getElementById('search'), result = document.getElementById('search-result');
  const nextFrame = () => new Promise(r => requestAnimationFrame(r));
  while (relgraphMap.data.overview && !relgraphMap.timing.tips) await nextFrame(); /* the people's tooltips, built after the first picture */
  box.value = ''; result.textContent = ''; await nextFrame(); await nextFrame();
  const began = performance.now();
  box.value = text;
  box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertText', data: text}));
  while (!result.textContent) await nextFrame();
  await nextFrame(); /* the frame after the one that showed it: the result has been painted */
  const ms = performance.now() - began, line = result.textContent;
  if (!enter) return {ms: ms, result: line};
  /* Enter: to the first person found, their unit opened, their details shown */
  const details = document.getElementById('details');
  details.hidden = true;
  const went = performance.now();
  box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  while (details.hidden) await nextFrame();
  await nextFrame();
  return {ms: ms, result: line, enter_ms: performance.now() - went};
}"""

OPEN_ALL = "(() => { if (relgraphMap.openAll) relgraphMap.openAll(); relgraphMap.network.fit(); return relgraphMap.network.body.nodeIndices.length; })()"


def launch(playwright):
    """Headless Chromium as the browser tests run it (software rendering, no GPU)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_map(browser, path: Path, *, timeout_ms: int = 120_000):
    """A page of ``browser`` showing the map at ``path``, once it says it is ready."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout_ms)
    page.wait_for_selector("body[data-state=ready]", state="attached", timeout=timeout_ms)
    return page


def move(page, kind: str, duration_ms: int = 400) -> dict:
    """One animated move of the map's view: ``zoom`` (``network.moveTo`` to three
    times the scale) or ``focus`` (the page's focus on the contact furthest from the
    middle, as a search result gets). Returns the frame intervals (``gaps``, ms),
    ``fps`` (1000 / their median), the slowest frame, how long the view took to get
    there (``on_clock_ms``, the page's own count) and until the map drawn there was
    painted (``took_ms``), against ``duration_ms``, and the number of nodes and
    edges drawn."""
    r = page.evaluate(MOVE, [kind, duration_ms])
    gaps = r["gaps"]
    r["fps"] = 1000 / statistics.median(gaps) if gaps else 0.0
    r["slowest_ms"] = max(gaps, default=0.0)
    r["duration_ms"] = duration_ms
    return r


def search(page, text: str, *, enter: bool = True) -> dict:
    """Type ``text`` into the search box at once (one input event): ``ms`` from the
    event to the frame after the one that showed the result line, that line, and
    (with ``enter``) ``enter_ms`` from Enter to the frame after the first person's
    details showed."""
    return page.evaluate(SEARCH, [text, enter])


def open_all(page) -> int:
    """Open every unit of an overview and fit the view; returns the nodes drawn."""
    return page.evaluate(OPEN_ALL)


def measure(path: Path, search_text: str | None = None, *, runs: int = 3) -> dict:
    """Every number of the map at ``path``: the medians over ``runs`` of the zoom
    and focus moves with every unit open, and, with ``search_text``, of the search."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = open_map(browser, path)
            out["ready_ms"] = page.evaluate("relgraphMap.timing.ready - relgraphMap.timing.start")
            if search_text:
                found = [search(page, search_text) for _ in range(runs)]
                out["search_ms"] = statistics.median(f["ms"] for f in found)
                out["search_result"] = found[-1]["result"]
                out["search_enter_ms"] = statistics.median(f["enter_ms"] for f in found)
            out["nodes_drawn"] = open_all(page)
            for kind in ("zoom", "focus"):
                moves = [move(page, kind, 400) for _ in range(runs)]
                out[f"fps_{kind}"] = statistics.median(m["fps"] for m in moves)
                out[f"{kind}_took_ms"] = statistics.median(m["took_ms"] for m in moves)
                out[f"{kind}_on_clock_ms"] = statistics.median(m["on_clock_ms"] for m in moves)
                out[f"{kind}_slowest_ms"] = statistics.median(m["slowest_ms"] for m in moves)
                out["drawn"] = moves[-1]["drawn"]
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), " ".join(sys.argv[2:]) or None), indent=2))
