"""Single-feature leakage audit: AUROC of shallow per-account features against the labels.

python -m blindgen.audit --events DIR/events.jsonl --labels DIR/labels.jsonl
A feature near 0 or 1 would mean the generator leaks the label through an artifact.
"""
import argparse
import collections
import datetime
import json

from .score import auroc
from .world import TEMPMAIL


def _ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", required=True)
    ap.add_argument("--labels", required=True)
    a = ap.parse_args(argv)
    lab = {}
    for l in open(a.labels):
        x = json.loads(l); lab[x["account_id"]] = x
    F = collections.defaultdict(lambda: collections.defaultdict(float))
    ips, uas, first = collections.defaultdict(set), collections.defaultdict(set), {}
    for line in open(a.events, encoding="utf-8"):
        e = json.loads(line); acc = e["account_id"]; f = F[acc]; r = e["request"]
        f["requests"] += 1
        ips[acc].add(e.get("ip")); uas[acc].add(e.get("user_agent"))
        if acc not in first or e["ts"] < first[acc]["ts"]:
            first[acc] = e
        msgs = r.get("messages") or []
        f["max_tokens_set"] += r.get("max_tokens") is not None
        f["temperature_set"] += r.get("temperature") is not None
        f["system_prompt"] += any(m.get("role") == "system" for m in msgs)
        f["messages_per_req"] += len(msgs)
        f["logprobs"] += bool(r.get("logprobs"))
        f["logit_bias"] += r.get("logit_bias") is not None
        f["tools"] += bool(r.get("tools"))
        f["stream"] += bool(r.get("stream"))
        f["completion_tokens"] += ((e.get("response") or {}).get("usage") or {}).get("completion_tokens", 0)
        f["errors"] += e.get("status") != 200
    rows = []
    for acc, f in F.items():
        n = f["requests"]
        feat = {k: (v if k == "requests" else v / n) for k, v in f.items()}
        e = first[acc]; ao = e.get("account") or {}
        feat["distinct_ips"] = len(ips[acc]); feat["distinct_uas"] = len(uas[acc])
        feat["account_age_days"] = (_ts(e["ts"]) - _ts(ao["created_at"])) / 86400 if ao.get("created_at") else 0
        feat["no_payment"] = ao.get("payment_fingerprint") is None
        feat["temp_mail"] = ao.get("email_domain") in TEMPMAIL
        feat["free_or_tier1"] = ao.get("tier") in ("free", "tier-1")
        rows.append((lab.get(acc, {}).get("label") == "attack", feat))
    y = [r[0] for r in rows]
    print(f"{'feature':22s} {'AUROC':>7s} {'max(a,1-a)':>11s}")
    for k in rows[0][1]:
        au = auroc([float(r[1].get(k, 0)) for r in rows], y)
        print(f"{k:22s} {au:7.3f} {max(au, 1 - au):11.3f}")


if __name__ == "__main__":
    main()
