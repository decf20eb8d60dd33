// write.cypher -- the writes of `relgraph push`, one named statement each.
//
// Answers: nothing; loads a data set. relgraph runs these in order, in batches of
// rows (`UNWIND $rows`), after schema.cypher. Every write is a MERGE on the
// element's key, so running a push twice, or again after a failure part way,
// leaves one copy of everything.
// Parameters:
//   $rows  a list of maps, one per data row (fields as used below)
//   $rev   the revision of the data set being pushed (a hash of its content);
//          every element written is stamped with it, and prune_* removes what a
//          previous revision left behind
//   $limit how many stale elements prune_* deletes per transaction
//
// Keys: nodes by `id` (touchpoints by `key`: a hash of their row plus an
// occurrence number); row relationships (KNOWS, REPORTS_TO, INFLUENCES, ON_TEAM)
// by `seq`, the row's position in its table, because one pair may have several
// rows (different periods). Dates are ISO 'YYYY-MM-DD' strings.

// name: merge_accounts
UNWIND $rows AS row
MERGE (n:Account {id: row.id})
SET n = row.props;

// name: merge_units
UNWIND $rows AS row
MERGE (n:Unit {id: row.id})
SET n = row.props;

// name: merge_contacts
UNWIND $rows AS row
MERGE (n:Contact {id: row.id})
SET n = row.props;

// name: merge_staff
UNWIND $rows AS row
MERGE (n:Staff {id: row.id})
SET n = row.props;

// name: merge_touchpoints
UNWIND $rows AS row
MERGE (n:Touchpoint {key: row.key})
SET n = row.props;

// name: merge_unit_part_of_unit
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (p:Unit {id: row.parent})
MERGE (u)-[r:PART_OF]->(p)
SET r.rev = $rev;

// name: merge_unit_part_of_account
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (a:Account {id: row.account})
MERGE (u)-[r:PART_OF]->(a)
SET r.rev = $rev;

// name: merge_contact_at
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (a:Account {id: row.account})
MERGE (c)-[r:AT]->(a)
SET r.rev = $rev;

// name: merge_contact_works_in
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (u:Unit {id: row.unit})
MERGE (c)-[r:WORKS_IN]->(u)
SET r.rev = $rev;

// name: merge_knows
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})
MATCH (c:Contact {id: row.contact})
MERGE (s)-[r:KNOWS {seq: row.seq}]->(c)
SET r = row.props;

// name: merge_reports_to
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:REPORTS_TO {seq: row.seq}]->(b)
SET r = row.props;

// name: merge_influences
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:INFLUENCES {seq: row.seq}]->(b)
SET r = row.props;

// name: merge_on_team
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})
MATCH (a:Account {id: row.account})
MERGE (s)-[r:ON_TEAM {seq: row.seq}]->(a)
SET r = row.props;

// name: merge_staff_attended
UNWIND $rows AS row
MATCH (p:Staff {id: row.id})
MATCH (t:Touchpoint {key: row.key})
MERGE (p)-[r:ATTENDED]->(t)
SET r.rev = $rev;

// name: merge_contact_attended
UNWIND $rows AS row
MATCH (p:Contact {id: row.id})
MATCH (t:Touchpoint {key: row.key})
MERGE (p)-[r:ATTENDED]->(t)
SET r.rev = $rev;

// name: merge_meta
MERGE (m:RelgraphMeta {key: 'relgraph'})
SET m = $props;

// name: prune_relationships
MATCH ()-[r:PART_OF|AT|WORKS_IN|KNOWS|REPORTS_TO|INFLUENCES|ON_TEAM|ATTENDED]->()
WHERE r.rev IS NULL OR r.rev <> $rev
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted;

// name: prune_nodes
MATCH (n)
WHERE (n:Account OR n:Unit OR n:Contact OR n:Staff OR n:Touchpoint)
  AND (n.rev IS NULL OR n.rev <> $rev)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted;

// name: clear
// Deletes every relgraph node and relationship (the labels of SPEC section 5).
MATCH (n)
WHERE n:Account OR n:Unit OR n:Contact OR n:Staff OR n:Touchpoint OR n:RelgraphMeta
DETACH DELETE n;
