"""Actions in the gateway's words, with expiry; one audit row per decision; a queue that groups, sorts and assigns."""

from __future__ import annotations

import re

import duckdb
import pytest

pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")

from tests.dashboard.conftest import LiveServer, csrf_of, fake_gateway  # noqa: E402


def _flagged(store, campaign: bool) -> str:
    con = duckdb.connect(str(store), read_only=True)
    try:
        where = "campaign_id IS NOT NULL" if campaign else "campaign_id IS NULL"
        return con.execute(f"SELECT {'campaign_id' if campaign else 'account_id'} FROM verdicts WHERE flagged AND {where} "
                           "ORDER BY risk DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def _members(store, campaign_id: str) -> list[str]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT account_id FROM verdicts WHERE campaign_id = ?", [campaign_id]).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("action", ["block", "allow", "throttle", "hold", "degrade"])
def test_every_gateway_action_is_accepted_with_expiry_and_sent_in_the_gateways_words(make_client, store, action):
    account_id = _flagged(store, campaign=False)
    gateway = fake_gateway("gw")
    with LiveServer(gateway) as server:
        client = make_client("carol", gateway_url=server.url, gateway_token="gw")
        page = client.get("/queue")
        api = client.post("/api/actions", json={"action": action, "reason": "analyst decision", "account_id": account_id, "expiry": "24h"},
                          headers={"x-csrf-token": csrf_of(page.text)})
        assert api.status_code == 200, api.text  # `throttle` used to answer 403 "unknown action"
        body = api.json()
        assert body["expires_at"] and body["accounts"] == 1 and body["gateway"]["ok"] == 1
        assert gateway.state.calls[-1]["action"] == action and gateway.state.calls[-1]["expires_in_s"] > 23 * 3600
        assert account_id in client.get(f"/queue?status={action}").text
        assert f'value="account:{account_id}"' not in client.get("/queue").text


def test_old_words_and_bad_input_are_refused_with_the_reason(make_client, store):
    account_id = _flagged(store, campaign=False)
    client = make_client("carol")
    token = csrf_of(client.get("/queue").text)
    refused = client.post("/api/actions", json={"action": "approve", "reason": "x", "account_id": account_id}, headers={"x-csrf-token": token})
    assert refused.status_code == 400 and "'approve' is now 'block'" in refused.json()["error"]
    no_reason = client.post("/api/actions", json={"action": "block", "reason": " ", "account_id": account_id}, headers={"x-csrf-token": token})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]
    bad_expiry = client.post("/api/actions", json={"action": "block", "reason": "x", "account_id": account_id, "expiry": "5y"},
                             headers={"x-csrf-token": token})
    assert bad_expiry.status_code == 400 and "expiry" in bad_expiry.json()["error"]


def test_reset_on_a_never_acted_account_is_refused_and_keeps_it_in_the_queue(make_client, store):
    account_id = _flagged(store, campaign=False)
    client = make_client("carol")
    queue = client.get("/queue")
    done = client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "reset", "reason": "appeal", "target": f"account:{account_id}"})
    assert "nothing to reset" in done.text
    assert f'value="account:{account_id}"' in client.get("/queue").text  # it used to drop out silently
    assert client.get("/api/audit").json()["total"] == 0
    client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "hold", "reason": "look closer", "target": f"account:{account_id}"})
    assert f'value="account:{account_id}"' not in client.get("/queue").text
    client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "reset", "reason": "cleared", "target": f"account:{account_id}"})
    assert f'value="account:{account_id}"' in client.get("/queue").text  # back to pending, decided by policy again


def test_an_expired_action_returns_the_account_to_the_queue(make_client, store):
    account_id = _flagged(store, campaign=False)
    client = make_client("carol")
    queue = client.get("/queue")
    client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "block", "reason": "x", "expiry": "1h", "target": f"account:{account_id}"})
    assert f'value="account:{account_id}"' not in client.get("/queue").text
    with client.app.state.data.writing() as cursor:
        cursor.execute("UPDATE action_targets SET expires_at = now() - INTERVAL 1 MINUTE WHERE account_id = ?", [account_id])
    assert f'value="account:{account_id}"' in client.get("/queue").text
    assert account_id in client.get("/queue?status=expired").text


def test_a_campaign_decision_is_one_audit_row_found_from_campaign_and_member(make_client, store):
    campaign_id = _flagged(store, campaign=True)
    members = _members(store, campaign_id)
    client = make_client("carol")
    page = client.get(f"/campaigns/{campaign_id}")
    client.post("/actions", data={"csrf": csrf_of(page.text), "action": "block", "reason": "whole ring", "expiry": "7d",
                                  "campaign_id": campaign_id})
    rows = client.get(f"/api/audit?campaign_id={campaign_id}").json()
    assert rows["total"] == 1 and sorted(rows["audit"][0]["evidence"]["members"]) == sorted(members)
    assert rows["audit"][0]["evidence"]["expires_at"]
    # the member's own audit view finds the campaign decision that covered it
    member_rows = client.get(f"/api/audit?account_id={members[-1]}").json()
    assert member_rows["total"] == 1 and member_rows["audit"][0]["campaign_id"] == campaign_id
    # and a member-level action shows up when filtering by campaign
    client.post("/actions", data={"csrf": csrf_of(page.text), "action": "allow", "reason": "known customer", "account_id": members[0]})
    assert client.get(f"/api/audit?campaign_id={campaign_id}").json()["total"] == 2


def test_bulk_select_assign_sort_and_new_since_last_scan(make_client, store):
    client = make_client("carol")
    queue = client.get("/queue")
    targets = re.findall(r'name="target" value="([^"]+)"', queue.text)
    assert any(t.startswith("campaign:") for t in targets) and len(targets) >= 2
    assigned = client.post("/actions", data={"csrf": csrf_of(queue.text), "op": "assign", "assignee": "alice", "target": targets[:2]})
    assert "assigned 2 item(s) to alice" in assigned.text
    mine = client.get("/queue?assignee=alice").text
    assert all(f'value="{t}"' in mine for t in targets[:2]) and not any(f'value="{t}"' in mine for t in targets[2:])
    by_size = client.get("/queue?sort=size").text
    sizes = [int(n) for n in re.findall(r'</td><td>(\d+)</td><td>[\d,]+</td>', by_size)]
    assert sizes == sorted(sizes, reverse=True) and sizes
    # the store was scanned once: nothing is "new since last scan" yet
    assert "Nothing waits for review" in client.get("/queue?new=1").text
    bulk = client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "throttle", "reason": "bulk", "target": targets[:2]})
    assert "as 2 row(s)" in bulk.text
    assert client.get("/api/audit").json()["total"] == 2


def test_new_since_last_scan_marks_what_the_latest_scan_first_flagged(tmp_path):
    from distillguard.alerts.history import update

    con = duckdb.connect(str(tmp_path / "h.duckdb"))
    first = [{"campaign_id": "camp-1", "members": 4, "risk": 0.9, "flagged": True}]
    assert [e["kind"] for e in update(con, 1, [{"account_id": "a", "flagged": True}], first, [10])] == ["new"]
    later = first + [{"campaign_id": "camp-2", "members": 3, "risk": 0.8, "flagged": True}]
    events = update(con, 2, [{"account_id": "a", "flagged": True}, {"account_id": "b", "flagged": True}], later, [10])
    assert [(e["kind"], e["campaign_id"]) for e in events] == [("new", "camp-2")]
    new = dict(con.execute("SELECT id, first_scan FROM flag_history").fetchall())
    assert new == {"camp-1": 1, "camp-2": 2, "a": 1, "b": 2}


def test_detectors_behind_flags_count_only_findings_that_carry_weight(make_client, store):
    import json

    con = duckdb.connect(str(store), read_only=True)
    findings = [json.loads(f) for (f,) in con.execute("SELECT findings FROM verdicts WHERE flagged").fetchall()]
    con.close()
    strong, any_score = {}, {}
    for account in findings:
        for name in {f["detector"] for f in account if f["score"] >= 0.3}:
            strong[name] = strong.get(name, 0) + 1
        for name in {f["detector"] for f in account}:
            any_score[name] = any_score.get(name, 0) + 1
    assert strong != any_score, "the store has flagged accounts with faint side-findings (what used to be counted)"
    shown = {d["detector"]: d["accounts"] for d in make_client("bob").get("/api/overview").json()["detectors"]}
    assert shown == dict(sorted(strong.items(), key=lambda kv: -kv[1])[:12]) or shown == strong
