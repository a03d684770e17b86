"""Alerts: a Slack-compatible webhook when a campaign is newly flagged or grows past a size, sent by the scan itself."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class _Hook:
    """A local webhook receiver that records every JSON body posted to it."""

    def __init__(self) -> None:
        bodies = self.bodies = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    """Two flagged campaigns in a small population."""
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    root = tmp_path_factory.mktemp("alerts")
    campaigns = [CampaignSpec("synthetic-instruction-harvest", sybils=6, requests_per_account=40, pacing="diurnal"),
                 CampaignSpec("logprob-extraction", sybils=3, requests_per_account=60, proxy_pool=0)]
    simulate(SimConfig(seed=21, legit_accounts=30, volume_scale=0.2, campaigns=campaigns), root / "one")
    return root


def test_a_scan_posts_newly_flagged_campaigns_once(sims, tmp_path):
    from distillguard.pipeline import scan

    with _Hook() as hook:
        config = tmp_path / "cfg.yaml"
        config.write_text(f"alerts:\n  webhook_url: {hook.url}\n  grow_past: [10]\n")
        db = tmp_path / "s.duckdb"
        first = scan(sims / "one" / "events.jsonl", db=db, config=config, workers=1)
        flagged_first = {c["campaign_id"] for c in first.campaigns if c["flagged"]}
        assert flagged_first and len(hook.bodies) == 1
        body = hook.bodies[0]
        assert body["text"].startswith("distillguard:") and body["blocks"]  # what Slack renders
        assert {e["campaign_id"] for e in body["distillguard"] if e["kind"] == "new"} == flagged_first
        # no account ids, prompts or IPs leave the store
        assert "acct-" not in json.dumps(body)
        # the same scan again: nothing new, nothing posted
        scan(sims / "one" / "events.jsonl", db=db, config=config, workers=1)
        assert len(hook.bodies) == 1



def test_growth_past_a_size_is_alerted_once_even_when_the_campaign_id_changes(tmp_path):
    import duckdb

    from distillguard.alerts import after_scan

    con = duckdb.connect(str(tmp_path / "h.duckdb"))
    ring = [f"acct-{i:02d}" for i in range(6)]

    def campaign(campaign_id, members, risk=0.9):
        return {"campaign_id": campaign_id, "members": len(members), "member_ids": members, "risk": risk, "flagged": True}

    config = {"alerts": {"grow_past": [10, 50]}}
    assert [e["kind"] for e in after_scan(con, 1, [], [campaign("camp-a", ring)], config)] == ["new"]
    assert after_scan(con, 2, [], [campaign("camp-a", ring)], config) == []
    # eight accounts join, one of them sorts first, so the campaign's id changes: it is the same campaign, grown
    grown = ["acct-00a"] + ring + [f"acct-1{i}" for i in range(7)]
    events = after_scan(con, 3, [], [campaign("camp-b", grown)], config)
    assert [(e["kind"], e["was"], e["members"], e["threshold"]) for e in events] == [("grew", 6, 14, 10)]
    assert after_scan(con, 4, [], [campaign("camp-b", grown + ["acct-99"])], config) == []  # 15: no new threshold crossed
    below = after_scan(con, 5, [], [campaign("camp-c", [f"other-{i}" for i in range(3)], risk=0.2)], config)
    assert below == []  # under alerts.min_risk: not flagged for alerting


def test_a_dead_webhook_never_fails_the_scan(sims, tmp_path):
    from distillguard.pipeline import scan
    from tests.dashboard.conftest import free_port

    config = tmp_path / "cfg.yaml"
    config.write_text(f"alerts:\n  webhook_url: http://127.0.0.1:{free_port()}/hook\n")
    result = scan(sims / "one" / "events.jsonl", db=tmp_path / "s.duckdb", config=config, workers=1)
    assert result.stats["flagged_campaigns"] >= 1


def test_payload_is_slack_compatible_and_names_the_strongest_finding():
    from distillguard.alerts.webhook import payload

    body = payload([{"kind": "new", "campaign_id": "camp-1", "members": 12, "risk": 0.91,
                     "findings": [{"detector": "timing_pattern", "score": 0.2}, {"detector": "instruction_harvest", "score": 0.9}]}])
    assert set(body) == {"text", "blocks", "distillguard"}
    assert "camp-1" in body["text"] and "12 accounts" in body["text"] and "instruction_harvest" in body["text"]
    assert body["blocks"][0]["type"] == "section" and body["blocks"][0]["text"]["type"] == "mrkdwn"
