"""Helpers for the intel tests: synthetic prompt pools, A's stand-in detection, hub config and keys."""

from __future__ import annotations

import random
from contextlib import contextmanager
import sys
import uuid
from pathlib import Path

# The traffic builder lives in bench/ (the benchmark uses it with the real corpora).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.intel_traffic import build
from distillguard.events.model import parse_event
from distillguard.intel.export import CampaignData
from distillguard.intel.hub_config import HubConfig, hash_api_key

_VERBS = ["sort", "parse", "merge", "validate", "compress", "reverse", "summarise", "translate", "rank", "cluster"]
_THINGS = ["invoices", "log lines", "user records", "graph edges", "sensor readings", "chess moves", "tweets", "DNA reads"]
_LANGS = ["Python", "Rust", "Go", "Java", "SQL", "Haskell"]
_TOPICS = ["my cat", "a trip to Lisbon", "my garden", "a birthday party", "learning piano", "a job interview", "rainy weekends"]


def campaign_tasks(n: int = 300, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [
        f"Write a {rng.choice(_LANGS)} program that can {rng.choice(_VERBS)} {rng.choice(_THINGS)} "
        f"and then {rng.choice(_VERBS)} the {rng.choice(_THINGS)} it finds, handling edge case {i}."
        for i in range(n)
    ]


def legit_prompts(n: int = 200, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return [f"hey, can you help me plan {rng.choice(_TOPICS)}? I was thinking about {rng.choice(_TOPICS)} too ({i})" for i in range(n)]


def parsed(events):
    return [parse_event(e) for e in events]


def oracle_detection(traffic, provider: str = "A", upto: int | None = None):
    """Stand-in for A's own detector: the campaign's accounts at A, as a scan would flag them."""
    events = parsed(traffic.events[provider][:upto] if upto else traffic.events[provider])
    labels = traffic.labels[provider]
    accounts = {a for a, l in labels.items() if l["label"] == "attack"}
    return {"camp-1": CampaignData("camp-1", accounts, {"AML.T0024.002"})}, accounts, events


COLLECTION = "0d4d1f7e-55c5-4f0b-9a36-1a1bb0f3a0a4"
PRIVATE = "5b8e3c53-1f8b-4d0e-9b53-4d6d1c2c9a10"
KEYS = {name: f"key-{name}-{uuid.uuid4().hex}" for name in ("A", "B", "C", "D")}


def hub_config(webhooks: dict[str, tuple[str, bytes]] | None = None) -> HubConfig:
    webhooks = webhooks or {}
    providers = {}
    for name, key in KEYS.items():
        entry = {"api_key_sha256": hash_api_key(key)}
        if name in webhooks:
            entry["webhook_url"], secret = webhooks[name]
            entry["webhook_secret"] = secret.decode()
        providers[name] = entry
    return HubConfig.from_dict(
        {
            "title": "test hub",
            "api_root": "consortium",
            "max_content_length": 2_000_000,
            "max_page": 50,
            "providers": providers,
            "collections": [
                {"id": COLLECTION, "title": "extraction-campaigns", "read": ["A", "B", "C"], "write": ["A", "B", "C"]},
                {"id": PRIVATE, "title": "a-and-b-only", "read": ["A", "B"], "write": ["A"]},
            ],
        },
        "test",
    )


@contextmanager
def running_hub(folder: Path, config: HubConfig | None = None):
    """A hub on loopback over a fresh SQLite store in `folder`."""
    from distillguard.intel.hub import create_app
    from distillguard.intel.hub_store import HubStore
    from distillguard.intel.serve import ServerThread

    store = HubStore(folder / "hub.sqlite")
    try:
        with ServerThread(create_app(config or hub_config(), store)) as server:
            yield server
    finally:
        store.close()
