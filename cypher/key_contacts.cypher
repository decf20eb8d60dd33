// key_contacts.cypher -- Who are the key contacts of an account, and how well do we reach each?
//
// Every key contact (role decision_maker or influence >= 4) of $account (every
// account when $account is null) with its level, attitude, whether it is a coach,
// its threads (distinct active staff with effective strength >= $strong), their
// ids, and our best effective strength to it (null without a relationship in
// force; inactive staff count 0). Effective strength as in threads.cypher.
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
MATCH (c:Contact)-[:AT]->(a)
WHERE c.role = 'decision_maker' OR coalesce(c.influence, 3) >= 4
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
WITH a, c, level, s, CASE WHEN s IS NULL THEN null WHEN s.active = false THEN 0.0 ELSE eff END AS eff
ORDER BY s.id
WITH a, c, level, max(eff) AS best, collect(CASE WHEN eff >= $strong THEN s.id END) AS threadStaff
RETURN a.id AS account, c.id AS id, c.name AS name, c.role AS role, c.influence AS influence,
       level, c.attitude AS attitude, c.coach AS coach,
       size(threadStaff) AS threads, threadStaff AS staff, best AS bestStrength
ORDER BY account, threads, influence DESC, id;
