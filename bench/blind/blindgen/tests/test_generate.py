import itertools
import json
import unittest

from blindgen.behave import run_account
from blindgen.generate import World, CAMPAIGNS


def sample(seed, per=15):
    w = World(seed, "small").build()
    out = []
    for a in w.accounts[::7]:
        out.extend(line for _, line in itertools.islice(run_account(a), per))
    return w, out


class GenerateTests(unittest.TestCase):
    def test_world_shape(self):
        w = World(3, "small").build()
        self.assertEqual(len(w.accounts), 300)
        n_att = sum(1 for l in w.labels if l["label"] == "attack")
        self.assertEqual(n_att, sum(c[1] for c in CAMPAIGNS["small"]))
        self.assertTrue(all((l["campaign_id"] is None) == (l["label"] == "legit") for l in w.labels))
        self.assertEqual(len({a.id for a in w.accounts}), 300)
        total = sum(a.n_target for a in w.accounts)
        self.assertTrue(20_000 < total < 40_000, total)

    def test_events_valid_and_deterministic(self):
        w1, e1 = sample(5)
        w2, e2 = sample(5)
        self.assertEqual(e1, e2)
        ids = {a.id for a in w1.accounts}
        prev = {}
        for line in e1:
            e = json.loads(line)
            for k in ("request_id", "ts", "account_id", "request"):
                self.assertIn(k, e)
            self.assertIn(e["account_id"], ids)
            self.assertTrue(e["ts"].endswith("Z"))
            self.assertGreaterEqual(e["ts"], prev.get(e["account_id"], ""))
            prev[e["account_id"]] = e["ts"]
            req = e["request"]
            self.assertTrue("messages" in req or "prompt" in req)
            if e["status"] == 200:
                u = e["response"]["usage"]
                self.assertGreater(u["prompt_tokens"], 0)
                self.assertEqual(u["total_tokens"], u["prompt_tokens"] + u["completion_tokens"])
            if req.get("top_logprobs") is not None:
                self.assertLessEqual(req["top_logprobs"], 20)
            acct = e["account"]
            self.assertIn(acct["tier"], {"free", "tier-1", "tier-2", "tier-3", "tier-4", "tier-5", "enterprise"})

    def test_seed_changes_output(self):
        _, e1 = sample(5, per=3)
        _, e2 = sample(6, per=3)
        self.assertNotEqual(e1, e2)


if __name__ == "__main__":
    unittest.main()
