import json
import os
import random
import tempfile
import unittest

from blindgen import score as S


def toy(n_legit=200, camps=((1, 10), (2, 5), (3, 1), (4, 30))):
    labels, req = [], {}
    for i in range(n_legit):
        a = f"L{i}"; labels.append({"account_id": a, "label": "legit", "persona": ["chat", "dev"][i % 2], "campaign_id": None}); req[a] = 10
    for c, k in camps:
        for j in range(k):
            a = f"A{c}_{j}"; labels.append({"account_id": a, "label": "attack", "persona": f"p{c}", "campaign_id": f"c{c}"}); req[a] = 100
    return labels, req


class ScoreTests(unittest.TestCase):
    def test_oracle(self):
        labels, req = toy()
        v = [{"account_id": l["account_id"], "risk": 1.0 if l["label"] == "attack" else 0.0, "flagged": l["label"] == "attack",
              "campaign_id": l["campaign_id"], "requests_before_flag": 0 if l["label"] == "attack" else None} for l in labels]
        r = S.score(labels, v, req)
        self.assertEqual(r["auroc"], 1.0)
        self.assertEqual(r["tpr_at_fpr_0.1pct"], 1.0)
        self.assertEqual(r["tpr_at_fpr_1pct"], 1.0)
        self.assertEqual(r["flagged_tpr"], 1.0)
        self.assertEqual(r["flagged_fpr"], 0.0)
        self.assertEqual(r["campaign_recall"], 1.0)
        self.assertEqual(r["leaked_share"], 0.0)
        self.assertEqual(r["leaked_share_campaign_mean"], 0.0)
        self.assertAlmostEqual(r["campaign_ari"], 1.0)
        self.assertEqual(r["missing_verdicts"], 0)
        self.assertTrue(all(d["fpr"] == 0 for d in r["legit_personas"].values()))

    def test_random(self):
        labels, req = toy(n_legit=3000, camps=((1, 500), (2, 500)))
        rng = random.Random(7)
        v = [{"account_id": l["account_id"], "risk": rng.random(), "flagged": rng.random() < 0.5,
              "campaign_id": rng.choice(["x", "y", None]), "requests_before_flag": 50} for l in labels]
        r = S.score(labels, v, req)
        self.assertAlmostEqual(r["auroc"], 0.5, delta=0.05)
        self.assertLess(r["tpr_at_fpr_1pct"], 0.05)
        self.assertAlmostEqual(r["flagged_tpr"], 0.5, delta=0.05)
        self.assertAlmostEqual(r["flagged_fpr"], 0.5, delta=0.05)
        self.assertEqual(r["campaign_recall"], 0.0)
        self.assertAlmostEqual(r["campaign_ari"], 0.0, delta=0.05)
        self.assertAlmostEqual(r["leaked_share"], 0.75, delta=0.05)  # half unflagged (100%) + half flagged at 50/100

    def test_adversarial(self):
        labels, req = toy()
        v = [{"account_id": l["account_id"], "risk": 0.0 if l["label"] == "attack" else 1.0, "flagged": l["label"] == "legit",
              "campaign_id": "one"} for l in labels]
        r = S.score(labels, v, req)
        self.assertEqual(r["auroc"], 0.0)
        self.assertEqual(r["tpr_at_fpr_1pct"], 0.0)
        self.assertEqual(r["flagged_tpr"], 0.0)
        self.assertEqual(r["flagged_fpr"], 1.0)
        self.assertEqual(r["campaign_recall"], 0.0)
        self.assertEqual(r["leaked_share"], 1.0)
        self.assertAlmostEqual(r["campaign_ari"], 0.0)
        self.assertEqual(r["legit_in_attack_clusters"], 200)

    def test_all_tied_constant(self):
        labels, req = toy()
        v = [{"account_id": l["account_id"], "risk": 0.5, "flagged": True} for l in labels]
        r = S.score(labels, v, req)
        self.assertEqual(r["auroc"], 0.5)
        self.assertEqual(r["tpr_at_fpr_1pct"], 0.0)  # flagging everyone breaks the FPR budget
        self.assertEqual(r["leaked_share"], 1.0)      # flagged without requests_before_flag counts as fully leaked
        self.assertEqual(r["flagged_without_requests_before_flag"], 46)

    def test_missing_accounts(self):
        labels, req = toy()
        v = [{"account_id": l["account_id"], "risk": 1.0, "flagged": True, "requests_before_flag": 10}
             for l in labels if l["label"] == "attack" and not l["account_id"].startswith("A4")]
        v.append({"account_id": "ghost", "risk": 1.0, "flagged": True})
        r = S.score(labels, v, req)
        self.assertEqual(r["missing_verdicts"], 200 + 30)
        self.assertEqual(r["unknown_verdicts"], 1)
        self.assertAlmostEqual(r["flagged_tpr"], 16 / 46)
        self.assertEqual(r["campaigns"]["c4"]["detected"], False)
        self.assertEqual(r["campaigns"]["c1"]["detected"], True)
        self.assertAlmostEqual(r["campaign_recall"], 0.75)
        self.assertAlmostEqual(r["leaked_share"], (16 * 10 + 30 * 100) / (46 * 100))
        self.assertEqual(r["auroc"], (16 * 200 + 30 * 200 * 0.5) / (46 * 200))

    def test_tpr_at_fpr_threshold(self):
        y = [0] * 1000 + [1] * 10
        s = [0.0] * 990 + [0.9] * 10 + [0.95] * 5 + [0.5] * 5  # 10 legit at 0.9 = 1% FPR
        tpr, thr = S.tpr_at_fpr(s, y, 0.01)
        self.assertEqual(tpr, 1.0)
        tpr, thr = S.tpr_at_fpr(s, y, 0.001)
        self.assertEqual(tpr, 0.5); self.assertEqual(thr, 0.95)

    def test_ari_known(self):
        self.assertAlmostEqual(S.ari([0, 0, 1, 1], [0, 0, 1, 1]), 1.0)
        self.assertAlmostEqual(S.ari([0, 0, 1, 1], [1, 1, 0, 0]), 1.0)
        # sklearn's adjusted_rand_score([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.24242...
        self.assertAlmostEqual(S.ari([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 0.242424, places=5)

    def test_cli_roundtrip(self):
        labels, req = toy(n_legit=20, camps=((1, 3),))
        with tempfile.TemporaryDirectory() as d:
            ev = os.path.join(d, "events.jsonl")
            with open(ev, "w") as f:
                k = 0
                for a, n in req.items():
                    for _ in range(n):
                        f.write(json.dumps({"request_id": f"r{k}", "ts": "2026-11-02T00:00:00Z", "account_id": a, "request": {"messages": [{"role": "user", "content": "say \"account_id\": \"zzz\""}]}}) + "\n"); k += 1
                f.write(json.dumps({"request_id": "r0", "ts": "2026-11-02T00:00:00Z", "account_id": "A1_0", "request": {}}) + "\n")  # duplicate
            lp = os.path.join(d, "labels.jsonl"); vp = os.path.join(d, "v.jsonl"); op = os.path.join(d, "o.json")
            open(lp, "w").write("".join(json.dumps(l) + "\n" for l in labels))
            open(vp, "w").write("".join(json.dumps({"account_id": l["account_id"], "risk": 0.9 if l["label"] == "attack" else 0.1,
                                                    "flagged": l["label"] == "attack", "requests_before_flag": 7, "campaign_id": "k"}) + "\n" for l in labels))
            self.assertEqual(S.count_requests(ev)["A1_0"], 100)
            S.main(["--events", ev, "--labels", lp, "--verdicts", vp, "--json", op])
            r = json.load(open(op))
            self.assertEqual(r["auroc"], 1.0)
            self.assertAlmostEqual(r["leaked_share"], 0.07)


if __name__ == "__main__":
    unittest.main()
