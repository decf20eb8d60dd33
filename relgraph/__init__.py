"""relgraph: a company's relationships with its key customers, as a graph."""

__version__ = "0.1.0"
