"""Campaign evidence: every union is kept (n − 1 links, in words), drawn, weak joins shown, and an analyst's split sticks."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from distillguard.features.account import AccountState
from distillguard.linking.evidence import apply_splits, export
from distillguard.linking.linker import CampaignLinker


def _state(account: str, card: str | None = None, ip: str | None = None, ua: str | None = None, domain: str | None = None) -> AccountState:
    state = AccountState(account)
    if card:
        state.payments.add(card)
    if ip:
        state.ips.add(ip)
        state.prefixes_net.add(ip.rsplit(".", 1)[0])
    if ua:
        state.user_agents.add(ua)
    if domain:
        state.email_domains.add(domain)
    return state


def _two_operations() -> list[AccountState]:
    """Two card rings (4 + 3 accounts) that one pair of members joins by IP, client and e-mail domain."""
    ring_a = [_state(f"a{i}", card="card-a") for i in range(4)]
    ring_b = [_state(f"b{i}", card="card-b") for i in range(3)]
    for state in (ring_a[0], ring_b[0]):
        state.ips.add("10.1.2.3")
        state.prefixes_net.add("10.1.2")
        state.user_agents.add("tool/1.0")
        state.email_domains.add("shell-co.example")
    return ring_a + ring_b


def test_the_linker_keeps_every_union_as_a_spanning_forest_in_words():
    linker = CampaignLinker()
    for state in _two_operations():
        linker.observe(state)
    campaigns = linker.campaigns()
    assert len(campaigns) == 1
    root, members = next(iter(campaigns.items()))
    forest = export(linker, root)["forest"]
    assert len(forest) == len(members) - 1  # the old linker exposed at most 25 sampled links
    assert {e["words"] for e in forest} >= {"same card"}
    joins = [e for e in forest if e["shared"] != "payment"]
    assert len(joins) == 1 and "same" in joins[0]["words"] and "also" in joins[0]["words"]
    # every member is reachable through the forest
    touched = {e["a"] for e in forest} | {e["b"] for e in forest}
    assert touched == set(members)


def test_a_large_campaign_keeps_all_its_links_past_the_old_cap():
    linker = CampaignLinker()
    for i in range(60):
        linker.observe(_state(f"m{i:03d}", card="card-big"))
    (root, members), = linker.campaigns().items()
    assert len(members) == 60 and len(linker.evidence(root)["forest"]) == 59
    assert len(linker.evidence(root)["sample_links"]) == 25  # the old view, for comparison


def test_a_split_is_never_rejoined_however_much_the_sides_share():
    states = _two_operations()
    linker = CampaignLinker()
    for state in states:
        linker.observe(state)
    (root, members), = linker.campaigns().items()
    labels = {s.account_id: {"split-1": "a" if s.account_id.startswith("a") else "b"} for s in states}
    fresh = apply_splits(linker, labels, "sig-1")
    assert fresh is not linker and apply_splits(fresh, labels, "sig-1") is fresh
    for state in states:
        fresh.observe(state)
    # more shared evidence arrives later: still no union across the split
    for state in states:
        state.user_agents.add("tool/2.0")
        fresh.observe(state)
    groups = sorted(sorted(m) for m in fresh.campaigns().values())
    assert groups == [["a0", "a1", "a2", "a3"], ["b0", "b1", "b2"]]


def _campaign_with_bridge(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT campaign_id, member_ids, links FROM campaigns ORDER BY members DESC").fetchall()
    finally:
        con.close()
    from distillguard.dashboard.triage import forest_edges, weak_bridges

    for campaign_id, member_ids, links in rows:
        members = json.loads(member_ids)
        bridges = weak_bridges(members, forest_edges({"links": json.loads(links)}))
        if bridges:
            return campaign_id, members, bridges[0]
    return None


pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")

from tests.dashboard.conftest import csrf_of  # noqa: E402


def test_campaign_page_draws_every_link_and_lists_them_in_words(make_client, store):
    con = duckdb.connect(str(store), read_only=True)
    campaign_id, members, links = con.execute("SELECT campaign_id, members, links FROM campaigns ORDER BY members DESC LIMIT 1").fetchone()
    con.close()
    assert len(json.loads(links)["forest"]) == members - 1
    client = make_client("bob")
    page = client.get(f"/campaigns/{campaign_id}").text
    graph = page.split('<svg class="chart graph"')[1].split("</svg>")[0]
    assert graph.count("<line") == members - 1 and graph.count("<circle") == members
    assert page.split('id="links"')[1].split("</details>")[0].count("<tr>") == members - 1 + 1  # header row + one per link
    assert "same card" in page or "same IP" in page or "same /24" in page


def test_an_analyst_splits_a_campaign_and_the_split_holds_on_rescan(make_client, store, base_store, tmp_path):
    found = _campaign_with_bridge(store)
    assert found, "the test store has a campaign joined by a single weak link"
    campaign_id, members, bridge = found
    side = bridge["side"]
    client = make_client("carol")
    page = client.get(f"/campaigns/{campaign_id}")
    assert "Sub-groups joined by a single weak link" in page.text and "split here" in page.text
    form = {"csrf": csrf_of(page.text), "reason": "two operations: different cards and findings", "member": side}
    done = client.post(f"/campaigns/{campaign_id}/split", data=form)
    assert done.status_code == 200 and "holds on every rescan" in done.text
    api = client.get("/api/campaigns").json()["campaigns"]
    client.app.state.data.close()

    def groups(db) -> dict[str, str | None]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return dict(con.execute("SELECT account_id, campaign_id FROM verdicts WHERE account_id IN (SELECT unnest(?::VARCHAR[]))",
                                    [members]).fetchall())
        finally:
            con.close()

    after = groups(store)
    rest = [m for m in members if m not in side]
    assert not {after[m] for m in side} & {after[m] for m in rest}, "the split sides are in different campaigns now"
    assert all(c["campaign_id"] for c in api)
    # a rescan with new traffic from both sides keeps them apart
    con = duckdb.connect(str(store), read_only=True)
    rows = con.execute("SELECT request_id FROM events WHERE account_id IN (SELECT unnest(?::VARCHAR[])) LIMIT 400", [members]).fetchall()
    con.close()
    wanted = {r[0] for r in rows}
    more = tmp_path / "more.jsonl"
    with open(base_store.parent / "sim" / "events.jsonl") as source, open(more, "w") as out:
        for line in source:
            event = json.loads(line)
            if event["request_id"] in wanted:
                event["request_id"] += "-again"
                out.write(json.dumps(event) + "\n")
    from distillguard.pipeline import scan

    scan(more, db=store, workers=1)
    again = groups(store)
    assert not {again[m] for m in side} & {again[m] for m in rest}


def test_split_needs_a_proper_side_and_a_reason(make_client, store):
    found = _campaign_with_bridge(store)
    campaign_id, members, _ = found
    client = make_client("carol")
    token = csrf_of(client.get(f"/campaigns/{campaign_id}").text)
    everyone = client.post(f"/campaigns/{campaign_id}/split", data={"csrf": token, "reason": "x", "member": members})
    assert "not all" in everyone.text
    no_reason = client.post(f"/campaigns/{campaign_id}/split", data={"csrf": token, "member": [members[0]]})
    assert "reason is required" in no_reason.text
    viewer = make_client("bob")
    assert viewer.post(f"/campaigns/{campaign_id}/split", data={"csrf": token, "reason": "x", "member": [members[0]]},
                       follow_redirects=False).status_code == 403
    assert re.search(r"split here", client.get(f"/campaigns/{campaign_id}").text)


def test_a_campaign_too_large_to_draw_is_drawn_as_its_strong_groups():
    from distillguard.dashboard.triage import cluster_graph

    members = [f"a{i}" for i in range(30)] + [f"b{i}" for i in range(20)]
    edges = [{"a": "a0", "b": f"a{i}", "shared": "payment", "families": ["payment"]} for i in range(1, 30)]
    edges += [{"a": "b0", "b": f"b{i}", "shared": "payment", "families": ["payment"]} for i in range(1, 20)]
    edges.append({"a": "a3", "b": "b7", "shared": "ip+ua", "families": ["client", "created", "network"]})
    nodes, links = cluster_graph(members, edges, {"a5": {"risk": 0.9, "flagged": True}}, max_nodes=10)
    assert sorted(n["size"] for n in nodes) == [20, 30]
    assert len(links) == 1 and links[0]["shared"] == "ip+ua"
    assert any(n["href"] == "a5" and n["flagged"] for n in nodes)  # named and linked by its riskiest member
    assert cluster_graph(members, [], {}, max_nodes=10) is None  # nothing strong to group by: the caller draws what fits
