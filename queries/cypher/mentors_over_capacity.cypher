// title: 超负荷导师 — mentors with more current mentees than their capacity
// params: asOf
MATCH (m:Mentor)-[r:MENTORS]->(c:Cadre)
WHERE r.end IS NULL OR r.end > $asOf
WITH m, count(c) AS mentees, collect(c.name) AS names
WHERE mentees > m.capacity
RETURN m.id AS mentor_id, m.name AS mentor, m.status AS status, m.capacity AS capacity,
       mentees, names
ORDER BY mentees - capacity DESC, mentor_id
