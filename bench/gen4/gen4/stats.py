"""Summaries of a generated folder: per-persona counts and single-feature AUROCs.

    python -m gen4.stats DIR [--markdown]"""
from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict


def auroc(pos, neg):
    """P(score(attack) > score(legit)) with ties counted half (Mann-Whitney)."""
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank, i, rs = 1, 0, 0.0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg = (rank + rank + (j - i) - 1) / 2
        rs += avg * sum(1 for k in range(i, j) if allv[k][1])
        rank += j - i
        i = j
    n1, n0 = len(pos), len(neg)
    return (rs - n1 * (n1 + 1) / 2) / (n1 * n0) if n1 and n0 else float("nan")


def summarise(d):
    labels = {}
    with open(os.path.join(d, "labels.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            labels[r["account_id"]] = r
    feats = defaultdict(lambda: {"n": 0, "hours": set(), "ips": set(), "ptok": 0, "ctok": 0})
    with open(os.path.join(d, "events.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            x = feats[e["account_id"]]
            x["n"] += 1
            x["hours"].add(e["ts"][:13])
            x["ips"].add(e["ip"])
            u = (e.get("response") or {}).get("usage") or {}
            x["ptok"] += u.get("prompt_tokens", 0)
            x["ctok"] += u.get("completion_tokens", 0)
    per = defaultdict(lambda: [0, 0, Counter()])
    for aid, r in labels.items():
        p = per[(r["label"], r["persona"])]
        p[0] += 1
        p[1] += feats[aid]["n"]
        p[2][r["campaign_id"]] += 1
    res = {"accounts": len(labels), "events": sum(v["n"] for v in feats.values()),
           "attack_accounts": sum(1 for r in labels.values() if r["label"] == "attack"), "personas": [], "auroc": {}}
    for (lab, pers), (na, ne, camps) in sorted(per.items()):
        res["personas"].append({"label": lab, "persona": pers, "accounts": na, "events": ne,
                                "campaigns": len([c for c in camps if c])})
    fn = {"requests": lambda x: x["n"], "distinct_hours": lambda x: len(x["hours"]), "distinct_ips": lambda x: len(x["ips"]),
          "completion_tokens": lambda x: x["ctok"], "tokens_per_request": lambda x: (x["ptok"] + x["ctok"]) / max(1, x["n"])}
    for k, f in fn.items():
        pos = [f(feats[a]) for a, r in labels.items() if r["label"] == "attack"]
        neg = [f(feats[a]) for a, r in labels.items() if r["label"] == "legit"]
        res["auroc"][k] = round(auroc(pos, neg), 3)
    return res


def markdown(res):
    out = ["| label | persona | accounts | events | campaigns |", "|---|---|---:|---:|---:|"]
    for p in res["personas"]:
        out.append("| %s | %s | %d | %d | %s |" % (p["label"], p["persona"], p["accounts"], p["events"],
                                                   p["campaigns"] or ""))
    out.append("| | **total** | **%d** (%d attack, %.1f%%) | **%d** | |" % (
        res["accounts"], res["attack_accounts"], 100 * res["attack_accounts"] / res["accounts"], res["events"]))
    out += ["", "| per-account feature | AUROC (attack > legit) |", "|---|---:|"]
    out += ["| %s | %.3f |" % kv for kv in res["auroc"].items()]
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)
    res = summarise(a.dir)
    print(markdown(res) if a.markdown else json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
