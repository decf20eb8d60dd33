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
- :func:`~relgraph.analysis.successor.best_placed`,
  :func:`~relgraph.analysis.successor.successor`,
  :func:`~relgraph.analysis.successor.due_soon` (who is named to act)
- :func:`~relgraph.analysis.plan.relationship_plan` (plan.py: the actions of SPEC section 6)

Every figure is computed from the analysis frame (:mod:`relgraph.analysis.frame`)
of typed tables (:mod:`relgraph.tables`), the one form every store yields; the graph
functions turn their graph into typed tables first. The rules several figures share
(in force, key contact, the stronger edge) are in :mod:`relgraph.analysis.rules`.
:mod:`relgraph.analysis.portfolio` runs the figures over a store, part by part (the
whole portfolio from files, one account at a time from Neo4j), and returns the full
JSON object of each command.
"""
