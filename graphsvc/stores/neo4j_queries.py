"""Every Cypher statement the Neo4j store sends, built in one place.

Values always travel as parameters. Labels and relationship types cannot be
parameters in Cypher; they come from the model's specs (never from input) and
are checked against them before a statement is built.
"""

from __future__ import annotations

from graphsvc.model import (
    EDGE_SPECS,
    NODE_SPECS,
    EdgeSpec,
    NodeSpec,
    Reference,
    date_fields,
    node_spec,
)

__all__ = [
    "META_LABEL",
    "bulk_check",
    "constraint_statements",
    "count_edges",
    "count_nodes",
    "create_edges",
    "create_nodes",
    "create_references",
    "delete_edges_of_type",
    "delete_everything",
    "edges_of",
    "get_nodes",
    "iter_edges",
    "iter_nodes",
    "list_constraints",
    "list_nodes",
    "list_nodes_total",
    "meta_bump_version",
    "meta_changes_since",
    "meta_get",
    "meta_log_change",
    "meta_read",
    "meta_set_pending",
    "meta_set_version",
    "sync_references",
    "upsert_edges",
    "upsert_nodes",
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


def _props(var: str, dates: frozenset[str]) -> str:
    """All properties, dates as ISO text: the driver's temporal types are slow to decode."""
    if not dates:
        return f"properties({var})"
    converted = ", ".join(f"{name}: toString({var}.{name})" for name in sorted(dates))
    return f"{var} {{.*, {converted}}}"


def _node_dates(label: str) -> frozenset[str]:
    return date_fields(node_spec(label).model)


def _edge_dates(spec: EdgeSpec) -> frozenset[str]:
    return date_fields(spec.model) if spec.model is not None else frozenset()


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
        # m.graph tells this graph from one loaded after a clear (the version starts again).
        "ON CREATE SET m.schema = $schema, m.version = 0, m.pending = false, "
        "m.graph = randomUUID() "
        "RETURN m.schema AS schema, m.version AS version, m.pending AS pending"
    )


def meta_get() -> str:
    return (
        f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) "
        "RETURN m.version AS version, m.pending AS pending, m.graph AS graph"
    )


def meta_bump_version() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.version = m.version + 1"


def meta_log_change() -> str:
    """The change-log entry of the version just raised (``$keys`` null: everything), and the
    oldest entries pruned (``$kept`` are kept). Entries are meta nodes: not data, not counted.
    """
    return (
        f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) "
        f"MERGE (c:{META_LABEL} {{id: 'change:' + toString(m.version)}}) "
        "SET c.kind = 'change', c.version = m.version, c.keys = $keys "
        f"WITH m MATCH (old:{META_LABEL} {{kind: 'change'}}) "
        "WHERE old.version <= m.version - $kept DELETE old"
    )


def meta_changes_since() -> str:
    """The graph version and the change-log entries after ``$since`` up to it."""
    return (
        f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) "
        f"OPTIONAL MATCH (c:{META_LABEL} {{kind: 'change'}}) "
        "WHERE c.version > $since AND c.version <= m.version "
        "RETURN m.version AS current, "
        "collect(CASE WHEN c IS NULL THEN null ELSE [c.version, c.keys] END) AS entries"
    )


def meta_set_version() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.version = $version"


def meta_set_pending() -> str:
    return f"MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) SET m.pending = $pending"


# --------------------------------------------------------------- bulk import
# Run by tools/neo4j's Neo4jBulkImport on the stopped database before the importer.


def bulk_check() -> str:
    """One row: data nodes stored (counted from the count store) and the graph version kept."""
    return (
        f"OPTIONAL MATCH (m:{META_LABEL} {{id: 'graphsvc'}}) "
        f"RETURN COUNT {{ MATCH (n) }} - COUNT {{ MATCH (n:{META_LABEL}) }} AS nodes, "
        "coalesce(m.version, 0) AS version"
    )


def list_constraints() -> str:
    return "SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name"


# ------------------------------------------------------------------- writes
# Into a label or type with nothing stored yet, a write sends plain CREATE batches: the
# fastest path Neo4j has. Otherwise each batch is one upsert statement that compares the
# stored properties with the row on the server and writes only what differs, returning
# how many rows it created and updated: nothing travels back but two numbers.


def create_nodes(label: str) -> str:
    """Rows are the full property maps, ``id`` included."""
    return f"UNWIND $rows AS row CREATE (n:{_label(label)}) SET n = row"


def upsert_nodes(label: str) -> str:
    """Rows are the full property maps, ``id`` included; ``RETURN created, updated``."""
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (n:{_label(label)} {{id: row.id}}) "
        "WITH row, n WHERE n IS NULL OR properties(n) <> row "
        "FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | "
        f"  CREATE (m:{label}) SET m = row) "
        "FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | SET n = row) "
        "RETURN count(*) - count(n) AS created, count(n) AS updated"
    )


def create_references(spec: NodeSpec, ref: Reference) -> str:
    return (
        f"UNWIND $rows AS row MATCH (n:{_label(spec.label)} {{id: row.id}}) "
        f"MATCH (t:{_label(ref.target)} {{id: row.target}}) "
        f"CREATE (n)-[:{_type(ref.edge_type)} {{key: ''}}]->(t)"
    )


def sync_references(spec: NodeSpec, ref: Reference) -> str:
    """Rows ``{id, target}`` (``target`` null: no reference): the node's reference edge made
    to point at ``target`` alone. ``RETURN created, updated`` (updated: it pointed elsewhere).
    """
    return (
        f"UNWIND $rows AS row MATCH (n:{_label(spec.label)} {{id: row.id}}) "
        f"OPTIONAL MATCH (n)-[r:{_type(ref.edge_type)}]->(old:{_label(ref.target)}) "
        "WITH row, n, count(r) AS had, "
        "  collect(CASE WHEN old.id = row.target THEN null ELSE r END) AS stale, "
        "  any(x IN collect(old.id) WHERE x = row.target) AS kept "
        "FOREACH (s IN stale | DELETE s) "
        "WITH row, n, had, kept WHERE row.target IS NOT NULL AND NOT kept "
        f"MATCH (t:{_label(ref.target)} {{id: row.target}}) "
        f"CREATE (n)-[:{ref.edge_type} {{key: ''}}]->(t) "
        "RETURN count(CASE WHEN had = 0 THEN 1 END) AS created, "
        "  count(CASE WHEN had > 0 THEN 1 END) AS updated"
    )


def create_edges(spec: EdgeSpec) -> str:
    """Rows ``{source, target, props}``; ``props`` holds ``key``."""
    return (
        f"UNWIND $rows AS row MATCH (a:{_label(spec.source)} {{id: row.source}}) "
        f"MATCH (b:{_label(spec.target)} {{id: row.target}}) "
        f"CREATE (a)-[r:{_type(spec.type)}]->(b) SET r = row.props"
    )


def upsert_edges(spec: EdgeSpec) -> str:
    """Rows ``{source, target, props}`` (``props`` holds ``key``); ``RETURN created, updated``."""
    edge_type = _type(spec.type)
    return (
        f"UNWIND $rows AS row MATCH (a:{_label(spec.source)} {{id: row.source}}) "
        f"MATCH (b:{_label(spec.target)} {{id: row.target}}) "
        f"OPTIONAL MATCH (a)-[r:{edge_type} {{key: row.props.key}}]->(b) "
        "WITH a, b, r, row WHERE r IS NULL OR properties(r) <> row.props "
        "FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | "
        f"  CREATE (a)-[n:{edge_type}]->(b) SET n = row.props) "
        "FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = row.props) "
        "RETURN count(*) - count(r) AS created, count(r) AS updated"
    )


def delete_edges_of_type(edge_type: str) -> str:
    return f"MATCH ()-[r:{_type(edge_type)}]->() DELETE r"


def delete_everything() -> str:
    """Empties the database in batches (tests and ``sync --replace``).

    Small batches: a cadre brings dozens of relations, and 10,000 of them at once overran
    the transaction memory pool of a 2 GB server holding a province.
    """
    return "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"


# -------------------------------------------------------------------- reads


def count_nodes(label: str) -> str:
    # A bare label count is answered from the count store, not by a scan.
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS n"


def count_edges(edge_type: str) -> str:
    return f"MATCH ()-[r:{_type(edge_type)}]->() RETURN count(r) AS n"


def get_nodes(label: str) -> str:
    return (
        f"MATCH (n:{_label(label)}) WHERE n.id IN $ids "
        f"RETURN {_props('n', _node_dates(label))} AS props"
    )


def iter_nodes(label: str, fields: tuple[str, ...] | None) -> str:
    """Every node of ``label`` by id; only ``fields`` (model-checked) when given."""
    dates = _node_dates(label)
    if fields is not None:
        known = node_spec(label).model.model_fields
        unknown = [name for name in fields if name not in known]
        if unknown:
            raise KeyError(f"{label} has no field(s) {unknown}")
        values = ", ".join(
            f"toString(n.{name})" if name in dates else f"n.{name}" for name in fields
        )
        return f"MATCH (n:{_label(label)}) RETURN n.id AS id, [{values}] AS values ORDER BY n.id"
    return f"MATCH (n:{_label(label)}) RETURN {_props('n', dates)} AS props ORDER BY n.id"


def iter_edges(spec: EdgeSpec) -> str:
    return (
        f"MATCH (a:{_label(spec.source)})-[r:{_type(spec.type)}]->(b:{_label(spec.target)}) "
        f"RETURN a.id AS source, b.id AS target, {_props('r', _edge_dates(spec))} AS props "
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
        f"RETURN {_props('n', _node_dates(label))} AS props ORDER BY n.id SKIP $offset LIMIT $limit"
    )


def list_nodes_total(label: str) -> str:
    return (
        f"MATCH (n:{_label(label)}) WHERE all(k IN keys($where) WHERE n[k] = $where[k]) "
        "RETURN count(n) AS n"
    )
