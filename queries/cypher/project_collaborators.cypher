// title: 项目协作关系 — who worked with whom on major tasks
// Pairs of cadres sharing projects, most shared first.
MATCH (a:Cadre)-[:WORKED_ON]->(p:Project)<-[:WORKED_ON]-(b:Cadre)
WHERE a.id < b.id
WITH a, b, collect(p.name) AS projects
RETURN a.id AS cadre_a, a.name AS name_a, b.id AS cadre_b, b.name AS name_b,
       size(projects) AS shared, projects
ORDER BY shared DESC, cadre_a, cadre_b
LIMIT 100
