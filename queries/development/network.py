"""The collaboration network: who works with whom, who bridges groups, who performs unseen.

Cadres are linked when they worked on the same project (weight 1 a shared
project) or sit on the same leadership team now (weight 1). On that graph:

- **communities**: Louvain modularity communities (weighted, seeded, so the
  same graph gives the same communities);
- **bridges**: cadres whose links spread over several communities, by the
  participation coefficient P = 1 - sum over communities c of (k_c / k)^2,
  k the weighted degree and k_c the part of it inside community c (0: all
  links in one community); a bridge has P >= ``bridge_participation`` and at
  least ``bridge_min_degree`` collaborators;
- **quiet performers**: at least ``quiet_excellent_years`` 优秀 grades in the
  last three years and a project result of 优秀 (or leading one with 良好),
  yet not in the pool and not promoted to a higher level for
  ``quiet_unpromoted_years`` years.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import combinations
from typing import Any

import networkx as nx

from graphsvc.dates import add_months
from queries.development.data import DevelopmentData
from queries.development.results import (
    Bridge,
    Community,
    CommunityMember,
    NetworkResult,
    QuietPerformer,
)

__all__ = ["collaboration_graph", "network_analysis", "participation_coefficient"]


def collaboration_graph(data: DevelopmentData) -> nx.Graph:
    """Active cadres linked by shared projects and shared leadership teams.

    Edge attributes: ``weight`` (shared projects + shared team), ``projects``
    (how many shared projects), ``team`` (on the same team now).
    """
    # Nodes and edges in a fixed order: Louvain's result depends on it, and the same
    # graph must give the same communities in every process.
    graph = nx.Graph()
    graph.add_nodes_from(sorted(data.records))
    members: dict[str, list[str]] = defaultdict(list)
    for cadre_id, record in sorted(data.records.items()):
        for project, _, _ in record.projects:
            members[str(project["id"])].append(cadre_id)
    for _, people in sorted(members.items()):
        for a, b in combinations(sorted(set(people)), 2):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
                graph[a][b]["projects"] += 1
            else:
                graph.add_edge(a, b, weight=1, projects=1, team=False)
    context = data.context
    teams: dict[str, set[str]] = defaultdict(set)
    for post in context.posts.values():
        if post.get("team_member"):
            for cadre_id in context.holders.get(post["id"], set()):
                if cadre_id in data.records:
                    teams[str(post.get("unit_id"))].add(cadre_id)
    for _, people_set in sorted(teams.items()):
        for a, b in combinations(sorted(people_set), 2):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
                graph[a][b]["team"] = True
            else:
                graph.add_edge(a, b, weight=1, projects=0, team=True)
    return graph


def participation_coefficient(
    graph: nx.Graph, community_of: dict[Any, int], weight: str = "weight"
) -> dict[Any, float]:
    """P_i = 1 - sum_c (k_ic / k_i)^2 over the communities of i's neighbours (0 when isolated).

    Parameters
    ----------
    graph : networkx.Graph
    community_of : dict
        Node → community index.
    weight : str
        Edge attribute holding the weight (missing: 1).
    """
    found: dict[Any, float] = {}
    for node in graph:
        parts: Counter[int] = Counter()
        for neighbour, attributes in graph[node].items():
            parts[community_of[neighbour]] += attributes.get(weight, 1)
        total = sum(parts.values())
        found[node] = 1 - sum((k / total) ** 2 for k in parts.values()) if total else 0.0
    return found


def _unpromoted_since(cadre: dict[str, Any]) -> date | None:
    """Since when the cadre holds their leadership level (staff: since starting work)."""
    return cadre.get("level_since") or cadre.get("work_start")


def network_analysis(*, data: DevelopmentData, graph: nx.Graph | None = None) -> NetworkResult:
    """Communities, bridges and quiet performers of the collaboration network.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``communities`` (size, main units and members),
        ``bridges``, ``quiet_performers``, ``measures`` (how each is measured).
    """
    policy = data.policy.network
    graph = graph if graph is not None else collaboration_graph(data)
    # A copy, not a subgraph view: a view of a few nodes iterates them in set order.
    linked = graph.copy()
    linked.remove_nodes_from([n for n in graph if graph.degree(n) == 0])
    # Louvain on integer labels: with string labels its internal sets would iterate in
    # an order that changes from process to process (hash randomisation).
    numbered = nx.convert_node_labels_to_integers(linked, ordering="sorted", label_attribute="id")
    found = nx.community.louvain_communities(
        numbered, weight="weight", resolution=policy.louvain_resolution, seed=policy.seed
    )
    communities = sorted(
        ({numbered.nodes[n]["id"] for n in group} for group in found),
        key=lambda c: (-len(c), min(c)),
    )
    community_of = {node: index for index, group in enumerate(communities) for node in group}
    participation = participation_coefficient(linked, community_of)
    community_rows: list[Community] = []
    for index, group in enumerate(communities):
        units = Counter(data.units.name(data.branch(data.unit_of(c))) for c in group)
        members: list[CommunityMember] = sorted(
            (
                {"cadre_id": c, "name": data.name(c), "unit_name": data.units.name(data.unit_of(c))}
                for c in group
            ),
            key=lambda m: (m["unit_name"] or "", m["name"], m["cadre_id"]),
        )
        community_rows.append(
            {
                "community": index,
                "size": len(group),
                "main_units": [
                    f"{unit}({n})"
                    for unit, n in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
                ],
                "members": members,
            }
        )
    bridges: list[Bridge] = []
    for node, coefficient in participation.items():
        degree = linked.degree(node)
        if coefficient >= policy.bridge_participation and degree >= policy.bridge_min_degree:
            reached = {community_of[n] for n in linked[node]}
            bridges.append(
                {
                    "cadre_id": node,
                    "name": data.name(node),
                    "unit_name": data.units.name(data.unit_of(node)),
                    "participation": round(coefficient, 4),
                    "collaborators": degree,
                    "communities_reached": len(reached),
                    "community": community_of[node],
                }
            )
    bridges.sort(key=lambda b: (-b["participation"], -b["collaborators"], b["cadre_id"]))

    pool = data.pool_members()
    cutoff = add_months(data.as_of, -round(policy.quiet_unpromoted_years * 12))
    quiet: list[QuietPerformer] = []
    for cadre_id, record in data.records.items():
        if cadre_id in pool:
            continue
        years = [y for y in sorted(record.annual_grades, reverse=True) if y < data.as_of.year][:3]
        excellent = [y for y in years if record.annual_grades[y] == "优秀"]
        if len(excellent) < policy.quiet_excellent_years:
            continue
        strong = [
            (project, role, result)
            for project, role, result in record.projects
            if result == "优秀" or (role == "负责人" and result == "良好")
        ]
        if not strong:
            continue
        since = _unpromoted_since(record.cadre)
        if since is None or since > cutoff:
            continue
        quiet.append(
            {
                "cadre_id": cadre_id,
                "name": data.name(cadre_id),
                "unit_name": data.units.name(data.unit_of(cadre_id)),
                "level": record.cadre.get("level"),
                "age": round(data.age(cadre_id) or 0, 1),
                "excellent_years": sorted(excellent),
                "strong_projects": [
                    f"{p.get('name')}（{role}，{result}）" for p, role, result in strong
                ],
                "unpromoted_since": since.isoformat(),
                "collaborators": graph.degree(cadre_id) if cadre_id in graph else 0,
            }
        )
    quiet.sort(
        key=lambda q: (-len(q["excellent_years"]), -len(q["strong_projects"]), q["cadre_id"])
    )
    return {
        "as_of": data.as_of.isoformat(),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "isolated": graph.number_of_nodes() - linked.number_of_nodes(),
        "modularity": round(nx.community.modularity(linked, communities, weight="weight"), 4)
        if communities
        else None,
        "communities": community_rows,
        "bridges": bridges,
        "quiet_performers": quiet,
        "measures": {
            "links": "共同参与项目（每个项目计1）或同一领导班子（计1）",
            "communities": f"Louvain模块度社区（加权，resolution={policy.louvain_resolution:g}）",
            "bridges": f"参与系数P≥{policy.bridge_participation:g}且合作者≥"
            f"{policy.bridge_min_degree}人（P=1-Σ(社区内连接权重/总权重)²）",
            "quiet_performers": f"近三年至少{policy.quiet_excellent_years}次优秀、有优秀项目成效"
            f"（或牵头且良好），未入库，{policy.quiet_unpromoted_years:g}年未提拔",
        },
    }
