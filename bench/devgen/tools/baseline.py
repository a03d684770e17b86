"""A deliberately naive baseline (NOT a real detector): ranks accounts by long completions, short prompts,
no system prompt and single-turn requests; links flagged accounts sharing a payment fingerprint.
Writes verdicts per spec/account-verdict.schema.json. Use it to see how far trivial features get.

python tools/baseline.py DIR/events.jsonl OUT.jsonl [flag_share]"""
import json
import sys
from collections import defaultdict


def main():
    ev, out = sys.argv[1], sys.argv[2]
    share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    f = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0, None])
    for line in open(ev):
        e = json.loads(line)
        x = f[e["account_id"]]
        x[0] += 1
        u = (e.get("response") or {}).get("usage") or {}
        x[1] += u.get("completion_tokens", 0)
        x[2] += u.get("prompt_tokens", 0)
        m = e["request"].get("messages") or []
        x[3] += bool(m and m[0].get("role") == "system")
        x[4] += len(m) <= 2
        x[5] = (e.get("account") or {}).get("payment_fingerprint")
    ids = sorted(f)

    def rank(vals):
        order = sorted(range(len(vals)), key=lambda i: vals[i])
        r = [0.0] * len(vals)
        for k, i in enumerate(order):
            r[i] = k / max(1, len(vals) - 1)
        return r
    c = rank([f[a][1] / f[a][0] for a in ids])
    p = rank([-f[a][2] / f[a][0] for a in ids])
    s = rank([-f[a][3] / f[a][0] for a in ids])
    t = rank([f[a][4] / f[a][0] for a in ids])
    risk = [(c[i] + p[i] + s[i] + t[i]) / 4 for i in range(len(ids))]
    thr = sorted(risk, reverse=True)[max(0, int(len(ids) * share) - 1)]
    pf_count = defaultdict(int)
    for i, a in enumerate(ids):
        if risk[i] >= thr:
            pf_count[f[a][5]] += 1
    with open(out, "w") as fo:
        for i, a in enumerate(ids):
            fl = risk[i] >= thr
            pf = f[a][5]
            fo.write(json.dumps({"account_id": a, "risk": round(risk[i], 6), "flagged": fl,
                                 "campaign_id": ("pf:" + pf) if fl and pf and pf_count[pf] > 1 else None,
                                 "requests_before_flag": None, "findings": []}) + "\n")


if __name__ == "__main__":
    main()
