// title: 建议结对 — mentor pairings proposed by `graphsvc mentoring --recommend --write-back`
// Each suggestion with its cost and reasons, the mentee's unit and the mentor's own unit.
MATCH (m:Mentor)-[s:SUGGESTED_MENTOR]->(c:Cadre)
OPTIONAL MATCH (c)-[h:HOLDS]->(:Post)-[:IN_UNIT]->(u:Unit)
WHERE h.end IS NULL
OPTIONAL MATCH (m)-[:IS_CADRE]->(mc:Cadre)-[mh:HOLDS]->(:Post)-[:IN_UNIT]->(mu:Unit)
WHERE mh.end IS NULL
RETURN c.id AS mentee_id, c.name AS mentee, u.name AS mentee_unit,
       m.id AS mentor_id, m.name AS mentor, m.kind AS mentor_kind, mu.name AS mentor_unit,
       s.score AS cost, s.reasons AS reasons, s.run AS run
ORDER BY mentee_unit, mentee_id
