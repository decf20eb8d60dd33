// schema.cypher -- the constraints and indexes of a relgraph database (Neo4j 5).
//
// Answers: nothing; run it once before loading (`relgraph push` runs it for you).
// Parameters: none.
//
// Every node is identified by its data set id (`id`; touchpoints by `key`, a hash
// of their row); the uniqueness constraints also index those keys, so that the
// MERGE writes of a push find nodes in O(log n). The indexes on `account` serve
// the per-account reads. Idempotent: IF NOT EXISTS everywhere.

CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (n:Contact) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT staff_id IF NOT EXISTS FOR (n:Staff) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT touchpoint_key IF NOT EXISTS FOR (n:Touchpoint) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT relgraph_meta_key IF NOT EXISTS FOR (n:RelgraphMeta) REQUIRE n.key IS UNIQUE;
CREATE INDEX unit_account IF NOT EXISTS FOR (n:Unit) ON (n.account);
CREATE INDEX contact_account IF NOT EXISTS FOR (n:Contact) ON (n.account);
