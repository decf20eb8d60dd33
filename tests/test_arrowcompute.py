"""relgraph.arrowcompute: arrow's compute functions without importing pyarrow.compute.

Each function relgraph calls gives what ``pyarrow.compute``'s gives, on arrays,
chunked arrays and tables with nulls; and the file-store commands, run in a process
of their own, leave ``pyarrow.compute`` unimported (its import was ~45 ms of each).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute
import pytest

from relgraph import arrowcompute

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "data" / "tiny"

INTS = pa.array([3, None, 1, 3])
CHUNKED = pa.chunked_array([[3, None], [], [1, 3]])
BOOLS = pa.array([True, None, False, True])
TEXT = pa.array(["b", None, " a ", "a;b;"])
CHUNKED_TEXT = pa.chunked_array([["b", None], [" a ", "b"]])
LISTS = pa.array([["a", "b"], None, [], ["c"]])
FLOATS = pa.array([1.5, None, float("inf"), -2.0])
TABLE = pa.table({"x": INTS, "s": TEXT})

CASES = {
    "add": [(INTS, INTS), (CHUNKED, 2)],
    "all": [(BOOLS,), ((BOOLS,), {"skip_nulls": False}), ((BOOLS,), {"options": {"skip_nulls": False}})],
    "and_": [(BOOLS, pa.array([True, True, True, False]))],
    "any": [(BOOLS,), (pa.chunked_array([[False], [None]]),)],
    "cast": [(INTS, pa.float64()), (CHUNKED, "int32"), ((pa.array([1.5, None]), pa.int64()), {"safe": False}),
             ((INTS,), {"options": pyarrow.compute.CastOptions.safe(pa.string())})],
    "coalesce": [(INTS, 0), (INTS, pa.array([9, 8, 7, 6]), 5)],
    "count_distinct": [(INTS,), ((INTS,), {"mode": "all"}), (CHUNKED, "only_null")],
    "dictionary_encode": [(TEXT,), (CHUNKED_TEXT,), ((TEXT,), {"null_encoding": "encode"})],
    "divide": [(FLOATS, 2.0), (INTS, 2)],
    "drop_null": [(INTS,), (CHUNKED,), (TABLE,)],
    "equal": [(TEXT, "b"), (CHUNKED, 3)],
    "fill_null": [(INTS, 0), (CHUNKED, 0), (TEXT, "x"), (INTS, pa.scalar(5, pa.int8())), (INTS, pa.array([9, 8, 7, 6]))],
    "filter": [(INTS, BOOLS), (CHUNKED, BOOLS), (INTS, BOOLS, "emit_null"), (TABLE, BOOLS),
               ((TABLE, BOOLS), {"null_selection_behavior": "emit_null"})],
    "greater": [(INTS, 1)],
    "if_else": [(BOOLS, INTS, 0), (BOOLS, TEXT, pa.scalar(None, pa.string()))],
    "index_in": [((TEXT,), {"value_set": pa.array(["b", " a "])}), ((CHUNKED_TEXT,), {"value_set": pa.array(["b"])})],
    "indices_nonzero": [(BOOLS,)],
    "invert": [(BOOLS,)],
    "is_finite": [(FLOATS,)],
    "is_in": [((INTS,), {"value_set": pa.array([3, None])}), ((INTS, pa.array([3, None])), {"skip_nulls": True})],
    "is_null": [(INTS,), (CHUNKED,), ((pa.array([float("nan"), None]),), {"nan_is_null": True})],
    "is_valid": [(INTS,), (CHUNKED,)],
    "less": [(INTS, 3), (INTS[:-1], INTS[1:])],
    "less_equal": [(INTS, 1)],
    "list_flatten": [(LISTS,), (pa.chunked_array([LISTS, LISTS[1:]]),)],
    "list_parent_indices": [(LISTS,), (LISTS[1:],)],
    "list_value_length": [(LISTS,)],
    "match_substring": [(TEXT, "a"), ((TEXT,), {"pattern": "B", "ignore_case": True})],
    "match_substring_regex": [(TEXT, r"^\s"), (CHUNKED_TEXT, r"^\w$")],
    "min_max": [(INTS,), (CHUNKED,), ((INTS,), {"skip_nulls": False})],
    "multiply": [(INTS, 2), (CHUNKED, CHUNKED)],
    "not_equal": [(TEXT, "b"), (CHUNKED_TEXT, CHUNKED_TEXT)],
    "or_": [(BOOLS, pa.array([False, False, True, True]))],
    "sort_indices": [(INTS,), (CHUNKED,), ((TABLE,), {"sort_keys": [("x", "descending")]}),
                     ((TEXT,), {"sort_keys": [("", "descending")]})],
    "split_pattern": [(TEXT, ";"), ((TEXT, ";"), {"max_splits": 1})],
    "starts_with": [(TEXT, "b"), (CHUNKED_TEXT, " ")],
    "subtract": [(INTS, 1), (CHUNKED, CHUNKED)],
    "take": [(INTS, [0, 2]), (CHUNKED, pa.array([3, None, 0])), (TABLE, pa.array([1, 0])), (LISTS, pa.array([3, 1])),
             ((INTS, pa.array([1])), {"boundscheck": False})],
    "unique": [(INTS,), (CHUNKED,), (TEXT,)],
    "utf8_length": [(TEXT,)],
    "utf8_lower": [(pa.array(["Ab", None]),)],
    "utf8_trim": [((TEXT,), {"characters": " "}), (CHUNKED_TEXT, " ab")],
    "value_counts": [(TEXT,), (CHUNKED,)],
}


def calls():
    for name, cases in CASES.items():
        for i, case in enumerate(cases):
            args, kwargs = case if isinstance(case[-1], dict) and isinstance(case[0], tuple) else (case, {})
            yield pytest.param(name, args, kwargs, id=f"{name}-{i}")


@pytest.mark.parametrize("name, args, kwargs", list(calls()))
def test_each_function_gives_what_pyarrow_compute_gives(name, args, kwargs):
    ours = getattr(arrowcompute, name)(*args, **kwargs)
    theirs = getattr(pyarrow.compute, name)(*args, **kwargs)
    assert type(ours) is type(theirs)
    assert ours.equals(theirs), (ours, theirs)


def test_every_function_relgraph_calls_has_a_case():
    used = set()
    for path in (ROOT / "relgraph").rglob("*.py"):
        used |= set(re.findall(r"\bpc\.([a-z_0-9]+)\(", path.read_text(encoding="utf-8")))
    assert used - set(CASES) == set()


def test_exact_answers():
    pc = arrowcompute
    assert pc.take(CHUNKED, pa.array([3, None, 0])).to_pylist() == [3, None, 3]
    assert pc.filter(INTS, BOOLS, "emit_null").to_pylist() == [3, None, 3]
    assert pc.fill_null(TEXT, "x").to_pylist() == ["b", "x", " a ", "a;b;"]
    assert pc.cast(pa.array([1.5, None]), pa.int64(), safe=False).to_pylist() == [1, None]
    assert pc.and_(BOOLS, pa.array([True, True, True, False])).to_pylist() == [True, None, False, False]
    assert pc.is_in(INTS, value_set=pa.array([1])).to_pylist() == [False, False, True, False]
    assert pc.split_pattern(TEXT, ";").to_pylist() == [["b"], None, [" a "], ["a", "b", ""]]
    assert pc.min_max(CHUNKED).as_py() == {"min": 1, "max": 3}


def test_errors_are_pyarrow_computes():
    pc = arrowcompute
    with pytest.raises(pa.ArrowInvalid, match="truncated"):
        pc.cast(pa.array([1.5]), pa.int64())
    with pytest.raises(TypeError):
        pc.is_in(INTS, pa.array([1]), options=pyarrow.compute.SetLookupOptions(pa.array([1])))
    with pytest.raises(TypeError):
        pc.invert(BOOLS, True)
    with pytest.raises(ValueError):
        pc.cast(INTS, pa.string(), options=pyarrow.compute.CastOptions.safe(pa.string()))
    with pytest.raises(AttributeError):
        pc.no_such_function  # noqa: B018
    with pytest.raises(AttributeError):
        pc.__wrapped__  # noqa: B018


def test_a_wrapper_is_made_once_and_named():
    f = arrowcompute.or_
    assert f is arrowcompute.or_
    assert f.__name__ == "or_"
    assert f.__doc__.startswith("Arrow's compute function 'or': ")


def test_without_pyarrows_private_module_every_name_is_pyarrow_computes(monkeypatch):
    monkeypatch.delattr(pa, "_compute")
    monkeypatch.setitem(sys.modules, "pyarrow._compute", None)
    spec = importlib.util.spec_from_file_location("arrowcompute_fallback", arrowcompute.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._compute is None
    for name in ("take", "and_", "cast", "fill_null", "is_in"):
        assert getattr(module, name) is getattr(pyarrow.compute, name)


# --- the commands, in a process of their own --------------------------------------------

COMMANDS = ["coverage", "gaps", "threads", "risk", "plan", "validate"]

# (pyarrow.compute: ~45 ms; concurrent.futures, which imports logging: 8 ms; numpy.ma,
# which pa.array of a numpy array imports: 10-13 ms; dateutil, which arrow's inference
# of a Python value's type imports: 3-5 ms)
RUN = """
import json, os, sys
from relgraph.cli import main
UNWANTED = ("pyarrow.compute", "concurrent.futures", "logging", "numpy.ma", "dateutil")
ran = []
for args in json.loads(sys.argv[1]):
    sys.argv = ["relgraph", *args]
    try:
        main()
    except SystemExit as e:
        ran.append([args[0], os.path.basename(args[1]), e.code, [m for m in UNWANTED if m in sys.modules]])
print(json.dumps(ran))
"""


def test_the_file_store_commands_never_import_pyarrow_compute_or_logging(tmp_path):
    """Each command on the demo (warnings, ids out of order), once writing the load
    cache and once reading it; on tests/data/tiny (warnings); and on a folder with
    problems (the exact reader's way)."""
    from relgraph.demo import write_demo

    demo, tiny, bad = tmp_path / "demo", tmp_path / "tiny", tmp_path / "bad"
    write_demo(demo)
    shutil.copytree(TINY, tiny)
    shutil.copytree(TINY, bad)
    (bad / "contacts.csv").write_text(
        "id,name,account,influence\nC1,Zhang Wei,A1,7\nC2,Li Na,A9,3\nC3,Wang Fang,A1,2\n"
        "C4,Chen Jie,A1,4\nC5,Omar Haddad,A2,3\n"
    )
    settled = time.time() - 60  # files older than cache.SETTLED_NS are cached
    for f in demo.glob("*.csv"):
        os.utime(f, (settled, settled))
    runs = []
    for folder in (demo, demo, tiny, bad):
        runs += [[c, str(folder), *([] if c == "validate" else ["--as-of", "2026-11-01"])] for c in COMMANDS]
    runs.append(["plan", str(demo), "--as-of", "2026-11-01", "--format", "json"])
    env = {k: v for k, v in os.environ.items() if k != "RELGRAPH_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    out = subprocess.run([sys.executable, "-c", RUN, json.dumps(runs)], capture_output=True, text=True,
                         check=True, env=env).stdout
    ran = json.loads(out.splitlines()[-1])
    assert ran == [[c, name, status, []] for name, status in [("demo", 0), ("demo", 0), ("tiny", 0), ("bad", 2)]
                   for c in COMMANDS] + [["plan", "demo", 0, []]]
    assert list((tmp_path / "cache" / "relgraph").iterdir())  # the first round wrote it
