"""Rendering: the interactive account maps and the portfolio report (SPEC section 4).

Every page is one self-contained HTML file that opens from disk with no network:
vis-network (from the pyvis package; this is the only package that touches pyvis)
and our scripts and styles are inlined, data is embedded as escaped JSON, and every
user string is escaped or set as text, never parsed as HTML.
"""

from .accountmap import LAYOUTS, map_data, map_html, write_map
from .report import MAPS_DIR, file_stem, file_stems, report_html, write_report

__all__ = [
    "LAYOUTS",
    "MAPS_DIR",
    "file_stem",
    "file_stems",
    "map_data",
    "map_html",
    "report_html",
    "write_map",
    "write_report",
]
