"""python -m devgen.stats DIR : per-persona summary of a generated dataset (a sanity check, not a detector)."""
import json
import sys
from collections import Counter, defaultdict


def main(argv=None):
    argv = argv or sys.argv[1:]
    d = argv[0]
    labels = {}
    with open(d + "/labels.jsonl") as f:
        for line in f:
            l = json.loads(line)
            labels[l["account_id"]] = l
    per = defaultdict(lambda: {"events": 0, "accounts": set(), "ptok": 0, "ctok": 0, "ips": set(), "status": Counter(), "lp": 0, "bias": 0, "tools": 0, "zh": 0, "cost": 0.0})
    req_fields = ("request_id", "ts", "account_id", "request")
    bad = 0
    n = 0
    last_ts = ""
    unordered = 0
    with open(d + "/events.jsonl") as f:
        for line in f:
            e = json.loads(line)
            n += 1
            if any(k not in e for k in req_fields):
                bad += 1
            if e["ts"] < last_ts:
                unordered += 1
            last_ts = e["ts"]
            l = labels[e["account_id"]]
            p = per[(l["label"], l["persona"])]
            p["events"] += 1
            p["accounts"].add(e["account_id"])
            p["ips"].add(e.get("ip"))
            p["status"][e.get("status")] += 1
            u = (e.get("response") or {}).get("usage") or {}
            p["ptok"] += u.get("prompt_tokens", 0)
            p["ctok"] += u.get("completion_tokens", 0)
            p["cost"] += e.get("cost_usd") or 0
            r = e["request"]
            p["lp"] += bool(r.get("logprobs"))
            p["bias"] += bool(r.get("logit_bias"))
            p["tools"] += bool(r.get("tools"))
            msgs = r.get("messages") or []
            if msgs and isinstance(msgs[-1].get("content"), str) and any("\u4e00" <= ch <= "\u9fff" for ch in msgs[-1]["content"][:80]):
                p["zh"] += 1
    print("events %d  accounts %d  missing-required %d  out-of-order %d" % (n, len(labels), bad, unordered))
    print("%-6s %-32s %6s %8s %7s %7s %6s %5s %5s %5s %5s %5s %9s" % ("label", "persona", "accts", "events", "p_tok", "c_tok", "ips", "%lp", "%bias", "%tool", "%zh", "%err", "cost$"))
    for (lab, pn), p in sorted(per.items()):
        ev = p["events"]
        print("%-6s %-32s %6d %8d %7d %7d %6d %5.0f %5.0f %5.0f %5.0f %5.1f %9.2f" % (
            lab, pn[:32], len(p["accounts"]), ev, p["ptok"] / ev, p["ctok"] / ev, len(p["ips"]), 100 * p["lp"] / ev, 100 * p["bias"] / ev,
            100 * p["tools"] / ev, 100 * p["zh"] / ev, 100 * (ev - p["status"][200]) / ev, p["cost"]))


if __name__ == "__main__":
    main()
