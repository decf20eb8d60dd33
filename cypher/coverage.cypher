// coverage.cypher -- Which levels and functions of an account do we reach?
//
// The coverage matrix of $account (every account when $account is null): one row
// per cell (level, role), for every level that occurs in the account (its units'
// and its contacts' levels; a contact's level is its unit's, else its own, else
// 'hq') and every contact role except 'other'. `contacts` are the ids of the
// contacts in the cell, `bestStrength` the best effective strength of a
// relationship in force to one of them (inactive staff count 0; null when none),
// and `status`: covered (a contact in it has a thread, i.e. an active staff member
// with effective strength >= $strong), weak (only relationships below that),
// uncovered (contacts, no relationship), unknown (no contact: a blind spot).
// Effective strength as in threads.cypher. Same cells as `relgraph coverage`.
//
// Parameters:
//   $account    account id, or null for every account
//   $asOf       'YYYY-MM-DD'
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
OPTIONAL MATCH (c:Contact)-[:AT]->(a)
OPTIONAL MATCH (c)-[:WORKS_IN]->(u:Unit)
WITH a, c, coalesce(u.level, c.level, 'hq') AS level
OPTIONAL MATCH (s:Staff)-[k:KNOWS]->(c)
WHERE (k.since IS NULL OR k.since <= $asOf) AND (k.until IS NULL OR $asOf < k.until)
// BEGIN effective_strength(a, level, c)
OPTIONAL MATCH (s)-[:ATTENDED]->(t:Touchpoint)<-[:ATTENDED]-(c)
WHERE t.date <= $asOf
WITH a, level, c, s, k, max(t.date) AS touched
WITH a, level, c, s, k,
     CASE WHEN touched IS NOT NULL AND (k.lastContact IS NULL OR touched > k.lastContact)
          THEN touched ELSE k.lastContact END AS last
// Day numbers of `last` and $asOf, portable across Bolt servers (in Neo4j alone:
// duration.inDays(date(last), date($asOf)).days).
WITH a, level, c, s, k, last,
     [d IN [date(coalesce(last, $asOf)), date($asOf)] |
       365 * d.year + (d.year - 1) / 4 - (d.year - 1) / 100 + (d.year - 1) / 400 + d.ordinalDay] AS day
WITH a, level, c, s,
     max(k.strength * CASE WHEN last IS NULL OR last > $asOf THEN 1.0
                           ELSE 0.5 ^ ((CASE WHEN day[1] - day[0] > $grace THEN toFloat(day[1] - day[0]) - $grace
                                                ELSE 0.0 END) / $halfLife) END) AS eff
// END effective_strength
WITH a, c, level, CASE WHEN s IS NULL THEN null WHEN s.active = false THEN 0.0 ELSE eff END AS eff
WITH a, c, level, max(eff) AS best, count(CASE WHEN eff >= $strong THEN 1 END) AS threads
ORDER BY c.id
WITH a, [x IN collect({id: c.id, level: level, role: coalesce(c.role, 'other'), best: best, threads: threads})
         WHERE x.id IS NOT NULL] AS contacts
OPTIONAL MATCH (v:Unit {account: a.id})
WITH a, contacts, [x IN contacts | x.level] + collect(v.level) AS levels
UNWIND levels AS level
WITH DISTINCT a, contacts, level
UNWIND ['decision_maker', 'technical', 'business', 'finance', 'user', 'procurement'] AS role
WITH a, level, role, [x IN contacts WHERE x.level = level AND x.role = role] AS cell
WITH a, level, role, cell,
     reduce(b = null, x IN cell | CASE WHEN x.best IS NOT NULL AND (b IS NULL OR x.best > b) THEN x.best ELSE b END) AS best
RETURN a.id AS account, level, role,
       CASE WHEN size(cell) = 0 THEN 'unknown'
            WHEN any(x IN cell WHERE x.threads >= 1) THEN 'covered'
            WHEN best > 0 THEN 'weak'
            ELSE 'uncovered' END AS status,
       [x IN cell | x.id] AS contacts, best AS bestStrength
ORDER BY account,
         CASE level WHEN 'hq' THEN 0 WHEN 'province' THEN 1 WHEN 'city' THEN 2 WHEN 'county' THEN 3 ELSE 4 END,
         level,
         CASE role WHEN 'decision_maker' THEN 0 WHEN 'technical' THEN 1 WHEN 'business' THEN 2
                   WHEN 'finance' THEN 3 WHEN 'user' THEN 4 ELSE 5 END;
