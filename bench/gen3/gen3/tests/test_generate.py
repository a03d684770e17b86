"""Tiny-scale checks: schema validity, determinism, unique ids, time order, created_at <= ts."""
from __future__ import annotations

import hashlib
import json
import tempfile
import unittest
from datetime import datetime
from pathlib import Path

from gen3.corpus import default_data_dir
from gen3.generate import generate

SPEC = default_data_dir().parent / "spec"

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover
    jsonschema = None


def _dt(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _hand_check_event(e: dict):
    for k, typ in (("request_id", str), ("ts", str), ("account_id", str), ("request", dict)):
        assert isinstance(e.get(k), typ), f"{k} missing or wrong type"
    _dt(e["ts"])
    req = e["request"]
    assert "messages" in req or "prompt" in req
    if "messages" in req:
        assert isinstance(req["messages"], list)
        for m in req["messages"]:
            assert isinstance(m, dict) and isinstance(m.get("role"), str)
    for k in ("max_tokens", "n", "top_logprobs", "seed"):
        assert req.get(k) is None or isinstance(req[k], int)
    if e.get("response") is not None:
        assert isinstance(e["response"].get("choices"), list)
        u = e["response"]["usage"]
        assert isinstance(u["prompt_tokens"], int) and isinstance(u["completion_tokens"], int)


class TestTiny(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.a = Path(cls.tmp.name) / "a"
        cls.b = Path(cls.tmp.name) / "b"
        cls.c = Path(cls.tmp.name) / "c"
        cls.stats = generate(7, "tiny", cls.a, quiet=True)
        generate(7, "tiny", cls.b, quiet=True)
        generate(8, "tiny", cls.c, quiet=True)
        cls.events = [json.loads(l) for l in open(cls.a / "events.jsonl", encoding="utf-8")]
        cls.labels = [json.loads(l) for l in open(cls.a / "labels.jsonl", encoding="utf-8")]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_sizes(self):
        self.assertGreater(len(self.events), 1000)
        self.assertTrue(60 <= len(self.labels) <= 100, len(self.labels))
        share = sum(l["label"] == "attack" for l in self.labels) / len(self.labels)
        self.assertTrue(0.07 <= share <= 0.2, share)

    def test_schema(self):
        if jsonschema is None:
            for e in self.events:
                _hand_check_event(e)
            for l in self.labels:
                self.assertIn(l["label"], ("legit", "attack"))
                self.assertIsInstance(l["account_id"], str)
            return
        ev = Draft202012Validator(json.loads((SPEC / "api-event.schema.json").read_text()), format_checker=FormatChecker())
        lv = Draft202012Validator(json.loads((SPEC / "labels.schema.json").read_text()), format_checker=FormatChecker())
        for e in self.events:
            errs = list(ev.iter_errors(e))
            self.assertEqual(errs, [], (e["request_id"], [x.message for x in errs[:3]]))
            _hand_check_event(e)
        for l in self.labels:
            self.assertEqual(list(lv.iter_errors(l)), [])

    def test_determinism(self):
        h = lambda p: hashlib.sha256((p / "events.jsonl").read_bytes() + (p / "labels.jsonl").read_bytes()).hexdigest()
        self.assertEqual(h(self.a), h(self.b))
        self.assertNotEqual(h(self.a), h(self.c))

    def test_unique_ids(self):
        ids = [e["request_id"] for e in self.events]
        self.assertEqual(len(ids), len(set(ids)))
        accts = [l["account_id"] for l in self.labels]
        self.assertEqual(len(accts), len(set(accts)))

    def test_ts_order_and_created(self):
        prev = None
        for e in self.events:
            t = _dt(e["ts"])
            if prev is not None:
                self.assertLessEqual(prev, t)
            prev = t
            self.assertLessEqual(_dt(e["account"]["created_at"]), t)

    def test_labels_cover_events(self):
        lab = {l["account_id"]: l for l in self.labels}
        self.assertEqual({e["account_id"] for e in self.events}, set(lab))
        for l in self.labels:
            if l["label"] == "attack":
                self.assertTrue(l["campaign_id"])
            else:
                self.assertIsNone(l["campaign_id"])
            self.assertTrue(l["persona"])

    def test_personas_present(self):
        personas = {l["persona"] for l in self.labels}
        for p in ("casual-chat", "developer-tools", "eval-researcher", "writing-relay-app", "labelling-pipeline",
                  "multi-turn-distill", "logprob-sweep", "capability-sweep-sybil", "chinese-harvest", "slow-harvester"):
            self.assertIn(p, personas)


if __name__ == "__main__":
    unittest.main()
