// influence_paths.cypher -- What is the best way to reach a contact, through whom?
//
// The $k best influence paths to contact $target (from staff member $source only,
// unless $source is null): a staff member's relationship in force to a contact of
// the target's account (probability effective strength / 5; active staff only),
// then up to 4 steps along that account's links in force: INFLUENCES in its own
// direction, REPORTS_TO either way (probability weight / 5). A path's score is the
// product of its probabilities; where two links join the same pair the stronger
// counts. Contacts whose attitude is 'opponent' are not passed through unless
// $throughOpponents. Best first; among equal scores fewer steps first, then by
// node ids. Same as `relgraph paths` for paths of up to 5 steps (the CLI has no
// length limit).
//
// Parameters:
//   $target            contact id
//   $source            staff id, or null for any active staff member
//   $k                 how many paths, e.g. 3
//   $throughOpponents  true or false
//   $asOf              'YYYY-MM-DD'
//   $grace             days of full strength after a contact, e.g. 90.0
//   $halfLife          days, e.g. 180.0
// cypher-shell:
//   :param target => 'nwm-ceo'
//   :param source => null
//   :param k => 3
//   :param throughOpponents => false
//   :param asOf => '2026-11-01'
//   :param grace => 90.0
//   :param halfLife => 180.0

MATCH (target:Contact {id: $target})
MATCH (s:Staff)-[k:KNOWS]->(first:Contact {account: target.account})
WHERE coalesce(s.active, true) AND ($source IS NULL OR s.id = $source)
  AND (k.since IS NULL OR k.since <= $asOf) AND (k.until IS NULL OR $asOf < k.until)
// BEGIN effective_strength(target, first)
OPTIONAL MATCH (s)-[:ATTENDED]->(t:Touchpoint)<-[:ATTENDED]-(first)
WHERE t.date <= $asOf
WITH target, first, s, k, max(t.date) AS touched
WITH target, first, s, k,
     CASE WHEN touched IS NOT NULL AND (k.lastContact IS NULL OR touched > k.lastContact)
          THEN touched ELSE k.lastContact END AS last
// Day numbers of `last` and $asOf, portable across Bolt servers (in Neo4j alone:
// duration.inDays(date(last), date($asOf)).days).
WITH target, first, s, k, last,
     [d IN [date(coalesce(last, $asOf)), date($asOf)] |
       365 * d.year + (d.year - 1) / 4 - (d.year - 1) / 100 + (d.year - 1) / 400 + d.ordinalDay] AS day
WITH target, first, s,
     max(k.strength * CASE WHEN last IS NULL OR last > $asOf THEN 1.0
                           ELSE 0.5 ^ ((CASE WHEN day[1] - day[0] > $grace THEN toFloat(day[1] - day[0]) - $grace
                                                ELSE 0.0 END) / $halfLife) END) AS eff
// END effective_strength
WITH target, first, s, eff / 5.0 AS p0
WHERE first = target OR $throughOpponents OR coalesce(first.attitude, 'unknown') <> 'opponent'
MATCH p = (first)-[:INFLUENCES|REPORTS_TO*0..4]-(target)
WITH s, p0, nodes(p) AS cs, relationships(p) AS links
WHERE all(i IN range(0, size(links) - 1) WHERE
          (type(links[i]) = 'REPORTS_TO' OR startNode(links[i]) = cs[i])
          AND (links[i].since IS NULL OR links[i].since <= $asOf)
          AND (links[i].until IS NULL OR $asOf < links[i].until))
  AND all(i IN range(0, size(cs) - 1) WHERE cs[i].account = cs[0].account
          AND none(j IN range(i + 1, size(cs) - 1) WHERE cs[i] = cs[j])
          AND (i = size(cs) - 1 OR i = 0 OR $throughOpponents OR coalesce(cs[i].attitude, 'unknown') <> 'opponent'))
WITH s, p0, cs, [x IN links | coalesce(x.weight, 3) / 5.0] AS ps,
     [i IN range(0, size(links) - 1) |
       CASE WHEN type(links[i]) = 'INFLUENCES' THEN 'influences' ELSE 'reports_to' END] AS kinds
WITH s.id AS staff, [x IN cs | x.id] AS ids, p0, ps, kinds,
     reduce(score = p0, x IN ps | score * x) AS score
// Parallel links: keep the strongest variant of each sequence of people (on a tie,
// 'influences' before 'reports_to', as relgraph does).
ORDER BY score DESC, kinds
WITH staff, ids, collect({score: score, ps: ps, kinds: kinds, p0: p0})[0] AS best
RETURN best.score AS score, [staff] + ids AS nodes,
       [{from: staff, to: ids[0], kind: 'knows', p: best.p0}] +
       [i IN range(0, size(ids) - 2) | {from: ids[i], to: ids[i + 1], kind: best.kinds[i], p: best.ps[i]}] AS steps
ORDER BY score DESC, size(nodes), nodes
LIMIT $k;
