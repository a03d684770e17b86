"""Score account verdicts against labels.

python -m blindgen.score --events DIR/events.jsonl --labels DIR/labels.jsonl --verdicts V.jsonl [--json OUT.json]
"""
import argparse
import collections
import json
import math
import re
import sys

import numpy as np

_ACC = re.compile(r'"account_id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def count_requests(events_path):
    """Requests per account (deduplicated on request_id when cheap to find)."""
    n = collections.Counter()
    seen = set()
    rid = re.compile(r'"request_id"\s*:\s*"((?:[^"\\]|\\.)*)"')
    with open(events_path, encoding="utf-8") as f:
        for line in f:
            m = _ACC.search(line)
            if not m:
                continue
            r = rid.search(line)
            if r:
                k = r.group(1)
                if k in seen:
                    continue
                seen.add(k)
            n[json.loads('"%s"' % m.group(1))] += 1
    return n


def auroc(scores, y):
    s = np.asarray(scores, float); y = np.asarray(y, bool)
    npos, nneg = int(y.sum()), int((~y).sum())
    if npos == 0 or nneg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s)); ss = s[order]
    i = 0
    while i < len(ss):  # average ranks over ties
        j = i
        while j + 1 < len(ss) and ss[j + 1] == ss[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return float((ranks[y].sum() - npos * (npos + 1) / 2.0) / (npos * nneg))


def tpr_at_fpr(scores, y, max_fpr):
    """Best TPR over thresholds t (flag risk >= t) whose FPR <= max_fpr."""
    s = np.asarray(scores, float); y = np.asarray(y, bool)
    npos, nneg = int(y.sum()), int((~y).sum())
    if npos == 0 or nneg == 0:
        return float("nan"), None
    best, thr = 0.0, None
    for t in np.unique(s)[::-1]:
        fl = s >= t
        fpr = (fl & ~y).sum() / nneg
        if fpr <= max_fpr + 1e-12:
            tpr = (fl & y).sum() / npos
            if tpr >= best:
                best, thr = float(tpr), float(t)
        else:
            break
    return best, thr


def ari(true, pred):
    """Adjusted Rand index between two labelings (lists of hashables)."""
    n = len(true)
    if n < 2:
        return 1.0
    cont = collections.Counter(zip(true, pred))
    a = collections.Counter(true); b = collections.Counter(pred)
    c2 = lambda x: x * (x - 1) / 2.0
    sij = sum(c2(v) for v in cont.values())
    sa = sum(c2(v) for v in a.values()); sb = sum(c2(v) for v in b.values())
    exp = sa * sb / c2(n)
    mx = (sa + sb) / 2.0
    if mx == exp:
        return 1.0 if sij == exp else 0.0
    return float((sij - exp) / (mx - exp))


def score(labels, verdicts, requests):
    """labels: list of label dicts; verdicts: list of verdict dicts; requests: {account_id: n requests}."""
    vmap = {}
    for v in verdicts:
        vmap[v["account_id"]] = v
    lab = {l["account_id"]: l for l in labels}
    missing = [a for a in lab if a not in vmap]
    unknown = [a for a in vmap if a not in lab]
    ids = list(lab)
    y = np.array([lab[a]["label"] == "attack" for a in ids])
    risk = np.array([float(vmap.get(a, {}).get("risk") or 0.0) for a in ids])
    risk = np.nan_to_num(np.clip(risk, 0.0, 1.0), nan=0.0)  # out-of-range or NaN risks are clipped / zeroed
    flag = np.array([bool(vmap.get(a, {}).get("flagged", False)) for a in ids])
    npos, nneg = int(y.sum()), int((~y).sum())
    res = {"accounts": len(ids), "attack_accounts": npos, "legit_accounts": nneg, "missing_verdicts": len(missing),
           "unknown_verdicts": len(unknown)}
    res["auroc"] = auroc(risk, y)
    res["tpr_at_fpr_0.1pct"], res["thr_at_fpr_0.1pct"] = tpr_at_fpr(risk, y, 0.001)
    res["tpr_at_fpr_1pct"], res["thr_at_fpr_1pct"] = tpr_at_fpr(risk, y, 0.01)
    res["flagged_tpr"] = float((flag & y).sum() / npos) if npos else float("nan")
    res["flagged_fpr"] = float((flag & ~y).sum() / nneg) if nneg else float("nan")
    res["flagged_legit"] = int((flag & ~y).sum())
    # per persona
    per = collections.defaultdict(lambda: [0, 0])
    for a, f in zip(ids, flag):
        k = (lab[a]["label"], lab[a].get("persona") or "?")
        per[k][0] += 1; per[k][1] += int(f)
    res["legit_personas"] = {p: {"accounts": n, "flagged": fl, "fpr": fl / n} for (l, p), (n, fl) in sorted(per.items()) if l == "legit"}
    res["attack_personas"] = {p: {"accounts": n, "flagged": fl, "tpr": fl / n} for (l, p), (n, fl) in sorted(per.items()) if l == "attack"}
    # campaigns
    camps = collections.defaultdict(list)
    for a, f in zip(ids, flag):
        if lab[a]["label"] == "attack":
            camps[lab[a].get("campaign_id") or ("solo:" + a)].append(a)
    cres = {}
    tot_att = tot_leak = 0
    no_rbf = 0
    for c, accs in sorted(camps.items()):
        fl = sum(1 for a in accs if vmap.get(a, {}).get("flagged"))
        served = leaked = 0
        for a in accs:
            n = int(requests.get(a, 0)); served += n
            v = vmap.get(a, {})
            if v.get("flagged"):
                rbf = v.get("requests_before_flag")
                if rbf is None:
                    no_rbf += 1; leaked += n
                else:
                    leaked += min(n, max(0, int(rbf)))
            else:
                leaked += n
        tot_att += served; tot_leak += leaked
        cres[c] = {"persona": lab[accs[0]].get("persona"), "accounts": len(accs), "flagged": fl, "flagged_share": fl / len(accs),
                   "detected": fl >= 0.9 * len(accs), "requests": served, "leaked": leaked,
                   "leaked_share": leaked / served if served else float("nan")}
    res["campaigns"] = cres
    res["campaign_recall"] = sum(c["detected"] for c in cres.values()) / len(cres) if cres else float("nan")
    res["leaked_share"] = tot_leak / tot_att if tot_att else float("nan")
    ls = [c["leaked_share"] for c in cres.values() if not math.isnan(c["leaked_share"])]
    res["leaked_share_campaign_mean"] = sum(ls) / len(ls) if ls else float("nan")
    res["flagged_without_requests_before_flag"] = no_rbf
    # clustering
    att = [a for a in ids if lab[a]["label"] == "attack"]
    true = [lab[a].get("campaign_id") or ("solo:" + a) for a in att]
    pred = [vmap.get(a, {}).get("campaign_id") or ("single:" + a) for a in att]
    res["campaign_ari"] = ari(true, pred) if att else float("nan")
    att_clusters = {p for p in pred if not p.startswith("single:")}
    res["legit_in_attack_clusters"] = sum(1 for a in ids if lab[a]["label"] == "legit" and vmap.get(a, {}).get("campaign_id") in att_clusters)
    return res


def fmt(res):
    L = []
    L.append(f"accounts {res['accounts']} (attack {res['attack_accounts']}, legit {res['legit_accounts']}); "
             f"missing verdicts {res['missing_verdicts']} (scored unflagged, risk 0); verdicts for unknown accounts {res['unknown_verdicts']}")
    L.append(f"{'AUROC (risk)':34s} {res['auroc']:.4f}")
    L.append(f"{'TPR @ FPR<=0.1%':34s} {res['tpr_at_fpr_0.1pct']:.4f}")
    L.append(f"{'TPR @ FPR<=1%':34s} {res['tpr_at_fpr_1pct']:.4f}")
    L.append(f"{'flagged TPR':34s} {res['flagged_tpr']:.4f}")
    L.append(f"{'flagged FPR':34s} {res['flagged_fpr']:.4f}  ({res['flagged_legit']} legit accounts)")
    L.append(f"{'campaign recall (>=90% flagged)':34s} {res['campaign_recall']:.4f}")
    L.append(f"{'leaked share (overall)':34s} {res['leaked_share']:.4f}")
    L.append(f"{'leaked share (campaign mean)':34s} {res['leaked_share_campaign_mean']:.4f}")
    L.append(f"{'campaign ARI (attack accounts)':34s} {res['campaign_ari']:.4f}")
    L.append(f"{'legit accts in attack clusters':34s} {res['legit_in_attack_clusters']}")
    if res["flagged_without_requests_before_flag"]:
        L.append(f"  note: {res['flagged_without_requests_before_flag']} flagged attack accounts lack requests_before_flag (counted fully leaked)")
    L.append("")
    L.append(f"{'legit persona':28s} {'accts':>6s} {'flagged':>8s} {'FPR':>8s}")
    for p, d in res["legit_personas"].items():
        L.append(f"{p:28s} {d['accounts']:6d} {d['flagged']:8d} {d['fpr']:8.4f}")
    L.append("")
    L.append(f"{'attack persona':30s} {'accts':>6s} {'flagged':>8s} {'TPR':>8s}")
    for p, d in res["attack_personas"].items():
        L.append(f"{p:30s} {d['accounts']:6d} {d['flagged']:8d} {d['tpr']:8.4f}")
    L.append("")
    L.append(f"{'campaign':18s} {'persona':30s} {'accts':>6s} {'flagged%':>9s} {'det':>4s} {'requests':>9s} {'leaked%':>8s}")
    for c, d in res["campaigns"].items():
        L.append(f"{c[:18]:18s} {d['persona'][:30]:30s} {d['accounts']:6d} {100 * d['flagged_share']:9.1f} {'yes' if d['detected'] else 'no':>4s} "
                 f"{d['requests']:9d} {100 * d['leaked_share'] if d['requests'] else float('nan'):8.1f}")
    return "\n".join(L)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--verdicts", required=True)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    res = score(read_jsonl(a.labels), read_jsonl(a.verdicts), count_requests(a.events))
    print(fmt(res))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
