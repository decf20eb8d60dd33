"""Imports: data sets filled from where the data already is — a Salesforce export
(:mod:`~relgraph.imports.salesforce`) and calendars (:mod:`~relgraph.imports.ics`).

Each import is a pair of library functions: ``read_*`` returns the data set it
makes (validated) and an :class:`ImportSummary` of what it added, mapped and
skipped; ``import_*`` also writes the result (see :mod:`relgraph.imports.output`).
Nothing is dropped silently: what an import leaves out is in its summary.
"""

from .ics import import_ics, read_ics
from .meetings import METHOD_KEYWORDS, estimated_strength, method_of, read_method_table
from .salesforce import ROLE_ORDER, contact_role, import_salesforce, read_salesforce
from .summary import ImportSummary, Note

__all__ = [
    "METHOD_KEYWORDS",
    "ROLE_ORDER",
    "ImportSummary",
    "Note",
    "contact_role",
    "estimated_strength",
    "import_ics",
    "import_salesforce",
    "method_of",
    "read_ics",
    "read_method_table",
    "read_salesforce",
]
