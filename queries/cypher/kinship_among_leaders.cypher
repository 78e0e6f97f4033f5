// title: 班子成员亲属关系 — relatives serving in the same unit where one of them leads
// params: asOf
// Current posts only; at least one of the two sits in the unit's leadership team.
MATCH (a:Cadre)-[k:RELATIVE_OF]-(b:Cadre)
WHERE a.id < b.id
MATCH (a)-[ha:HOLDS]->(pa:Post)-[:IN_UNIT]->(u:Unit)<-[:IN_UNIT]-(pb:Post)<-[hb:HOLDS]-(b)
WHERE (ha.end IS NULL OR ha.end > $asOf) AND (hb.end IS NULL OR hb.end > $asOf)
  AND (pa.team_member OR pb.team_member)
RETURN u.id AS unit_id, u.name AS unit, k.relation AS relation,
       a.id AS cadre_a, a.name AS name_a, pa.name AS post_a,
       b.id AS cadre_b, b.name AS name_b, pb.name AS post_b
ORDER BY unit_id
