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
    "count_all",
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


# Neo4j makes a cached plan again when the graph's statistics drift far from those it was
# made with. Loading a district into an emptied database and then its changed copy, 19 times,
# discarded and remade 234 plans, and the loads that paid for it took up to twice as long.
# The statements marked below find nodes by their unique ids only, so their plan
# (unique-index seeks, then expand-into) does not depend on the statistics: they keep it
# (tests/test_neo4j_store.py checks that, planned on an empty database, none scans).
_KEEP_PLAN = "CYPHER replan=skip "


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


def create_nodes(label: str, references: tuple[Reference, ...] = ()) -> str:
    """Rows are the full property maps, ``id`` included. Each of ``references`` (of a type
    with no edge yet) is made in the same statement, from the node just created: one
    look-up (the target) instead of two."""
    statement = f"{_KEEP_PLAN}UNWIND $rows AS row CREATE (n:{_label(label)}) SET n = row"
    for ref in references:
        statement += (
            f" WITH n, row CALL (n, row) {{ MATCH (t:{_label(ref.target)} {{id: row.{ref.field}}})"
            f" CREATE (n)-[:{_type(ref.edge_type)} {{key: ''}}]->(t) }}"
        )
    return statement


def upsert_nodes(label: str, references: tuple[Reference, ...] = ()) -> str:
    """Rows are the full property maps, ``id`` included; ``RETURN created, updated``.

    Only new and changed nodes are written. Each of ``references`` is synced for those alone,
    in the same statement (an unchanged node keeps its reference edges as they are): its edge
    made to point at the field's target alone, ``created_<i>`` counting edges made where the
    node had none, ``updated_<i>`` those made where it pointed elsewhere.
    """
    statement = (
        f"{_KEEP_PLAN}UNWIND $rows AS row OPTIONAL MATCH (n:{_label(label)} {{id: row.id}}) "
        "WITH row, n WHERE n IS NULL OR properties(n) <> row "
    )
    if not references:
        return statement + (
            "FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END | "
            f"  CREATE (m:{label}) SET m = row) "
            "FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | SET n = row) "
            "RETURN count(*) - count(n) AS created, count(n) AS updated"
        )
    # Each reference in one pass over all rows, no subquery per row: a node's edges of the
    # type (at most one, in practice) are matched, the stale deleted, then counted per node;
    # an edge is made where none points at the target. ``k<i>`` carry the targets' ids, so
    # the grouping keys are a node and strings, never the row's map (0.31 s against 0.38 s
    # for a subquery per row, on the changed district's 13,303 assessments).
    targets = [f"row.{ref.field} AS k{number}" for number, ref in enumerate(references)]
    carried = ["m", "new", *(f"k{number}" for number in range(len(references)))]
    statement += (
        f"MERGE (m:{label} {{id: row.id}}) SET m = row "
        f"WITH m, n IS NULL AS new, {', '.join(targets)} "
    )
    counts = ["count(CASE WHEN new THEN 1 END) AS created",
              "count(CASE WHEN NOT new THEN 1 END) AS updated"]  # fmt: skip
    for number, ref in enumerate(references):
        keep = ", ".join(carried)
        edge_type, target = _type(ref.edge_type), _label(ref.target)
        statement += (
            f"OPTIONAL MATCH (m)-[r:{edge_type}]->(old:{target}) "
            f"WITH {keep}, r, old.id = k{number} AS same "
            "FOREACH (_ IN CASE WHEN r IS NULL OR coalesce(same, false) THEN [] ELSE [1] END "
            "| DELETE r) "
            f"WITH {keep}, count(r) AS had, count(CASE WHEN same THEN 1 END) AS kept "
            f"WITH {keep}, had, CASE WHEN kept = 0 THEN k{number} END AS wanted "
            f"OPTIONAL MATCH (t:{target} {{id: wanted}}) "
            "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END "
            f"| CREATE (m)-[:{edge_type} {{key: ''}}]->(t)) "
            f"WITH {keep}, t IS NOT NULL AND had = 0 AS c{number}, "
            f"t IS NOT NULL AND had > 0 AS u{number} "
        )
        carried += [f"c{number}", f"u{number}"]
        counts += [f"count(CASE WHEN c{number} THEN 1 END) AS created_{number}",
                   f"count(CASE WHEN u{number} THEN 1 END) AS updated_{number}"]  # fmt: skip
    return statement + "RETURN " + ", ".join(counts)


def create_references(spec: NodeSpec, ref: Reference) -> str:
    """Rows ``{id, target}``: an edge from each node (which has none of the type) to its target."""
    return (
        f"{_KEEP_PLAN}UNWIND $rows AS row MATCH (n:{_label(spec.label)} {{id: row.id}}) "
        f"MATCH (t:{_label(ref.target)} {{id: row.target}}) "
        f"CREATE (n)-[:{_type(ref.edge_type)} {{key: ''}}]->(t)"
    )


def create_edges(spec: EdgeSpec) -> str:
    """Rows ``{source, target, props}``; ``props`` holds ``key``."""
    return (
        f"{_KEEP_PLAN}UNWIND $rows AS row MATCH (a:{_label(spec.source)} {{id: row.source}}) "
        f"MATCH (b:{_label(spec.target)} {{id: row.target}}) "
        f"CREATE (a)-[r:{_type(spec.type)}]->(b) SET r = row.props"
    )


def upsert_edges(spec: EdgeSpec) -> str:
    """Rows ``{source, target, props}`` (``props`` holds ``key``); ``RETURN created, updated``."""
    edge_type = _type(spec.type)
    return (
        f"{_KEEP_PLAN}UNWIND $rows AS row MATCH (a:{_label(spec.source)} {{id: row.source}}) "
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


def count_all() -> str:
    """One row: the count of every node label and relation type, by name, in one round trip.

    Bare label and type counts are answered from the count store, not by a scan.
    """
    nodes = [f"`{_label(spec.label)}`: COUNT {{ MATCH (:{spec.label}) }}" for spec in NODE_SPECS]
    edges = [
        f"`{_type(spec.type)}`: COUNT {{ MATCH ()-[:{spec.type}]->() }}" for spec in EDGE_SPECS
    ]
    return f"{_KEEP_PLAN}RETURN {{{', '.join(nodes)}}} AS nodes, {{{', '.join(edges)}}} AS edges"


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
