"""gen4: a held-out synthetic LLM-API traffic generator.

    python -m gen4.generate --seed 1 --scale small --out /tmp/g4 [--data DIR]

writes DIR/events.jsonl (api-event.schema.json, sorted by ts then request_id) and
DIR/labels.jsonl (labels.schema.json, one line per account that appears in events)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from . import personas as P
from .corpora import Corpora, default_data_dir
from .world import World, iso_s

# Account counts per persona and scale. V scales the per-account volume of the high-volume
# machine personas so that small stays within its event budget.
SCALES = {
    "tiny": {"days": 2, "V": 0.12, "legit": {
        "casual-chat": 38, "edgy-chat": 2, "power-user": 3, "multilingual-user": 7, "dev-team-orgs": 1,
        "eval-researcher": 2, "writing-relay": 1, "enterprise-pipeline": 2, "logprob-classifier": 1,
        "coding-agent": 4, "tool-assistant": 2, "rag-support-bot": 1, "tutoring-app": 1},
        "attack": {"swarm": 3, "synth-spread": 2, "synth-loud": 1, "cot-loud": 0, "cot-quiet": 1, "logprob": 1,
                   "probe": 1, "bench": 1, "agentic": 1, "slow": 1, "zh": 1}},
    "small": {"days": 3, "V": 0.55, "legit": {
        "casual-chat": 190, "edgy-chat": 8, "power-user": 22, "multilingual-user": 40, "dev-team-orgs": 4,
        "eval-researcher": 7, "writing-relay": 3, "enterprise-pipeline": 7, "logprob-classifier": 4,
        "coding-agent": 22, "tool-assistant": 11, "rag-support-bot": 4, "tutoring-app": 3},
        "attack": {"swarm": 18, "synth-spread": 22, "synth-loud": 1, "cot-loud": 1, "cot-quiet": 2, "logprob": 1,
                   "probe": 2, "bench": 3, "agentic": 2, "slow": 1, "zh": 4}},
    "standard": {"days": 12, "V": 0.55, "legit": {
        "casual-chat": 750, "edgy-chat": 30, "power-user": 85, "multilingual-user": 150, "dev-team-orgs": 12,
        "eval-researcher": 25, "writing-relay": 8, "enterprise-pipeline": 25, "logprob-classifier": 10,
        "coding-agent": 80, "tool-assistant": 40, "rag-support-bot": 14, "tutoring-app": 8},
        "attack": {"swarm": 80, "synth-spread": 100, "synth-loud": 2, "cot-loud": 2, "cot-quiet": 4, "logprob": 3,
                   "probe": 4, "bench": 8, "agentic": 5, "slow": 2, "zh": 12}},
}


def build(seed: int, scale: str, data_dir: str | None = None) -> World:
    cfg = SCALES[scale]
    w = World(seed, scale, Corpora(data_dir or default_data_dir()), cfg["days"])
    w.V = cfg["V"]
    L, A = cfg["legit"], cfg["attack"]
    P.casual_chat(w, L["casual-chat"])
    P.casual_chat(w, L["edgy-chat"], persona="edgy-chat", stepwise_frac=0.0, hh=True)
    P.power_user(w, L["power-user"])
    P.multilingual(w, L["multilingual-user"])
    P.dev_teams(w, L["dev-team-orgs"], devs=(3, 4) if scale == "tiny" else (3, 8))
    P.eval_researchers(w, L["eval-researcher"])
    P.writing_relay(w, L["writing-relay"])
    P.enterprise_pipeline(w, L["enterprise-pipeline"])
    P.logprob_classifier(w, L["logprob-classifier"])
    P.agentic(w, L["coding-agent"], "coding-agent")
    P.agentic(w, L["tool-assistant"], "tool-assistant")
    P.rag_bot(w, L["rag-support-bot"])
    P.tutoring(w, L["tutoring-app"])
    P.sweep_swarm(w, A["swarm"], "c-sweep-01")
    P.synthetic_harvest(w, A["synth-spread"], "c-synth-spread-01", loud=False)
    P.synthetic_harvest(w, A["synth-loud"], "c-synth-loud-01", loud=True)
    if A["cot-loud"]:
        P.cot_elicitation(w, A["cot-loud"], "c-cot-loud-01", quiet=False)
    P.cot_elicitation(w, A["cot-quiet"], "c-cot-quiet-01", quiet=True)
    P.logprob_extraction(w, A["logprob"], "c-logit-01")
    for k in range(A["probe"]):  # several small, unrelated probing campaigns
        P.identity_probing(w, 1 + (k == 0 and A["probe"] > 2), "c-probe-%02d" % (k + 1))
    P.benchmark_harvest(w, A["bench"], "c-bench-01")
    P.agentic_harvest(w, A["agentic"], "c-agent-01")
    for k in range(A["slow"]):
        P.slow_harvester(w, "c-slow-%02d" % (k + 1))
    P.zh_lab(w, A["zh"], "c-zh-01")
    P.ensure_active(w)
    return w


def write(w: World, out: str):
    os.makedirs(out, exist_ok=True)
    evs = w.events
    evs.sort(key=lambda e: (e["ts"], e["request_id"]))
    seen = set()
    order = []
    with open(os.path.join(out, "events.jsonl"), "w", encoding="utf-8") as f:
        for e in evs:
            a = e.pop("_a")
            e["account"] = {"created_at": iso_s(a.created), "payment_fingerprint": a.pay, "email_domain": a.email,
                            "country": a.country, "tier": a.tier}
            if a.id not in seen:
                seen.add(a.id)
                order.append(a)
            f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
    order.sort(key=lambda a: a.id)
    with open(os.path.join(out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for a in order:
            f.write(json.dumps({"account_id": a.id, "label": a.label, "persona": a.persona,
                                "campaign_id": a.campaign}, separators=(",", ":")) + "\n")
    return len(evs), len(order)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="gen4.generate", description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default=None, help="corpora folder (default $GEN4_DATA, else ../../shared/data)")
    args = ap.parse_args(argv)
    t0 = time.time()
    w = build(args.seed, args.scale, args.data)
    n_ev, n_acc = write(w, args.out)
    print("gen4: %d events, %d accounts, %.1fs -> %s" % (n_ev, n_acc, time.time() - t0, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
