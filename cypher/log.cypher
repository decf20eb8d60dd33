// log.cypher -- `relgraph log`: record one touchpoint (a visit, model site, meeting,
// technical exchange or research) and who attended it.
//
// Answers: the touchpoint as stored. relgraph runs these in one transaction, after
// checking every id and value: first which of the candidate keys are taken (the
// same touchpoint logged twice is two touchpoints, keyed by an occurrence number,
// as a push keys them), then the touchpoint itself, then its attendance
// (merge_staff_attended / merge_contact_attended of write.cypher).
// Parameters:
//   $keys   candidate keys of the touchpoint (touchpoints_taken)
//   $key    the key chosen; $props its properties: date ('YYYY-MM-DD'), method,
//           staff and contacts (lists of ids), notes, and seq (row order)

// name: touchpoints_taken
MATCH (t:Touchpoint)
WITH collect(t.key) AS stored, max(t.seq) AS last
RETURN [k IN $keys WHERE k IN stored] AS taken, last;

// name: log_touchpoint
MERGE (t:Touchpoint {key: $key})
SET t = $props
RETURN properties(t) AS props;
