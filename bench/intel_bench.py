"""Benchmark: coordinated response between three providers through the intel hub.

Scenario. The project's traffic simulator generates one population with one
extraction campaign (synthetic-instruction harvest, real distillation
instructions from ../shared/data/distill, legit personas on real user prompts
from ../shared/data/legit). Accounts are split across providers A, B and C by a
hash of the account id, so the campaign's sybils run at all three on shared
infrastructure, and legit customers are spread the same way.

At A, the project's online scorer (distillguard.replay) runs over A's traffic in
time order; A "detects" at the first moment a linked campaign has 3+ flagged
accounts. From that moment everything is real and on loopback: A exports the
campaign (keyed hashes, keyed MinHash signatures), pushes it to a TAXII hub, the
hub sends signed webhooks, B and C poll, validate and load the intel. The
measured wall-clock latency places the intel's arrival in B's and C's replays.

B and C replay their own traffic twice with their own online scorer: without
sharing (local detection only) and with sharing (local detection, plus refusing
accounts whose intel_match score reaches 0.8). A request is leaked if served.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.results_io import update_section

PROVIDERS = ("A", "B", "C")
COLLECTION = "0d4d1f7e-55c5-4f0b-9a36-1a1bb0f3a0a4"
BLOCK = 0.8
HELD_OUT = ("arena-hard", "hh-rlhf")  # legit sources the simulation never draws from


# --------------------------------------------------------------------------- corpora
def _jsonl(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def legit_corpus(data_dir: Path) -> dict[str, list[str]]:
    """Real prompts people sent to assistants, by source (see ../shared/data/MANIFEST.md)."""
    legit = data_dir / "legit"
    out: dict[str, list[str]] = {}
    if (legit / "arena-hard-v2.0/question.jsonl").exists():
        out["arena-hard"] = [r["prompt"] for r in _jsonl(legit / "arena-hard-v2.0/question.jsonl") if isinstance(r.get("prompt"), str)]
    oasst = []
    for name in ("en_100_text.jsonl", "prompt_lottery_en_250_text.jsonl"):
        if (legit / "oasst-prompts" / name).exists():
            oasst += [r for r in _jsonl(legit / "oasst-prompts" / name) if isinstance(r, str)]
    if oasst:
        out["oasst"] = oasst
    if (legit / "chatbot-arena-sample/labeled.jsonl").exists():
        out["chatbot-arena"] = [
            turn["content"] for r in _jsonl(legit / "chatbot-arena-sample/labeled.jsonl")
            for turn in (r.get("conversation_a") or [])[:1] if isinstance(turn.get("content"), str)
        ]
    if (legit / "hh-rlhf-harmless-test/test.jsonl.gz").exists():
        out["hh-rlhf"] = [
            r["chosen"].split("Human:", 1)[1].split("Assistant:", 1)[0].strip()
            for r in _jsonl(legit / "hh-rlhf-harmless-test/test.jsonl.gz") if "Human:" in r.get("chosen", "")
        ]
    return {k: [p for p in v if p.strip()] for k, v in out.items()}


def distill_corpus(data_dir: Path) -> list[str]:
    d = data_dir / "distill"
    out: list[str] = []
    for path in (d / "codealpaca/code_alpaca_2k.json", d / "gpteacher/codegen-instruct.json", d / "gpteacher/roleplay-simple-deduped-roleplay-instruct.json"):
        if path.exists():
            out += [(r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")).strip() for r in json.loads(path.read_text())]
    if (d / "self-instruct-seeds/seed_tasks.jsonl").exists():
        out += [r["instruction"] for r in _jsonl(d / "self-instruct-seeds/seed_tasks.jsonl")]
    return [p for p in out if p.strip()]


# --------------------------------------------------------------------------- scenario
def provider_of(account_id: str) -> str:
    return PROVIDERS[hashlib.blake2b(account_id.encode(), digest_size=2).digest()[0] % 3]


def simulate(data_dir: Path, quick: bool, size: tuple[int, int, int] | None = None):
    """(events, labels by account, corpora used, legit corpus). `size` = (days, legit accounts, sybils) overrides."""
    from distillguard.simulate import prompts as P
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    sources = dict(P.SOURCES)
    legit = legit_corpus(data_dir)
    distill = distill_corpus(data_dir)
    used = {"legit_in_simulation": [k for k in ("oasst", "chatbot-arena") if k in legit],
            "legit_held_out_for_false_matches": [k for k in HELD_OUT if k in legit], "distill": bool(distill)}
    # Split by source: the simulation's legit personas (and the campaign's cover traffic) use OASST and
    # Chatbot Arena; arena-hard and HH-RLHF are held out to measure false matches on unseen prompts.
    if legit.get("oasst") or legit.get("chatbot-arena"):
        sources["casual"] = P.Listed("legit-casual", legit.get("oasst", []) + legit.get("chatbot-arena", []))
    if distill:
        sources["synthetic"] = P.Listed("distill", distill)
    days, legit_accounts, sybils = size or ((1, 150, 15) if quick else (2, 450, 30))
    config = SimConfig(
        seed=11,
        days=days,
        legit_accounts=legit_accounts,
        campaigns=[CampaignSpec("synthetic-instruction-harvest", sybils=sybils, pacing="diurnal", cover_share=0.2, proxy_pool=30)],
        sources=sources,
    )
    events, labels = generate(config)
    return events, {l["account_id"]: l for l in labels}, used, legit


def detect_at_a(events_a: list, labels: dict, min_linked: int = 2) -> list[dict]:
    """Run A's online scorer over A's traffic; snapshot what `intel export` would send each time a
    campaign's flagged, linked membership reaches min_linked, then doubles (A re-shares as it learns)."""
    from distillguard.intel.export import CampaignData
    from distillguard.replay.online import OnlineScorer

    scorer = OnlineScorer()
    flagged_now: set[str] = set()
    next_share = min_linked
    points = []
    for i, event in enumerate(events_a):
        decision = scorer.process(event)
        if not decision.newly_flagged:
            continue
        flagged_now.add(event.account_id)
        # Campaign ids change as linking grows a campaign: count flagged members under current ids.
        counts: dict[str, int] = {}
        for account in flagged_now:
            cid = scorer.verdict(account)["campaign_id"]
            if cid:
                counts[cid] = counts.get(cid, 0) + 1
        if not counts or max(counts.values()) < next_share:
            continue
        next_share = 2 * max(counts.values())
        all_verdicts = scorer.verdicts()
        verdicts = [v for v in all_verdicts if v["flagged"]]
        campaigns: dict[str, CampaignData] = {}
        for v in verdicts:
            if v["campaign_id"]:
                camp = campaigns.setdefault(v["campaign_id"], CampaignData(v["campaign_id"], set()))
                camp.accounts.add(v["account_id"])
                camp.atlas.update(f["atlas"] for f in v["findings"] if f.get("atlas"))
        campaigns = {k: c for k, c in campaigns.items() if len(c.accounts) >= min_linked}
        # As `intel export` does: flagged accounts and unflagged accounts linked into an exported
        # campaign are not counted as ordinary customers.
        not_customers = {v["account_id"] for v in verdicts} | {v["account_id"] for v in all_verdicts if v["campaign_id"] in campaigns}
        exported = {a for c in campaigns.values() for a in c.accounts}
        points.append({
            "index": i,
            "ts": event.ts,
            "campaigns": campaigns,
            "not_customers": not_customers,
            "events": events_a[: i + 1],
            "exported_attack": sum(labels[a]["label"] == "attack" for a in exported),
            "exported_legit": sum(labels[a]["label"] != "attack" for a in exported),
        })
    return points


def share_for_real(points: list[dict], keyring, work: Path) -> list[dict]:
    """For each share point: A exports and pushes; the hub webhooks B and C; they poll and load. Wall-clock timed."""
    from distillguard.intel.hub import create_app
    from distillguard.intel.hub_config import HubConfig, hash_api_key
    from distillguard.intel.hub_store import HubStore
    from distillguard.intel.respond import HubLink, ProviderNode
    from distillguard.intel.serve import ServerThread, free_port

    keys = {p: f"bench-key-{p}-{random.getrandbits(64):x}" for p in PROVIDERS}
    secrets = {p: f"bench-hook-{p}-{random.getrandbits(64):x}".encode() for p in PROVIDERS}
    hub_port = free_port()
    nodes = {p: ProviderNode(p, keyring, HubLink(f"http://127.0.0.1:{hub_port}", "consortium", COLLECTION, p, keys[p]), webhook_secret=secrets[p]) for p in PROVIDERS}
    receivers = {p: ServerThread(nodes[p].webhook_app()) for p in ("B", "C")}
    for r in receivers.values():
        r.start()
    config = HubConfig.from_dict({
        "title": "bench hub", "api_root": "consortium",
        "providers": {p: {"api_key_sha256": hash_api_key(keys[p]), **({"webhook_url": f"{receivers[p].url}/intel/webhook", "webhook_secret": secrets[p].decode()} if p in receivers else {})} for p in PROVIDERS},
        "collections": [{"id": COLLECTION, "title": "extraction-campaigns", "read": ["*"], "write": ["*"]}],
    }, "bench")
    store = HubStore(work / "hub.sqlite")
    shares = []
    try:
        with ServerThread(create_app(config, store), port=hub_port):
            for k, point in enumerate(points, 1):
                start = time.monotonic()
                shared = nodes["A"].share(point["campaigns"], point["not_customers"], point["events"])
                pushed_s = time.monotonic() - start
                for p in ("B", "C"):
                    if not nodes[p].wait_for_intel(30, packages=k):
                        raise RuntimeError(f"share {k} did not reach {p} within 30 s: {nodes[p].problems}")
                shares.append({
                    "latency": {p: nodes[p].intel_loaded_at[k - 1] - start for p in ("B", "C")},
                    "export_and_push_s": pushed_s,
                    "stats": shared["stats"],
                    "bundle_bytes": len(json.dumps(shared["bundle"])),
                    "packages": {p: nodes[p].received[k - 1] for p in ("B", "C")},
                })
    finally:
        for r in receivers.values():
            r.stop()
        store.close()
    return shares


def replay_peer(events: list, labels: dict, keyring, schedule: list) -> dict:
    """Replay one peer's traffic; `schedule` is [(arrival time, package)] in time order."""
    from distillguard.intel.matcher import IntelMatchDetector
    from distillguard.replay.online import OnlineScorer

    scorer = OnlineScorer()
    matcher = IntelMatchDetector(keyring, block_threshold=BLOCK)
    pending = list(schedule)
    loaded = False
    out = {"served_intel_only": 0, "campaign_requests": 0, "served_without": 0, "served_with": 0, "first_intel_block_ts": None, "first_intel_only_block_ts": None, "first_local_block_ts": None,
           "legit_requests_refused_by_intel": 0}
    for event in events:
        while pending and event.ts >= pending[0][0]:
            matcher.load(pending.pop(0)[1])
            loaded = True
        local_block = scorer.process(event).flagged
        matcher.observe(event)
        intel_block = loaded and matcher.is_blocked(event.account_id)
        attack = labels[event.account_id]["label"] == "attack"
        if attack:
            out["campaign_requests"] += 1
            out["served_without"] += not local_block
            out["served_with"] += not (local_block or intel_block)
            out["served_intel_only"] += not intel_block
            if intel_block and out["first_intel_block_ts"] is None:
                out["first_intel_block_ts"] = event.ts
            if intel_block and not local_block and out["first_intel_only_block_ts"] is None:
                out["first_intel_only_block_ts"] = event.ts
            if local_block and out["first_local_block_ts"] is None:
                out["first_local_block_ts"] = event.ts
        elif intel_block and not local_block:
            out["legit_requests_refused_by_intel"] += 1
    legit_accounts = [a for a in matcher.accounts if labels[a]["label"] != "attack"]
    attack_accounts = [a for a in matcher.accounts if labels[a]["label"] == "attack"]
    out["legit_accounts"] = len(legit_accounts)
    out["legit_blocked_by_intel"] = sum(matcher.is_blocked(a) for a in legit_accounts)
    out["legit_with_any_intel_match"] = sum(matcher.score_account(a, {}) is not None for a in legit_accounts)
    out["legit_flagged_locally"] = sum(scorer.tracks[a].flagged_at is not None for a in legit_accounts)
    out["attack_accounts"] = len(attack_accounts)
    out["attack_blocked_by_intel"] = sum(matcher.is_blocked(a) for a in attack_accounts)
    return out


def stress_signatures(events_a: list, labels: dict, keyring) -> list:
    """A larger signature set than A ever shared: built from every campaign prompt A served (labels
    are used only to pick them), to put more signatures in front of the held-out legit prompts."""
    from types import SimpleNamespace

    from distillguard.intel.signatures import SignatureHasher, campaign_signatures

    prompts = [e.prompt_text for e in events_a if labels[e.account_id]["label"] == "attack" and e.prompt_text][:5000]
    hasher = SignatureHasher(keyring.key(), keyring.current)
    sigs = campaign_signatures(prompts, hasher, max_prompts=1000)
    return [SimpleNamespace(signatures=[SimpleNamespace(id=i, signature=s) for i, s in enumerate(sigs)])]


def legit_prompt_false_matches(legit: dict[str, list[str]], keyring, packages: list) -> dict:
    """Every real legit prompt against the shared prompt signatures (and nothing else)."""
    from distillguard.intel.signatures import SignatureHasher, SignatureIndex, shingles

    indexes = {}
    for package in packages:
        for ind in package.signatures:
            kid = ind.signature.kid
            if kid not in indexes:
                indexes[kid] = SignatureIndex(SignatureHasher(keyring.key(kid), kid))
            indexes[kid].add(ind.signature, ind.id)
    by_source = {}
    for source, prompts in legit.items():
        hits = checked = 0
        for text in prompts:
            sh = shingles(text)
            if not sh:
                continue
            checked += 1
            if any(index.match(index.hasher.minhash(sh), len(sh)) for index in indexes.values()):
                hits += 1
        by_source[source] = {"checked": checked, "matched": hits, "in_simulation": source not in HELD_OUT}
    return {"by_source": by_source, "signatures": sum(len(i) for i in indexes.values())}


def scenario(split: dict, labels: dict, stagger_hours: float) -> dict:
    """One run of detect-at-A -> share -> replay B and C. `stagger_hours` delays the campaign at B and C."""
    from distillguard.intel.keys import Keyring

    if stagger_hours:
        shift = timedelta(hours=stagger_hours)
        split = dict(split)
        for p in ("B", "C"):
            moved = [replace(e, ts=e.ts + shift) if labels[e.account_id]["label"] == "attack" else e for e in split[p]]
            split[p] = sorted(moved, key=lambda e: e.ts)
    keyring = Keyring.generate("bench-k1")
    points = detect_at_a(split["A"], labels)
    if not points:
        raise RuntimeError("A's online scorer never linked 2 flagged accounts into one campaign: nothing to share")
    detection = points[0]
    with tempfile.TemporaryDirectory() as tmp:
        shares = share_for_real(points, keyring, Path(tmp))
    peers = {}
    for p in ("B", "C"):
        schedule = [(pt["ts"] + timedelta(seconds=sh["latency"][p]), sh["packages"][p]) for pt, sh in zip(points, shares)]
        peers[p] = replay_peer(split[p], labels, keyring, schedule)
    total = sum(r["campaign_requests"] for r in peers.values())

    def delay(r, key):
        return round((r[key] - detection["ts"]).total_seconds(), 3) if r[key] else None

    return {
        "stagger_hours": stagger_hours,
        "leaked_share_with_sharing": round(sum(r["served_with"] for r in peers.values()) / total, 4),
        "leaked_share_without_sharing": round(sum(r["served_without"] for r in peers.values()) / total, 4),
        "seconds_from_detection_to_peer_block": {p: delay(r, "first_intel_block_ts") for p, r in peers.items()},
        "seconds_from_detection_to_block_local_would_not_make": {p: delay(r, "first_intel_only_block_ts") for p, r in peers.items()},
        "leaked_share_intel_only": round(sum(r["served_intel_only"] for r in peers.values()) / total, 4),
        "sharing_wall_clock_seconds": {p: round(v, 3) for p, v in shares[0]["latency"].items()},
        "export_and_push_wall_clock_seconds": round(shares[0]["export_and_push_s"], 3),
        "shares": [
            {"ts": pt["ts"].isoformat(), "events_seen_at_a": pt["index"] + 1, "exported_accounts_attack": pt["exported_attack"],
             "exported_accounts_legit": pt["exported_legit"], "bundle_bytes": sh["bundle_bytes"], **sh["stats"],
             "wall_clock_seconds_to_load": {p: round(v, 3) for p, v in sh["latency"].items()}}
            for pt, sh in zip(points, shares)
        ],
        "peers": {p: {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for p, r in peers.items()},
        "detection_at_a": {
            "ts": detection["ts"].isoformat(), "events_seen": detection["index"] + 1,
            "exported_accounts_attack": detection["exported_attack"], "exported_accounts_legit": detection["exported_legit"],
        },
        "bundle": {"bytes": shares[0]["bundle_bytes"], **shares[0]["stats"]},
        "_packages": [sh["packages"]["B"] for sh in shares],
        "_keyring": keyring,
    }


def run(data_dir: Path, quick: bool = False) -> dict:
    from distillguard.events.model import parse_event

    data_dir = Path(data_dir)
    t0 = time.monotonic()
    raw, labels, used, legit = simulate(data_dir, quick)
    split = {p: [] for p in PROVIDERS}
    for e in raw:
        split[provider_of(e["account_id"])].append(parse_event(e))
    runs = {"simultaneous": scenario(split, labels, 0.0), "staggered_24h": scenario(split, labels, 24.0)}
    main_run = runs["simultaneous"]
    keyring, packages = main_run.pop("_keyring"), main_run.pop("_packages")
    prompts = legit_prompt_false_matches(legit, keyring, packages)
    stress = legit_prompt_false_matches(legit, keyring, stress_signatures(split["A"], labels, keyring))
    for r in runs.values():
        r.pop("_keyring", None)
        r.pop("_packages", None)
    peers = main_run["peers"]
    data = {
        "leaked_share_with_sharing": main_run["leaked_share_with_sharing"],
        "leaked_share_without_sharing": main_run["leaked_share_without_sharing"],
        "seconds_from_detection_to_peer_block": main_run["seconds_from_detection_to_peer_block"]["B"],
        "leaked_share_intel_only": main_run["leaked_share_intel_only"],
        "false_matches": sum(r["legit_blocked_by_intel"] for r in peers.values()),
        "false_match_detail": {
            "legit_accounts_at_b_and_c": sum(r["legit_accounts"] for r in peers.values()),
            "legit_accounts_blocked_by_intel": sum(r["legit_blocked_by_intel"] for r in peers.values()),
            "legit_accounts_with_any_intel_match": sum(r["legit_with_any_intel_match"] for r in peers.values()),
            "legit_requests_refused_by_intel": sum(r["legit_requests_refused_by_intel"] for r in peers.values()),
            "held_out_legit_prompts_checked": sum(prompts["by_source"].get(k, {}).get("checked", 0) for k in HELD_OUT),
            "held_out_legit_prompts_matching_shared_signatures": sum(prompts["by_source"].get(k, {}).get("matched", 0) for k in HELD_OUT),
            "by_source": prompts["by_source"],
            "stress_signatures": stress["signatures"],
            "stress_held_out_matched": sum(stress["by_source"].get(k, {}).get("matched", 0) for k in HELD_OUT),
            "stress_by_source": stress["by_source"],
        },
        "scenarios": runs,
        "events": {p: len(v) for p, v in split.items()},
        "corpora": used,
        "quick": quick,
        "seconds": round(time.monotonic() - t0, 1),
    }
    update_section("intel", data, markdown(data), command="python -m bench.intel_bench" + (" --quick" if quick else ""))
    return data


def _clock(ts: str | None) -> str:
    return "never" if not ts else f"day {int(ts[8:10]) - 1} {ts[11:19]}"


def markdown(d: dict) -> str:
    fm = d["false_match_detail"]
    sim, stag = d["scenarios"]["simultaneous"], d["scenarios"]["staggered_24h"]

    def row(name, r):
        b, c = r["peers"]["B"], r["peers"]["C"]
        delay = r["seconds_from_detection_to_peer_block"]
        return (f"| {name} | {r['leaked_share_without_sharing']:.1%} | {r['leaked_share_with_sharing']:.1%} | {r['leaked_share_intel_only']:.1%} | "
                f"{b['attack_blocked_by_intel']}/{b['attack_accounts']}, {c['attack_blocked_by_intel']}/{c['attack_accounts']} | "
                f"{delay['B']} / {delay['C']} | {r['sharing_wall_clock_seconds']['B']} / {r['sharing_wall_clock_seconds']['C']} |")

    return f"""Three providers (A, B, C) and one TAXII hub on loopback. One extraction campaign (the project simulator's
synthetic-instruction harvest on real distillation instructions; legit personas on real OASST/Chatbot Arena prompts) is
split across the providers by account ({d['events']['A']:,} / {d['events']['B']:,} / {d['events']['C']:,} events). A's own online
scorer detects it: A shares when 2 flagged accounts are linked into one campaign, and re-shares each time that
number doubles ({len(sim['shares'])} shares in the simultaneous run). Each share is real: A exports and pushes a bundle; the
hub's signed webhook makes B and C poll, validate and load it; B and C then refuse accounts that their own online scorer
flags or whose `intel_match` score reaches {BLOCK}. Leaked = campaign requests served at B and C over the whole campaign
(requests before A's detection included). "Intel only" is a peer that runs no detection of its own and acts on
shared intel alone. In the staggered scenario the campaign reaches B and C 24 hours after A (a campaign rolling from one provider to the next).

| scenario | leaked at B+C, without sharing (local detection only) | leaked, with sharing (local + intel) | leaked, intel only (no local detection) | campaign accounts blocked by intel (B, C) | s from A's first share to first intel block (B / C, traffic time) | sharing path wall-clock s, first share (B / C) |
|---|---|---|---|---|---|---|
{row("simultaneous", sim)}
{row("staggered 24 h", stag)}

- Timing matters more than matching: in the simultaneous run, B's and C's own scorers first blocked a campaign request at
  {_clock(sim['peers']['B']['first_local_block_ts'])} and {_clock(sim['peers']['C']['first_local_block_ts'])}, A first shared at
  {_clock(sim['detection_at_a']['ts'])} (traffic time), so sharing can only add the accounts local detection misses or
  catches late; when the campaign reaches B and C after A (staggered), the intel is already there when it arrives.
- Headline `seconds_from_detection_to_peer_block` = B, simultaneous: **{d['seconds_from_detection_to_peer_block']} s** of traffic time
  between A's detection and B refusing a campaign request on shared intel. It is the sharing path's wall-clock time
  (export, push, webhook, poll, validate, load: about {sim['sharing_wall_clock_seconds']['B']} s) plus the wait for the campaign's next request at B.
- False matches: **{d['false_matches']}** of {fm['legit_accounts_at_b_and_c']} legit accounts at B and C blocked by shared intel
  ({fm['legit_accounts_with_any_intel_match']} had some sub-threshold match; {fm['legit_requests_refused_by_intel']} legit requests refused).
  Separately, {fm['held_out_legit_prompts_matching_shared_signatures']} of {fm['held_out_legit_prompts_checked']} real legit prompts
  from sources the simulation never used (arena-hard, HH-RLHF) match any shared prompt signature
  (per source: {json.dumps({k: f"{v['matched']}/{v['checked']}" for k, v in fm['by_source'].items()})}).
  Stress check with {fm['stress_signatures']} signatures built from every campaign prompt A served: {fm['stress_held_out_matched']} held-out
  legit prompts match (per source: {json.dumps({k: f"{v['matched']}/{v['checked']}" for k, v in fm['stress_by_source'].items()})};
  OASST and Chatbot Arena matches there are the campaign's cover traffic, which the simulator draws from those corpora).
- A first shared after {sim['detection_at_a']['events_seen']:,} of its events and exported {sim['detection_at_a']['exported_accounts_attack']} campaign
  and {sim['detection_at_a']['exported_accounts_legit']} legit (false-positive) accounts; the bundle held {sim['bundle']['identifiers']} keyed identifiers
  and {sim['bundle']['signatures']} prompt signatures ({sim['bundle']['bytes']:,} bytes), after dropping {sim['bundle']['dropped_common_identifiers']}
  identifiers and {sim['bundle']['dropped_common_signatures']} signatures that A's own ordinary customers also use.

Caveats: the cross-provider campaign is simulated (one simulator population split three ways), so how much
infrastructure a real campaign reuses across providers is the simulator's assumption; "without sharing" is the
project's own online scorer at B and C as it stood when this ran; one seed, one campaign.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="smaller population (about a minute)")
    args = parser.parse_args(argv)
    data = run(args.data_dir, args.quick)
    json.dump({k: data[k] for k in ("leaked_share_with_sharing", "leaked_share_without_sharing", "seconds_from_detection_to_peer_block", "false_matches")}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
