// title: 单位领导班子 — a unit's leadership team with ages
// params: unitId, asOf
MATCH (u:Unit {id: $unitId})<-[:IN_UNIT]-(p:Post)
WHERE p.team_member
OPTIONAL MATCH (c:Cadre)-[h:HOLDS]->(p)
WHERE h.end IS NULL OR h.end > $asOf
RETURN p.id AS post_id, p.name AS post, p.level AS level, c.id AS cadre_id, c.name AS name,
       c.gender AS gender, duration.between(c.birth, $asOf).years AS age,
       c.education AS education, c IS NULL AS vacant
ORDER BY p.principal DESC, p.level DESC, p.id
