"""The readers under random input (hypothesis): an export of any valid data set reads
back equal, and no input makes a reader raise anything but InvalidData.

Every run is bounded (``max_examples``, and a generous per-example deadline) so that the
suite stays quick; the strategies aim at what breaks CSV and JSON readers: quotes,
separators, line ends of every kind, blanks, BOMs, odd Unicode.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relgraph.errors import InvalidData
from relgraph.model import ATTITUDES, CONTACT_ROLES, GRADES, LEVELS, LINK_KINDS, STAFF_ROLES, TOUCHPOINT_METHODS
from relgraph.readwrite import _fast, check, read, read_raw, write
from relgraph.readwrite.jsonfile import read_obj
from relgraph.validate import validate

TINY = Path(__file__).parent / "data" / "tiny"
BOUNDED = settings(
    max_examples=40, deadline=10_000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Text as a reader can hand it over: no surrogates (not UTF-8), no surrounding
# whitespace (cells are trimmed), not empty (empty means "not given"). Line ends,
# quotes, commas, semicolons and every Unicode line separator are fair game.
TRICKY = st.sampled_from(list(',;"\'\r\n\t \x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff\xa0\u3000é漢'))
TEXT = (
    st.lists(st.one_of(TRICKY, st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=12)
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
# An id in a touchpoint's ';'-separated list cannot hold a ';'.
ID = TEXT.map(lambda s: s.replace(";", "_"))
DATE = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
SCORE = st.integers(1, 5)


def maybe(strategy):
    return st.none() | strategy


@st.composite
def datasets(draw):
    """A valid data set as a JSON document, every text column drawn from TEXT."""
    ids = draw(st.lists(ID, min_size=4, max_size=14, unique=True))
    n_acc = draw(st.integers(1, 2))
    n_units = draw(st.integers(0, 3))
    n_staff = draw(st.integers(1, 3))
    acc_ids, unit_ids = ids[:n_acc], ids[n_acc : n_acc + n_units]
    staff_ids = ids[n_acc + n_units : n_acc + n_units + n_staff]
    contact_ids = ids[n_acc + n_units + n_staff :]
    assume(contact_ids)

    def row(**cells):
        return {k: v for k, v in cells.items() if v is not None}

    accounts = [
        row(id=a, name=draw(TEXT), grade=draw(maybe(st.sampled_from(GRADES))), industry=draw(maybe(TEXT)),
            region=draw(maybe(TEXT)), wechat=draw(maybe(TEXT)))
        for a in acc_ids
    ]
    unit_account = {u: acc_ids[0] for u in unit_ids}
    units = [
        row(id=u, account=acc_ids[0], name=draw(TEXT), level=draw(st.sampled_from(LEVELS) | TEXT),
            parent=unit_ids[i - 1] if i and draw(st.booleans()) else None, function=draw(maybe(TEXT)))
        for i, u in enumerate(unit_ids)
    ]
    contacts = []
    for c in contact_ids:
        account = draw(st.sampled_from(acc_ids))
        unit = draw(maybe(st.sampled_from([u for u in unit_ids if unit_account[u] == account] or [None])))
        contacts.append(
            row(id=c, name=draw(TEXT), account=account, unit=unit, level=draw(maybe(TEXT)), title=draw(maybe(TEXT)),
                role=draw(maybe(st.sampled_from(CONTACT_ROLES))), seniority=draw(maybe(SCORE)),
                influence=draw(maybe(SCORE)), attitude=draw(maybe(st.sampled_from(ATTITUDES))),
                coach=draw(maybe(st.booleans())), email=draw(maybe(TEXT)), phone=draw(maybe(TEXT)),
                notes=draw(maybe(TEXT)), wechat=draw(maybe(TEXT)))
        )
    staff = [
        row(id=s, name=draw(TEXT), title=draw(maybe(TEXT)), role=draw(maybe(st.sampled_from(STAFF_ROLES))),
            seniority=draw(maybe(SCORE)), office=draw(maybe(TEXT)), in_role_since=draw(maybe(DATE.map(str))),
            active=draw(maybe(st.booleans())))
        for s in staff_ids
    ]
    strength = st.integers(1, 5) | st.floats(1, 5, allow_nan=False)
    relationships = [
        row(staff=draw(st.sampled_from(staff_ids)), contact=draw(st.sampled_from(contact_ids)),
            strength=draw(strength), last_contact=draw(maybe(DATE.map(str))), notes=draw(maybe(TEXT)))
        for _ in range(draw(st.integers(0, 4)))
    ]
    links = []
    for _ in range(draw(st.integers(0, 3)) if len(contact_ids) > 1 else 0):
        i, j = sorted(draw(st.lists(st.integers(0, len(contact_ids) - 1), min_size=2, max_size=2, unique=True)))
        # reports_to only from a later contact to an earlier one: no cycle.
        links.append(row(source=contact_ids[j], target=contact_ids[i], kind=draw(st.sampled_from(LINK_KINDS)),
                         weight=draw(maybe(SCORE))))
    touchpoints = [
        row(date=str(draw(DATE)), method=draw(st.sampled_from(TOUCHPOINT_METHODS)),
            staff=draw(st.lists(st.sampled_from(staff_ids), min_size=1, max_size=2)),
            contacts=draw(st.lists(st.sampled_from(contact_ids), min_size=1, max_size=2)), notes=draw(maybe(TEXT)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    team = [row(account=draw(st.sampled_from(acc_ids)), staff=s, role=draw(maybe(TEXT))) for s in staff_ids]
    return {"accounts": accounts, "units": units, "contacts": contacts, "staff": staff,
            "relationships": relationships, "links": links, "touchpoints": touchpoints, "team": team}


@BOUNDED
@given(doc=datasets())
def test_an_export_of_any_valid_data_set_reads_back_equal(tmp_path_factory, doc):
    ds = read_obj(doc, "doc.json")
    out = tmp_path_factory.mktemp("rt")
    for fmt, name in (("csv", "csv"), ("json", "d.json")):
        write(ds, out / name, fmt)
        back = read(out / name)
        assert back.tables == ds.tables, fmt
        assert back.extras == ds.extras, fmt
    # Both CSV paths agree on the exported folder, whichever reads it.
    fast = _fast(out / "csv")
    if fast is not None:
        assert fast[1] == [] and fast[0].to_dataset().tables == ds.tables


def reads_as_checked(path: Path, problems: list) -> None:
    """Reading ``path`` raises nothing but InvalidData, with ``problems``, when
    there are problems (and returns a data set when there are none)."""
    try:
        read(path)
    except InvalidData as e:
        assert e.problems == problems and problems
    else:
        assert not problems


def agrees(folder: Path) -> None:
    """Reading ``folder`` raises nothing but InvalidData, and both CSV paths say
    the same."""
    _, problems, warnings = validate(read_raw(folder))
    assert check(folder) == (problems, warnings)
    reads_as_checked(folder, problems)


# Pieces CSV files are made of, to splice into a real file at random places.
PIECES = st.lists(
    st.sampled_from(['"', '""', ",", "\n", "\r", "\r\n", ";", "\t", " ", "\ufeff", "\x00", "\u2028", "\x85",
                     "\x0c", "A1", "C2", "S1", "9", "2026-13-01", "x" * 50, "é"]),
    min_size=1, max_size=8,
).map("".join)


@BOUNDED
@given(
    table=st.sampled_from(["accounts.csv", "contacts.csv", "relationships.csv", "links.csv", "touchpoints.csv"]),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), PIECES), min_size=1, max_size=4),
)
def test_csv_reading_never_raises_and_both_paths_agree(tmp_path_factory, table, edits):
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(TINY, folder)
    text = (folder / table).read_text(encoding="utf-8")
    for at, cut, piece in edits:
        i = int(at * len(text))
        text = text[:i] + piece + text[i + cut :]
    (folder / table).write_bytes(text.encode("utf-8", "surrogatepass"))
    agrees(folder)


@BOUNDED
@given(data=st.binary(max_size=200))
def test_csv_reading_of_any_bytes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes") / "data"
    shutil.copytree(TINY, folder)
    (folder / "accounts.csv").write_bytes(b"id,name,grade\n" + data)
    agrees(folder)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.sampled_from(["A1", "C2", "S1", "2026-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["id", "name", "account", "staff", "contact", "strength", "contacts", "date", "method", "x"]), inner, max_size=4),
    max_leaves=12,
)


@BOUNDED
@given(
    doc=st.dictionaries(st.sampled_from(["accounts", "contacts", "staff", "relationships", "touchpoints", "bogus"]),
                        JSON_VALUES, max_size=5),
    cut=st.integers(0, 40),
)
def test_json_reading_never_raises(tmp_path_factory, doc, cut):
    f = tmp_path_factory.mktemp("json") / "d.json"
    text = json.dumps(doc)
    for t in (text, text[: len(text) - cut]):
        f.write_text(t, encoding="utf-8")
        reads_as_checked(f, check(f)[0])


@pytest.mark.parametrize("doc", [{"accounts": "x"}, [], {"accounts": [[]]}, {"contacts": [{"id": {"a": 1}}]}])
def test_json_odd_shapes_are_problems(tmp_path, doc):
    f = tmp_path / "d.json"
    f.write_text(json.dumps(doc))
    with pytest.raises(InvalidData):
        read(f)
