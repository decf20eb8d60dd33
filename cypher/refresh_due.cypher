// refresh_due.cypher -- By when must each thread to a key contact be tended before it fades?
//
// For every thread (an active staff member whose relationship in force is strong:
// effective strength >= $strong) to a key contact (role decision_maker or
// influence >= 4) of $account (every account when $account is null) that stops
// being a thread within $horizon days of $asOf if nobody meets again: its refresh
// date `due`, the last day it is still a thread. Effective strength =
// strength * 0.5 ^ (max(0, days since last contact - $grace) / $halfLife), the last
// contact being the later of KNOWS.lastContact and the newest touchpoint on or
// before $asOf that both attended; a row ends at its `until`. A row strong at
// $asOf stays strong for n = floor($halfLife * log2(strength / $strong)) days after
// the grace period (n checked against the formula itself, so no rounding moves a
// day). Same dates as the `refresh` actions of `relgraph plan` (which leaves out
// staff whose rotation is due within the horizon: see rotation_risk.cypher), for
// rows in force at $asOf. Dates returned as 'YYYY-MM-DD' strings.
//
// Parameters:
//   $account    account id, or null for every account
//   $asOf       'YYYY-MM-DD', the day to plan from
//   $halfLife   days, e.g. 180.0
//   $grace      days (whole days), e.g. 90
//   $strong     e.g. 3.0
//   $horizon    days, e.g. 180
// cypher-shell:
//   :param account => 'nwm'
//   :param asOf => '2026-11-01'
//   :param halfLife => 180.0
//   :param grace => 90
//   :param strong => 3.0
//   :param horizon => 180

MATCH (a:Account)
WHERE $account IS NULL OR a.id = $account
MATCH (c:Contact)-[:AT]->(a)
WHERE c.role = 'decision_maker' OR coalesce(c.influence, 3) >= 4
MATCH (s:Staff)-[k:KNOWS]->(c)
WHERE coalesce(s.active, true) AND k.strength >= $strong
  AND (k.since IS NULL OR k.since <= $asOf) AND (k.until IS NULL OR $asOf < k.until)
OPTIONAL MATCH (s)-[:ATTENDED]->(t:Touchpoint)<-[:ATTENDED]-(c)
WHERE t.date <= $asOf
WITH a, c, s, k, max(t.date) AS touched
WITH a, c, s, k,
     CASE WHEN touched IS NOT NULL AND (k.lastContact IS NULL OR touched > k.lastContact)
          THEN touched ELSE k.lastContact END AS last
// Day numbers of `last`, $asOf and `until`, portable across Bolt servers.
WITH a, c, s, k, last,
     [d IN [date(coalesce(last, $asOf)), date($asOf), date(coalesce(k.until, $asOf))] |
       365 * d.year + (d.year - 1) / 4 - (d.year - 1) / 100 + (d.year - 1) / 400 + d.ordinalDay] AS day,
     toInteger(floor($halfLife * log(k.strength / $strong) / log(2.0))) AS n0
WITH a, c, s, k, last, day,
     CASE WHEN k.strength * 0.5 ^ (toFloat(n0 + 1) / $halfLife) >= $strong THEN n0 + 1
          WHEN k.strength * 0.5 ^ (toFloat(n0) / $halfLife) < $strong THEN n0 - 1
          ELSE n0 END AS n
// The last day each row is strong: by decay, and before its `until` (null: never ends).
WITH a, c, s, day[1] AS today,
     CASE WHEN last IS NULL THEN null ELSE day[0] + toInteger($grace) + n END AS fades,
     CASE WHEN k.until IS NULL THEN null ELSE day[2] - 1 END AS ends
WITH a, c, s, today,
     CASE WHEN fades IS NULL THEN ends WHEN ends IS NULL OR fades < ends THEN fades ELSE ends END AS lastDay
WHERE lastDay IS NULL OR lastDay >= today
WITH a, c, s, today, count(*) AS rows, collect(lastDay) AS days
// A row that never fades keeps the thread: no refresh date.
WHERE size(days) = rows
WITH a, c, s, today, reduce(m = today, x IN days | CASE WHEN x > m THEN x ELSE m END) AS due
WHERE due < today + $horizon
// The day number back to 'YYYY-MM-DD' in integer arithmetic (H. Hinnant's
// civil_from_days), as date + duration is not the same on every Bolt server.
WITH a, c, s, due - 60 AS z
WITH a, c, s, z / 146097 AS era, z % 146097 AS doe
WITH a, c, s, era, doe, (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 AS yoe
WITH a, c, s, era, yoe, doe - (365 * yoe + yoe / 4 - yoe / 100) AS doy
WITH a, c, s, era, yoe, doy, (5 * doy + 2) / 153 AS mp
WITH a, c, s, doy - (153 * mp + 2) / 5 + 1 AS d, CASE WHEN mp < 10 THEN mp + 3 ELSE mp - 9 END AS m,
     yoe + era * 400 AS y0
WITH a, c, s, d, m, CASE WHEN m <= 2 THEN y0 + 1 ELSE y0 END AS y
RETURN a.id AS account, c.id AS contact, s.id AS staff,
       toString(y) + '-' + right('0' + toString(m), 2) + '-' + right('0' + toString(d), 2) AS due
ORDER BY account, contact, staff;
