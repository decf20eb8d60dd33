"""``python -m relgraph.cypher``: splice the preludes into the library files again."""

from . import refresh

for name in refresh():
    print(f"rewrote cypher/{name}")
