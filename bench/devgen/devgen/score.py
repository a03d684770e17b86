"""python -m devgen.score --events E --labels L --verdicts V [--json OUT]

Scores account verdicts (spec/account-verdict.schema.json) against labels."""
import argparse
import json
from collections import Counter, defaultdict


def _read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def auroc(scores, labels):
    """Mann-Whitney AUROC with ties counted as half."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    if not pos or not neg:
        return None
    pairs = sorted(zip(scores, labels))
    i = 0
    n = len(pairs)
    ranks = [0.0] * n
    while i < n:
        j = i
        while j + 1 < n and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        avg = (i + j) / 2.0 + 1
        for k in range(i, j + 1):
            ranks[k] = avg
        i = j + 1
    rp = sum(rk for rk, (s, y) in zip(ranks, pairs) if y)
    npos, nneg = len(pos), len(neg)
    return (rp - npos * (npos + 1) / 2.0) / (npos * nneg)


def tpr_at_fpr(scores, labels, max_fpr):
    """Best TPR over thresholds t (flag risk >= t) whose FPR <= max_fpr. Ties are flagged together."""
    npos = sum(1 for y in labels if y)
    nneg = len(labels) - npos
    if not npos or not nneg:
        return None
    order = sorted(zip(scores, labels), key=lambda x: -x[0])
    tp = fp = 0
    best = 0.0
    i = 0
    n = len(order)
    while i < n:
        s = order[i][0]
        while i < n and order[i][0] == s:
            if order[i][1]:
                tp += 1
            else:
                fp += 1
            i += 1
        if fp / nneg <= max_fpr:
            best = max(best, tp / npos)
        else:
            break
    return best


def ari(true_ids, pred_ids):
    """Adjusted Rand index between two clusterings (lists of hashable ids)."""
    n = len(true_ids)
    if n < 2:
        return None
    def c2(x):
        return x * (x - 1) / 2.0
    cont = Counter(zip(true_ids, pred_ids))
    a = Counter(true_ids)
    b = Counter(pred_ids)
    sum_ij = sum(c2(v) for v in cont.values())
    sum_a = sum(c2(v) for v in a.values())
    sum_b = sum(c2(v) for v in b.values())
    expected = sum_a * sum_b / c2(n)
    mx = (sum_a + sum_b) / 2.0
    if mx == expected:
        return 1.0
    return (sum_ij - expected) / (mx - expected)


def score(events_path, labels_path, verdicts_path):
    labels = {l["account_id"]: l for l in _read_jsonl(labels_path)}
    verdicts = {}
    dup = 0
    for v in _read_jsonl(verdicts_path):
        if v["account_id"] in verdicts:
            dup += 1
        verdicts[v["account_id"]] = v
    req = Counter()
    for e in _read_jsonl(events_path):
        req[e["account_id"]] += 1
    missing = [a for a in labels if a not in verdicts]
    unknown = [a for a in verdicts if a not in labels]
    ids = sorted(labels)
    risk = []
    y = []
    flagged = []
    for a in ids:
        v = verdicts.get(a) or {}
        r = v.get("risk")
        risk.append(float(r) if r is not None else 0.0)
        y.append(labels[a]["label"] == "attack")
        flagged.append(bool(v.get("flagged", False)))
    npos = sum(y)
    nneg = len(y) - npos
    tp = sum(1 for f, t in zip(flagged, y) if f and t)
    fp = sum(1 for f, t in zip(flagged, y) if f and not t)
    out = {
        "accounts": len(ids), "attack_accounts": npos, "legit_accounts": nneg, "missing_verdicts": len(missing),
        "unknown_verdicts": len(unknown), "duplicate_verdicts": dup,
        "auroc": auroc(risk, y),
        "tpr_at_fpr_0.1pct": tpr_at_fpr(risk, y, 0.001), "tpr_at_fpr_1pct": tpr_at_fpr(risk, y, 0.01),
        "flagged_tpr": tp / npos if npos else None, "flagged_fpr": fp / nneg if nneg else None,
        "flagged_tp": tp, "flagged_fp": fp,
    }
    # per-persona
    per = defaultdict(lambda: [0, 0])
    for a, f in zip(ids, flagged):
        p = labels[a].get("persona") or "?"
        per[(labels[a]["label"], p)][0] += 1
        per[(labels[a]["label"], p)][1] += int(f)
    out["legit_personas"] = {p: {"accounts": n, "flagged": k, "fpr": k / n} for (lab, p), (n, k) in sorted(per.items()) if lab == "legit"}
    out["attack_personas"] = {p: {"accounts": n, "flagged": k, "tpr": k / n} for (lab, p), (n, k) in sorted(per.items()) if lab == "attack"}
    # campaigns
    camp = defaultdict(list)
    for a, f in zip(ids, flagged):
        if labels[a]["label"] == "attack":
            camp[labels[a].get("campaign_id") or ("solo:" + a)].append((a, f))
    cres = {}
    leaked_shares = []
    tot_att_req = 0
    tot_leak = 0
    no_rbf = 0
    for cid, members in sorted(camp.items()):
        share = sum(f for _, f in members) / len(members)
        creq = 0
        cleak = 0
        for a, f in members:
            n = req.get(a, 0)
            creq += n
            v = verdicts.get(a) or {}
            if f:
                rb = v.get("requests_before_flag")
                if rb is None:
                    no_rbf += 1
                cleak += min(n, max(0, int(rb))) if rb is not None else 0
            else:
                cleak += n
        tot_att_req += creq
        tot_leak += cleak
        ls = cleak / creq if creq else 0.0
        leaked_shares.append(ls)
        personas = sorted({labels[a].get("persona") for a, _ in members})
        cres[cid] = {"accounts": len(members), "persona": ",".join(personas), "flagged_share": share, "recalled": share >= 0.9,
                     "requests": creq, "leaked_share": ls}
    out["campaigns"] = cres
    out["campaign_recall"] = (sum(1 for c in cres.values() if c["recalled"]) / len(cres)) if cres else None
    out["flagged_attack_without_requests_before_flag"] = no_rbf
    out["leaked_share_overall"] = tot_leak / tot_att_req if tot_att_req else None
    out["leaked_share_campaign_mean"] = sum(leaked_shares) / len(leaked_shares) if leaked_shares else None
    # ARI over attack accounts
    t_ids, p_ids = [], []
    for a in ids:
        if labels[a]["label"] != "attack":
            continue
        t_ids.append(labels[a].get("campaign_id") or ("solo:" + a))
        pc = (verdicts.get(a) or {}).get("campaign_id")
        p_ids.append(pc if pc is not None else ("single:" + a))
    out["campaign_ari"] = ari(t_ids, p_ids)
    return out


def _f(x, pct=False):
    if x is None:
        return "n/a"
    return "%.1f%%" % (100 * x) if pct else "%.4f" % x


def render(r):
    L = []
    L.append("accounts %d (attack %d, legit %d); verdicts missing for %d accounts (counted unflagged, risk 0); unknown %d; duplicate %d" % (
        r["accounts"], r["attack_accounts"], r["legit_accounts"], r["missing_verdicts"], r["unknown_verdicts"], r["duplicate_verdicts"]))
    if r.get("flagged_attack_without_requests_before_flag"):
        L.append("note: %d flagged attack accounts have no requests_before_flag; their leak is counted as 0" % r["flagged_attack_without_requests_before_flag"])
    L.append("")
    L.append("%-34s %s" % ("metric", "value"))
    for k, pct in [("auroc", False), ("tpr_at_fpr_0.1pct", True), ("tpr_at_fpr_1pct", True), ("flagged_tpr", True), ("flagged_fpr", True),
                   ("campaign_recall", True), ("leaked_share_overall", True), ("leaked_share_campaign_mean", True), ("campaign_ari", False)]:
        L.append("%-34s %s" % (k, _f(r[k], pct)))
    L.append("")
    L.append("%-34s %8s %8s %8s" % ("legit persona", "accounts", "flagged", "FPR"))
    for p, v in r["legit_personas"].items():
        L.append("%-34s %8d %8d %8s" % (p, v["accounts"], v["flagged"], _f(v["fpr"], True)))
    L.append("")
    L.append("%-34s %8s %8s %8s" % ("attack persona", "accounts", "flagged", "TPR"))
    for p, v in r["attack_personas"].items():
        L.append("%-34s %8d %8d %8s" % (p, v["accounts"], v["flagged"], _f(v["tpr"], True)))
    L.append("")
    L.append("%-24s %-34s %6s %8s %8s %8s" % ("campaign", "persona", "accts", "flagged", "recall", "leaked"))
    for cid, v in sorted(r["campaigns"].items(), key=lambda x: -x[1]["accounts"]):
        L.append("%-24s %-34s %6d %8s %8s %8s" % (cid[:24], v["persona"][:34], v["accounts"], _f(v["flagged_share"], True), "yes" if v["recalled"] else "no", _f(v["leaked_share"], True)))
    return "\n".join(L)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--verdicts", required=True)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    r = score(args.events, args.labels, args.verdicts)
    print(render(r))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=2)


if __name__ == "__main__":
    main()
