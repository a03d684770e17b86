"""Detection benchmark on traffic built from the real corpora, with baselines in the same run.

    .venv/bin/python -m bench.detection_bench --data-dir ../shared/data [--quick]

Tuning traffic uses the `tune` sources, reported traffic the `heldout` sources (see
distillguard/simulate/corpora.py). The policy threshold and the baselines' thresholds
are set on tuning traffic only. Grid: every attack strategy x sybils {1, 10, 100, 1000}
x pacing {bursty, diurnal}; diurnal campaigns also mix in 25% cover traffic and
paraphrase their wrappers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench import baselines
from bench.results_io import BENCH_DIR, update_section
from distillguard.bench_metrics import evaluate, load_labels, tpr_at_fpr
from distillguard.detectors.registry import REGISTRY, load_config
from distillguard.pipeline import scan
from distillguard.simulate.corpora import apply_corpora, benchmark_paths
from distillguard.simulate.hard_cases import HARD_PERSONAS, evasive_campaigns
from distillguard.simulate.simulator import ATTACK_STRATEGIES, CampaignSpec, SimConfig, simulate

WORK = BENCH_DIR / "_work"
COMMAND = "make bench  # or: .venv/bin/python -m bench.detection_bench --data-dir ../shared/data"
POPULATION = {"full": (400, 0.5), "quick": (120, 0.2)}  # legit accounts, volume scale
HELDOUT_SEED = 23
SYBILS = (1, 10, 100, 1000)
PACINGS = ("bursty", "diurnal")


def campaign_specs(sybils: int, pacing: str, strategies=ATTACK_STRATEGIES) -> list[CampaignSpec]:
    per_account = 2000 if sybils == 1 else 200 if sybils == 10 else 50
    human = pacing == "diurnal"
    return [CampaignSpec(strategy=s, sybils=sybils, requests_per_account=per_account, proxy_pool=max(3, sybils // 4),
                         pacing=pacing, cover_share=0.25 if human else 0.0, paraphrase=human) for s in strategies]


def build_traffic(data_dir: Path, split: str, sybils: int, pacing: str, legit: int, scale: float, seed: int) -> Path:
    out = WORK / f"{split}-s{sybils}-{pacing}-{legit}-{scale}-{seed}"
    if (out / "labels.jsonl").exists():
        return out
    config = SimConfig(seed=seed, legit_accounts=legit, volume_scale=scale, campaigns=campaign_specs(sybils, pacing))
    apply_corpora(config, data_dir, split)
    simulate(config, out)
    return out


def score_all(traffic: Path, data_dir: Path, tune_thresholds: dict[str, float] | None, replay: bool) -> dict:
    labels = load_labels(traffic / "labels.jsonl")
    t0 = time.perf_counter()
    batch = scan(traffic / "events.jsonl", benchmark_paths=benchmark_paths(data_dir))
    batch_seconds = time.perf_counter() - t0
    result = {"events": batch.stats["events"], "batch_seconds": round(batch_seconds, 2), "distillguard": evaluate(batch.verdicts, labels)}
    usage, prompts = baselines.account_usage_and_prompts(traffic / "events.jsonl")
    legit = {a for a, l in labels.items() if l["label"] == "legit"}
    method_scores = {"volume_rule": baselines.volume_rule_scores(usage), "isolation_forest": baselines.isolation_forest_scores(usage),
                     "prada": baselines.prada_scores(prompts)}
    thresholds = tune_thresholds or {m: baselines.threshold_for_fpr(s, legit) for m, s in method_scores.items()}
    for method, scores in method_scores.items():
        verdicts = [{"account_id": a, "risk": s, "flagged": s >= thresholds[method]} for a, s in scores.items()]
        result[method] = evaluate(verdicts, labels)
    result["_thresholds"] = thresholds
    result["_roc"] = {m: _roc_points([(s, labels[a]["label"] == "attack") for a, s in sc.items()])
                      for m, sc in {"distillguard": {v["account_id"]: v["risk"] for v in batch.verdicts}, **method_scores}.items()}
    if replay:
        t0 = time.perf_counter()
        online = scan(traffic / "events.jsonl", replay=True, benchmark_paths=benchmark_paths(data_dir))
        result["replay_seconds"] = round(time.perf_counter() - t0, 2)
        result["replay"] = replay_metrics(online.verdicts, labels)
    return result


def _roc_points(pairs: list[tuple[float, bool]]) -> dict:
    from sklearn.metrics import roc_curve

    y = np.array([p[1] for p in pairs])
    s = np.array([p[0] for p in pairs])
    if y.all() or (~y).all():
        return {}
    fpr, tpr, _ = roc_curve(y, s)
    return {"fpr": fpr.tolist(), "tpr": tpr.tolist()}


def replay_metrics(verdicts: list[dict], labels: dict) -> dict:
    before = []
    served: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in verdicts:
        label = labels.get(verdict["account_id"])
        if not label or label["label"] != "attack":
            continue
        campaign = label["campaign_id"]
        served[campaign][0] += verdict.get("served_before_flag", verdict["requests"])
        served[campaign][1] += verdict["requests"]
        before.append(verdict["requests_before_flag"] if verdict["requests_before_flag"] is not None else verdict["requests"])
    leaked = {c: s / max(t, 1) for c, (s, t) in served.items()}
    legit_flags = [v["flagged"] for v in verdicts if labels.get(v["account_id"], {}).get("label") == "legit"]
    return {
        "median_requests_before_flag": float(statistics.median(before)) if before else None,
        "p90_requests_before_flag": float(np.percentile(before, 90)) if before else None,
        "leaked_share_mean": float(np.mean(list(leaked.values()))) if leaked else None,
        "leaked_share_max": float(max(leaked.values())) if leaked else None,
        "leaked_share_by_campaign": leaked,
        "fpr_replay": float(np.mean(legit_flags)) if legit_flags else None,
    }


def ablation(traffic: Path, data_dir: Path) -> dict:
    labels = load_labels(traffic / "labels.jsonl")
    out = {}
    variants = {"all detectors": {}} | {f"without {name}": {"detectors": {name: {"enabled": False}}} for name in REGISTRY}
    variants["without campaign linking"] = {"linking": {"enabled": False}}
    for name, override in variants.items():
        config = load_config(overrides=override)
        batch = scan(traffic / "events.jsonl", config=config, benchmark_paths=benchmark_paths(data_dir))
        online = scan(traffic / "events.jsonl", config=config, replay=True, benchmark_paths=benchmark_paths(data_dir))
        metrics = evaluate(batch.verdicts, labels)
        replayed = replay_metrics(online.verdicts, labels)
        out[name] = {"tpr_at_fpr_0.1pct": metrics["tpr_at_fpr_0.1pct"], "auroc": metrics["auroc"],
                     "leaked_share_mean": replayed["leaked_share_mean"], "leaked_share_max": replayed["leaked_share_max"]}
        print(f"  ablation {traffic.name} {name}: {out[name]}", file=sys.stderr)
    return out


# Where the ablation runs: with 100 sybils campaign linking carries most of the load, so the
# 10-sybil cell (fewer requests per campaign, each account judged mostly on its own) shows
# what each content detector adds.
ABLATION_CELLS = ((100, "diurnal"), (10, "diurnal"))


def cli_replay_check(traffic: Path, data_dir: Path) -> dict:
    """The issue's own command, run as a user would: `distillguard scan EVENTS --replay --out VERDICTS`,
    then scored from the verdicts file alone (the labels are read only here, after the scan)."""
    import shutil
    import subprocess

    out = traffic / "cli-replay-verdicts.jsonl"
    exe = shutil.which("distillguard") or str(Path(sys.executable).with_name("distillguard"))
    command = [exe, "scan", str(traffic / "events.jsonl"), "--replay", "--out", str(out), "--no-db",
               "--benchmarks", str(benchmark_paths(data_dir)[0])]
    t0 = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    verdicts = [json.loads(line) for line in out.read_bytes().split(b"\n") if line.strip()]
    labels = load_labels(traffic / "labels.jsonl")
    return {"command": "distillguard scan EVENTS --replay --out VERDICTS --no-db --benchmarks DATA/benchmark", "seconds": round(seconds, 1),
            "batch_metrics_of_replay_flags": {k: v for k, v in evaluate(verdicts, labels).items() if k != "per_persona_flag_rate"},
            "replay": {k: v for k, v in replay_metrics(verdicts, labels).items() if k != "leaked_share_by_campaign"},
            "legit_flagged": sum(1 for v in verdicts if v["flagged"] and labels.get(v["account_id"], {}).get("label") == "legit")}


def _plot_paths(tag: str) -> dict[str, str]:
    return {"roc": f"plots/detection_roc_{tag}.png", "leaked": f"plots/detection_leaked_{tag}.png"}


def _plots(cells: dict, tag: str) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = _plot_paths(tag)
    key = next((k for k in cells if k.startswith("s100-diurnal")), next(iter(cells)))
    fig, ax = plt.subplots(figsize=(5, 4))
    for method, roc in cells[key]["_roc"].items():
        if roc:
            ax.plot(roc["fpr"], roc["tpr"], label=method)
    ax.set_xscale("symlog", linthresh=1e-3)
    ax.set_xlabel("FPR (symlog)")
    ax.set_ylabel("TPR")
    ax.set_title(f"ROC, held-out {key}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(BENCH_DIR / paths["roc"], dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 4))
    for pacing in PACINGS:
        xs, ys = [], []
        for sybils in SYBILS:
            cell = cells.get(f"s{sybils}-{pacing}")
            if cell and cell.get("replay"):
                xs.append(sybils)
                ys.append(cell["replay"]["leaked_share_mean"])
        if xs:
            ax.plot(xs, ys, marker="o", label=pacing)
    ax.set_xscale("log")
    ax.set_xlabel("sybil accounts per campaign")
    ax.set_ylabel("mean leaked share (replay)")
    ax.set_title("Responses served before the flag")
    ax.legend()
    fig.tight_layout()
    fig.savefig(BENCH_DIR / paths["leaked"], dpi=100)
    plt.close(fig)
    return paths


def run(data_dir: Path, quick: bool = False) -> dict:
    data_dir = Path(data_dir)
    WORK.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "plots").mkdir(exist_ok=True)
    legit, scale = POPULATION["quick" if quick else "full"]
    sybil_grid = (1, 10) if quick else SYBILS
    # 1. tuning traffic sets every threshold
    tune_traffic = build_traffic(data_dir, "tune", 100 if not quick else 10, "diurnal", legit, scale, seed=11)
    tune = score_all(tune_traffic, data_dir, None, replay=False)
    thresholds = tune["_thresholds"]
    # 2. held-out grid
    cells = {}
    for sybils in sybil_grid:
        for pacing in PACINGS:
            traffic = build_traffic(data_dir, "heldout", sybils, pacing, legit, scale, seed=HELDOUT_SEED)
            cells[f"s{sybils}-{pacing}"] = score_all(traffic, data_dir, thresholds, replay=True)
            print(f"  s{sybils}-{pacing}: {json.dumps({m: round(cells[f's{sybils}-{pacing}'][m]['tpr_at_fpr_0.1pct'], 3) for m in ('distillguard', 'volume_rule', 'isolation_forest', 'prada')})}", file=sys.stderr)
    abl = {} if quick else {f"s{n}-{pacing}": ablation(build_traffic(data_dir, "heldout", n, pacing, legit, scale, seed=HELDOUT_SEED), data_dir)
                            for n, pacing in ABLATION_CELLS}
    cli = {} if quick else {f"s{s}-diurnal": cli_replay_check(build_traffic(data_dir, "heldout", s, "diurnal", legit, scale, seed=HELDOUT_SEED),
                                                              data_dir)
                            for s in (10, 100)}
    plots = _plots(cells, "full") if not quick else {}
    data = {"tune": _strip(tune), "heldout": {k: _strip(v) for k, v in cells.items()}, "ablation": abl, "cli_replay": cli, "quick": quick,
            "baseline_thresholds_from_tune": thresholds}
    if not quick:
        update_section("detection", data, _markdown(data, plots), command=COMMAND)
    return data


def rerun_ablation(data_dir: Path) -> dict:
    from bench.results_io import RESULTS_JSON

    data = json.loads(RESULTS_JSON.read_text())["detection"]
    legit, scale = POPULATION["full"]
    data["ablation"] = {f"s{n}-{pacing}": ablation(build_traffic(Path(data_dir), "heldout", n, pacing, legit, scale, seed=HELDOUT_SEED), Path(data_dir))
                        for n, pacing in ABLATION_CELLS}
    update_section("detection", data, _markdown(data, _plot_paths("full")), command=COMMAND)
    return data


def _strip(cell: dict) -> dict:
    return {k: v for k, v in cell.items() if k != "_roc"}


def _markdown(data: dict, plots: dict) -> str:
    methods = ("distillguard", "volume_rule", "isolation_forest", "prada")
    lines = [
        "Traffic: simulator fed with the corpora; tuned on `tune` sources (oasst, chatbot-arena-sample, codealpaca, self-instruct seeds, "
        "gsm8k, humaneval, T0 templates 1-71), reported on **held-out** sources the detectors never saw (arena-hard-v2.0, hh-rlhf, "
        "gpteacher, mbpp, bbh, T0 templates 72-142). All 6 attack strategies run in every cell. Diurnal cells add 25% cover traffic "
        "and paraphrased wrappers. Baseline thresholds are set for 1% FPR on the tuning traffic; distillguard's policy threshold is "
        "its configured default (0.5).",
        "",
        "### Held-out: TPR at FPR 0.1% / AUROC / campaign recall (flagged)",
        "",
        "| cell | " + " | ".join(methods) + " |",
        "|---|" + "---|" * len(methods),
    ]
    for cell, values in data["heldout"].items():
        lines.append(f"| {cell} | " + " | ".join(
            f"{values[m]['tpr_at_fpr_0.1pct']:.3f} / {values[m]['auroc']:.3f} / {values[m]['campaign_recall']:.2f}" for m in methods) + " |")
    lines += ["", "### Held-out: replay mode (distillguard, time-ordered, incremental)", "",
              "| cell | median requests before flag | p90 | mean leaked share | max leaked share | FPR (replay) |", "|---|---|---|---|---|---|"]
    for cell, values in data["heldout"].items():
        r = values.get("replay") or {}
        if r:
            lines.append(f"| {cell} | {r['median_requests_before_flag']:.0f} | {r['p90_requests_before_flag']:.0f} | {r['leaked_share_mean']:.3f} | "
                         f"{r['leaked_share_max']:.3f} | {r['fpr_replay']:.4f} |")
    lines += ["", "### Held-out: flag rate per persona (distillguard, batch)", ""]
    personas = sorted({p for v in data["heldout"].values() for p in v["distillguard"]["per_persona_flag_rate"]})
    lines += ["| cell | " + " | ".join(personas) + " |", "|---|" + "---|" * len(personas)]
    for cell, values in data["heldout"].items():
        rates = values["distillguard"]["per_persona_flag_rate"]
        lines.append(f"| {cell} | " + " | ".join(f"{rates.get(p, float('nan')):.3f}" for p in personas) + " |")
    if data["ablation"]:
        cells = list(data["ablation"])
        lines += ["", "### Ablation (held-out, diurnal): what each part adds", "",
                  "TPR at FPR 0.1% (batch) and mean / max leaked share per campaign (replay), with one part switched off at a time.", "",
                  "| variant | " + " | ".join(f"{c}: TPR@0.1% | {c}: leaked mean / max" for c in cells) + " |",
                  "|---|" + "---|---|" * len(cells)]
        for name in data["ablation"][cells[0]]:
            row = []
            for cell in cells:
                v = data["ablation"][cell].get(name, {})
                worst = v.get("leaked_share_max")
                row.append(f"{v.get('tpr_at_fpr_0.1pct', float('nan')):.3f} | {v.get('leaked_share_mean', float('nan')):.3f} / "
                           + (f"{worst:.3f}" if worst is not None else "n/a"))
            lines.append(f"| {name} | " + " | ".join(row) + " |")
    if data.get("cli_replay"):
        lines += ["", "### Held-out, through the command line: `distillguard scan EVENTS --replay --out VERDICTS`", "",
                  "Scored from the verdicts file alone. TPR and AUROC here rank accounts by their replay risk.", "",
                  "| cell | TPR at FPR 0.1% | AUROC | campaign recall | legit accounts flagged | median requests before flag | max leaked share | seconds |",
                  "|---|---|---|---|---|---|---|---|"]
        for cell, values in data["cli_replay"].items():
            b, r = values["batch_metrics_of_replay_flags"], values["replay"]
            lines.append(f"| {cell} | {b['tpr_at_fpr_0.1pct']:.3f} | {b['auroc']:.3f} | {b['campaign_recall']:.2f} | {values['legit_flagged']} | "
                         f"{r['median_requests_before_flag']:.0f} | {r['leaked_share_max']:.3f} | {values['seconds']} |")
    lines += ["", f"![ROC]({plots['roc']})", f"![leaked share]({plots['leaked']})"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- issue 14: hard population
HARD = {"full": (1500, 0.5, 1.0), "quick": (600, 0.3, 0.4)}  # legit accounts, volume scale, campaign size fraction
HARD_SEEDS = {"tune": 11, "heldout": 23}
RESULTS_MD = BENCH_DIR / "results" / "detection.md"


def build_hard_traffic(data_dir: Path, split: str, legit: int, scale: float, fraction: float, seed: int) -> Path:
    """Issue 14's population: its hard negatives (developer teams with static ban lists, greedy step-by-step
    evaluation runs, step-by-step casual users, agents, Chinese-speaking users) and its evasive campaigns."""
    out = WORK / f"hard-{split}-{legit}-{scale}-{fraction}-{seed}"
    if (out / "labels.jsonl").exists():
        return out
    config = SimConfig(seed=seed, legit_accounts=legit, volume_scale=scale, persona_mix=dict(HARD_PERSONAS),
                       campaigns=evasive_campaigns(fraction))
    apply_corpora(config, data_dir, split)
    simulate(config, out)
    return out


def linking_ari(verdicts: list[dict], labels: dict) -> dict:
    """Adjusted Rand index of predicted campaigns against true ones, over attack accounts (an unlinked
    account is its own group)."""
    from sklearn.metrics import adjusted_rand_score

    truth, predicted = [], []
    for verdict in verdicts:
        label = labels.get(verdict["account_id"])
        if label and label["label"] == "attack":
            truth.append(label["campaign_id"])
            predicted.append(verdict.get("campaign_id") or f"alone-{verdict['account_id']}")
    return {"ari": float(adjusted_rand_score(truth, predicted)) if truth else float("nan"), "predicted_groups": len(set(predicted)),
            "true_campaigns": len(set(truth))}


def score_hard(traffic: Path, data_dir: Path) -> dict:
    labels = load_labels(traffic / "labels.jsonl")
    out: dict = {}
    for mode in ("batch", "replay"):
        t0 = time.perf_counter()
        result = scan(traffic / "events.jsonl", replay=mode == "replay", benchmark_paths=benchmark_paths(data_dir))
        metrics = evaluate(result.verdicts, labels)
        cell = {"events": result.stats["events"], "seconds": round(time.perf_counter() - t0, 1),
                "metrics": metrics, "linking": linking_ari(result.verdicts, labels), "calibration": result.stats["calibration"]}
        if mode == "replay":
            cell["replay"] = {k: v for k, v in replay_metrics(result.verdicts, labels).items() if k != "leaked_share_by_campaign"}
            by_campaign = replay_metrics(result.verdicts, labels)["leaked_share_by_campaign"]
            persona_of = {l["campaign_id"]: l["persona"] for l in labels.values() if l.get("campaign_id")}
            cell["leaked_by_strategy"] = {persona_of[c]: round(v, 3) for c, v in sorted(by_campaign.items())}
        out[mode] = cell
        print(f"  {traffic.name} {mode}: auroc {metrics['auroc']:.3f} tpr@0.1% {metrics['tpr_at_fpr_0.1pct']:.3f} "
              f"flagged tpr/fpr {metrics['tpr_flagged']:.3f}/{metrics['fpr_flagged']:.4f} ari {cell['linking']['ari']:.3f}", file=sys.stderr)
    return out


def run_hard(data_dir: Path, quick: bool) -> dict:
    legit, scale, fraction = HARD["quick" if quick else "full"]
    data = {"config": {"legit_accounts": legit, "volume_scale": scale, "campaign_fraction": fraction, "seeds": HARD_SEEDS}}
    for split, seed in HARD_SEEDS.items():
        data[split] = score_hard(build_hard_traffic(Path(data_dir), split, legit, scale, fraction, seed), Path(data_dir))
    RESULTS_MD.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_MD.with_suffix(".json").write_text(json.dumps(data, indent=1, default=float))
    command = "python -m bench.detection_bench --data-dir ../shared/data --hard" + (" --quick" if quick else "")
    note = (f"Population: {legit} legit accounts of issue 14's persona mix, volume scale {scale}, campaigns at {fraction:.0%} of full size; "
            f"tune split seed {HARD_SEEDS['tune']}, held-out split seed {HARD_SEEDS['heldout']} (held-out corpora: no threshold saw them).")
    RESULTS_MD.write_text(hard_markdown(data, command, note))
    return data


def hard_markdown(data: dict, command: str, note: str) -> str:
    lines = ["# Detection on issue 14's population (hard negatives, evasive campaigns)", "", f"Command: `{command}`", "", note, "",
             "| split | mode | AUROC | TPR @ FPR 0.1% | TPR @ 1% | flagged TPR | flagged FPR | campaign recall | ARI (groups / campaigns) | "
             "threshold | expected / observed own flags | leaked mean / max |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for split in ("tune", "heldout"):
        for mode in ("batch", "replay"):
            c = data[split][mode]
            m, link, cal = c["metrics"], c["linking"], c["calibration"]
            r = c.get("replay") or {}
            leaked = f"{r['leaked_share_mean']:.3f} / {r['leaked_share_max']:.3f}" if r else "n/a"
            lines.append(f"| {split} | {mode} | {m['auroc']:.3f} | {m['tpr_at_fpr_0.1pct']:.3f} | {m['tpr_at_fpr_1pct']:.3f} | "
                         f"{m['tpr_flagged']:.3f} | {m['fpr_flagged']:.4f} | {m['campaign_recall']:.2f} | {link['ari']:.3f} "
                         f"({link['predicted_groups']} / {link['true_campaigns']}) | {cal['threshold']:.3f} | "
                         f"{cal['expected_own_flags']} / {cal['observed_own_flags']} | {leaked} |")
    personas = sorted(data["heldout"]["batch"]["metrics"]["per_persona_flag_rate"])
    lines += ["", "Flag rate per persona (held-out):", "", "| mode | " + " | ".join(personas) + " |", "|---|" + "---|" * len(personas)]
    for mode in ("batch", "replay"):
        rates = data["heldout"][mode]["metrics"]["per_persona_flag_rate"]
        lines.append(f"| {mode} | " + " | ".join(f"{rates.get(p, float('nan')):.3f}" for p in personas) + " |")
    leaked = data["heldout"]["replay"].get("leaked_by_strategy", {})
    if leaked:
        lines += ["", "Leaked share per campaign (held-out replay): " + ", ".join(f"{k} {v:.3f}" for k, v in leaked.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--hard", action="store_true",
                        help="Run only issue 14's population (hard negatives and evasive campaigns), tune and held-out splits; "
                             "writes bench/results/detection.json. With --quick: a reduced population.")
    parser.add_argument("--ablation-only", action="store_true",
                        help="Rerun only the ablation cells and rewrite the section from the other figures already in results.json.")
    args = parser.parse_args(argv)
    if args.ablation_only:
        rerun_ablation(args.data_dir)
        return
    if args.hard:
        data = run_hard(args.data_dir, args.quick)
        print(json.dumps({split: {mode: data[split][mode]["metrics"]["auroc"] for mode in ("batch", "replay")} for split in HARD_SEEDS}))
        return
    data = run(args.data_dir, args.quick)
    print(json.dumps({k: {c: v["distillguard"]["tpr_at_fpr_0.1pct"] for c, v in data["heldout"].items()} for k in ["heldout"]}, indent=1))


if __name__ == "__main__":
    main()
