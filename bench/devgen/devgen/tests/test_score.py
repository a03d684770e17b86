"""Scorer tests: oracle, random and adversarial verdict files on a tiny hand-made dataset, plus a generated one."""
import json
import os
import random
import shutil
import tempfile
import unittest

from devgen import score as S


def _write(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


class TinyData(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp()
        rng = random.Random(0)
        self.labels = []
        events = []
        # 3 campaigns (sizes 1, 3, 10) and 200 legit accounts
        k = 0
        for cid, size in [("c1", 1), ("c3", 3), ("c10", 10)]:
            for _ in range(size):
                self.labels.append({"account_id": "a%d" % k, "label": "attack", "persona": "sweep", "campaign_id": cid})
                k += 1
        for i in range(200):
            self.labels.append({"account_id": "a%d" % k, "label": "legit", "persona": "p%d" % (i % 4), "campaign_id": None})
            k += 1
        for l in self.labels:
            for j in range(10):
                events.append({"request_id": "%s-%d" % (l["account_id"], j), "ts": "2026-10-05T00:00:00Z", "account_id": l["account_id"], "request": {}})
        self.ev = os.path.join(self.d, "events.jsonl")
        self.lab = os.path.join(self.d, "labels.jsonl")
        _write(self.ev, events)
        _write(self.lab, self.labels)

    def tearDown(self):
        shutil.rmtree(self.d)

    def run_v(self, rows):
        p = os.path.join(self.d, "v.jsonl")
        _write(p, rows)
        return S.score(self.ev, self.lab, p)

    def test_oracle(self):
        rows = [{"account_id": l["account_id"], "risk": 1.0 if l["label"] == "attack" else 0.0, "flagged": l["label"] == "attack",
                 "campaign_id": l["campaign_id"], "requests_before_flag": 2 if l["label"] == "attack" else None} for l in self.labels]
        r = self.run_v(rows)
        self.assertEqual(r["auroc"], 1.0)
        self.assertEqual(r["tpr_at_fpr_0.1pct"], 1.0)
        self.assertEqual(r["tpr_at_fpr_1pct"], 1.0)
        self.assertEqual(r["flagged_tpr"], 1.0)
        self.assertEqual(r["flagged_fpr"], 0.0)
        self.assertEqual(r["campaign_recall"], 1.0)
        self.assertAlmostEqual(r["leaked_share_overall"], 0.2)
        self.assertAlmostEqual(r["leaked_share_campaign_mean"], 0.2)
        self.assertAlmostEqual(r["campaign_ari"], 1.0)
        self.assertEqual(r["missing_verdicts"], 0)
        self.assertTrue(all(v["fpr"] == 0 for v in r["legit_personas"].values()))
        S.render(r)

    def test_random(self):
        rng = random.Random(1)
        rows = [{"account_id": l["account_id"], "risk": rng.random(), "flagged": rng.random() < 0.5, "campaign_id": rng.choice([None, "x", "y"])} for l in self.labels]
        r = self.run_v(rows)
        self.assertTrue(0.2 < r["auroc"] < 0.8)
        self.assertTrue(0.2 < r["flagged_fpr"] < 0.8)
        self.assertTrue(abs(r["campaign_ari"]) < 0.3)
        self.assertTrue(r["leaked_share_overall"] > 0.2)

    def test_adversarial_inverted_and_missing(self):
        rows = [{"account_id": l["account_id"], "risk": 0.0 if l["label"] == "attack" else 1.0, "flagged": l["label"] == "legit", "campaign_id": "all"}
                for l in self.labels if l["label"] == "legit" or l["campaign_id"] != "c10"]
        rows.append({"account_id": "ghost", "risk": 1.0, "flagged": True})
        r = self.run_v(rows)
        self.assertEqual(r["auroc"], 0.0)
        self.assertEqual(r["tpr_at_fpr_1pct"], 0.0)
        self.assertEqual(r["flagged_tpr"], 0.0)
        self.assertEqual(r["flagged_fpr"], 1.0)
        self.assertEqual(r["campaign_recall"], 0.0)
        self.assertEqual(r["leaked_share_overall"], 1.0)
        self.assertEqual(r["missing_verdicts"], 10)
        self.assertEqual(r["unknown_verdicts"], 1)

    def test_all_ties_and_tpr_at_fpr(self):
        rows = [{"account_id": l["account_id"], "risk": 0.5, "flagged": False} for l in self.labels]
        r = self.run_v(rows)
        self.assertAlmostEqual(r["auroc"], 0.5)
        self.assertEqual(r["tpr_at_fpr_1pct"], 0.0)  # ties flag every legit account together
        # one legit ranked above all attacks: at FPR<=1% (2 of 200 allowed) TPR is still 1
        rows = [{"account_id": l["account_id"], "risk": (0.9 if l["label"] == "attack" else 0.1), "flagged": False} for l in self.labels]
        rows[-1]["risk"] = 1.0
        r = self.run_v(rows)
        self.assertEqual(r["tpr_at_fpr_1pct"], 1.0)
        self.assertEqual(r["tpr_at_fpr_0.1pct"], 0.0)

    def test_partial_campaign_recall_and_leak(self):
        rows = []
        for l in self.labels:
            a = l["label"] == "attack"
            f = a and not (l["campaign_id"] == "c3" and l["account_id"] == "a1")
            rows.append({"account_id": l["account_id"], "risk": 1.0 if f else 0.0, "flagged": f, "requests_before_flag": 0 if f else None,
                         "campaign_id": "k" if a else None})
        r = self.run_v(rows)
        self.assertFalse(r["campaigns"]["c3"]["recalled"])
        self.assertTrue(r["campaigns"]["c10"]["recalled"])
        self.assertAlmostEqual(r["campaign_recall"], 2 / 3)
        self.assertAlmostEqual(r["campaigns"]["c3"]["leaked_share"], 1 / 3)
        self.assertLess(r["campaign_ari"], 0.5)


class AriAuroc(unittest.TestCase):
    def test_ari_known(self):
        self.assertAlmostEqual(S.ari([1, 1, 2, 2], [1, 1, 2, 2]), 1.0)
        self.assertAlmostEqual(S.ari([1, 1, 2, 2], ["a", "b", "a", "b"]), -0.5)

    def test_auroc_known(self):
        self.assertAlmostEqual(S.auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)


if __name__ == "__main__":
    unittest.main()
