"""Generator smoke tests on the 'tiny' scale: schema-required fields, determinism, labels, usage consistency."""
import hashlib
import json
import os
import shutil
import tempfile
import unittest

from devgen import generate as G


class GenerateTiny(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d1 = tempfile.mkdtemp()
        cls.d2 = tempfile.mkdtemp()
        G.main(["--seed", "5", "--scale", "tiny", "--out", cls.d1])
        G.main(["--seed", "5", "--scale", "tiny", "--out", cls.d2])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d1)
        shutil.rmtree(cls.d2)

    def _h(self, d, f):
        with open(os.path.join(d, f), "rb") as fh:
            return hashlib.sha1(fh.read()).hexdigest()

    def test_deterministic(self):
        self.assertEqual(self._h(self.d1, "events.jsonl"), self._h(self.d2, "events.jsonl"))
        self.assertEqual(self._h(self.d1, "labels.jsonl"), self._h(self.d2, "labels.jsonl"))

    def test_events_and_labels(self):
        with open(os.path.join(self.d1, "labels.jsonl")) as f:
            labels = [json.loads(l) for l in f]
        ids = {l["account_id"] for l in labels}
        self.assertEqual(len(ids), len(labels))
        self.assertTrue(any(l["label"] == "attack" for l in labels))
        for l in labels:
            self.assertIn(l["label"], ("legit", "attack"))
            self.assertEqual(l["campaign_id"] is None, l["label"] == "legit")
        seen = set()
        last = ""
        n = 0
        with open(os.path.join(self.d1, "events.jsonl")) as f:
            lines = f.readlines()
        for line in lines:
            e = json.loads(line)
            n += 1
            for k in ("request_id", "ts", "account_id", "request"):
                self.assertIn(k, e)
            self.assertNotIn(e["request_id"], seen)
            seen.add(e["request_id"])
            self.assertIn(e["account_id"], ids)
            self.assertGreaterEqual(e["ts"], last)
            last = e["ts"]
            self.assertTrue(e["ts"].endswith("Z"))
            self.assertGreaterEqual(e["ts"], e["account"]["created_at"])
            if e["status"] == 200:
                u = e["response"]["usage"]
                self.assertGreater(u["completion_tokens"], 0)
                mt = e["request"].get("max_tokens")
                if mt and e["request"].get("n", 1) == 1:
                    self.assertLessEqual(u["completion_tokens"], mt)
        self.assertGreater(n, 2000)


if __name__ == "__main__":
    unittest.main()
