"""Round trips through JSON and CSV, GraphML for other tools, and the graph contract."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from relgraph.errors import UsageError
from relgraph.graph import account_subgraph, build_graph, dataset_from_graph
from relgraph.readwrite import read, write
from relgraph.stores.files import FileStore

TINY = Path(__file__).parent / "data" / "tiny"


def test_json_and_csv_round_trip_unchanged(tmp_path):
    ds = read(TINY)
    write(ds, tmp_path / "a.json", "json")
    write(read(tmp_path / "a.json"), tmp_path / "csv", "csv")
    again = read(tmp_path / "csv")
    assert again.tables == ds.tables
    assert again.extras == ds.extras
    write(again, tmp_path / "b.json", "json")
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    # CSV -> CSV is byte-stable too.
    write(again, tmp_path / "csv2", "csv")
    for f in sorted((tmp_path / "csv").iterdir()):
        assert f.read_text() == (tmp_path / "csv2" / f.name).read_text()


def test_json_document_shape(tmp_path):
    write(read(TINY), tmp_path / "a.json", "json")
    doc = json.loads((tmp_path / "a.json").read_text())
    assert list(doc) == ["accounts", "units", "contacts", "staff", "relationships", "links", "touchpoints", "team"]
    assert doc["touchpoints"][1] == {
        "date": "2026-09-10",
        "method": "tech_exchange",
        "staff": ["S1", "S2"],
        "contacts": ["C2", "C3"],
        "notes": "5G core workshop",
    }
    assert doc["contacts"][0]["wechat"] == "zw01"
    assert doc["accounts"][0] == {"id": "A1", "name": "Eastern Telecom", "grade": "S", "industry": "telecom", "region": "East"}


def test_graph_round_trip():
    ds = read(TINY)
    back = dataset_from_graph(build_graph(ds))
    assert back.tables == ds.tables
    assert back.extras == ds.extras


def test_graph_contract():
    G = build_graph(read(TINY))
    assert G.nodes["Contact:C2"]["kind"] == "Contact"
    assert G.nodes["Contact:C2"]["id"] == "C2"
    assert G.nodes["Contact:C2"]["level"] == "province"
    assert G.nodes["Contact:C5"]["level"] == "city"
    assert G.nodes["Staff:S1"]["kind"] == "Staff"
    types = sorted((u, v, d["type"]) for u, v, d in G.edges(data=True) if u == "Contact:C2")
    assert types == [
        ("Contact:C2", "Account:A1", "AT"),
        ("Contact:C2", "Contact:C1", "INFLUENCES"),
        ("Contact:C2", "Contact:C1", "REPORTS_TO"),
        ("Contact:C2", "Unit:U2", "WORKS_IN"),
    ]
    assert sorted(v for _, v, t in G.out_edges("Unit:U3", data="type") if t == "PART_OF") == ["Unit:U2"]
    assert sorted(v for _, v, t in G.out_edges("Unit:U1", data="type") if t == "PART_OF") == ["Account:A1"]
    knows = G.get_edge_data("Staff:S2", "Contact:C3")
    assert [d["strength"] for d in knows.values()] == [5]
    assert len(G.graph["touchpoints"]) == 3


def test_file_store_account_graph_equals_account_subgraph():
    store = FileStore(TINY)
    G = build_graph(read(TINY))
    for a in store.account_ids():
        H1 = store.account_graph(a)
        H2 = account_subgraph(G, a)
        assert list(H1.nodes(data=True)) == list(H2.nodes(data=True))
        assert sorted(map(repr, H1.edges(data=True))) == sorted(map(repr, H2.edges(data=True)))
        assert H1.graph["touchpoints"] == H2.graph["touchpoints"]
    H = store.account_graph("A2")
    assert sorted(H) == ["Account:A2", "Contact:C5", "Staff:S1"]
    assert H.graph["touchpoints"] == []


def test_graphml_readable_by_networkx(tmp_path):
    write(read(TINY), tmp_path / "t.graphml", "graphml")
    G = nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True)
    assert G.nodes["Contact:C1"]["name"] == "Zhang Wei"
    assert G.nodes["Contact:C1"]["influence"] == 5
    assert G.nodes["Touchpoint:1"]["staff"] == "S1;S2"
    attended = sorted(u for u, v, d in G.edges(data=True) if v == "Touchpoint:1")
    assert attended == ["Contact:C2", "Contact:C3", "Staff:S1", "Staff:S2"]
    assert G.number_of_nodes() == 2 + 3 + 5 + 4 + 3


def test_write_refuses_non_empty_folder_and_leaves_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="is not empty; use --force"):
        write(read(TINY), out, "csv")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    write(read(TINY), out, "csv", force=True)
    assert sorted(p.name for p in out.iterdir())[:2] == ["accounts.csv", "contacts.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
