"""Development benchmark: traffic from a second independent generator ("devgen"), scored through the CLI.

    .venv/bin/python -m bench.dev_bench [--generator devgen|gen3|gen4] [--scale small|standard] [--seeds 1 2 3] [--heldout]

`devgen` was written by a helper who saw only the API-event spec and a prose list of customer and
attacker behaviours, never the detectors or the project's simulator. Unlike the blind generator
(bench/blind_bench.py), which nobody tunes on, devgen is the one independent population the
detectors may be tuned on, and only on its tuning seeds (1-3); seeds 11-12 are held out and are
read only to report. Each seed: generate, then `distillguard scan EVENTS --replay --out VERDICTS`
(the command a provider runs), then `devgen.score`, which counts an account missing from the
verdicts as unflagged.

The generator is found at $DISTILLGUARD_DEVGEN (a folder holding the `devgen` package) or else
bench/devgen/. `--generator gen3` runs the third independent generator (bench/gen3/, written the
same way) with the same seeds' roles; its scans are scored by the same spec-generic scorer.

`--generator gen4` runs the fourth (bench/gen4/, written the same way, last). It is a validation
population only: no threshold, weight or model is fitted on it, on any seed. A change is first made
on the tuning generators, then checked on gen4's seeds (21-23 by default) before the blind run;
its figures are reported apart (`bench/results/gen4_detection.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

from bench.blind_bench import _run
from bench.results_io import BENCH_DIR

WORK = BENCH_DIR / "_work" / "dev"
RESULTS = BENCH_DIR / "results" / "dev_detection.json"
GEN3_WORK = BENCH_DIR / "_work" / "gen3"
GEN3_RESULTS = BENCH_DIR / "results" / "gen3_detection.json"
GEN4_WORK = BENCH_DIR / "_work" / "gen4"
GEN4_RESULTS = BENCH_DIR / "results" / "gen4_detection.json"
VALIDATION_SEEDS = (21, 22, 23)  # gen4: validation only, never tuned on
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TUNE_SEEDS = (1, 2, 3)
HELDOUT_SEEDS = (11, 12)
HEADLINE = ("auroc", "tpr_at_fpr_0.1pct", "tpr_at_fpr_1pct", "flagged_tpr", "flagged_fpr", "flagged_fp", "campaign_recall",
            "leaked_share_overall", "leaked_share_campaign_mean", "campaign_ari", "missing_verdicts")


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(results: dict[str, dict], scale: str, tag: str) -> str:
    """Headline figures, then flag rates per persona (good ones: false flags; attacks: recall), one column per seed."""
    seeds = list(results)
    lines = [f"devgen ({tag} seeds), scale `{scale}`, `distillguard scan EVENTS --replay --out VERDICTS`, scored by `devgen.score`.", "",
             "| measure | " + " | ".join(seeds) + " |", "|---|" + "---|" * len(seeds)]
    lines += [f"| {key} | " + " | ".join(_fmt(results[s].get(key, "—")) for s in seeds) + " |" for key in HEADLINE]
    lines += [f"| scan wall s / CPU s (load) | " + " | ".join(
        f"{results[s]['_timings'].get('scan_s', '—')} / {results[s]['_timings'].get('scan_cpu_s', '—')} ({results[s].get('_load')})"
        for s in seeds) + " |"]
    for group in ("legit_personas", "attack_personas"):
        personas = sorted({p for r in results.values() for p in r.get(group, {})})
        lines += ["", f"{'Good' if group == 'legit_personas' else 'Attack'} personas, flagged / accounts:", "",
                  "| persona | " + " | ".join(seeds) + " |", "|---|" + "---|" * len(seeds)]
        for persona in personas:
            cells = [results[s].get(group, {}).get(persona) for s in seeds]
            lines.append(f"| {persona} | " + " | ".join("—" if c is None else f"{c['flagged']}/{c['accounts']}" for c in cells) + " |")
    return "\n".join(lines)


def devgen_root() -> Path:
    root = Path(os.environ.get("DISTILLGUARD_DEVGEN") or BENCH_DIR / "devgen")
    if not (root / "devgen" / "generate.py").is_file():
        raise SystemExit(f"devgen not found: {root}/devgen/generate.py is missing (set DISTILLGUARD_DEVGEN to the folder holding the "
                         "`devgen` package)")
    return root


def _env(root: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def gen3_root(required: bool = True) -> Path | None:
    """The folder holding the `gen3` package ($DISTILLGUARD_GEN3 or bench/gen3); None when absent and not required."""
    root = Path(os.environ.get("DISTILLGUARD_GEN3") or BENCH_DIR / "gen3")
    if (root / "gen3" / "generate.py").is_file():
        return root
    if required:
        raise SystemExit(f"gen3 not found: {root}/gen3/generate.py is missing (set DISTILLGUARD_GEN3 to the folder holding the `gen3` package)")
    return None


def gen3_env(data_dir: Path | None = None) -> dict:
    """The environment gen3 runs in: its package on the path, and the corpora it draws its text from."""
    return _env(gen3_root()) | {"GEN3_DATA": str(Path(data_dir or DATA).resolve())}


def gen4_env(data_dir: Path | None = None) -> dict:
    """The environment gen4 runs in: its package (bench/gen4) on the path, and the corpora."""
    root = BENCH_DIR / "gen4"
    if not (root / "gen4" / "generate.py").is_file():
        raise SystemExit(f"gen4 not found: {root}/gen4/generate.py is missing")
    return _env(root) | {"GEN4_DATA": str(Path(data_dir or DATA).resolve())}


def _work_of(generator: str) -> Path:
    return {"gen3": GEN3_WORK, "gen4": GEN4_WORK}.get(generator, WORK)


def _results_of(generator: str) -> Path:
    return {"gen3": GEN3_RESULTS, "gen4": GEN4_RESULTS}.get(generator, RESULTS)


def run_seed(seed: int, scale: str, data_dir: Path | None, root: Path, rescan: bool = True, generator: str = "devgen") -> dict:
    out = _work_of(generator) / f"{scale}-{seed}"
    out.mkdir(parents=True, exist_ok=True)
    events, labels = out / "events.jsonl", out / "labels.jsonl"
    timings: dict[str, float] = {}
    if not labels.exists():
        env = {"gen3": gen3_env, "gen4": gen4_env}[generator](data_dir) if generator in ("gen3", "gen4") else _env(root)
        timings["generate_s"] = _run([sys.executable, "-m", f"{generator}.generate", "--seed", str(seed), "--scale", scale, "--out", str(out)],
                                     env=env)
    verdicts = out / "verdicts.jsonl"
    if rescan or not verdicts.exists():
        scan = [sys.executable, "-m", "distillguard.cli", "scan", str(events), "--replay", "--out", str(verdicts), "--no-db"]
        if data_dir is not None and (data_dir / "benchmark").is_dir():
            scan += ["--benchmarks", str(data_dir / "benchmark")]
        cpu = _children_cpu()
        timings["scan_s"] = _run(scan)
        timings["scan_cpu_s"] = _children_cpu() - cpu
    report = out / "score.json"
    _run([sys.executable, "-m", "devgen.score", "--events", str(events), "--labels", str(labels), "--verdicts", str(verdicts),
          "--json", str(report)], env=_env(root))
    result = json.loads(report.read_text())
    result["_timings"] = {k: round(v, 1) for k, v in timings.items()}
    result["_load"] = round(os.getloadavg()[0], 1)
    return result


def run(data_dir: Path | None = None, quick: bool = False) -> dict:
    """`make bench`: the tuning seeds, then the held-out ones, at the small scale (quick: one tuning seed)."""
    data_dir = data_dir if data_dir is not None and Path(data_dir).is_dir() else None
    if quick:
        return run_seeds((TUNE_SEEDS[0],), "small", data_dir, True, "tune")
    results = {"tune": run_seeds(TUNE_SEEDS, "small", data_dir, True, "tune"),
               "heldout": run_seeds(HELDOUT_SEEDS, "small", data_dir, True, "heldout")}
    if data_dir is not None:  # gen3 draws its text from the corpora
        results["gen3-tune"] = run_seeds(TUNE_SEEDS, "small", data_dir, True, "tune", "gen3")
        results["gen3-heldout"] = run_seeds(HELDOUT_SEEDS, "small", data_dir, True, "heldout", "gen3")
    return results


def run_seeds(seeds=TUNE_SEEDS, scale: str = "small", data_dir: Path | None = None, rescan: bool = True, tag: str = "tune",
              generator: str = "devgen") -> dict:
    root = devgen_root()  # its scorer reads any generator's spec labels
    results = {f"seed {s}": run_seed(s, scale, data_dir, root, rescan, generator) for s in seeds}
    path = _results_of(generator)
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[f"{tag}-{scale}"] = results
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=1, default=float))
    table = markdown(results, scale, tag).replace("devgen (", f"{generator} (", 1)
    (path.parent / f"{'dev' if generator == 'devgen' else generator}_detection_{tag}_{scale}.md").write_text(table + "\n")
    print(table)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"), help="corpora folder (its benchmark/ is indexed)")
    parser.add_argument("--generator", choices=("devgen", "gen3", "gen4"), default="devgen",
                        help="which independent generator's traffic (gen4: validation only, seeds 21-23 by default)")
    parser.add_argument("--scale", choices=("small", "standard"), default="small")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help=f"default: the tuning seeds {TUNE_SEEDS}")
    parser.add_argument("--heldout", action="store_true", help=f"run the held-out seeds {HELDOUT_SEEDS} (report only: never tune on them)")
    parser.add_argument("--no-rescan", action="store_true", help="score verdicts already written (for a re-score after a scorer change)")
    args = parser.parse_args(argv)
    validation = args.generator == "gen4"
    seeds = tuple(args.seeds) if args.seeds else VALIDATION_SEEDS if validation else HELDOUT_SEEDS if args.heldout else TUNE_SEEDS
    tag = "validation" if validation else "heldout" if args.heldout else "tune"
    run_seeds(seeds, args.scale, args.data_dir if args.data_dir.is_dir() else None, not args.no_rescan, tag, args.generator)


if __name__ == "__main__":
    main()
