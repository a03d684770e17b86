"""CLI: python -m gen3.generate --seed N --scale tiny|small|standard --out DIR"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from . import attack as A
from . import legit as G
from .corpus import Corpus
from .ctx import Ctx
from .emit import Emitter
from .world import EPOCH

SCALES = {
    #          accounts, days, volume multiplier, campaign replication
    "tiny": dict(accounts=80, days=2, vol=0.6, campaigns="tiny"),
    "small": dict(accounts=370, days=3, vol=1.0, campaigns=1),
    "standard": dict(accounts=1500, days=14, vol=0.45, campaigns=4),
}


def campaign_plan(which) -> list:
    if which == "tiny":
        seen, plan = set(), []
        for strat, n, kn in A.CAMPAIGNS_SMALL:
            if strat in seen:
                continue
            seen.add(strat)
            plan.append((strat, {"capability-sweep-sybil": 2}.get(strat, 1), kn))
        return plan
    return [c for _ in range(int(which)) for c in A.CAMPAIGNS_SMALL]


def build_population(ctx: Ctx, scale: dict):
    pop = []
    for ci, (strat, n, kn) in enumerate(campaign_plan(scale["campaigns"])):
        pop += A.BUILDERS[strat](ctx, ci, n, kn)
    n_attack = len(pop)
    n_legit = max(1, ctx.n_accounts - n_attack)
    total_w = sum(w for _, w in G.LEGIT.values())
    legit = []
    for name, (builder, w) in G.LEGIT.items():
        share = n_legit * w / total_w
        if name in G.GROUP_SIZE:
            groups = max(1, round(share / (G.GROUP_SIZE[name] * min(1.0, ctx.n_accounts / 350))))
            for gi in range(groups):
                legit += builder(ctx, gi)
        else:
            for gi in range(max(1, round(share))):
                legit += builder(ctx, gi)
    return pop + legit


def generate(seed: int, scale: str = "small", out: str | os.PathLike = "out", data_dir=None,
             accounts: int | None = None, days: int | None = None, vol: float | None = None, quiet=False) -> dict:
    t0 = time.time()
    sc = dict(SCALES[scale])
    if accounts:
        sc["accounts"] = accounts
    if days:
        sc["days"] = days
    if vol:
        sc["vol"] = vol
    pools = Corpus(data_dir)
    ctx = Ctx(seed=seed, start=EPOCH, days=sc["days"], vol=sc["vol"], pools=pools, n_accounts=sc["accounts"])
    pop = build_population(ctx, sc)
    events, labels = [], []  # events held as (ts, request_id, account_id, json line) to keep memory low
    per_ev = Counter()
    for acct, sim in pop:
        em = Emitter(acct, ctx.start, ctx.end, pools)
        sim(ctx, em)
        if not em.events:  # an account that never called the API in the window is not in the log
            continue
        for e in em.events:
            events.append((e["ts"], e["request_id"], json.dumps(e, ensure_ascii=False, separators=(",", ":"))))
        per_ev[(acct.label, acct.persona)] += len(em.events)
        em.events = []
        labels.append({"account_id": acct.account_id, "label": acct.label, "persona": acct.persona,
                       "campaign_id": acct.campaign_id})
    events.sort()
    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    with open(outp / "events.jsonl", "w", encoding="utf-8") as f:
        for _, _, line in events:
            f.write(line)
            f.write("\n")
    with open(outp / "labels.jsonl", "w", encoding="utf-8") as f:
        for l in labels:
            f.write(json.dumps(l, ensure_ascii=False, separators=(",", ":")) + "\n")
    per = Counter()
    for l in labels:
        per[(l["label"], l["persona"])] += 1
    stats = {"seed": seed, "scale": scale, "accounts": len(labels), "built_accounts": len(pop), "events": len(events),
             "attack_accounts": sum(1 for l in labels if l["label"] == "attack"), "seconds": round(time.time() - t0, 2),
             "per_persona": {f"{k[0]}/{k[1]}": [v, per_ev[k]] for k, v in sorted(per.items())}}
    if not quiet:
        print(json.dumps(stats, indent=1), file=sys.stderr)
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default=None, help="shared data folder (default ../shared/data or $GEN3_DATA)")
    ap.add_argument("--accounts", type=int, default=None, help="override the number of accounts")
    ap.add_argument("--days", type=int, default=None, help="override the window length in days")
    ap.add_argument("--vol", type=float, default=None, help="override the per-account volume multiplier")
    a = ap.parse_args(argv)
    generate(a.seed, a.scale, a.out, a.data, a.accounts, a.days, a.vol)


if __name__ == "__main__":
    main()
