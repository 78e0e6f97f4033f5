"""Copying one store into another (embedded → Neo4j and back), idempotently."""

from __future__ import annotations

from graphsvc.model import EDGE_SPECS, NODE_SPECS, RESULT_SPECS
from graphsvc.rows import EdgeRow, GraphBatch, NodeRow, ProgressCallback, WriteSummary, edge_key
from graphsvc.stores.base import GraphStore

__all__ = ["copy_store", "read_batch"]


def read_batch(store: GraphStore, *, on_progress: ProgressCallback | None = None) -> GraphBatch:
    """Everything in ``store`` as one batch: nodes, and the relation edges.

    Reference edges (``IN_UNIT`` ...) are not read: the target derives them
    from the node properties, as on any write. Analysis results are copied
    separately by :func:`copy_store`.
    """
    batch = GraphBatch()
    for spec in NODE_SPECS:
        for props in store.iter_nodes(spec.label):
            node_id = props.pop("id")
            batch.nodes.append(NodeRow(spec.label, node_id, props))
        if on_progress is not None:
            on_progress("read", len(batch), len(batch))
    for edge in EDGE_SPECS:
        if edge.table is None:  # reference edges and analysis results
            continue
        for source, target, props in store.iter_edges(edge.type):
            batch.edges.append(EdgeRow(edge.type, source, target, edge_key(edge, props), props))
    return batch


def copy_store(
    source: GraphStore,
    target: GraphStore,
    *,
    replace: bool = False,
    on_progress: ProgressCallback | None = None,
) -> WriteSummary:
    """Upsert everything in ``source`` into ``target``.

    Parameters
    ----------
    source, target : GraphStore
        Any two stores, of the same kind or not.
    replace : bool
        Empty ``target`` first, so that afterwards it holds exactly what
        ``source`` holds. Without it, records only ``target`` has are kept.

    Returns
    -------
    WriteSummary
        What the write into ``target`` created, updated or left unchanged;
        a second copy of unchanged data changes nothing.
    """
    batch = read_batch(source, on_progress=on_progress)
    if replace:
        target.clear()
    summary = target.write(batch, on_progress=on_progress)
    for spec in RESULT_SPECS:
        results = [
            EdgeRow(spec.type, src, dst, "", props)
            for src, dst, props in source.iter_edges(spec.type)
        ]
        if results or replace:
            target.replace_results(spec.type, results)
    return summary
