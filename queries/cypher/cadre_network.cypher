// title: 干部关系网络 — a cadre's network within two hops
// params: cadreId
// Posts held and their units, mentors and mentees, project co-workers, rotations,
// relatives and pool membership; not everyone who once held the same post.
MATCH (c:Cadre {id: $cadreId})
CALL (c) {
  MATCH path = (c)-[:HOLDS]->(:Post)-[:IN_UNIT]->(:Unit) RETURN path
  UNION
  MATCH path = (c)<-[:MENTORS]-(:Mentor) RETURN path
  UNION
  MATCH path = (c)<-[:MENTORS]-(:Mentor)-[:IS_CADRE]->(:Cadre) RETURN path
  UNION
  MATCH path = (c)<-[:IS_CADRE]-(:Mentor)-[:MENTORS]->(:Cadre) RETURN path
  UNION
  MATCH path = (c)-[:WORKED_ON]->(:Project)<-[:WORKED_ON]-(:Cadre) RETURN path
  UNION
  MATCH path = (c)-[:ROTATED_TO]->(:Unit) RETURN path
  UNION
  MATCH path = (c)-[:RELATIVE_OF]-(:Cadre) RETURN path
  UNION
  MATCH path = (c)-[:IN_POOL]->(:Pool) RETURN path
}
RETURN path
LIMIT 300
