"""The frame's shortcuts give the frame of the long way: tables in any row order
(ids sorted only when they are not already), parts built on first use, coded
columns, and the newest touchpoint of each pair found by one packed sort or by
the general argsort alike."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from relgraph.analysis.coverage import FrameGaps, frame_coverage, frame_gaps, gap_sort_key
from relgraph.analysis.frame import contacts_of, frame_from_tables, pair_strengths, touched_days
from relgraph.analysis.rules import NO_DATE
from relgraph.analysis.successor import due_soon
from relgraph.demo import write_demo
from relgraph.stores.files import FileStore

from test_frame import canonical

AS_OF = dt.date(2026, 11, 1)


def _reverse_rows(path) -> None:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], *reversed(rows[1:])])


def test_tables_in_any_row_order_give_one_frame_and_one_coverage(tmp_path):
    write_demo(tmp_path / "sorted")
    write_demo(tmp_path / "reversed")
    for name in ("accounts", "units", "contacts", "staff", "relationships", "links", "team", "touchpoints"):
        _reverse_rows(tmp_path / "reversed" / f"{name}.csv")
    frames = [frame_from_tables(FileStore(tmp_path / d).tables()) for d in ("sorted", "reversed")]
    assert canonical(frames[0]) == canonical(frames[1])
    assert frames[1].contact_ids == sorted(frames[1].contact_ids)
    results = []
    for F in frames:
        ps = pair_strengths(F.strengths, as_of=AS_OF)
        results.append((frame_coverage(F, ps), sorted(map(repr, frame_gaps(F, ps)))))
    assert results[0] == results[1]
    nwm = next(a for a in results[0][0] if a["id"] == "nwm")
    assert (nwm["contacts"], nwm["key_contacts"], len(nwm["cells"])) == (139, 27, 24)
    assert nwm["triangle"] == ["account_manager", "solution", "delivery"]
    assert nwm["opponents"] == ["nwm-evp"]
    assert nwm["exec_ties"] == ["nwm-cfo", "nwm-cpo", "nwm-cto", "nwm-evp", "nwm-nr-gm", "nwm-wv-gm"]


def test_parts_are_built_once_and_coded_columns_match_their_lists(tmp_path):
    write_demo(tmp_path)
    F = frame_from_tables(FileStore(tmp_path).tables())
    assert "contact_names" not in vars(F)  # not built until read
    assert F.contact_names is F.contact_names
    assert "link_target" not in vars(F)
    F.link_source
    assert "link_target" in vars(F)  # built with link_source, from the same columns
    for name in ("account_grades", "unit_levels", "contact_levels", "contact_roles", "contact_attitudes",
                 "staff_roles", "team_roles", "tp_method"):
        codes, values = F.coded(name)
        assert [values[c] for c in codes.tolist()] == getattr(F, name), name
    assert F.coded("contact_attitudes")[1][-1] is None  # a null's code: the None at the end
    try:
        F.no_such_part
    except AttributeError as e:
        assert "no_such_part" in str(e)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")


def _touched_by_hand(pairs, contact, staff, days, a) -> list[int]:
    newest: dict[int, int] = {}
    for c, s, d in zip(contact.tolist(), staff.tolist(), days.tolist()):
        k = (c << 32) | s
        if d <= a:
            newest[k] = max(newest.get(k, d), d)
    return [newest.get(k, NO_DATE) for k in pairs.tolist()]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_newest_touchpoint_of_each_pair_as_by_hand(data):
    # Staff indexes up to 200 collide modulo 64 (the sieve's bits): the entries of
    # a staff member of the same bit as one of the contact's pairs are let through
    # and must then be told apart.
    n_contacts = data.draw(st.integers(1, 30))
    people = st.tuples(st.integers(0, n_contacts - 1), st.integers(0, 200))
    pairs = np.array(sorted({(c << 32) | s for c, s in data.draw(st.lists(people, min_size=1, max_size=60))}))
    entries = data.draw(st.lists(st.tuples(people, st.integers(19000, 19060)), max_size=300))
    # Entries of the pairs themselves too, most of them not drawn above.
    entries += [((k >> 32, k & 0xFFFFFFFF), d) for k, d in
                data.draw(st.lists(st.tuples(st.sampled_from(pairs.tolist()), st.integers(19000, 19060)), max_size=60))]
    contact = np.array([c for (c, _), _ in entries], dtype=np.int64)
    staff = np.array([s for (_, s), _ in entries], dtype=np.int64)
    days = np.array([d for _, d in entries], dtype=np.int64)
    a = data.draw(st.integers(18990, 19070))
    assert touched_days(pairs, contact, staff, days, a).tolist() == _touched_by_hand(pairs, contact, staff, days, a)


def test_gaps_cut_the_frame_for_the_accounts_asked_with_a_gap_alone(tmp_path):
    write_demo(tmp_path)
    F = frame_from_tables(FileStore(tmp_path).tables())
    ps = pair_strengths(F.strengths, as_of=AS_OF)
    due = due_soon(F, as_of=AS_OF)  # as the command: nobody due soon is suggested
    every = frame_gaps(F, ps, due=due)
    nwm, bcb = F.account_ids.index("nwm"), F.account_ids.index("bcb")
    # Only the pairs of the contacts kept, in the same order.
    keep = F.contact_account == nwm
    cut = ps.of_contacts(keep)
    mine = keep[ps.contact]
    assert cut.contact.tolist() == ps.contact[mine].tolist() and cut.value.tolist() == ps.value[mine].tolist()
    assert cut.staff.tolist() == ps.staff[mine].tolist() and cut.active is ps.active
    assert 0 < len(cut.contact) < len(ps.contact)
    found = FrameGaps(F, ps, due=due, accounts=[nwm])
    assert found.parts.pair_staff == ps.staff[mine].tolist()  # the frame is cut for nwm alone
    top = sorted(found.of(nwm), key=gap_sort_key)[:2]
    assert [(g["level"], g["role"], g["priority"], g["suggested_staff"]) for g in top] == [
        ("province", "finance", 12.0, "s-ad-nwm"), ("county", "procurement", 12.0, "s-am-nr")]
    assert found.of(nwm) == [g for g in every if g["account"] == "nwm"]
    # An account not announced is still answered in full, from the whole frame.
    assert found.of(bcb) == [g for g in every if g["account"] == "bcb"]
    assert len(found.parts.pair_staff) == len(ps.staff)
    assert [g["account"] for g in frame_gaps(F, ps, accounts=[bcb], due=due)] == ["bcb"] * 6


def test_strengths_of_some_contacts_are_those_of_all_cut_to_them(tmp_path):
    write_demo(tmp_path)
    F = frame_from_tables(FileStore(tmp_path).tables())
    every = pair_strengths(F.strengths, as_of=AS_OF, half_life=120.0, grace=30.0)
    nwm, bcb = F.account_ids.index("nwm"), F.account_ids.index("bcb")
    assert contacts_of(F, range(len(F.account_ids))) is None  # all of them: no mask
    keep = contacts_of(F, [bcb, nwm])
    assert keep.tolist() == np.isin(F.contact_account, [nwm, bcb]).tolist()
    some = pair_strengths(F.strengths, as_of=AS_OF, half_life=120.0, grace=30.0, contacts=keep)
    cut = every.of_contacts(keep)
    assert 0 < len(some.contact) < len(every.contact)
    for name in ("staff", "contact", "value", "strong", "row", "last", "active"):
        assert getattr(some, name).tolist() == getattr(cut, name).tolist(), name
    # The rows that count are rows of the inputs, as for all contacts.
    assert sorted(set(F.contact_account[F.strengths.knows_contact[some.row]].tolist())) == sorted([nwm, bcb])
