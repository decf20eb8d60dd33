// read.cypher -- the reads of the relgraph Neo4j store, one named statement each.
//
// Answers: the rows of the accounts asked for, as relgraph builds its typed tables
// from them (a portfolio command reads the accounts in batches, each batch its
// rows by `batch` and the staff they name by `staff_by_id`, in one read
// transaction; every account for export). Each statement returns exactly the
// columns relgraph keeps, each row as one list, never a whole property map.
// Parameters:
//   $accounts  a list of account ids
//   $extras    the extra columns of each table: a map of table name -> property names
//   $perRecord the most rows one record holds (batch, staff_*)
//   $ids       a list of staff ids (staff_by_id)
//   $id        one id (locate_*)
// Properties come back as stored: dates as ISO 'YYYY-MM-DD' strings; `seq` is
// relgraph's bookkeeping (the row order).

// name: account_ids
MATCH (a:Account)
RETURN a.id AS id;

// The rows of the accounts, table by table: each record a table's name and up to
// $perRecord of its rows, each row a list [seq, every column of the table in the
// model's order, [the values of the table's extra columns]] ($extras.<table> names
// their properties). A touchpoint is listed once however many contacts attended it.
// Rows travel a few hundred to a record: one Bolt message per row would cost more
// in the client than the rows themselves.
// name: batch
MATCH (a:Account)
WHERE a.id IN $accounts
WITH collect([a.seq, a.id, a.name, a.grade, a.industry, a.region,
        [k IN $extras.accounts | a[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'accounts' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (u:Unit)
WHERE u.account IN $accounts
WITH collect([u.seq, u.id, u.account, u.name, u.level, u.parent, u.function,
        [k IN $extras.units | u[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'units' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (c:Contact)
WHERE c.account IN $accounts
WITH collect([c.seq, c.id, c.name, c.account, c.unit, c.level, c.title, c.role, c.seniority,
        c.influence, c.attitude, c.coach, c.email, c.phone, c.notes,
        [k IN $extras.contacts | c[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'contacts' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (s:Staff)-[r:KNOWS]->(c:Contact)
WHERE c.account IN $accounts
WITH collect([r.seq, s.id, c.id, r.strength, r.lastContact, r.since, r.until, r.notes,
        [k IN $extras.relationships | r[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'relationships' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (x:Contact)-[r:REPORTS_TO|INFLUENCES]->(y:Contact)
WHERE x.account IN $accounts AND y.account IN $accounts
WITH collect([r.seq, x.id, y.id, toLower(type(r)), r.weight, r.since, r.until,
        [k IN $extras.links | r[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'links' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (s:Staff)-[r:ON_TEAM]->(a:Account)
WHERE a.id IN $accounts
WITH collect([r.seq, a.id, s.id, r.role,
        [k IN $extras.team | r[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'team' AS table, rows[i..i + $perRecord] AS rows
UNION ALL
MATCH (c:Contact)-[:ATTENDED]->(t:Touchpoint)
WHERE c.account IN $accounts
WITH DISTINCT t
WITH collect([t.seq, t.date, t.method, t.staff, t.contacts, t.notes,
        [k IN $extras.touchpoints | t[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN 'touchpoints' AS table, rows[i..i + $perRecord] AS rows;

// The staff a batch names, rows as the batch lists them.
// name: staff_by_id
MATCH (s:Staff)
WHERE s.id IN $ids
WITH collect([s.seq, s.id, s.name, s.title, s.role, s.seniority, s.office, s.inRoleSince,
        s.active, s.email, s.rotates, [k IN $extras.staff | s[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN rows[i..i + $perRecord] AS rows;

// name: staff_all
MATCH (s:Staff)
WITH collect([s.seq, s.id, s.name, s.title, s.role, s.seniority, s.office, s.inRoleSince,
        s.active, s.email, s.rotates, [k IN $extras.staff | s[k]]]) AS rows
UNWIND range(0, size(rows) - 1, $perRecord) AS i
RETURN rows[i..i + $perRecord] AS rows;

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

// The extra columns of each table, as JSON.
// name: meta
MATCH (m:RelgraphMeta {key: 'relgraph'})
RETURN m.extras AS extras;

// The (label, properties) of each index, on a server other than Neo4j (FalkorDB).
// name: indexes
CALL db.indexes() YIELD label, properties
RETURN label, properties;

// name: server_product
CALL dbms.components() YIELD name
RETURN name;
