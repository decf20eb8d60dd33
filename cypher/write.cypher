// write.cypher -- the writes of `relgraph push`, one named statement each.
//
// Answers: nothing; makes accounts as a data set has them. relgraph compares the
// data set with the database first (push.cypher), then runs these in one
// transaction per account, in batches of rows (`UNWIND $rows`), after schema.cypher.
// Every write is a MERGE on the element's key or a DELETE by key, so running a
// push twice, or again after a failure part way, leaves one copy of everything.
// Parameters:
//   $rows   a list of maps, one per element (fields as used below)
//   $props  the properties of the meta node (merge_meta)
//   $accounts  the account ids a data set holds (prune_strays)
//
// Keys: nodes by `id` (touchpoints by `key`: a hash of their row plus an
// occurrence number); row relationships (KNOWS, REPORTS_TO, INFLUENCES, ON_TEAM)
// by their endpoints and `key`, the occurrence number of the pair among the rows
// of its table (0 for the first row of a pair, 1 for the second, ...), because one
// pair may have several rows (different periods). `seq` is the row's position in
// the pushed table (row order on reading); `rev` a hash of the element's content
// when it was pushed, so that a later edit in the database shows. Dates are ISO
// 'YYYY-MM-DD' strings.

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

// name: unlink_units
// A unit written anew loses its PART_OF; merge_unit_part_of_* gives the right one.
UNWIND $rows AS row
MATCH (u:Unit {id: row.id})-[r:PART_OF]->()
DELETE r;

// name: merge_unit_part_of_unit
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (p:Unit {id: row.parent})
MERGE (u)-[:PART_OF]->(p);

// name: merge_unit_part_of_account
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (a:Account {id: row.account})
MERGE (u)-[:PART_OF]->(a);

// name: unlink_contacts
// A contact written anew loses its AT and WORKS_IN; the merges below restore them.
UNWIND $rows AS row
MATCH (c:Contact {id: row.id})-[r:AT|WORKS_IN]->()
DELETE r;

// name: merge_contact_at
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (a:Account {id: row.account})
MERGE (c)-[:AT]->(a);

// name: merge_contact_works_in
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (u:Unit {id: row.unit})
MERGE (c)-[:WORKS_IN]->(u);

// name: merge_knows
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})
MATCH (c:Contact {id: row.contact})
MERGE (s)-[r:KNOWS {key: row.key}]->(c)
SET r = row.props;

// name: merge_reports_to
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:REPORTS_TO {key: row.key}]->(b)
SET r = row.props;

// name: merge_influences
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:INFLUENCES {key: row.key}]->(b)
SET r = row.props;

// name: merge_on_team
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})
MATCH (a:Account {id: row.account})
MERGE (s)-[r:ON_TEAM {key: row.key}]->(a)
SET r = row.props;

// name: unlink_touchpoints
// A touchpoint written anew loses its attendance; merge_*_attended restore it.
UNWIND $rows AS row
MATCH (t:Touchpoint {key: row.key})<-[r:ATTENDED]-()
DELETE r;

// name: merge_staff_attended
UNWIND $rows AS row
MATCH (p:Staff {id: row.id})
MATCH (t:Touchpoint {key: row.key})
MERGE (p)-[:ATTENDED]->(t);

// name: merge_contact_attended
UNWIND $rows AS row
MATCH (p:Contact {id: row.id})
MATCH (t:Touchpoint {key: row.key})
MERGE (p)-[:ATTENDED]->(t);

// name: delete_nodes_Account
UNWIND $rows AS row
MATCH (n:Account {id: row.id})
DETACH DELETE n;

// name: delete_nodes_Unit
UNWIND $rows AS row
MATCH (n:Unit {id: row.id})
DETACH DELETE n;

// name: delete_nodes_Contact
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})
DETACH DELETE n;

// name: delete_nodes_Staff
UNWIND $rows AS row
MATCH (n:Staff {id: row.id})
DETACH DELETE n;

// name: delete_nodes_Touchpoint
UNWIND $rows AS row
MATCH (n:Touchpoint {key: row.key})
DETACH DELETE n;

// name: detach_touchpoints
// A touchpoint that also lists contacts of accounts not pushed keeps them: only the
// attendance of the pushed account's contacts is removed.
UNWIND $rows AS row
MATCH (c:Contact)-[r:ATTENDED]->(t:Touchpoint {key: row.key})
WHERE c.account = row.account
DELETE r;

// name: delete_knows
// Rows of relationships pushed before keys existed have no `key`: -1 stands for it.
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})-[r:KNOWS]->(c:Contact {id: row.contact})
WHERE coalesce(r.key, -1) = row.key
DELETE r;

// name: delete_reports_to
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})-[r:REPORTS_TO]->(b:Contact {id: row.target})
WHERE coalesce(r.key, -1) = row.key
DELETE r;

// name: delete_influences
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})-[r:INFLUENCES]->(b:Contact {id: row.target})
WHERE coalesce(r.key, -1) = row.key
DELETE r;

// name: delete_on_team
UNWIND $rows AS row
MATCH (s:Staff {id: row.staff})-[r:ON_TEAM]->(a:Account {id: row.account})
WHERE coalesce(r.key, -1) = row.key
DELETE r;

// name: lock_meta
// Taken first in the transaction that updates the meta node, so that two pushes
// merging their extra columns do not lose one another's.
MERGE (m:RelgraphMeta {key: 'relgraph'})
SET m.formatVersion = 2
RETURN properties(m) AS props;

// name: merge_meta
MERGE (m:RelgraphMeta {key: 'relgraph'})
SET m = $props;

// name: prune_strays
// With --replace-all, after every account not in the data set was removed: units
// and contacts of no account of it, and touchpoints nobody of it attends.
MATCH (n)
WHERE ((n:Unit OR n:Contact) AND NOT n.account IN $accounts)
   OR (n:Touchpoint AND NOT (n)<-[:ATTENDED]-(:Contact))
DETACH DELETE n
RETURN count(*) AS deleted;

// name: clear
// Deletes every relgraph node and relationship (the labels of SPEC section 5).
MATCH (n)
WHERE n:Account OR n:Unit OR n:Contact OR n:Staff OR n:Touchpoint OR n:RelgraphMeta
DETACH DELETE n;
