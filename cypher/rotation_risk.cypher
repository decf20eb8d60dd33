// rotation_risk.cypher -- Which staff members would take key relationships with them if they rotated?
//
// Every active staff member with their rotation risk: the key contacts (role
// decision_maker or influence >= 4) of which they are the only thread (the only
// active staff member with effective strength >= $strong), scored
// sum(grade_weight * influence) with grade_weight S=4, A=3, B=2, C=1; their
// rotation date (inRoleSince + $rotationYears years, for staff who rotate: rotates,
// by default the roles account_manager, solution, delivery, service) and whether it falls on or
// before $asOf + $horizon days. Highest risk first. Same as `relgraph risk`.
//
// Parameters:
//   $asOf           'YYYY-MM-DD'
//   $grace          days of full strength after a contact, e.g. 90.0
//   $halfLife       days, e.g. 180.0
//   $strong         e.g. 3.0
//   $rotationYears  e.g. 3
//   $horizon        days, e.g. 180
// cypher-shell:
//   :param asOf => '2026-11-01'
//   :param grace => 90.0
//   :param halfLife => 180.0
//   :param strong => 3.0
//   :param rotationYears => 3
//   :param horizon => 180

MATCH (c:Contact)-[:AT]->(a:Account)
WHERE c.role = 'decision_maker' OR coalesce(c.influence, 3) >= 4
MATCH (s:Staff)-[k:KNOWS]->(c)
WHERE coalesce(s.active, true)
  AND (k.since IS NULL OR k.since <= $asOf) AND (k.until IS NULL OR $asOf < k.until)
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
WITH a, c, collect(CASE WHEN eff >= $strong THEN s.id END) AS threads
WHERE size(threads) = 1
WITH threads[0] AS staff, c.id AS contact,
     CASE a.grade WHEN 'S' THEN 4 WHEN 'A' THEN 3 WHEN 'B' THEN 2 ELSE 1 END * coalesce(c.influence, 3) AS weight
ORDER BY contact
WITH staff, collect(contact) AS soleThreads, sum(weight) AS risk
WITH collect({staff: staff, soleThreads: soleThreads, risk: risk}) AS sole
MATCH (s:Staff)
WHERE coalesce(s.active, true)
WITH s, [x IN sole WHERE x.staff = s.id] AS mine,
     // Only front-line staff rotate, unless s.rotates says otherwise.
     CASE WHEN s.inRoleSince IS NULL
               OR NOT coalesce(s.rotates, coalesce(s.role, 'other') IN ['account_manager', 'solution', 'delivery', 'service'])
          THEN null
          ELSE toString(date(s.inRoleSince) + duration({years: $rotationYears})) END AS rotationDue
RETURN s.id AS id, s.name AS name,
       CASE WHEN size(mine) = 0 THEN 0 ELSE mine[0].risk END AS risk,
       CASE WHEN size(mine) = 0 THEN [] ELSE mine[0].soleThreads END AS soleThreads,
       rotationDue,
       rotationDue IS NOT NULL AND rotationDue <= toString(date($asOf) + duration({days: $horizon})) AS dueSoon
ORDER BY risk DESC, id;
