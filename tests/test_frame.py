"""The analysis frame: built from a store's typed tables or from a graph (converted
to typed tables first) it is the same, it leaves out what an account's share names
but does not hold, and its effective strengths are the SPEC's, worked out by hand.
(tests/test_portfolio.py holds the reports computed from the file store's
whole-portfolio tables to those computed account share by account share, the way
the Neo4j store is served.)"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from relgraph.analysis.frame import NO_DATE, day, frame_from_graph, frame_from_tables, pair_strengths
from relgraph.demo import write_demo
from relgraph.graph import build_graph
from relgraph.readwrite.jsonfile import read_obj
from relgraph.stores.files import FileStore
from relgraph.tables import coding, effective_level_codes, effective_levels

from test_analysis_properties import SETTINGS, portfolios

AS_OF = dt.date(2024, 1, 1)


def canonical(F) -> dict:
    """A frame with its row tables as sorted lists of tuples of ids (row order is
    not part of a frame's meaning; the accounts, units, contacts and staff lists are)."""
    s = F.strengths
    cid, sid = s.contact_ids, s.staff_ids

    def rows(*cols) -> list:
        return sorted(zip(*[c.tolist() if isinstance(c, np.ndarray) else c for c in cols]))

    tps = {}
    for t, c in zip(F.tp_listed.tolist(), F.tp_contact.tolist()):
        tps.setdefault(t, []).append(cid[c])
    return {
        "staff": (sid, s.staff_active.tolist(), F.staff_names, F.staff_roles, F.staff_seniority.tolist()),
        "contacts": (
            cid, F.contact_account.tolist(), F.contact_levels, F.contact_roles, F.contact_names,
            F.contact_influence.tolist(), F.contact_seniority.tolist(), F.contact_attitudes,
            F.contact_unit.tolist(),
        ),
        "accounts": (F.account_ids, F.account_names, F.account_grades),
        "units": (F.unit_ids, F.unit_account.tolist(), F.unit_levels),
        "knows": rows(
            [sid[i] for i in s.knows_staff], [cid[i] for i in s.knows_contact], s.knows_strength,
            s.knows_last, s.knows_since, s.knows_until,
        ),
        "touch": rows([sid[i] for i in s.touch_staff], [cid[i] for i in s.touch_contact], s.touch_day),
        "links": rows(
            [cid[i] for i in F.link_source], [cid[i] for i in F.link_target], F.link_influences,
            F.link_weight, F.link_since, F.link_until,
        ),
        "team": rows([F.account_ids[i] for i in F.team_account], [sid[i] for i in F.team_staff],
                     [r or "" for r in F.team_roles]),
        "touchpoints": sorted((F.tp_day[t].item(), F.tp_method[t], tuple(sorted(c))) for t, c in tps.items()),
    }


def test_store_tables_and_graph_give_one_frame_on_the_demo(tmp_path):
    write_demo(tmp_path)
    store = FileStore(tmp_path)
    from_tables = canonical(frame_from_tables(store.tables()))
    assert from_tables == canonical(frame_from_graph(store.graph()))
    assert len(from_tables["knows"]) == 270 and len(from_tables["contacts"][0]) == 176


@SETTINGS
@given(portfolios())
def test_store_tables_and_graph_give_one_frame(data):
    ds = read_obj(data)
    store = FileStore.from_dataset(ds)
    assert canonical(frame_from_tables(store.tables())) == canonical(frame_from_graph(build_graph(ds)))


LEVELS = st.one_of(st.none(), st.sampled_from(["hq", "province", "city", "county", "site"]))


@given(st.lists(LEVELS, max_size=6).flatmap(lambda units: st.tuples(
    st.just(units), st.lists(st.tuples(st.one_of(st.none(), st.integers(0, len(units) - 1)) if units else st.none(),
                                       LEVELS), max_size=30))))
def test_effective_levels_on_codes_are_the_rule(data):
    """Each contact's unit's level when it has a unit of a level, else its own, else
    hq; coded as pc.dictionary_encode codes the texts (first appearance, None last)."""
    units, contacts = data
    expected = [(units[u] if u is not None else None) or own or "hq" for u, own in contacts]
    codes, values = effective_level_codes(coding(pa.array(units, pa.string())),
                                          pa.array([u for u, _ in contacts], pa.int32()),
                                          coding(pa.array([own for _, own in contacts], pa.string())))
    assert [values[c] for c in codes.tolist()] == expected
    want_codes, want_values = coding(pa.array(expected, pa.string()))
    assert (codes.tolist(), values) == (want_codes.tolist(), want_values)
    unit_of = [units[u] if u is not None else None for u, _ in contacts]
    assert effective_levels(pa.array(unit_of, pa.string()),
                            pa.array([own for _, own in contacts], pa.string())).to_pylist() == expected


# Strengths by hand, as of 2024-01-01 (half-life 180 days, no grace period: grace 0):
#   s1-c1: two rows for one pair: 2 (no dates) and 4 last contacted 2023-07-05
#          (180 days: 4 * 0.5 = 2.0); the stronger counts -> 2.0 (both 2.0)... so
#          the second row is refreshed by a touchpoint on 2023-10-03 (90 days):
#          4 * 0.5 ** 0.5 = 2.8284271247461903 -> best 2.828..., weak.
#   s1-c2: 5, last contact 2024-03-01 (after as-of: no decay) -> 5.0, strong.
#   s2-c1: 3, until 2024-01-01 (ended on as-of: left out).
#   s2-c2: 3, since 2024-01-02 (not yet: left out).
#   s3-c2: 4, s3 inactive -> 0.0, never a thread.
#   A touchpoint dated 2024-02-01 (after as-of) listing s1 and c1 is ignored.
HAND = {
    "accounts": [{"id": "A", "name": "Acme"}],
    "contacts": [{"id": "c1", "name": "One", "account": "A"}, {"id": "c2", "name": "Two", "account": "A"}],
    "staff": [{"id": "s1", "name": "S1"}, {"id": "s2", "name": "S2"}, {"id": "s3", "name": "S3", "active": False}],
    "relationships": [
        {"staff": "s1", "contact": "c1", "strength": 2},
        {"staff": "s1", "contact": "c1", "strength": 4, "last_contact": "2023-07-05"},
        {"staff": "s1", "contact": "c2", "strength": 5, "last_contact": "2024-03-01"},
        {"staff": "s2", "contact": "c1", "strength": 3, "until": "2024-01-01"},
        {"staff": "s2", "contact": "c2", "strength": 3, "since": "2024-01-02"},
        {"staff": "s3", "contact": "c2", "strength": 4},
    ],
    "touchpoints": [
        {"date": "2023-10-03", "method": "meeting", "staff": "s1", "contacts": "c1"},
        {"date": "2024-02-01", "method": "visit", "staff": "s1;s2", "contacts": "c1;c2"},
    ],
}


@pytest.mark.parametrize("build", ["tables", "graph"])
def test_pair_strengths_by_hand(build):
    ds = read_obj(HAND)
    F = frame_from_tables(FileStore.from_dataset(ds).tables()) if build == "tables" else frame_from_graph(build_graph(ds))
    ps = pair_strengths(F.strengths, as_of=AS_OF, grace=0)
    got = {
        (F.staff_ids[s], F.contact_ids[c]): (v, strong)
        for s, c, v, strong in zip(ps.staff.tolist(), ps.contact.tolist(), ps.value.tolist(), ps.strong.tolist())
    }
    assert got == {
        ("s1", "c1"): (4 * 0.5 ** (90 / 180), False),
        ("s1", "c2"): (5.0, True),
        ("s3", "c2"): (0.0, False),
    }
    assert [F.contact_ids[c] for c in ps.contact.tolist()] == ["c1", "c2", "c2"]  # by contact, then staff
    # s1 leaving: their pairs count 0 and are no thread any more.
    gone = pair_strengths(F.strengths, as_of=AS_OF, without=[F.staff_ids.index("s1")], grace=0)
    assert gone.value.tolist() == [0.0, 0.0, 0.0] and not gone.strong.any()
    # A year later the touchpoint of 2024-02-01 refreshes s1-c1 (335 days before).
    later = pair_strengths(F.strengths, as_of=dt.date(2025, 1, 1), grace=0)
    assert later.value.tolist()[0] == 4 * 0.5 ** (335 / 180)
    # With the default grace of 90 days the touchpoint 90 days back keeps s1-c1 at 4.
    assert pair_strengths(F.strengths, as_of=AS_OF).value.tolist()[0] == 4.0
    assert pair_strengths(F.strengths, as_of=dt.date(2025, 1, 1)).value.tolist()[0] == 4 * 0.5 ** (245 / 180)


def test_day_numbers():
    assert day(dt.date(1970, 1, 2)) == 1
    assert day(None) == NO_DATE < day(dt.date(1, 1, 1))


SHARED_TOUCHPOINT = {
    "accounts": [{"id": "A", "name": "Acme"}, {"id": "B", "name": "Beta"}],
    "contacts": [{"id": "a1", "name": "Ann", "account": "A"}, {"id": "b1", "name": "Bo", "account": "B"}],
    "staff": [{"id": "s1", "name": "Sam"}, {"id": "s2", "name": "Sue"}],
    "relationships": [
        {"staff": "s1", "contact": "a1", "strength": 4, "last_contact": "2023-01-01"},
        {"staff": "s2", "contact": "b1", "strength": 4, "last_contact": "2023-01-01"},
    ],
    # One meeting of both staff with both contacts: a1's share lists b1 and s2,
    # which that share does not hold.
    "touchpoints": [{"date": "2023-07-05", "method": "meeting", "staff": "s1;s2", "contacts": "a1;b1"}],
}


def test_a_share_leaves_out_what_it_does_not_hold():
    store = FileStore.from_dataset(read_obj(SHARED_TOUCHPOINT))
    share = store.tables(["A"])
    assert [r["id"] for r in share.rows("contacts")] == ["a1"]
    assert [r["id"] for r in share.rows("staff")] == ["s1"]
    assert share.rows("touchpoints")[0]["contacts"] == ["a1", "b1"]
    F = frame_from_tables(share)
    s = F.strengths
    # Only the pair the share holds met; the touchpoint counts once, for a1.
    assert (s.touch_staff.tolist(), s.touch_contact.tolist(), s.touch_day.tolist()) == (
        [0], [0], [day(dt.date(2023, 7, 5))]
    )
    assert (F.tp_listed.tolist(), F.tp_contact.tolist()) == ([0], [0])
    ps = pair_strengths(s, as_of=AS_OF, grace=0)
    # 180 days from the touchpoint (not 365 from last_contact): half the strength
    # (no grace period here: grace 0).
    assert ps.value.tolist() == [2.0]


def test_a_graph_built_by_hand_gets_the_defaults():
    # A graph with only the required attributes: the defaults of the model apply
    # once, where it enters the analyses (influence 3, role other, grade C, ...).
    import networkx as nx

    from relgraph.analysis.coverage import coverage

    G = nx.MultiDiGraph()
    G.add_node("Account:A", kind="Account", id="A", name="Acme")
    G.add_node("Contact:c1", kind="Contact", id="c1", name="Cy", account="A", role="decision_maker")
    G.add_node("Staff:s1", kind="Staff", id="s1", name="Sam")
    G.add_edge("Contact:c1", "Account:A", type="AT")
    G.add_edge("Staff:s1", "Contact:c1", type="KNOWS", strength=4)
    (row,) = coverage(G, as_of=AS_OF)
    assert (row["grade"], row["key_coverage"], row["contacts"], row["key_contacts"]) == ("C", 1.0, 1, 1)
    assert [(c["level"], c["role"], c["status"]) for c in row["cells"] if c["contacts"]] == [
        ("hq", "decision_maker", "covered")
    ]
