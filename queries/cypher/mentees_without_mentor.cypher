// title: 无导师的帮带对象 — cadres who should have a mentor and have none
// params: asOf
// Who should (the default mentoring policy): recruited within 3 years, 选调生 and
// 到村(社区)工作大学生 within 5 years of starting work, pool members.
MATCH (c:Cadre)
WHERE c.status = '在职'
  AND (c.recruit_date >= $asOf - duration('P3Y')
       OR (c.channel IN ['选调生', '到村(社区)工作大学生']
           AND c.work_start >= $asOf - duration('P5Y'))
       OR EXISTS { (c)-[m:IN_POOL]->(:Pool) WHERE m.end IS NULL })
  AND NOT EXISTS { (:Mentor)-[r:MENTORS]->(c) WHERE r.end IS NULL OR r.end > $asOf }
OPTIONAL MATCH (c)-[h:HOLDS]->(:Post)-[:IN_UNIT]->(u:Unit)
WHERE h.end IS NULL
RETURN c.id AS cadre_id, c.name AS name, c.channel AS channel, c.recruit_date AS recruited,
       u.name AS unit
ORDER BY unit, cadre_id
