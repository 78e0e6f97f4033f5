"""The cadre section's analyses: mentoring, teams, the pool, training, network, targets.

Each module reads one :class:`~queries.development.data.DevelopmentData` (the
graph read once) and returns plain dicts ready for JSON, reports and HTTP.
"""
