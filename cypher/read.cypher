// read.cypher -- the reads of the relgraph Neo4j store, one named statement each.
//
// Answers: the rows of the accounts asked for, as relgraph rebuilds its tables
// from them (a portfolio command reads up to 400 accounts a batch, the eight
// reads of a batch in one read transaction; every account for export).
// Parameters:
//   $accounts  a list of account ids
//   $ids       a list of staff ids (staff_by_id)
//   $id        one id (locate_*)
// Properties come back as stored: dates as ISO 'YYYY-MM-DD' strings; `seq` and
// `rev` are relgraph's bookkeeping (row order, data set revision).

// name: account_ids
MATCH (a:Account)
RETURN a.id AS id;

// name: accounts
MATCH (a:Account)
WHERE a.id IN $accounts
RETURN properties(a) AS props;

// name: units
MATCH (u:Unit)
WHERE u.account IN $accounts
RETURN properties(u) AS props;

// name: contacts
MATCH (c:Contact)
WHERE c.account IN $accounts
RETURN properties(c) AS props;

// name: staff_all
MATCH (s:Staff)
RETURN properties(s) AS props;

// name: staff_by_id
MATCH (s:Staff)
WHERE s.id IN $ids
RETURN properties(s) AS props;

// name: knows
MATCH (s:Staff)-[r:KNOWS]->(c:Contact)
WHERE c.account IN $accounts
RETURN s.id AS staff, c.id AS contact, properties(r) AS props;

// name: links
MATCH (a:Contact)-[r:REPORTS_TO|INFLUENCES]->(b:Contact)
WHERE a.account IN $accounts AND b.account IN $accounts
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props;

// name: team
MATCH (s:Staff)-[r:ON_TEAM]->(a:Account)
WHERE a.id IN $accounts
RETURN s.id AS staff, a.id AS account, properties(r) AS props;

// name: touchpoints
MATCH (c:Contact)-[:ATTENDED]->(t:Touchpoint)
WHERE c.account IN $accounts
WITH DISTINCT t
RETURN properties(t) AS props;

// name: locate_account
MATCH (n:Account {id: $id})
RETURN n.id AS account;

// name: locate_unit
MATCH (n:Unit {id: $id})
RETURN n.account AS account;

// name: locate_contact
MATCH (n:Contact {id: $id})
RETURN n.account AS account;

// name: locate_staff
MATCH (n:Staff {id: $id})
RETURN null AS account;

// name: meta
MATCH (m:RelgraphMeta {key: 'relgraph'})
RETURN properties(m) AS props;

// name: indexes
// The (label, properties) of each index, on a server other than Neo4j (FalkorDB).
CALL db.indexes() YIELD label, properties
RETURN label, properties;

// name: server_product
CALL dbms.components() YIELD name
RETURN name;
