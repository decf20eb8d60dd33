#!/usr/bin/env python3
"""Take the README's screenshots of the maps and the report (docs/*.png).

Writes the demo and a generated 2,000-contact account into a temporary folder,
renders their pages with relgraph, opens them in headless Chromium (Playwright,
Debian's /usr/bin/chromium, every non-file request refused) and saves:

    demo-map.png      the demo account's map with the best path to its CEO
    map-plan.png      the same map, a Plan entry clicked: its target selected
    map-focus.png     --focus nwm-cfo --hops 1
    map-org.png       --layout org, the CFO found by searching "cfo"
    map-overview.png  the 2,000-contact account's unit overview
    map-phone.png     the demo map on a 390 px phone, a person found
    report-plan.png   the report's next actions

Run from the repository: ``.venv/bin/python docs/screenshots.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
CHROMIUM = os.environ.get("RELGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
AS_OF = "2026-11-01"


def relgraph(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "relgraph", *args], check=True, stdout=subprocess.DEVNULL)


def pages(work: Path) -> dict[str, Path]:
    demo = work / "demo"
    relgraph("demo", str(demo))
    relgraph("map", str(demo), "--account", "nwm", "--focus", "nwm-cfo", "--hops", "1", "--as-of", AS_OF,
             "-o", str(work / "focus.html"))
    relgraph("map", str(demo), "--account", "nwm", "--layout", "org", "--as-of", AS_OF, "-o", str(work / "org.html"))
    big = work / "big"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate"), "--out", str(big), "--accounts", "1",
                    "--contacts", "2000", "--staff", "100", "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
    relgraph("map", str(big), "-o", str(work / "big.html"))
    return {"demo": demo / "nwm-map.html", "focus": work / "focus.html", "org": work / "org.html",
            "big": work / "big.html", "report": demo / "report.html"}


def shoot(browser, url: str, out: str, width: int, height: int, steps=(), **context) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    page = ctx.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(url)
    if "report" not in out:
        page.wait_for_selector("body[data-state=ready]", state="attached", timeout=60_000)
    for step in steps:
        step(page)
    page.wait_for_timeout(600)  # the focus animation
    page.screenshot(path=str(DOCS / out))
    ctx.close()


def search(text: str):
    def step(page):
        page.fill("#search", text)
        page.press("#search", "Enter")
    return step


def click(selector: str):
    return lambda page: page.click(selector)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        found = pages(Path(tmp))
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        uri = {k: v.resolve().as_uri() for k, v in found.items()}
        shoot(b, uri["demo"], "demo-map.png", 1600, 1000)
        reach_ceo = "#plan-list button.reach[data-node='Contact:nwm-ceo']"
        shoot(b, uri["demo"], "map-plan.png", 1400, 860, [click(reach_ceo)])
        shoot(b, uri["focus"], "map-focus.png", 1400, 860)
        shoot(b, uri["org"], "map-org.png", 1400, 860, [search("cfo")])
        shoot(b, uri["big"], "map-overview.png", 1400, 860)
        shoot(b, uri["demo"], "map-phone.png", 390, 844, [search("sun li")], is_mobile=True, has_touch=True)
        shoot(b, uri["report"] + "#actions", "report-plan.png", 1280, 800)
        b.close()


if __name__ == "__main__":
    main()
