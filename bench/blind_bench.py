"""Blind detection benchmark: traffic from an independent generator, scored through the CLI.

    .venv/bin/python -m bench.blind_bench [--scale standard] [--seeds 101 102 103] [--quick]

`bench/blind/` (package `blindgen`) was written by a separate author who saw only the three
spec files in `../shared/spec/` and a prose list of customer and attacker behaviours: never the
detectors, their configuration or the project's simulator. It writes its own prompt content
(English, Chinese and a few other languages) and reads no corpus. Nothing in `src/` may be tuned
on it: this benchmark is run, its figures are reported apart, and that is all.

Each seed: generate → `distillguard scan EVENTS --replay --out VERDICTS` (the command a provider
runs) → `blindgen.score`. The scorer counts an account missing from the verdicts as unflagged.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.results_io import BENCH_DIR, update_section

BLIND_DIR = BENCH_DIR / "blind"
WORK = BENCH_DIR / "_work" / "blind"
COMMAND = ".venv/bin/python -m bench.blind_bench --scale {scale} --seeds {seeds}"
HEADLINE = ("auroc", "tpr_at_fpr_0.1pct", "tpr_at_fpr_1pct", "flagged_tpr", "flagged_fpr", "flagged_legit",
            "campaign_recall", "leaked_share", "leaked_share_campaign_mean", "campaign_ari", "legit_in_attack_clusters",
            "missing_verdicts")


def _run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    started = time.perf_counter()
    print("  $", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, env=env, cwd=cwd)
    return time.perf_counter() - started


def _blind_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(BLIND_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_seed(seed: int, scale: str, data_dir: Path | None) -> dict:
    out = WORK / f"{scale}-{seed}"
    out.mkdir(parents=True, exist_ok=True)
    events, labels = out / "events.jsonl", out / "labels.jsonl"
    timings = {}
    if not labels.exists():
        timings["generate_s"] = _run([sys.executable, "-m", "blindgen.generate", "--seed", str(seed), "--scale", scale,
                                      "--out", str(out)], env=_blind_env())
    verdicts, db = out / "verdicts.jsonl", out / "scan.duckdb"
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    scan = [sys.executable, "-m", "distillguard.cli", "scan", str(events), "--replay", "--out", str(verdicts), "--db", str(db)]
    if data_dir is not None and (data_dir / "benchmark").is_dir():
        scan += ["--benchmarks", str(data_dir / "benchmark")]
    timings["scan_s"] = _run(scan)
    report = out / "score.json"
    _run([sys.executable, "-m", "blindgen.score", "--events", str(events), "--labels", str(labels),
          "--verdicts", str(verdicts), "--json", str(report)], env=_blind_env())
    result = json.loads(report.read_text())
    result["_timings"] = {k: round(v, 1) for k, v in timings.items()}
    return result


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(results: dict[str, dict], scale: str) -> str:
    seeds = list(results)
    lines = [
        "Independent generator (`bench/blind/`, written apart from the detectors and the simulator); never tuned on.",
        f"Scale `{scale}`; replay scan through the CLI. One column per seed.", "",
        "| measure | " + " | ".join(seeds) + " |", "|---|" + "---|" * len(seeds),
    ]
    for key in HEADLINE:
        lines.append(f"| {key} | " + " | ".join(_fmt(results[s].get(key, "—")) for s in seeds) + " |")
    personas = sorted({p for r in results.values() for p in r.get("legit_personas", {})})
    if personas:
        lines += ["", "Flag rate per legit persona (flagged / accounts):", "", "| persona | " + " | ".join(seeds) + " |",
                  "|---|" + "---|" * len(seeds)]
        for p in personas:
            cells = []
            for s in seeds:
                cell = results[s].get("legit_personas", {}).get(p)
                cells.append("—" if cell is None else f"{cell.get('flagged', '?')}/{cell.get('accounts', '?')}")
            lines.append(f"| {p} | " + " | ".join(cells) + " |")
    campaigns = sorted({c for r in results.values() for c in r.get("campaigns", {})})
    if campaigns:
        lines += ["", "Campaigns (flagged share of accounts / leaked share of requests):", "",
                  "| seed | campaign | persona | accounts | flagged | leaked |", "|---|---|---|---|---|---|"]
        for s in seeds:
            for c, d in sorted(results[s].get("campaigns", {}).items()):
                lines.append(f"| {s} | {c} | {d['persona']} | {d['accounts']} | {100 * d['flagged_share']:.0f}% | "
                             f"{100 * d['leaked_share']:.1f}% |")
    return "\n".join(lines)


def run(data_dir: Path | None = None, quick: bool = False, seeds=(101, 102, 103), scale: str | None = None) -> dict:
    if not (BLIND_DIR / "blindgen").is_dir():
        raise SystemExit(f"{BLIND_DIR}/blindgen is missing")
    scale = scale or ("small" if quick else "standard")
    results = {f"seed {s}": run_seed(s, scale, data_dir) for s in seeds}
    if not quick:
        update_section("blind", {"scale": scale, "results": results}, markdown(results, scale),
                       COMMAND.format(scale=scale, seeds=" ".join(map(str, seeds))))
    print(markdown(results, scale))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--scale", choices=("small", "standard", "large"), default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run(args.data_dir if args.data_dir.is_dir() else None, quick=args.quick, seeds=tuple(args.seeds), scale=args.scale)


if __name__ == "__main__":
    main()
