// title: 优秀年轻干部库结构 — the pool by age band and channel
// params: asOf
MATCH (c:Cadre)-[m:IN_POOL]->(pool:Pool)
WHERE m.end IS NULL
WITH pool, c, duration.between(c.birth, $asOf).years AS age
RETURN pool.name AS pool,
       CASE WHEN age < 30 THEN '30岁以下' WHEN age < 35 THEN '30-34岁'
            WHEN age < 40 THEN '35-39岁' ELSE '40岁及以上' END AS age_band,
       c.channel AS channel, count(*) AS cadres
ORDER BY pool, age_band, channel
