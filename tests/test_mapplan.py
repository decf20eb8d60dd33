"""The relationship plan (SPEC section 6) where the pages show it: the map's "Plan"
records and the report's top actions with their links into the maps (the browser
side is in test_browser.py).

Data: tests/data/render_tiny.json as of 2024-06-01 (see test_render.py). Its plan,
worked out from that data (no decay: no last contact, no touchpoints; due = as-of +
90 days = 2024-08-30 for every kind here):

  1. rank c1 Wang Wei (seniority 5, our best tie seniority 3): nobody senior
     enough, owner null; priority 4 (grade S) x 5 = 20
  2. second_thread c4 Sun Li (held by Bob only): owner Ann via Wang Wei; 4 x 4 = 16
  3-10. blind_spot, the 8 unknown cells of A, each owned by its suggested staff
     (hq: Ann, province: Bob), no coach: via []; priority 12.0 (gap priority)
  11. reach c2 <script>...: owner Ann (strength 2, direct); 4 x 4 x (1 - 2/5) = 9.6
  12. second_thread d1 Dora of account "B/2 ü" (grade C): nobody else, owner null; 3
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from urllib.parse import unquote
from pathlib import Path

from relgraph.analysis.portfolio import plan_report
from relgraph.render import write_map, write_report
from relgraph.render.accountmap import plan_records
from relgraph.stores.files import FileStore

DATA = Path(__file__).parent / "data" / "render_tiny.json"
AS_OF = dt.date(2024, 6, 1)


def _page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def _actions_section(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.search(r'<section id="actions">(.*?)</section>', text, re.S).group(1)


def test_plan_records_use_node_keys_in_plan_order():
    actions = plan_report(FileStore(DATA), as_of=AS_OF, accounts=["A"])["actions"]
    records = plan_records(actions)
    assert [r["kind"] for r in records] == ["rank", "second_thread"] + ["blind_spot"] * 8 + ["reach"]
    assert records[0] == {
        "due": "2024-08-30", "kind": "rank", "target": "Contact:c1", "target_name": "Wang Wei", "cell": None,
        "owner": None, "owner_name": None, "via": [], "via_names": [], "method": "visit", "priority": 20,
        "reason": "Wang Wei (seniority 5) is covered only up to seniority 3",
    }
    assert records[1] == {
        "due": "2024-08-30", "kind": "second_thread", "target": "Contact:c4", "target_name": "Sun Li", "cell": None,
        "owner": "Staff:s1", "owner_name": "Ann", "via": ["Contact:c1"], "via_names": ["Wang Wei"],
        "method": "visit", "priority": 16, "reason": "Bob is Sun Li's only thread",
    }
    assert records[2] == {
        "due": "2024-08-30", "kind": "blind_spot", "target": None, "target_name": "business at hq",
        "cell": "hq|business", "owner": "Staff:s1", "owner_name": "Ann", "via": [], "via_names": [],
        "method": "research", "priority": 12.0, "reason": "no business contact known at hq level of Acme <b>Telecom</b>",
    }
    assert [r["cell"] for r in records[2:10]] == [
        "hq|business", "hq|finance", "hq|user", "hq|procurement",
        "province|technical", "province|business", "province|user", "province|procurement",
    ]
    assert records[10]["target"] == "Contact:c2" and records[10]["priority"] == 9.6


def test_the_map_carries_its_accounts_plan(tmp_path):
    path = write_map(FileStore(DATA), tmp_path / "A.html", account="A", as_of=AS_OF)
    data = _page_data(path)
    assert [(r["kind"], r["target"] or r["cell"]) for r in data["plan"]][:3] == [
        ("rank", "Contact:c1"), ("second_thread", "Contact:c4"), ("blind_spot", "hq|business"),
    ]
    assert len(data["plan"]) == 11  # account A's actions only
    text = path.read_text(encoding="utf-8")
    # The panel lists them, escaped: the reason naming "Acme <b>Telecom</b>" stays text.
    panel = re.search(r'<section id="plan-list">(.*?)</section>', text, re.S).group(1)
    assert panel.count('class="goto act ') == 11
    assert "Acme &lt;b&gt;Telecom&lt;/b&gt;" in panel and "<b>Telecom</b>" not in panel
    assert 'data-node="Contact:c4"' in panel and 'data-level="hq" data-role="business"' in panel
    assert "nobody yet → <b>Wang Wei</b>" in panel  # no owner: nobody senior enough


def test_the_report_lists_the_top_actions_linked_to_the_maps(tmp_path):
    paths = write_report(FileStore(DATA), tmp_path / "report.html", as_of=AS_OF, top=20)
    section = _actions_section(paths[0])
    assert "<span class=\"count\">12 of 12</span>" in section
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</td>.*?<td class=\"route\">(.*?)</td>", section, re.S)
    assert len(rows) == 12
    hrefs = re.findall(r'class="target" href="([^"]+)"', section)
    assert hrefs[:3] == [
        "maps/A.html#focus=Contact%3Ac1", "maps/A.html#focus=Contact%3Ac4", "maps/A.html#focus=Gap%3Ahq%7Cbusiness",
    ]
    assert hrefs[-1] == "maps/B_2-d8e98497.html#focus=Contact%3Ad1"  # the account id "B/2 ü" as a file stem
    # Every link opens an existing map on one of its nodes.
    for href in hrefs:
        file, key = href.split("#focus=")
        ids = {n["id"] for n in _page_data(tmp_path / unquote(file))["nodes"]}
        assert unquote(key) in ids
    # No owner: "nobody yet"; a route through a contact; names escaped.
    assert re.sub(r"<[^>]+>", "", rows[0][1]) == "nobody yet → Wang Wei"
    assert re.sub(r"<[^>]+>", "", rows[1][1]) == "Ann → Wang Wei → Sun Li"
    assert html_lib.unescape(re.sub(r"<[^>]+>", "", rows[10][1])) == "Ann → <script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in paths[0].read_text(encoding="utf-8")
    # The report's own maps carry the plan too, for the same account.
    assert len(_page_data(tmp_path / "maps" / "A.html")["plan"]) == 11


def test_the_report_bounds_the_actions_and_links_only_to_maps_it_wrote(tmp_path):
    paths = write_report(FileStore(DATA), tmp_path / "report.html", as_of=AS_OF, top=2, maps=False)
    section = _actions_section(paths[0])
    assert "<span class=\"count\">2 of 12</span>" in section
    assert section.count("<tr>") == 3  # the header and two actions
    assert "href=" not in section
