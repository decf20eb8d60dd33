// effective_strength.cypher -- the effective strength of each relationship in force (a fragment)
//
// Not a query of its own: the block that every analyst query of cypher/ holds
// between `// BEGIN effective_strength(NAMES)` and `// END effective_strength`,
// written here once. `python -m relgraph.cypher` copies it into those files (the
// test suite checks that they hold it), with __KEEP__ replaced by NAMES, the
// variables carried through, and __CONTACT__ by the last of them, the contact.
//
// Before it, a query matches (s:Staff)-[k:KNOWS]->(contact) for the relationships
// in force at $asOf. After it, `eff` is each staff member s's effective strength to
// the contact: strength * 0.5 ^ (max(0, days since last contact - $grace) / $halfLife), the last
// contact being the later of KNOWS.lastContact and the newest touchpoint on or
// before $asOf that both attended (no decay without one, or after $asOf); the
// strongest row in force of a pair counts.
//
// Parameters:
//   $asOf       'YYYY-MM-DD'
//   $grace      days of full strength after a contact, e.g. 90.0
//   $halfLife   days, e.g. 180.0

OPTIONAL MATCH (s)-[:ATTENDED]->(t:Touchpoint)<-[:ATTENDED]-(__CONTACT__)
WHERE t.date <= $asOf
WITH __KEEP__, s, k, max(t.date) AS touched
WITH __KEEP__, s, k,
     CASE WHEN touched IS NOT NULL AND (k.lastContact IS NULL OR touched > k.lastContact)
          THEN touched ELSE k.lastContact END AS last
// Day numbers of `last` and $asOf, portable across Bolt servers (in Neo4j alone:
// duration.inDays(date(last), date($asOf)).days).
WITH __KEEP__, s, k, last,
     [d IN [date(coalesce(last, $asOf)), date($asOf)] |
       365 * d.year + (d.year - 1) / 4 - (d.year - 1) / 100 + (d.year - 1) / 400 + d.ordinalDay] AS day
WITH __KEEP__, s,
     max(k.strength * CASE WHEN last IS NULL OR last > $asOf THEN 1.0
                           ELSE 0.5 ^ ((CASE WHEN day[1] - day[0] > $grace THEN toFloat(day[1] - day[0]) - $grace
                                                ELSE 0.0 END) / $halfLife) END) AS eff
