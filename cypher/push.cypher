// push.cypher -- what the database holds of the accounts a push makes, one named
// statement each.
//
// Answers: the elements of each account as stored, with their keys and every
// property (bookkeeping included), so that `relgraph push` (and `--dry-run`) can
// tell what it would add, change and remove. An account holds its units and
// contacts (by their `account` property), the KNOWS rows to its contacts, the
// REPORTS_TO / INFLUENCES rows from its contacts, its ON_TEAM rows and the
// touchpoints one of its contacts attended.
// Parameters:
//   $accounts  a list of account ids
//   $ids       a list of staff ids (push_staff)
// Bookkeeping: `seq` (row order), `rev` (a hash of the content as pushed), `key`
// (a touchpoint's key; a row relationship's occurrence number, see write.cypher).

// name: push_account_ids
MATCH (a:Account)
RETURN a.id AS id;

// name: push_accounts
MATCH (a:Account)
WHERE a.id IN $accounts
RETURN a.id AS account, a.id AS id, properties(a) AS props;

// name: push_units
MATCH (u:Unit)
WHERE u.account IN $accounts
RETURN u.account AS account, u.id AS id, properties(u) AS props;

// name: push_contacts
MATCH (c:Contact)
WHERE c.account IN $accounts
RETURN c.account AS account, c.id AS id, properties(c) AS props;

// name: push_knows
MATCH (s:Staff)-[r:KNOWS]->(c:Contact)
WHERE c.account IN $accounts
RETURN c.account AS account, s.id AS staff, c.id AS contact, properties(r) AS props;

// name: push_links
MATCH (a:Contact)-[r:REPORTS_TO|INFLUENCES]->(b:Contact)
WHERE a.account IN $accounts
RETURN a.account AS account, a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props;

// name: push_team
MATCH (s:Staff)-[r:ON_TEAM]->(a:Account)
WHERE a.id IN $accounts
RETURN a.id AS account, s.id AS staff, properties(r) AS props;

// name: push_touchpoints
// Each touchpoint once per account of the contacts attending it, with every
// account it is shared with.
MATCH (c:Contact)-[:ATTENDED]->(t:Touchpoint)
WHERE c.account IN $accounts
WITH DISTINCT c.account AS account, t
MATCH (o:Contact)-[:ATTENDED]->(t)
RETURN account, t.key AS key, properties(t) AS props, collect(DISTINCT o.account) AS shared;

// name: push_staff
MATCH (s:Staff)
WHERE s.id IN $ids
RETURN s.id AS id, properties(s) AS props;

// name: push_staff_all
MATCH (s:Staff)
RETURN s.id AS id, properties(s) AS props;
