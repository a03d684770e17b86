"""Builds a small dashboard store: simulated traffic with attacks, scanned into DuckDB.

Uses the real pipeline (`distillguard.pipeline.scan(..., db=...)`); if that is ever
unavailable it falls back to the detection engine + `Store` directly.
"""

from __future__ import annotations

from pathlib import Path


def sim_config(seed: int = 5):
    from distillguard.simulate.simulator import CampaignSpec, SimConfig

    campaigns = [
        CampaignSpec("synthetic-instruction-harvest", sybils=10, requests_per_account=40, pacing="diurnal", cover_share=0.2),
        CampaignSpec("cot-coercion", sybils=4, requests_per_account=40),
        CampaignSpec("benchmark-harvest", sybils=5, requests_per_account=40),
        CampaignSpec("logprob-extraction", sybils=3, requests_per_account=60, proxy_pool=0),
        # a lone extractor: the queue must show flagged accounts outside any campaign too
        CampaignSpec("logprob-extraction", sybils=1, requests_per_account=150, proxy_pool=0),
    ]
    return SimConfig(seed=seed, legit_accounts=60, volume_scale=0.25, campaigns=campaigns)


def build_store(directory: Path) -> Path:
    from distillguard.simulate.simulator import simulate

    directory.mkdir(parents=True, exist_ok=True)
    simulate(sim_config(), directory / "sim")
    db = directory / "store.duckdb"
    try:
        from distillguard.pipeline import scan
    except ImportError:
        scan = None
    if scan is not None:
        scan(directory / "sim" / "events.jsonl", db=db, workers=1)
        return db
    return _build_with_engine(directory / "sim" / "events.jsonl", db)


def _build_with_engine(events_path: Path, db: Path) -> Path:  # pragma: no cover - fallback only
    import json
    from datetime import datetime, timezone

    from distillguard.events.model import parse_event
    from distillguard.scoring.engine import DetectionEngine
    from distillguard.store.duckdb_store import Store

    engine = DetectionEngine()
    columns: dict[str, list] = {k: [] for k in ("request_id", "ts", "account_id", "ip", "user_agent", "endpoint", "model", "prompt",
                                                "prompt_tokens", "completion_tokens", "cost_usd", "status", "max_tokens",
                                                "temperature", "n", "logprobs", "logit_bias")}
    with open(events_path) as handle:
        for line in handle:
            event = parse_event(json.loads(line))
            prompt = event.prompt_text
            engine.ingest(event, prompt)
            req = event.request
            for key, value in (("request_id", event.request_id), ("ts", event.ts), ("account_id", event.account_id), ("ip", event.ip),
                               ("user_agent", event.user_agent), ("endpoint", event.endpoint), ("model", event.model),
                               ("prompt", prompt[:2000]), ("prompt_tokens", event.prompt_tokens),
                               ("completion_tokens", event.completion_tokens), ("cost_usd", event.cost_usd), ("status", event.status),
                               ("max_tokens", req.get("max_tokens")), ("temperature", req.get("temperature")), ("n", req.get("n")),
                               ("logprobs", bool(req.get("logprobs"))), ("logit_bias", bool(req.get("logit_bias")))):
                columns[key].append(value)
    verdicts, views = engine.finalize()
    campaigns = [{"campaign_id": v.campaign_id, "risk": v.assessment.risk, "flagged": v.assessment.risk >= engine.threshold,
                  "members": len(v.members), "member_ids": v.members, "links": v.links,
                  "findings": [f.to_json() for f in v.assessment.findings]} for v in views]
    store = Store(db)
    store.append_events(columns)
    scan_id = store.next_scan_id()
    store.write_results(scan_id, verdicts, campaigns, {a: s.features() for a, s in engine.states.items()})
    store.record_scan(scan_id, datetime.now(timezone.utc), [str(events_path)], len(columns["request_id"]), 0, len(verdicts),
                      sum(v["flagged"] for v in verdicts), "batch")
    store.close()
    return db


PLANTED_EMAIL = "jane.doe@example.org"
PLANTED_KEY = "sk-PLANTEDsecret0123456789abcdef"


def plant_secrets(events_path: Path, labels_path: Path) -> None:
    """Write an e-mail and an API key into attack accounts' prompts (every third request, at the start, so finding
    examples carry them), into system prompts and into responses: what redaction must keep from viewers."""
    import json

    attackers = {row["account_id"] for row in map(json.loads, labels_path.read_text().splitlines()) if row["label"] == "attack"}
    lines = []
    for number, line in enumerate(events_path.read_text().splitlines()):
        event = json.loads(line)
        if event["account_id"] in attackers and number % 3 == 0:
            for message in event["request"].get("messages") or []:
                if message.get("role") == "user" and isinstance(message.get("content"), str):
                    message["content"] = f"mail {PLANTED_EMAIL} key {PLANTED_KEY}: " + message["content"]
                    break
            event["request"].setdefault("messages", []).insert(0, {"role": "system", "content": f"owner {PLANTED_EMAIL}"})
            for choice in (event.get("response") or {}).get("choices") or []:
                if isinstance(choice.get("message"), dict):
                    choice["message"]["content"] = f"sent to {PLANTED_EMAIL}. " + str(choice["message"].get("content"))
        lines.append(json.dumps(event))
    events_path.write_text("\n".join(lines) + "\n")


def build_planted_store(directory: Path) -> Path:
    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import simulate

    directory.mkdir(parents=True, exist_ok=True)
    simulate(sim_config(seed=11), directory / "sim")
    plant_secrets(directory / "sim" / "events.jsonl", directory / "sim" / "labels.jsonl")
    db = directory / "store.duckdb"
    scan(directory / "sim" / "events.jsonl", db=db, workers=1, report=directory / "report.html")
    return db
