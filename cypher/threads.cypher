// threads.cypher -- Which key contacts hang on one thread, or none?
//
// For every key contact (role decision_maker or influence >= 4) of $account (every
// account when $account is null) that is single-threaded (threads = 1), unthreaded
// (threads = 0) or has a rank gap >= 2: its threads (distinct active staff with a
// strong relationship: effective strength >= $strong), their ids and the rank gap
// (contact seniority minus the best seniority among its threads).
// Effective strength = strength * 0.5 ^ (max(0, days since last contact - $grace) / $halfLife),
// the last contact being the later of KNOWS.lastContact and the newest touchpoint
// on or before $asOf that both attended. Same figures as `relgraph threads`, which
// also lists contacts whose only route is one person (redundancy, a max-flow
// figure) and names the backup (the start of the best influence path among staff
// not due soon): path figures this query does not compute.
//
// Parameters:
//   $account    account id, or null for every account
//   $asOf       'YYYY-MM-DD', the day to compute for
//   $grace      days of full strength after a contact, e.g. 90.0
//   $halfLife   days, e.g. 180.0
//   $strong     e.g. 3.0
// cypher-shell:
//   :param account => 'nwm'
//   :param asOf => '2026-11-01'
//   :param grace => 90.0
//   :param halfLife => 180.0
//   :param strong => 3.0

MATCH (a:Account)
WHERE $account IS NULL OR a.id = $account
MATCH (c:Contact)-[:AT]->(a)
WHERE c.role = 'decision_maker' OR coalesce(c.influence, 3) >= 4
OPTIONAL MATCH (s:Staff)-[k:KNOWS]->(c)
WHERE (k.since IS NULL OR k.since <= $asOf) AND (k.until IS NULL OR $asOf < k.until)
// BEGIN effective_strength(a, c)
OPTIONAL MATCH (s)-[:ATTENDED]->(t:Touchpoint)<-[:ATTENDED]-(c)
WHERE t.date <= $asOf
WITH a, c, s, k, max(t.date) AS touched
WITH a, c, s, k,
     CASE WHEN touched IS NOT NULL AND (k.lastContact IS NULL OR touched > k.lastContact)
          THEN touched ELSE k.lastContact END AS last
// Day numbers of `last` and $asOf, portable across Bolt servers (in Neo4j alone:
// duration.inDays(date(last), date($asOf)).days).
WITH a, c, s, k, last,
     [d IN [date(coalesce(last, $asOf)), date($asOf)] |
       365 * d.year + (d.year - 1) / 4 - (d.year - 1) / 100 + (d.year - 1) / 400 + d.ordinalDay] AS day
WITH a, c, s,
     max(k.strength * CASE WHEN last IS NULL OR last > $asOf THEN 1.0
                           ELSE 0.5 ^ ((CASE WHEN day[1] - day[0] > $grace THEN toFloat(day[1] - day[0]) - $grace
                                                ELSE 0.0 END) / $halfLife) END) AS eff
// END effective_strength
WITH a, c, s, CASE WHEN s IS NULL THEN null WHEN s.active = false THEN 0.0 ELSE eff END AS eff
ORDER BY s.id
WITH a, c, [x IN collect({id: s.id, eff: eff, seniority: coalesce(s.seniority, 2)}) WHERE x.id IS NOT NULL] AS known
WITH a, c, known, [x IN known WHERE x.eff >= $strong] AS strong
WITH a, c, strong,
     CASE WHEN size(strong) = 0 THEN null
          ELSE coalesce(c.seniority, 2) - reduce(m = 0, x IN strong | CASE WHEN x.seniority > m THEN x.seniority ELSE m END)
     END AS rankGap
WHERE size(strong) <= 1 OR rankGap >= 2
RETURN a.id AS account, c.id AS id, c.name AS name, c.role AS role, c.influence AS influence,
       size(strong) AS threads, [x IN strong | x.id] AS staff, rankGap
ORDER BY account, threads, influence DESC, id;
