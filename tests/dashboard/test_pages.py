"""Pages show what is in the store; actions land in the audit trail and reach the gateway's admin API."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")

from tests.dashboard.conftest import LiveServer, csrf_of, fake_gateway  # noqa: E402


def _top_campaign(store) -> tuple[str, list[str]]:
    con = duckdb.connect(str(store), read_only=True)
    cid, members = con.execute("SELECT campaign_id, member_ids FROM campaigns ORDER BY risk DESC, members DESC LIMIT 1").fetchone()
    con.close()
    return cid, json.loads(members)


def test_overview_figures_match_the_store(make_client, store):
    con = duckdb.connect(str(store), read_only=True)
    events, flagged, campaigns = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM verdicts WHERE flagged), (SELECT count(*) FROM campaigns WHERE flagged)").fetchone()
    leaked = con.execute("SELECT count(*) FROM events WHERE coalesce(status, 200) < 400 AND account_id IN "
                         "(SELECT account_id FROM verdicts WHERE flagged)").fetchone()[0]
    con.close()
    client = make_client("bob")
    page = client.get("/")
    assert page.status_code == 200
    assert f'<span class="v">{events:,}</span>' in page.text and f'<span class="v">{flagged:,}</span>' in page.text
    assert f"{leaked:,}" in page.text
    assert page.text.count("<svg") >= 6 and "requests per hour" in page.text
    api = client.get("/api/overview").json()
    assert api["events"] == events and api["flagged_campaigns"] == campaigns and api["leak_responses"] == leaked


def test_campaign_page_graph_findings_prompts(make_client, store):
    cid, members = _top_campaign(store)
    client = make_client("carol")
    page = client.get(f"/campaigns/{cid}")
    assert page.status_code == 200
    html = page.text
    graph = html.split('class="chart graph"')[1].split("</svg>")[0]
    assert graph.count("<circle") == min(len(members), 150)
    for member in members[:5]:
        assert f"/accounts/{member}" in html
    assert "atlas.mitre.org/techniques/AML.T" in html and "statistics (" in html
    assert "Representative prompts" in html and "Redaction on" in html
    assert "Redaction off" in client.get(f"/campaigns/{cid}?raw=1").text
    assert client.get("/campaigns/camp-nope").status_code == 404


def test_account_page_percentiles_history_and_requests(make_client, store):
    con = duckdb.connect(str(store), read_only=True)
    account_id, requests = con.execute("SELECT account_id, requests FROM verdicts WHERE flagged ORDER BY risk DESC LIMIT 1").fetchone()
    con.close()
    client = make_client("carol")
    page = client.get(f"/accounts/{account_id}")
    assert page.status_code == 200
    assert "Features against the population" in page.text and page.text.count('class="meter"') >= 10
    assert "No actions on this account yet" in page.text
    token = csrf_of(page.text)
    done = client.post("/actions", data={"csrf": token, "action": "allow", "reason": "known customer batch job",
                                         "account_id": account_id, "next": f"/accounts/{account_id}"})
    assert done.status_code == 200 and "no gateway configured" in done.text
    assert "known customer batch job" in done.text and "status-allow" in done.text
    assert client.get("/accounts/acct-nope").status_code == 404


def test_queue_lists_pending_and_moves_on_after_an_action(make_client, store):
    client = make_client("carol")
    queue = client.get("/queue")
    loose = re.findall(r'name="target" value="account:([^"]+)"', queue.text)
    assert loose, "the queue lists loose flagged accounts beside campaigns"
    first = loose[0]
    client.post("/actions", data={"csrf": csrf_of(queue.text), "action": "block", "reason": "clear extraction", "target": f"account:{first}"})
    assert f'value="account:{first}"' not in client.get("/queue").text
    assert first in client.get("/queue?status=block").text
    audit = client.get(f"/audit?account_id={first}")
    assert "clear extraction" in audit.text and "carol" in audit.text
    row = client.get(f"/api/audit?account_id={first}").json()["audit"][0]
    assert row["action"] == "block" and row["actor"] == "carol" and row["evidence"]["risk"] > 0


def test_campaign_action_goes_through_the_gateway_admin_api(make_client, store):
    cid, members = _top_campaign(store)
    gateway = fake_gateway("gw-token")
    with LiveServer(gateway) as server:
        client = make_client("carol", gateway_url=server.url, gateway_token="gw-token")
        page = client.get(f"/campaigns/{cid}")
        done = client.post("/actions", data={"csrf": csrf_of(page.text), "action": "block", "reason": "confirmed campaign",
                                             "campaign_id": cid, "expiry": "24h", "next": f"/campaigns/{cid}"})
        assert f"gateway: {len(members)} applied" in done.text
        calls = gateway.state.calls
        assert sorted(c["account_id"] for c in calls) == sorted(members)
        assert all(c["action"] == "block" and c["actor"] == "carol" and c["campaign_id"] == cid and c["expires_at"] for c in calls)
        audit = client.get(f"/api/audit?campaign_id={cid}").json()
        # one decision, one audit row, its members listed
        assert audit["total"] == 1 and audit["audit"][0]["evidence"]["gateway"]["ok"]
        assert sorted(audit["audit"][0]["evidence"]["members"]) == sorted(members)
        # the same request id names the action in both audit trails
        assert {r["request_id"] for r in audit["audit"]} == {c["request_id"] for c in calls}
        audit_page = client.get("/audit")
        assert "Gateway audit trail" in audit_page.text and "confirmed campaign" in audit_page.text.split("Gateway audit trail")[1]
        account_page = client.get(f"/accounts/{members[0]}")
        assert "At the gateway" in account_page.text


def test_gateway_failures_are_recorded_not_hidden(make_client, store):
    cid, members = _top_campaign(store)
    with LiveServer(fake_gateway("gw-token", fail=True)) as server:
        client = make_client("carol", gateway_url=server.url, gateway_token="gw-token")
        page = client.get(f"/accounts/{members[0]}")
        done = client.post("/actions", data={"csrf": csrf_of(page.text), "action": "hold", "reason": "appeal", "account_id": members[0],
                                             "next": f"/accounts/{members[0]}"})
        assert "1 FAILED" in done.text
    row = client.get(f"/api/audit?account_id={members[0]}").json()["audit"][0]
    assert row["evidence"]["gateway"]["ok"] is False and row["evidence"]["gateway"]["failures"][0]["status"] == 500


def test_intel_page_fallback_and_files(make_client, tmp_path):
    client = make_client("bob")
    page = client.get("/intel")
    assert page.status_code == 200 and "No intel files were given" in page.text and "intel_match findings in the store" in page.text
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "identity", "id": "identity--1", "name": "provider-a"},
        {"type": "campaign", "id": "campaign--1", "name": "camp-123"},
        {"type": "attack-pattern", "id": "attack-pattern--1", "name": "Extract ML Model",
         "external_references": [{"source_name": "mitre-atlas", "external_id": "AML.T0024.002"}]},
        {"type": "indicator", "id": "indicator--1", "name": "hashed ip", "pattern_type": "stix",
         "pattern": "[x-distillguard-identifier:hmac = 'abc']", "valid_from": "2026-01-01T00:00:00Z"}]}))
    received = tmp_path / "received"
    received.mkdir()
    (received / "peer.json").write_text(sent.read_text().replace("provider-a", "provider-b"))
    matches = tmp_path / "matches.jsonl"
    matches.write_text(json.dumps({"account_id": "acct-1", "detector": "intel_match", "score": 0.9, "summary": "matched peer intel",
                                   "atlas": "AML.T0024.002", "evidence": {}}) + "\n")
    client = make_client("bob", intel={"sent": [sent], "received": [received], "matches": [matches]})
    page = client.get("/intel").text
    assert "provider-a" in page and "provider-b" in page and "hashed ip" in page and "matched peer intel" in page


def test_lists_filter_and_paginate(make_client, store):
    client = make_client("bob")
    everything = client.get("/accounts")
    assert "page 1 of 2" in everything.text  # 81 accounts at 50 a page
    second = client.get("/accounts?page=2")
    ids_1 = set(re.findall(r'/accounts/(acct-[0-9a-f]+)"', everything.text))
    ids_2 = set(re.findall(r'/accounts/(acct-[0-9a-f]+)"', second.text))
    assert ids_1 and ids_2 and not ids_1 & ids_2
    flagged = client.get("/accounts?flagged=1")
    assert "flagged" in flagged.text and "page 1 of 2" not in flagged.text
    assert "No campaigns match" in client.get("/campaigns?q=zzzz").text


def test_redaction_masks_personal_data():
    from distillguard.dashboard.data import redact

    text = "mail bob@example.com or call +1 (555) 010-9999 from 10.1.2.3 with sk-abcdefghijklmnop1234 see https://x.io/a?b"
    masked = redact(text)
    for secret in ("bob@example.com", "555", "10.1.2.3", "sk-abc", "x.io"):
        assert secret not in masked
    assert "[EMAIL]" in masked and "[IP]" in masked and "[SECRET]" in masked and "[URL]" in masked


def test_store_is_released_between_requests_so_a_scan_can_write(make_client, store):
    import subprocess
    import sys

    client = make_client("bob", hold_store=False)
    assert client.get("/api/overview").json()["flagged"] > 0
    writer = ("import duckdb, sys, time\n"
              "con = duckdb.connect(sys.argv[1])\n"
              "con.execute('UPDATE verdicts SET flagged = false')\n"
              "con.execute(\"INSERT INTO scans VALUES (99, now(), now(), '[]', 0, 0, 0, 0, 'batch')\")\n"
              "print('locked', flush=True)\n"
              "time.sleep(2.5)\n"
              "con.close()\n")
    proc = subprocess.Popen([sys.executable, "-c", writer, str(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        busy = client.get("/")
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    finally:
        assert proc.wait(timeout=60) == 0
    fresh = client.get("/api/overview").json()
    assert fresh["flagged"] == 0  # the new scan's results, not a stale cache


def test_replay_store_shows_when_accounts_were_first_flagged(make_client, base_store, tmp_path):
    from distillguard.pipeline import scan

    db = tmp_path / "replay.duckdb"
    result = scan(base_store.parent / "sim" / "events.jsonl", db=db, replay=True, workers=1)
    before = sum(v.get("requests_before_flag") or 0 for v in result.verdicts if v["flagged"])
    client = make_client("bob", db=db)
    page = client.get("/").text
    assert "accounts first flagged" in page and f"{before:,} before first flag" in page
    flagged = next(v for v in result.verdicts if v["flagged"] and v.get("first_flag_ts"))
    assert "requests before first flag" in client.get(f"/accounts/{flagged['account_id']}").text


def test_an_empty_store_renders_every_page(make_client, tmp_path):
    from distillguard.store.duckdb_store import Store

    db = tmp_path / "empty.duckdb"
    Store(db).close()
    client = make_client("alice", db=db)
    for path in ("/", "/campaigns", "/accounts", "/queue", "/audit", "/intel", "/users", "/api/overview"):
        assert client.get(path).status_code == 200, path
    assert "No campaigns yet" in client.get("/").text


def test_serve_command_runs_the_dashboard(base_store, users_file, tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    import time

    import httpx

    from tests.dashboard.conftest import free_port

    db = tmp_path / "serve.duckdb"
    shutil.copy(base_store, db)
    port = free_port()
    env = {**os.environ, "DISTILLGUARD_DASHBOARD_SECRET": "serve-test-secret"}
    proc = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "serve", "--db", str(db), "--port", str(port),
                             "--users", str(users_file)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=5).status_code == 401
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            page = client.get("/login")
            client.post("/login", data={"username": "bob", "password": "correct-horse-battery", "csrf": csrf_of(page.text)})
            assert client.get("/api/overview").json()["accounts"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_an_unreachable_gateway_fails_fast_and_is_recorded(make_client, store):
    import time

    from tests.dashboard.conftest import free_port

    cid, members = _top_campaign(store)
    client = make_client("carol", gateway_url=f"http://127.0.0.1:{free_port()}", gateway_token="t")
    page = client.get(f"/campaigns/{cid}")
    assert "Gateway audit trail" not in page.text  # campaign page doesn't need it
    started = time.monotonic()
    done = client.post("/actions", data={"csrf": csrf_of(page.text), "action": "block", "reason": "gateway down",
                                         "campaign_id": cid, "next": f"/campaigns/{cid}"})
    assert time.monotonic() - started < 10
    assert f"{len(members)} FAILED" in done.text
    rows = client.get(f"/api/audit?campaign_id={cid}").json()["audit"]
    assert len(rows) == 1 and not rows[0]["evidence"]["gateway"]["ok"] and len(rows[0]["evidence"]["gateway"]["failures"]) == len(members)
    assert "could not be read" in client.get("/audit").text


def test_gateway_policy_rows_in_a_shared_audit_table_do_not_count_as_reviews(make_client, store):
    con = duckdb.connect(str(store))
    con.execute("CREATE TABLE IF NOT EXISTS audit (ts TIMESTAMPTZ, actor VARCHAR, account_id VARCHAR, campaign_id VARCHAR, action VARCHAR, "
                "reason VARCHAR, evidence_json VARCHAR, request_id VARCHAR)")
    account_id = con.execute("SELECT account_id FROM verdicts WHERE flagged ORDER BY risk DESC LIMIT 1").fetchone()[0]
    con.execute("INSERT INTO audit VALUES (now(), 'gateway-policy', ?, NULL, 'throttle', 'risk above threshold', 'not json', 'req-1')",
                [account_id])
    con.close()
    client = make_client("bob")
    assert account_id in client.get("/queue").text  # still pending review (listed under its campaign)
    audit = client.get("/audit").text
    assert "gateway-policy" in audit and "throttle" in audit
