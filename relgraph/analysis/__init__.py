"""The analyses of SPEC section 2, each written once.

Graph functions (graph first, keyword options after, results as plain dicts shaped
like the command's JSON, data set ids, unrounded numbers):

- :func:`~relgraph.analysis.strength.effective_strengths` (strength.py)
- :func:`~relgraph.analysis.coverage.coverage`, :func:`~relgraph.analysis.coverage.gaps`
- :func:`~relgraph.analysis.threads.contact_threads`,
  :func:`~relgraph.analysis.threads.rotation_risk`,
  :func:`~relgraph.analysis.threads.redundancy`
- :func:`~relgraph.analysis.paths.influence_paths`,
  :func:`~relgraph.analysis.paths.access_graph`
- :func:`~relgraph.analysis.influencers.key_influencers`
- :func:`~relgraph.analysis.whatif.whatif`, :func:`~relgraph.analysis.whatif.diff`

The portfolio figures (effective strengths, coverage, gaps, threads, rotation risk,
what-if and diff) are computed from an analysis frame (:mod:`relgraph.analysis.frame`):
the graph functions build the frame of their graph; the file store builds the frame of
a whole portfolio at once from its columns. :mod:`relgraph.analysis.portfolio` runs
them over a store (the file store's frame, or Neo4j one account at a time) and
returns the full JSON object of each command.
"""
