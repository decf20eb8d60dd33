// relate.cypher -- `relgraph relate`: set how well a staff member knows a contact.
//
// Answers: the relationship rows of one pair, and the row as written. relgraph
// runs these in one transaction: it reads the pair's rows (pair_relationships),
// picks the one in force at the date given (the strongest, where several are),
// and updates its strength and last contact (update_relationship), or adds a row
// when none is in force (add_relationship).
// Parameters:
//   $staff, $contact  the ids of the pair
//   $key      which row of the pair (its `key`; -1 for a row pushed without one)
//   $changes  the properties to set: strength, and lastContact ('YYYY-MM-DD')
//   $props    the properties of a new row: strength, lastContact, since, key, seq

// name: pair_relationships
MATCH (s:Staff {id: $staff})-[r:KNOWS]->(c:Contact {id: $contact})
RETURN properties(r) AS props;

// name: last_relationship_seq
MATCH ()-[r:KNOWS]->()
RETURN max(r.seq) AS last;

// name: update_relationship
MATCH (s:Staff {id: $staff})-[r:KNOWS]->(c:Contact {id: $contact})
WHERE coalesce(r.key, -1) = $key
SET r += $changes
RETURN properties(r) AS props;

// name: add_relationship
MATCH (s:Staff {id: $staff})
MATCH (c:Contact {id: $contact})
CREATE (s)-[r:KNOWS]->(c)
SET r = $props
RETURN properties(r) AS props;
