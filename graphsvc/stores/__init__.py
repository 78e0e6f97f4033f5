"""Stores behind one interface, chosen by URL.

``./graphsvc.db``, ``sqlite:///path.db`` or any path: the embedded store.
``neo4j://``, ``neo4j+s://``, ``bolt://``, ``bolt+s://``: a Neo4j server.
"""

from __future__ import annotations

from graphsvc.stores.base import EdgeView, GraphStore, StoreCounts, StoreError, StoreUnavailable

__all__ = [
    "NEO4J_SCHEMES",
    "EdgeView",
    "GraphStore",
    "StoreCounts",
    "StoreError",
    "StoreUnavailable",
    "is_neo4j_url",
    "open_store",
]

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_url(url: str) -> bool:
    return url.startswith(NEO4J_SCHEMES)


def open_store(url: str) -> GraphStore:
    """Open the store a URL names; :class:`StoreError` saying why when it cannot."""
    if is_neo4j_url(url):
        from graphsvc.stores.neo4j import Neo4jStore

        return Neo4jStore(url)
    if "://" in url and not url.startswith(("sqlite://", "file://")):
        scheme = url.split("://", 1)[0]
        raise StoreError(
            f"无法识别存储地址 {url} 中的协议 '{scheme}'：请使用文件路径、"
            "sqlite:///path.db，或 neo4j:// / bolt:// 地址"
        )
    from graphsvc.stores.embedded import EmbeddedStore

    return EmbeddedStore(url)
