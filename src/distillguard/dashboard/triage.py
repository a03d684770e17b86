"""Triage at scale: the review queue grouped by campaign, and the structure of one campaign's links.

The queue shows one row per campaign (its pending flagged members counted) and one per
loose account, sortable, with who it is assigned to and whether the latest scan is the
first to flag it. A campaign's graph is its whole spanning forest of unions; the links
that alone hold two sizeable sub-groups together are shown as candidate splits.
"""

from __future__ import annotations

import json
from collections import defaultdict

from distillguard.dashboard.actions import STANDING
from distillguard.dashboard.data import top_finding

QUEUE_SORTS = {"risk": "risk DESC", "size": "pending DESC, risk DESC", "requests": "requests DESC", "new": "is_new DESC, risk DESC",
               "target": "target"}
STRONG_KINDS = {"payment"}
MIN_FAMILIES = 3  # as the linker: a union on exactly this many families is the weakest it makes


def queue(data, sort: str = "risk", assignee: str = "", new_only: bool = False, q: str = "", page: int = 1,
          per_page: int = 50) -> tuple[list[dict], int]:
    """(items, total): pending flagged accounts grouped into their campaigns, loose accounts on their own."""
    where, params = ["1=1"], []
    if q:
        where.append("(target ILIKE ? OR list_contains(ids, ?))")
        params += [f"%{q}%", q]
    if assignee == "-":
        where.append("assignee IS NULL")
    elif assignee:
        where.append("assignee = ?")
        params.append(assignee)
    if new_only:
        where.append("is_new")
    sql = f"""
      WITH pend AS (SELECT v.* FROM verdicts v ANTI JOIN ({STANDING}) l ON l.account_id = v.account_id WHERE v.flagged),
      latest AS (SELECT max(scan_id) s FROM scans),
      grouped AS (
        SELECT coalesce(p.campaign_id, p.account_id) target, CASE WHEN p.campaign_id IS NULL THEN 'account' ELSE 'campaign' END kind,
               count(*) pending, max(p.risk) risk, sum(p.requests) requests, list(p.account_id ORDER BY p.risk DESC) ids,
               arg_max(p.findings, p.risk) findings
        FROM pend p GROUP BY ALL),
      assigned AS (SELECT target, arg_max(assignee, ts) assignee FROM assignments GROUP BY target)
      SELECT g.*, c.members, a.assignee, coalesce(h.first_scan = (SELECT s FROM latest) AND h.first_scan > 1, false) is_new
      FROM grouped g LEFT JOIN campaigns c ON g.kind = 'campaign' AND c.campaign_id = g.target
      LEFT JOIN assigned a ON a.target = g.target
      LEFT JOIN flag_history h ON h.kind = g.kind AND h.id = g.target"""
    filtered = f"SELECT * FROM ({sql}) WHERE {' AND '.join(where)}"
    total = data.scalar(f"SELECT count(*) FROM ({filtered})", params)
    order = QUEUE_SORTS.get(sort, QUEUE_SORTS["risk"])
    rows = data.rows(f"{filtered} ORDER BY {order}, target LIMIT ? OFFSET ?", params + [per_page, (page - 1) * per_page])
    for r in rows:
        findings = json.loads(r.pop("findings") or "[]")
        r["top"] = top_finding(findings)
        r["ids"] = list(r["ids"] or [])[:5]
    return rows, total


def forest_edges(campaign: dict) -> list[dict]:
    """Every union that joined the campaign; stores scanned before the forest was kept fall back to the sampled links."""
    links = campaign.get("links") or {}
    edges = links.get("forest")
    if edges is None:
        edges = [dict(e, words=e.get("shared", ""), families=[]) for e in links.get("sample_links", []) or []]
    return [dict(e) for e in edges]


def is_weak(edge: dict) -> bool:
    kinds = set((edge.get("shared") or "").split("+"))
    return not (kinds & STRONG_KINDS) and len(edge.get("families") or ()) <= MIN_FAMILIES


def weak_bridges(members: list[str], edges: list[dict], min_side: int = 2) -> list[dict]:
    """Weak links whose removal cuts the forest into two parts of at least `min_side` members each: candidate splits.

    In a forest every edge is a bridge, so each side is the component reached without crossing it.
    """
    neighbours: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for i, e in enumerate(edges):
        neighbours[e["a"]].append((e["b"], i))
        neighbours[e["b"]].append((e["a"], i))
    out = []
    for i, e in enumerate(edges):
        if not is_weak(e):
            continue
        side, stack = {e["a"]}, [e["a"]]
        while stack:
            node = stack.pop()
            for other, j in neighbours[node]:
                if j != i and other not in side:
                    side.add(other)
                    stack.append(other)
        rest = len(members) - len(side)
        small = side if len(side) <= rest else set(members) - side
        if min(len(side), rest) >= min_side:
            out.append({**e, "side": sorted(small), "sizes": sorted((len(side), rest))})
    out.sort(key=lambda b: -b["sizes"][0])
    return out


def cluster_graph(members: list[str], edges: list[dict], risk: dict[str, dict], max_nodes: int) -> tuple[list[dict], list[dict]] | None:
    """A campaign too large to draw account by account, as its strongly linked sub-groups (one node each, named
    by its riskiest member and size) joined by the weak links between them; None when even that is too many nodes."""
    parent = {m: m for m in members}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for e in edges:
        if not is_weak(e):
            parent[find(e["a"])] = find(e["b"])
    groups: dict[str, list[str]] = defaultdict(list)
    for m in members:
        groups[find(m)].append(m)
    if len(groups) > max_nodes:
        return None
    head = {root: max(group, key=lambda a: (risk.get(a, {}).get("risk") or 0, a)) for root, group in groups.items()}
    label = {root: f"{head[root]} +{len(group) - 1}" if len(group) > 1 else head[root] for root, group in groups.items()}
    nodes = [{"id": label[root], "risk": max((risk.get(a, {}).get("risk") or 0) for a in group),
              "flagged": any(risk.get(a, {}).get("flagged") for a in group), "size": len(group), "href": head[root]}
             for root, group in groups.items()]
    joined = {}
    for e in edges:
        ra, rb = find(e["a"]), find(e["b"])
        if ra != rb:
            joined.setdefault(tuple(sorted((ra, rb))), dict(e, a=label[ra], b=label[rb]))
    return nodes, list(joined.values())
