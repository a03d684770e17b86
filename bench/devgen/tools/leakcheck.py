"""Leak check: AUROC of single, trivial per-account features (a benchmark sanity check, not a detector)."""
import json, sys
from collections import defaultdict, Counter
sys.path.insert(0, ".")
from devgen.score import auroc

d = sys.argv[1]
lab = {}
for l in open(d + "/labels.jsonl"):
    l = json.loads(l); lab[l["account_id"]] = l["label"] == "attack"
F = defaultdict(lambda: defaultdict(float))
sets = defaultdict(lambda: defaultdict(set))
pf_users = defaultdict(set); org_users = defaultdict(set); ip_users = defaultdict(set)
import datetime
for line in open(d + "/events.jsonl"):
    e = json.loads(line); a = e["account_id"]; f = F[a]; r = e["request"]
    f["n"] += 1
    sets[a]["model"].add(e["model"]); sets[a]["ip"].add(e["ip"]); sets[a]["ua"].add(e["user_agent"]); sets[a]["key"].add(e["api_key_id"])
    f["max_tokens"] += r.get("max_tokens") or 0
    f["temp"] += r.get("temperature") if r.get("temperature") is not None else 1.0
    f["stream"] += bool(r.get("stream"))
    m = r.get("messages") or []
    f["sys"] += bool(m and m[0].get("role") == "system")
    f["turns"] += len(m)
    f["err"] += e.get("status") != 200
    u = (e.get("response") or {}).get("usage") or {}
    f["ctok"] += u.get("completion_tokens", 0); f["ptok"] += u.get("prompt_tokens", 0)
    f["cost"] += e.get("cost_usd") or 0
    f["lat"] += e.get("latency_ms") or 0
    f["hour_var"] += 0
    acc = e["account"]
    f["age"] = (datetime.datetime.fromisoformat(e["ts"][:19]) - datetime.datetime.fromisoformat(acc["created_at"][:19])).days
    f["tier"] = ["free", "tier-1", "tier-2", "tier-3", "tier-4", "tier-5", "enterprise"].index(acc["tier"])
    f["consumer_mail"] = acc["email_domain"] in ("gmail.com", "qq.com", "163.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com")
    pf_users[acc["payment_fingerprint"]].add(a); org_users[e["org_id"]].add(a); ip_users[e["ip"]].add(a)
    f["ipv6"] += ":" in (e["ip"] or "")
    f["browser"] += (e["user_agent"] or "").startswith("Mozilla")
    f["len_last"] += len(str(m[-1].get("content"))) if m else 0
ids = sorted(lab)
rows = []
def feat(a):
    f = F[a]; n = f["n"]
    out = {"n_events": n, "distinct_models": len(sets[a]["model"]), "ips_per_event": len(sets[a]["ip"]) / n, "distinct_ips": len(sets[a]["ip"]),
           "distinct_uas": len(sets[a]["ua"]), "distinct_keys": len(sets[a]["key"]),
           "age_days": f["age"], "tier": f["tier"], "consumer_mail": f["consumer_mail"], "pf_shared": len(pf_users[next(iter([1]))]) if False else 0}
    for k in ("max_tokens", "temp", "stream", "sys", "turns", "err", "ctok", "ptok", "cost", "lat", "ipv6", "browser", "len_last"):
        out["mean_" + k] = f[k] / n
    return out
pfa = {}
for pf, us in pf_users.items():
    for u in us: pfa[u] = max(pfa.get(u, 0), len(us))
orga = {}
for o, us in org_users.items():
    for u in us: orga[u] = max(orga.get(u, 0), len(us))
ipa = defaultdict(int)
for ip, us in ip_users.items():
    for u in us: ipa[u] = max(ipa[u], len(us))
X = {a: feat(a) for a in ids}
for a in ids:
    X[a]["pf_group"] = pfa.get(a, 1); X[a]["org_group"] = orga.get(a, 1); X[a]["max_ip_sharing"] = ipa[a]
y = [lab[a] for a in ids]
res = []
for k in X[ids[0]]:
    v = [float(X[a][k]) for a in ids]
    au = auroc(v, y)
    res.append((max(au, 1 - au), au, k))
for m, au, k in sorted(res, reverse=True):
    print("%-22s AUROC %.3f" % (k, au))
