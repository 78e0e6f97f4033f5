"""Every Cypher statement the Neo4j store sends, built in one place.

Values always travel as parameters. Labels and relationship types cannot be
parameters in Cypher; they come from the model's specs (never from input) and
are checked against them before a statement is built.
"""

from __future__ import annotations

from graphsvc.model import EDGE_SPECS, NODE_SPECS, EdgeSpec, NodeSpec, Reference

__all__ = [
    "META_LABEL",
    "constraint_statements",
    "count_edges",
    "count_nodes",
    "delete_everything",
    "edges_of",
    "get_nodes",
    "iter_edges",
    "iter_nodes",
    "list_nodes",
    "list_nodes_total",
    "meta_bump_version",
    "meta_get",
    "meta_read",
    "meta_set_pending",
    "meta_set_version",
    "upsert_edges",
    "upsert_nodes",
    "upsert_reference",
]

META_LABEL = "GraphsvcMeta"  # one node holding the schema and graph version
_LABELS = {spec.label for spec in NODE_SPECS}
_TYPES = {spec.type for spec in EDGE_SPECS}


def _label(label: str) -> str:
    if label not in _LABELS:
        raise KeyError(f"unknown node label {label!r}")
    return label


def _type(edge_type: str) -> str:
    if edge_type not in _TYPES:
        raise KeyError(f"unknown edge type {edge_type!r}")
    return edge_type


def constraint_statements() -> list[str]:
    """Uniqueness of ``id`` per label (which also indexes it); idempotent."""
    statements = [
        f"CREATE CONSTRAINT graphsvc_{spec.label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{spec.label}) REQUIRE n.id IS UNIQUE"
        for spec in NODE_SPECS
    ]
    statements.append(
        f"CREATE CONSTRAINT graphsvc_meta_id IF NOT EXISTS "
        f"FOR (m:{META_LABEL}) REQUIRE m.id IS UNIQUE"
    )
    return statements


# --------------------------------------------------------------------- meta


def meta_read() -> str:
    return (
        f"MERGE (m:{META_LABEL} {{id: 'graphsvc'}}) "
        "ON CREATE SET m.schema = $schema, m.version = 0, m.pending = false "
        "RETURN m.schema AS schema, m.version AS version, m.pending AS pending"
    )


def meta_get() -> str:
    return (
        f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) "
        "RETURN m.version AS version, m.pending AS pending"
    )


def meta_bump_version() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.version = m.version + 1"


def meta_set_version() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.version = $version"


def meta_set_pending() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.pending = $pending"


# ------------------------------------------------------------------- writes


def upsert_nodes(spec: NodeSpec) -> str:
    """Rows ``{id, props}``; ``props`` holds ``id`` too. Returns one outcome per row."""
    label = _label(spec.label)
    return (
        "UNWIND $rows AS row "
        f"OPTIONAL MATCH (old:{label} {{id: row.id}}) "
        "WITH row, CASE WHEN old IS NULL THEN 'created' "
        "  WHEN properties(old) = row.props THEN 'unchanged' ELSE 'updated' END AS outcome "
        "CALL (row, outcome) { "
        "  WITH row, outcome WHERE outcome <> 'unchanged' "
        f"  MERGE (n:{label} {{id: row.id}}) SET n = row.props "
        "} "
        "RETURN outcome, count(*) AS n"
    )


def upsert_reference(spec: NodeSpec, ref: Reference) -> str:
    """Rows ``{id, target}``: make the node's ``ref.edge_type`` edge point at ``target`` alone."""
    label, edge_type, target = _label(spec.label), _type(ref.edge_type), _label(ref.target)
    return (
        "UNWIND $rows AS row "
        f"MATCH (n:{label} {{id: row.id}}) "
        f"OPTIONAL MATCH (n)-[old:{edge_type}]->(had:{target}) "
        "WITH n, row, collect(old) AS olds, collect(had.id) AS had "
        "WITH n, row, olds, CASE "
        "  WHEN row.target IS NULL THEN 'none' "
        "  WHEN had = [row.target] THEN 'unchanged' "
        "  WHEN size(had) = 0 THEN 'created' ELSE 'updated' END AS outcome "
        "FOREACH (o IN [x IN olds WHERE row.target IS NULL OR endNode(x).id <> row.target] | "
        "  DELETE o) "
        "WITH n, row, outcome "
        f"OPTIONAL MATCH (t:{target} {{id: row.target}}) "
        "FOREACH (_ IN CASE WHEN t IS NOT NULL AND outcome IN ['created', 'updated'] "
        "  THEN [1] ELSE [] END | "
        f"  MERGE (n)-[:{edge_type} {{key: ''}}]->(t)) "
        "RETURN outcome, count(*) AS n"
    )


def upsert_edges(spec: EdgeSpec) -> str:
    """Rows ``{source, target, key, props}``; ``props`` holds ``key`` too."""
    edge_type = _type(spec.type)
    source, target = _label(spec.source), _label(spec.target)
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{source} {{id: row.source}}) "
        f"MATCH (b:{target} {{id: row.target}}) "
        f"OPTIONAL MATCH (a)-[old:{edge_type} {{key: row.key}}]->(b) "
        "WITH a, b, row, CASE WHEN old IS NULL THEN 'created' "
        "  WHEN properties(old) = row.props THEN 'unchanged' ELSE 'updated' END AS outcome "
        "CALL (a, b, row, outcome) { "
        "  WITH a, b, row, outcome WHERE outcome <> 'unchanged' "
        f"  MERGE (a)-[r:{edge_type} {{key: row.key}}]->(b) SET r = row.props "
        "} "
        "RETURN outcome, count(*) AS n"
    )


def delete_everything() -> str:
    """Empties the database in batches (tests and ``sync --replace``)."""
    return "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


# -------------------------------------------------------------------- reads


def count_nodes(label: str) -> str:
    # A bare label count is answered from the count store, not by a scan.
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS n"


def count_edges(edge_type: str) -> str:
    return f"MATCH ()-[r:{_type(edge_type)}]->() RETURN count(r) AS n"


def get_nodes(label: str) -> str:
    return f"MATCH (n:{_label(label)}) WHERE n.id IN $ids RETURN properties(n) AS props"


def iter_nodes(label: str, with_fields: bool) -> str:
    if with_fields:
        return (
            f"MATCH (n:{_label(label)}) "
            "RETURN n.id AS id, [f IN $fields | n[f]] AS values ORDER BY n.id"
        )
    return f"MATCH (n:{_label(label)}) RETURN properties(n) AS props ORDER BY n.id"


def iter_edges(spec: EdgeSpec) -> str:
    return (
        f"MATCH (a:{_label(spec.source)})-[r:{_type(spec.type)}]->(b:{_label(spec.target)}) "
        "RETURN a.id AS source, b.id AS target, properties(r) AS props "
        "ORDER BY source, target, r.key"
    )


def edges_of(label: str) -> str:
    return (
        f"MATCH (n:{_label(label)} {{id: $id}})-[r]-(m) "
        "WHERE type(r) IN $types "
        "RETURN type(r) AS type, startNode(r) = n AS outgoing, "
        "  [l IN labels(m) WHERE l IN $labels][0] AS other_label, m.id AS other_id, "
        "  properties(r) AS props "
        "ORDER BY type, other_id, r.key"
    )


def list_nodes(label: str) -> str:
    return (
        f"MATCH (n:{_label(label)}) WHERE all(k IN keys($where) WHERE n[k] = $where[k]) "
        "RETURN properties(n) AS props ORDER BY n.id SKIP $offset LIMIT $limit"
    )


def list_nodes_total(label: str) -> str:
    return (
        f"MATCH (n:{_label(label)}) WHERE all(k IN keys($where) WHERE n[k] = $where[k]) "
        "RETURN count(n) AS n"
    )
