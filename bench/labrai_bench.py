"""The public peer benchmark: LabRAI's MMD paper data, its window protocol and as a population of accounts.

    .venv/bin/python -m bench.labrai_bench --labrai-dir ../shared/data/labrai            # the real data
    nice -n 10 .venv/bin/python -m bench.labrai_bench --stand-in --data-dir ../shared/data --quick

Data (github LabRAI/mmd-llm-mea-detection, hosted on the Hugging Face hub): `<labrai-dir>/data/<dataset>/
{normal,attacker}/queries.jsonl` (or `<labrai-dir>/<dataset>/...`), one JSON object a line with a
`query` string. `--labrai-dir` defaults to $DISTILLGUARD_LABRAI or ../shared/data/labrai. Without the
data the bench says what to put where and exits 2, unless `--stand-in`: then it builds the same
layout from the shared corpora (normal = people's prompts from legit/, attacker = distillation
instructions or benchmark questions) and every figure is labelled "stand-in, not LabRAI".

(i) Windows, the paper's protocol: per dataset and seed, normal queries are shuffled and split
    80/20 into a benign reference pool and a held-out benign stream; windows of N queries are
    held-out benign, or carry a share f of attacker queries (f = 0.05 ... 1.0). MMD (bench/
    mmd_baseline.py) is calibrated on reference-vs-reference windows; distillguard scores each
    window as one account through `distillguard scan` (black box) and is calibrated on windows of
    the reference pool. Both get the threshold for the same benign FPR from their calibration.
(ii) Population: the other half of the normal queries become good accounts of varied size, the
    attacker queries one campaign spread over S sybils (1, 10, 50); every account has the same kind
    of metadata (own IP, common client, aged account, spread over a week), so only content
    differs, as in LabRAI. Scored by `distillguard scan EVENTS --replay --out VERDICTS` and by MMD
    per account (against the reference half).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from bench.mmd_baseline import MMDDetector, embed_queries
from bench.peer_results import write_section
from distillguard.bench_metrics import evaluate, tpr_at_fpr
from distillguard.learning.jsonl import numbered_objects

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work" / "labrai"
DEFAULT_DIR = Path(os.environ.get("DISTILLGUARD_LABRAI", "../shared/data/labrai"))
HUB = "https://huggingface.co/datasets/ShuzeLiu11/mmd-llm-mea-detection-data"
STAND_IN_LABEL = "stand-in, not LabRAI"
START = datetime(2026, 11, 2, tzinfo=timezone.utc)
ACCOUNT_SIZE_BINS = (5, 10, 20, 40, 80, 160)  # MMD nulls per account size: an account is sub-sampled to its bin


@dataclass
class Settings:
    window: int = 100
    seeds: tuple[int, ...] = (1, 20, 42)
    fractions: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0)
    windows_per_split: int = 50
    fpr: float = 0.05              # the window threshold's benign FPR (the paper's 95th null percentile)
    null_samples: int = 1000
    reference_repeats: int = 20
    population_null_samples: int = 1000  # per account-size bin; p <= 0.001 needs at least 1000
    sybils: tuple[int, ...] = (1, 10, 50)
    population_accounts: int = 400
    attack_budget: int = 1500      # attacker queries spread over the sybils
    max_queries: int = 6000        # per file, after shuffling (embedding time)


QUICK = dict(seeds=(42,), windows_per_split=20, null_samples=300, reference_repeats=5, population_accounts=150,
             attack_budget=500, max_queries=1500)


class DataMissing(SystemExit):
    pass


# -- data ------------------------------------------------------------------------------------
def dataset_dirs(root: Path) -> dict[str, Path]:
    base = root / "data" if (root / "data").is_dir() else root
    if not base.is_dir():
        return {}
    return {d.name: d for d in sorted(base.iterdir())
            if (d / "normal" / "queries.jsonl").is_file() and (d / "attacker" / "queries.jsonl").is_file()}


def read_queries(path: Path, field: str = "query") -> tuple[list[str], int]:
    """Queries of one file and how many rows had no usable text (counted, never dropped silently)."""
    out, unusable = [], 0
    try:
        for _, row in numbered_objects(path, ValueError):
            text = row.get(field) if isinstance(row, dict) else None
            if isinstance(text, str) and text.strip():
                out.append(text.strip())
            else:
                unusable += 1
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    if not out:
        raise SystemExit(f"error: {path}: no row has a non-empty string field {field!r}")
    return out, unusable


def missing_message(root: Path) -> str:
    return (f"LabRAI data not found under {root.resolve()}.\n"
            f"Expected {root}/data/<dataset>/normal/queries.jsonl and {root}/data/<dataset>/attacker/queries.jsonl "
            f"(rows like {{\"id\": ..., \"index\": 0, \"query\": \"...\"}}), e.g. data/model_leeching/.\n"
            f"They are hosted at {HUB}; on a machine with access run\n"
            f"  git clone {HUB} data   # or: hf download ShuzeLiu11/mmd-llm-mea-detection-data --repo-type dataset --local-dir data\n"
            f"and copy that data/ folder to {root}/data (or point --labrai-dir / DISTILLGUARD_LABRAI at it).\n"
            f"To run the same protocol on the shared corpora instead (figures labelled '{STAND_IN_LABEL}'): --stand-in --data-dir ../shared/data")


def _write_private_jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # prompts: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def build_stand_in(data_dir: Path, out_root: Path, cap: int) -> Path:
    """The LabRAI layout from the shared corpora: two datasets sharing one benign side."""
    from distillguard.simulate import corpora

    if not (data_dir / "MANIFEST.md").exists():
        raise SystemExit(f"error: {data_dir}: the shared corpora are not there (expected MANIFEST.md); pass --data-dir")
    rng = random.Random(2606)
    normal = corpora.human_prompts(data_dir, "all") + corpora.redteam_prompts(data_dir)
    sides = {"standin-distill": corpora.distill_instructions(data_dir, "all"),
             "standin-benchmark": corpora.benchmark_questions(data_dir, "all")}
    rng.shuffle(normal)
    for name, attacker in sides.items():
        rng.shuffle(attacker)
        for side, texts in (("normal", normal[:cap]), ("attacker", attacker[:cap])):
            _write_private_jsonl(out_root / "data" / name / side / "queries.jsonl",
                                 ({"id": f"{name}-{side}-{i}", "index": i, "query": t} for i, t in enumerate(texts)))
    return out_root


# -- events and the black-box scan -----------------------------------------------------------------
def account_events(account: str, queries: list[str], rng: np.random.Generator, span_hours: float) -> list[dict]:
    """One account's requests in the API-event format: content is all that tells accounts apart."""
    created = START - timedelta(days=int(rng.integers(30, 700)))
    ip = f"10.{rng.integers(0, 256)}.{rng.integers(0, 256)}.{rng.integers(1, 255)}"
    # daytime activity in the account's own time zone, the same for good and attacking accounts
    days = rng.integers(0, max(1, int(span_hours // 24)), size=len(queries))
    hours = np.clip(rng.normal(14.0, 3.0, size=len(queries)), 7.0, 23.0) + rng.integers(-6, 7)
    offsets = np.sort(days * 86400.0 + hours * 3600.0)
    return [{"request_id": f"{account}-{i}", "ts": (START + timedelta(seconds=float(t))).isoformat().replace("+00:00", "Z"),
             "account_id": account, "ip": ip, "user_agent": "openai-python/1.54.3", "endpoint": "/v1/chat/completions",
             "model": "dg-large", "status": 200,
             "request": {"model": "dg-large", "messages": [{"role": "user", "content": q}], "max_tokens": 1024, "temperature": 0.7},
             "response": None, "account": {"created_at": created.isoformat().replace("+00:00", "Z"), "tier": "pay-as-you-go"}}
            for i, (q, t) in enumerate(zip(queries, offsets))]


def distillguard_scan(events: list[dict], workdir: Path, replay: bool) -> dict[str, dict]:
    """Run `distillguard scan` on the events, as a user would, and return its verdicts by account."""
    events_path, verdicts_path = workdir / "events.jsonl", workdir / "verdicts.jsonl"
    _write_private_jsonl(events_path, events)
    command = [sys.executable, "-m", "distillguard.cli", "scan", str(events_path), "--out", str(verdicts_path), "--no-db"]
    if replay:
        command.append("--replay")
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
    if done.returncode != 0:
        raise SystemExit(f"error: distillguard scan failed ({done.returncode}): {done.stderr.strip()[-600:]}")
    with open(verdicts_path, encoding="utf-8") as handle:
        return {v["account_id"]: v for v in map(json.loads, filter(str.strip, handle))}


# -- (i) the window protocol ----------------------------------------------------------------------
def _auroc(benign: list[float], attack: list[float]) -> float:
    y = np.r_[np.zeros(len(benign)), np.ones(len(attack))]
    return float(roc_auc_score(y, np.r_[benign, attack]))


def _window_stats(benign: list[float], attack: dict[float, list[float]], threshold: float, fpr: float) -> dict:
    out = {"heldout_fpr": float(np.mean(np.array(benign) > threshold))}
    for f, scores in attack.items():
        y = np.r_[np.zeros(len(benign)), np.ones(len(scores))]
        out[f] = {"auroc": _auroc(benign, scores), "tpr_calibrated": float(np.mean(np.array(scores) > threshold)),
                  "tpr_at_heldout_fpr": tpr_at_fpr(y, np.r_[benign, scores], fpr)}
    return out


def windows_protocol(name: str, normal: list[str], attacker: list[str], emb: dict[str, np.ndarray], seed: int, s: Settings,
                     log) -> dict:
    rng = np.random.default_rng(seed)
    normal_idx, attack_idx = rng.permutation(len(normal)), rng.permutation(len(attacker))
    split = int(0.8 * len(normal))
    ref, held = normal_idx[:split], normal_idx[split:]
    if len(ref) < s.window or len(held) < 2:
        raise SystemExit(f"error: {name}: {len(normal)} normal queries are too few for windows of {s.window}")
    E_n, E_a = emb["normal"], emb["attacker"]
    detector = MMDDetector(E_n[ref], seed=seed, null_samples=s.null_samples, reference_repeats=s.reference_repeats)

    def draw(pool: np.ndarray, k: int) -> np.ndarray:
        return rng.choice(pool, size=k, replace=len(pool) < k) if k else np.array([], dtype=int)

    windows: list[tuple[str, float, np.ndarray, np.ndarray]] = []  # (split, fraction, normal rows, attacker rows)
    for i in range(s.windows_per_split):
        windows.append(("calibration", 0.0, draw(ref, s.window), draw(attack_idx, 0)))
        windows.append(("benign", 0.0, draw(held, s.window), draw(attack_idx, 0)))
        for f in s.fractions:
            k = s.window if f >= 1.0 else min(max(int(round(s.window * f)), 1), s.window - 1)
            windows.append(("attack", f, draw(held, s.window - k), draw(attack_idx, k)))
    log(f"{name} seed {seed}: MMD over {len(windows)} windows")
    mmd = [detector.score(np.concatenate([E_n[a], E_a[b]])) if s_ != "calibration" else None for s_, _, a, b in windows]
    events = []
    for w, (split_name, f, a, b) in enumerate(windows):
        queries = [normal[j] for j in a] + [attacker[j] for j in b]
        order = rng.permutation(len(queries))
        events += account_events(f"win-{w:05d}", [queries[j] for j in order], rng, span_hours=24.0)
    log(f"{name} seed {seed}: distillguard scan of {len(events):,} window events")
    verdicts = distillguard_scan(events, WORK / "runs" / f"{name}-windows-{seed}", replay=False)
    dg = [verdicts[f"win-{w:05d}"]["risk"] for w in range(len(windows))]
    dg_flag = [verdicts[f"win-{w:05d}"]["flagged"] for w in range(len(windows))]

    def pick(scores, split_name, f=None):
        return [x for x, (s_, f_, _, _) in zip(scores, windows) if s_ == split_name and (f is None or f_ == f)]

    dg_cal = pick(dg, "calibration")
    dg_threshold = float(np.quantile(dg_cal, 1.0 - s.fpr, method="higher"))
    result = {
        "mmd": _window_stats(pick(mmd, "benign"), {f: pick(mmd, "attack", f) for f in s.fractions}, detector.threshold(s.window, s.fpr), s.fpr),
        "distillguard": _window_stats(pick(dg, "benign"), {f: pick(dg, "attack", f) for f in s.fractions}, dg_threshold, s.fpr),
        "distillguard_policy_flags": {"benign": float(np.mean(pick(dg_flag, "benign"))),
                                      **{f: float(np.mean(pick(dg_flag, "attack", f))) for f in s.fractions}},
        "distillguard_benign_risk_max": float(max(pick(dg, "benign"))),
    }
    return result


# -- (ii) the population ---------------------------------------------------------------------------
def population(name: str, normal: list[str], attacker: list[str], emb: dict[str, np.ndarray], seed: int, sybils: int,
               s: Settings, log) -> dict:
    rng = np.random.default_rng(seed * 1000 + sybils)
    normal_idx, attack_idx = rng.permutation(len(normal)), rng.permutation(len(attacker))
    half = len(normal_idx) // 2
    ref, pool = normal_idx[:half], normal_idx[half:]
    E_n, E_a = emb["normal"], emb["attacker"]
    labels, members, events = {}, {}, []
    for i in range(s.population_accounts):
        size = int(np.clip(round(rng.lognormal(np.log(25), 0.8)), 5, 150))
        rows = rng.choice(pool, size=size, replace=len(pool) < size)
        account = f"good-{i:04d}"
        members[account] = ("n", rows)
        labels[account] = {"account_id": account, "label": "legit", "persona": "labrai-normal", "campaign_id": None}
    budget = attack_idx[: min(len(attack_idx), s.attack_budget)]
    for k, rows in enumerate(np.array_split(budget, sybils)):
        account = f"syb-{k:04d}"
        members[account] = ("a", rows)
        labels[account] = {"account_id": account, "label": "attack", "persona": f"labrai-attacker-x{sybils}", "campaign_id": "labrai"}
    order = rng.permutation(len(members))  # no ordering of ids to lean on
    names = list(members)
    for j in order:
        account = names[j]
        kind, rows = members[account]
        texts = [normal[r] for r in rows] if kind == "n" else [attacker[r] for r in rows]
        events += account_events(account, texts, rng, span_hours=7 * 24.0)
    log(f"{name} seed {seed}, {sybils} sybil(s): distillguard scan --replay of {len(events):,} events")
    verdicts = distillguard_scan(events, WORK / "runs" / f"{name}-population-{seed}-{sybils}", replay=True)
    dg = evaluate(list(verdicts.values()), labels)
    served = sum((v["requests_before_flag"] if v.get("flagged") and v.get("requests_before_flag") is not None else v["requests"])
                 for a, v in verdicts.items() if labels[a]["label"] == "attack")
    total = sum(v["requests"] for a, v in verdicts.items() if labels[a]["label"] == "attack")
    dg["leaked_share"] = served / max(total, 1)
    # MMD per account against the reference half; nulls per size bin
    detector = MMDDetector(E_n[ref], seed=seed, null_samples=s.population_null_samples, reference_repeats=max(2, s.reference_repeats // 4))
    scores, flags = {}, {}
    for account, (kind, rows) in members.items():
        size = max(b for b in ACCOUNT_SIZE_BINS if b <= max(len(rows), ACCOUNT_SIZE_BINS[0]))
        take = rng.choice(rows, size=size, replace=len(rows) < size)
        vectors = E_n[take] if kind == "n" else E_a[take]
        raw = detector.score(vectors)
        scores[account] = detector.standardised(raw, size)
        flags[account] = detector.p_value(raw, size) <= 0.001
    mmd = evaluate([{"account_id": a, "risk": scores[a], "flagged": flags[a]} for a in members], labels)
    # a content-blind reference: rank by requests alone (flags: none), to tell volume from content
    volume = evaluate([{"account_id": a, "risk": float(len(rows)), "flagged": False} for a, (_, rows) in members.items()], labels)
    keep = ("auroc", "tpr_at_fpr_0.1pct", "tpr_at_fpr_1pct", "tpr_flagged", "fpr_flagged", "campaign_recall")
    return {"accounts": len(members), "events": len(events), "distillguard": {k: dg[k] for k in keep + ("leaked_share",)},
            "mmd": {k: mmd[k] for k in keep}, "volume_rule": {k: volume[k] for k in keep}}


# -- driver and report -------------------------------------------------------------------------------
def _mean(values: list[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "n/a"
    return f"{np.mean(values):.3f}" + (f" ± {np.std(values):.3f}" if len(values) > 1 else "")


def evaluate_root(root: Path, datasets: list[str] | None, s: Settings, stand_in: bool) -> dict:
    t0 = time.perf_counter()
    found = dataset_dirs(root)
    chosen = datasets or sorted(found)
    unknown = [d for d in chosen if d not in found]
    if unknown:
        raise SystemExit(f"error: dataset(s) {', '.join(unknown)} not under {root} (found: {', '.join(found) or 'none'})")
    steps = len(chosen) * len(s.seeds) * (1 + len(s.sybils))
    done = [0]

    def log(message: str) -> None:
        elapsed = time.perf_counter() - t0
        eta = f", ETA {elapsed / done[0] * (steps - done[0]):.0f} s" if done[0] else ""
        print(f"[{elapsed:6.0f} s, step {done[0] + 1}/{steps}{eta}] {message}", file=sys.stderr, flush=True)

    out = {"stand_in": stand_in, "settings": s.__dict__, "datasets": {}}
    for name in chosen:
        normal, bad_n = read_queries(found[name] / "normal" / "queries.jsonl")
        attacker, bad_a = read_queries(found[name] / "attacker" / "queries.jsonl")
        normal, attacker = normal[: s.max_queries], attacker[: s.max_queries]
        print(f"{name}: {len(normal)} normal, {len(attacker)} attacker queries (rows without a query: {bad_n} / {bad_a})",
              file=sys.stderr)
        emb = {"normal": embed_queries(normal), "attacker": embed_queries(attacker)}
        entry = {"normal": len(normal), "attacker": len(attacker), "unusable_rows": [bad_n, bad_a], "windows": {}, "population": {}}
        for seed in s.seeds:
            entry["windows"][seed] = windows_protocol(name, normal, attacker, emb, seed, s, log)
            done[0] += 1
            for sybils in s.sybils:
                entry["population"].setdefault(sybils, {})[seed] = population(name, normal, attacker, emb, seed, sybils, s, log)
                done[0] += 1
        out["datasets"][name] = entry
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def markdown(data: dict) -> str:
    s = data["settings"]
    tag = f" ({STAND_IN_LABEL})" if data["stand_in"] else " (LabRAI)"
    lines = []
    if data["stand_in"]:
        lines += [f"**Every figure in this section is {STAND_IN_LABEL}.** The LabRAI processed queries are not on this machine "
                  "(they are hosted on the Hugging Face hub); the real LabRAI figures are pending the data being placed under "
                  "`shared/data/labrai/data/<dataset>/{normal,attacker}/queries.jsonl`. The stand-in builds the same layout from the "
                  "shared corpora: normal = people's prompts (legit/: arena-hard, OpenAssistant, Chatbot Arena, hh-rlhf first turns), "
                  "attacker = distillation instructions (`standin-distill`: Code Alpaca, Self-Instruct seeds, GPTeacher) or benchmark "
                  "questions (`standin-benchmark`: GSM8K, HumanEval, MBPP, BBH).", ""]
    lines += [f"Windows of {s['window']} queries, seeds {', '.join(map(str, s['seeds']))}, {s['windows_per_split']} windows per split; "
              f"thresholds for a benign FPR of {s['fpr']:g} set on benign calibration only (MMD: reference-vs-reference null of "
              f"{s['null_samples']} draws, {s['reference_repeats']} reference draws per window, multi-kernel median heuristic, MiniLM "
              f"embeddings; distillguard: its risk on windows of the reference pool). Run took {data['seconds']} s.", ""]
    for name, entry in data["datasets"].items():
        seeds = list(entry["windows"])
        lines += [f"### {name}{tag}: windows", "",
                  f"{entry['normal']} normal, {entry['attacker']} attacker queries. AUROC: held-out benign windows vs windows with "
                  f"attacker share f. TPR@cal: at the calibrated threshold; TPR@FPR: at held-out benign FPR <= {s['fpr']:g} (same FPR for both).", "",
                  "| attacker share f | MMD AUROC | distillguard AUROC | MMD TPR@cal | distillguard TPR@cal | MMD TPR@FPR | distillguard TPR@FPR | distillguard policy flags |",
                  "|---|---|---|---|---|---|---|---|"]
        for f in s["fractions"]:
            cells = []
            for method in ("mmd", "distillguard"):
                cells.append([entry["windows"][sd][method][f] for sd in seeds])
            flags = [entry["windows"][sd]["distillguard_policy_flags"][f] for sd in seeds]
            lines.append(f"| {f:g} | {_mean([c['auroc'] for c in cells[0]])} | {_mean([c['auroc'] for c in cells[1]])} | "
                         f"{_mean([c['tpr_calibrated'] for c in cells[0]])} | {_mean([c['tpr_calibrated'] for c in cells[1]])} | "
                         f"{_mean([c['tpr_at_heldout_fpr'] for c in cells[0]])} | {_mean([c['tpr_at_heldout_fpr'] for c in cells[1]])} | "
                         f"{_mean(flags)} |")
        lines.append(f"| benign (held-out FPR) | | | {_mean([entry['windows'][sd]['mmd']['heldout_fpr'] for sd in seeds])} | "
                     f"{_mean([entry['windows'][sd]['distillguard']['heldout_fpr'] for sd in seeds])} | | | "
                     f"{_mean([entry['windows'][sd]['distillguard_policy_flags']['benign'] for sd in seeds])} |")
        lines += ["", f"### {name}{tag}: population of accounts", "",
                  f"{s['population_accounts']} good accounts (5-150 queries each) and {s['attack_budget']} attacker queries spread over "
                  "S sybils, same metadata for all; distillguard via `scan --replay`, MMD per account (p <= 0.001 flags), "
                  "volume_rule = requests per account (content-blind, ranks only): where distillguard tracks it, its ranking "
                  "comes from volume, not content. MMD's good accounts come from the same pool as its reference, "
                  "which flatters it beside a real population of varied customers.", "",
                  "| sybils | method | AUROC | TPR@FPR 0.1% | TPR@FPR 1% | flagged TPR | flagged FPR | campaign recall | leaked share |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for sybils, per_seed in entry["population"].items():
            for method in ("distillguard", "mmd", "volume_rule"):
                rows = [per_seed[sd][method] for sd in per_seed]
                leaked = _mean([r["leaked_share"] for r in rows]) if method == "distillguard" else "n/a (batch)"
                lines.append(f"| {sybils} | {method} | {_mean([r['auroc'] for r in rows])} | {_mean([r['tpr_at_fpr_0.1pct'] for r in rows])} | "
                             f"{_mean([r['tpr_at_fpr_1pct'] for r in rows])} | {_mean([r['tpr_flagged'] for r in rows])} | "
                             f"{_mean([r['fpr_flagged'] for r in rows])} | {_mean([r['campaign_recall'] for r in rows])} | {leaked} |")
        lines.append("")
    return "\n".join(lines)


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(",") if x.strip())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labrai-dir", type=Path, default=DEFAULT_DIR, help="folder holding data/<dataset>/{normal,attacker}/queries.jsonl")
    parser.add_argument("--datasets", default="", help="comma-separated dataset names (default: every dataset found)")
    parser.add_argument("--stand-in", action="store_true", help=f"build the layout from --data-dir corpora; figures are '{STAND_IN_LABEL}'")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DISTILLGUARD_DATA", "../shared/data")), help="shared corpora, for --stand-in")
    parser.add_argument("--quick", action="store_true", help="one seed, 20 windows per split, a small population")
    parser.add_argument("--window", type=int, default=None, help="queries per window (default 100)")
    parser.add_argument("--seeds", default=None, help="comma-separated seeds (default 1,20,42; quick 42)")
    parser.add_argument("--fractions", default=None, help="attacker shares (default 0.05,0.1,0.25,0.5,1.0)")
    parser.add_argument("--fpr", type=float, default=None, help="benign FPR of the window thresholds (default 0.05)")
    parser.add_argument("--max-queries", type=int, default=None, help="use at most this many queries per file (default 6000; quick 1500)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/results/peer.md")
    args = parser.parse_args(argv)
    s = Settings(**(QUICK if args.quick else {}))
    if args.window:
        s.window = args.window
    if args.seeds:
        s.seeds = tuple(int(x) for x in args.seeds.split(","))
    if args.fractions:
        s.fractions = _floats(args.fractions)
    if args.fpr:
        s.fpr = args.fpr
    if args.max_queries:
        s.max_queries = args.max_queries
    if args.stand_in:
        root = build_stand_in(args.data_dir, WORK / "standin", s.max_queries)
    else:
        root = args.labrai_dir
        if not dataset_dirs(root):
            print(missing_message(root), file=sys.stderr)
            raise SystemExit(2)
    data = evaluate_root(root, [d for d in args.datasets.split(",") if d] or None, s, args.stand_in)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2, default=str))
    body = markdown(data)
    if not args.no_write:
        command = "nice -n 10 .venv/bin/python -m bench.labrai_bench " + " ".join(argv if argv is not None else sys.argv[1:])
        write_section("LabRAI / MMD public peer (issue 14 item 6a)" + (f" — {STAND_IN_LABEL}" if args.stand_in else ""), body, command)
    print(body)


def run(data_dir: Path, quick: bool = False) -> dict:
    """`make bench` entry point: the LabRAI data when they are under DEFAULT_DIR, else the labelled stand-in."""
    s = Settings(**(QUICK if quick else {}))
    stand_in = not dataset_dirs(DEFAULT_DIR)
    root = build_stand_in(data_dir, WORK / "standin", s.max_queries) if stand_in else DEFAULT_DIR
    data = evaluate_root(root, None, s, stand_in)
    command = "make bench  # or: .venv/bin/python -m bench.labrai_bench" + (" --stand-in --data-dir ../shared/data" if stand_in else "")
    write_section("LabRAI / MMD public peer (issue 14 item 6a)" + (f" — {STAND_IN_LABEL}" if stand_in else ""), markdown(data),
                  command + (" --quick" if quick else ""))
    return data


if __name__ == "__main__":
    main()
