// check.cypher -- what `relgraph validate URI` reads besides the rows of every account.
//
// Answers: the units and contacts no account holds (their `account` property names
// no Account node, or is missing), which no read of an account can see.
// Parameters:
//   $accounts  the ids of every account

// name: stray_units
MATCH (n:Unit)
WHERE NOT coalesce(n.account, '') IN $accounts
RETURN n.id AS id, n.account AS account
ORDER BY id;

// name: stray_contacts
MATCH (n:Contact)
WHERE NOT coalesce(n.account, '') IN $accounts
RETURN n.id AS id, n.account AS account
ORDER BY id;
