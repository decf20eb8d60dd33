"""One vocabulary in every output (SPEC section 3, "Words"), and the rotation options
on every command whose answer depends on them.

A gap is a coverage cell that is not covered (weak, uncovered, or a blind spot: status
``unknown``); a key contact is unthreaded (0 threads) or single-threaded (1); people
are never counted among the gaps. JSON and CSV keep the contract's values.
"""

from __future__ import annotations

import html.parser
import json
import re

import pytest
from click.testing import CliRunner

from relgraph.cli import cli
from relgraph.demo import write_demo
from relgraph.words import KEY_CONTACT, fragile_text, gaps_text
from test_cli import command_paths, help_text

DEMO_AS_OF = ["--as-of", "2026-11-01"]


def run(*args: str):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, (args, r.output)
    return r.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("words") / "relgraph-demo"
    write_demo(path)
    return path


class Visible(html.parser.HTMLParser):
    """The text a reader sees in a page, and its title attributes (tooltips), without
    scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.titles: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.titles += [v for k, v in attrs if k == "title" and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(" ".join(data.split()))


def visible(path) -> Visible:
    v = Visible()
    v.feed(path.read_text(encoding="utf-8"))
    return v


@pytest.fixture(scope="module")
def pages(demo, tmp_path_factory):
    """The demo's map of nwm and its portfolio report, as a user writes them."""
    out = tmp_path_factory.mktemp("pages")
    run("map", demo, "--account", "nwm", "-o", out / "nwm.html", *DEMO_AS_OF)
    run("report", demo, "-o", out / "report.html", "--no-maps", *DEMO_AS_OF)
    return visible(out / "nwm.html"), visible(out / "report.html")


# --- the words of a cell ----------------------------------------------------------------


def test_tables_say_blind_spot_where_json_and_csv_say_unknown(demo):
    table = run("coverage", demo, "--account", "nwm", *DEMO_AS_OF)
    matrix = table.split("\n\n", 2)[2]
    assert "unknown" not in table
    assert [line.split()[0] for line in matrix.splitlines() if "blind spot" in line] == ["province", "county"]
    doc = json.loads(run("coverage", demo, "--account", "nwm", "--format", "json", *DEMO_AS_OF))
    blind = [(c["level"], c["role"]) for c in doc["accounts"][0]["cells"] if c["status"] == "unknown"]
    assert blind == [("province", "finance"), ("county", "procurement")]
    assert "province/finance=unknown" in run("coverage", demo, "--account", "nwm", "--format", "csv", *DEMO_AS_OF)

    gaps = run("gaps", demo, "--account", "nwm", *DEMO_AS_OF).splitlines()
    assert gaps[0].split() == ["account", "level", "role", "status", "priority", "best", "contacts", "suggested",
                               "staff"]
    assert [re.split(r"\s{2,}", line)[3] for line in gaps[2:]] == ["blind spot", "blind spot", "uncovered", "weak"]
    csv = run("gaps", demo, "--account", "nwm", "--format", "csv", *DEMO_AS_OF).splitlines()
    assert [row.split(",")[3] for row in csv[1:]] == ["unknown", "unknown", "uncovered", "weak"]


def test_no_page_calls_a_cell_unknown(pages):
    """The map's matrix and gap list and the report's heat-maps and gap table name
    a cell's status in words; 'unknown' is left only for an attitude (the legend)."""
    map_, report = pages
    cell_titles = [t for t in map_.titles + report.titles if " × " in t]
    assert len(cell_titles) >= 24 + 4 * 12
    assert not [t for t in cell_titles if "unknown" in t]
    assert sum(t.endswith(": blind spot") for t in cell_titles) >= 4
    assert "blind spot" in report.text and "unknown" not in report.text
    assert map_.text.count("unknown") == 1  # the legend's attitude "unknown"
    # the gap list's two blind spots ("blind spot: ...") and the Plan's two blind_spot actions
    assert map_.text.count("blind spot") == 4


# --- gaps are cells, and key contacts are counted apart ------------------------------------


def test_the_same_gaps_in_gaps_coverage_and_the_map(demo, pages):
    map_, _ = pages
    doc = json.loads(run("gaps", demo, "--account", "nwm", "--format", "json", *DEMO_AS_OF))
    statuses = [g["status"] for g in doc["gaps"]]
    assert gaps_text(statuses) == "4 gaps (2 blind spots)"
    assert "Northwind Mobile (nwm, grade S): 139 contacts, 27 key; 4 gaps (2 blind spots)" in run(
        "coverage", demo, "--account", "nwm", *DEMO_AS_OF)
    heading = map_.text.index("Gaps")
    assert map_.text[heading + 1] == "4"
    figure = map_.text.index("gaps (cells not covered)")
    assert map_.text[figure - 1] == "4"


def test_the_same_count_and_words_for_key_contacts_in_threads_the_map_and_the_report(demo, pages):
    map_, report = pages
    rows = json.loads(run("threads", demo, "--format", "json", *DEMO_AS_OF))["contacts"]
    unthreaded = sorted(r["id"] for r in rows if r["key"] and r["threads"] == 0)
    single = sorted(r["id"] for r in rows if r["key"] and r["threads"] == 1)
    assert unthreaded == ["nwm-ceo", "nwm-chair"]
    assert single == ["nwm-cfo", "nwm-es-cto", "nwm-es-dgm", "nwm-es-gm", "nwm-es-pa-gm", "nwm-vpm"]
    phrase = fragile_text(2, 6)
    assert phrase == "2 unthreaded and 6 single-threaded key contacts"

    assert run("threads", demo, *DEMO_AS_OF).splitlines()[-1] == phrase
    assert run("threads", demo, "--account", "bcb", *DEMO_AS_OF).splitlines()[-1] == fragile_text(0, 0)
    assert f"{phrase}: none of us holds" in " ".join(map_.text)
    for n, label in ((2, "unthreaded key contacts"), (6, "single-threaded key contacts")):
        assert map_.text[map_.text.index(label) - 1] == str(n)
    assert any(t.endswith(f"· {phrase}") for t in report.text)  # the heading's summary
    assert "Unthreaded and single-threaded key contacts" in report.text
    for old in ("at most one thread", "≤ 1 thread"):
        assert not [t for t in map_.text + report.text + map_.titles + report.titles if old in t]


def test_fragile_text_reads_for_one():
    assert fragile_text(0, 1) == "0 unthreaded and 1 single-threaded key contact"
    assert fragile_text(1, 0) == "1 unthreaded and 0 single-threaded key contact"
    assert fragile_text(1, 1) == "1 unthreaded and 1 single-threaded key contacts"
    assert gaps_text(["covered", "weak"]) == "1 gap" and gaps_text(["covered"]) == "no gaps"


@pytest.mark.parametrize("words", command_paths(), ids=" ".join)
def test_every_help_that_speaks_of_key_contacts_defines_them(words):
    text = " ".join(help_text(words).split())
    if "key contact" in text.lower():
        assert KEY_CONTACT in text, words


def test_the_commands_that_list_key_contacts_define_them():
    defined = {words[0] for words in command_paths() if KEY_CONTACT in " ".join(help_text(words).split())}
    assert defined >= {"coverage", "gaps", "threads", "risk", "whatif", "diff", "plan", "map", "report"}


# --- --horizon and --rotation-years wherever the answer depends on them ---------------------

ROTATION = {
    "accounts": [{"id": "A", "name": "Acme", "grade": "S"}],
    "contacts": [
        {"id": "ceo", "name": "Chen", "account": "A", "role": "decision_maker", "influence": 5},
        {"id": "fin", "name": "Fang", "account": "A", "role": "finance", "influence": 3},
    ],
    "staff": [
        {"id": "exec", "name": "Eva", "role": "executive", "in_role_since": "2015-01-01"},
        # due 2024-09-01 with 3 years: within the 180 days from 2024-06-01
        {"id": "am1", "name": "Ann", "role": "account_manager", "in_role_since": "2021-09-01"},
        {"id": "am2", "name": "Ben", "role": "account_manager", "in_role_since": "2024-01-01"},
    ],
    "relationships": [
        {"staff": "exec", "contact": "ceo", "strength": 5, "last_contact": "2024-06-01"},
        {"staff": "am1", "contact": "ceo", "strength": 2, "last_contact": "2024-06-01"},
        {"staff": "am2", "contact": "ceo", "strength": 1, "last_contact": "2024-06-01"},
        {"staff": "am1", "contact": "fin", "strength": 2, "last_contact": "2024-06-01"},
        {"staff": "am2", "contact": "fin", "strength": 1, "last_contact": "2024-06-01"},
    ],
    "team": [{"account": "A", "staff": s} for s in ("exec", "am1", "am2")],
}
"""The CEO's one thread is Eva (an executive, who does not rotate); Ann's weak tie
(2 / 5 = 0.4) beats Ben's (0.2) to both contacts, but with 3-year rotations Ann is due
on 2024-09-01, within the horizon of as-of 2024-06-01; with 5 years, in 2026."""

ROTATION_AS_OF = ["--as-of", "2024-06-01"]


@pytest.fixture
def rotation(tmp_path):
    path = tmp_path / "rotation.json"
    path.write_text(json.dumps(ROTATION))
    return path


def named(data, *years: str) -> dict[str, object]:
    """Who each command names to act, with ``--rotation-years`` as given."""

    def doc(*args):
        return json.loads(run(*args, data, "--format", "json", *ROTATION_AS_OF, *years))

    [ceo] = [r for r in doc("threads")["contacts"] if r["id"] == "ceo"]
    [fin] = [g for g in doc("gaps")["gaps"] if g["role"] == "finance"]
    [lost] = doc("whatif", "--without", "exec")["lost"]
    [due] = [s for s in doc("risk")["staff"] if s["id"] == "am1"]
    return {"backup": ceo["backup"], "suggested": fin["suggested_staff"], "heir": lost["heir"],
            "due": (due["rotation_due"], due["due_soon"])}


def test_rotation_years_changes_the_backup_the_suggestion_and_the_heir(rotation):
    assert named(rotation) == named(rotation, "--rotation-years", "3") == {
        "backup": "am2", "suggested": "am2", "heir": "am2", "due": ("2024-09-01", True)}
    assert named(rotation, "--rotation-years", "5") == {
        "backup": "am1", "suggested": "am1", "heir": "am1", "due": ("2026-09-01", False)}
    # the horizon says the same from the other side: 2024-09-01 is 92 days ahead
    assert named(rotation, "--horizon", "91")["backup"] == "am1"


def test_rotation_years_reaches_the_map_and_its_plan(rotation, tmp_path):
    def successor(*years: str) -> tuple[str, str]:
        out = tmp_path / "map.html"
        run("map", rotation, "-o", out, "--force", *ROTATION_AS_OF, *years)
        text = out.read_text(encoding="utf-8")
        payload = json.loads(re.search(r'id="relgraph-data">(.*?)</script>', text, re.S).group(1))
        [ceo] = [n for n in payload["nodes"] if n["id"] == "Contact:ceo"]
        return ceo["successor"], ceo["next_action"]

    assert successor()[0] == "Staff:am2"
    later, action = successor("--rotation-years", "5")
    assert later == "Staff:am1"
    assert "second_thread: Ann" in action
    plan = json.loads(run("plan", rotation, "--format", "json", *ROTATION_AS_OF, "--rotation-years", "5"))
    assert [a["owner"] for a in plan["actions"] if a["kind"] == "second_thread"] == ["am1"]


@pytest.mark.neo4j
def test_rotation_years_over_bolt_as_on_files(bolt_server, rotation):
    from test_neo4j import bolt_store, invoke

    from relgraph.readwrite import read

    bolt_store(bolt_server).push(read(rotation))

    def backup(*years: str) -> str:
        r = invoke(bolt_server, ["threads", bolt_server.uri, "--format", "json", *ROTATION_AS_OF, *years])
        assert r.exit_code == 0, r.output
        return next(c["backup"] for c in json.loads(r.stdout)["contacts"] if c["id"] == "ceo")

    assert (backup(), backup("--rotation-years", "5")) == ("am2", "am1")
    assert named(rotation)["backup"] == "am2"


def test_every_rotation_option_is_the_shared_one():
    """--horizon and --rotation-years have one definition: the same range and
    default wherever they appear, on every command that names someone to act."""
    takes = {}
    for words in command_paths():
        text = help_text(words)
        takes[words[0]] = ("--horizon DAYS" in text, "--rotation-years N" in text)
        if "--rotation-years" in text:
            assert "[default: 3; 0<=x<=100]" in " ".join(text.split()), words
    both = {c for c, (h, y) in takes.items() if h and y}
    assert both == {"gaps", "threads", "whatif", "risk", "plan", "map", "report"}
    assert not {c for c, (h, y) in takes.items() if h != y}
