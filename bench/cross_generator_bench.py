"""How the learned parts carry to a generator they never saw: each generator held out in turn.

    .venv/bin/python -m bench.cross_generator_bench [--generators devgen simulator gen3] [--heldout-seeds]

The detection stack has two learned parts: the behaviour model's coefficients
(bench/train_behaviour_model.py) and, proposed, the detectors' weights in the combined risk
(bench/fit_detector_weights.py). Scoring a generator with parts fitted on it says nothing about a
provider's traffic. So for each generator G:

1. fit the behaviour model on the other generators only;
2. scan the other generators' traffic with that model and fit the weights on those scans;
3. scan G's traffic with that model, once with the shipped weights and once with the fitted ones,
   and score both with the spec-generic scorer (devgen.score).

Nothing of G touches steps 1-2, so the two rows per population compare shipped against fitted weights
on traffic neither saw. The blind generator is never one of the generators here.
Results: bench/results/cross_generator.md (and .json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import yaml

from bench.blind_bench import _run
from bench.dev_bench import HELDOUT_SEEDS, WORK as DEV_WORK, _env, devgen_root
from bench.fit_detector_weights import WeightModel
from bench.results_io import BENCH_DIR
from bench.dev_bench import gen3_root
from bench.train_behaviour_model import gen3_population, populations, train

WORK = BENCH_DIR / "_work" / "cross"
RESULTS = BENCH_DIR / "results" / "cross_generator.json"
HEADLINE = ("auroc", "tpr_at_fpr_1pct", "flagged_tpr", "flagged_fpr", "campaign_recall", "leaked_share_overall")


def _scan(events: Path, out: Path, config: Path) -> Path:
    verdicts = out / "verdicts.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "distillguard.cli", "scan", str(events), "--replay", "--out", str(verdicts), "--no-db", "--config", str(config)]
         + (["--benchmarks", "../shared/data/benchmark"] if Path("../shared/data/benchmark").is_dir() else []))
    return verdicts


def _score(events: Path, labels: Path, verdicts: Path) -> dict:
    report = verdicts.with_name("score.json")
    _run([sys.executable, "-m", "devgen.score", "--events", str(events), "--labels", str(labels), "--verdicts", str(verdicts),
          "--json", str(report)], env=_env(devgen_root()))
    return json.loads(report.read_text())


def _config(path: Path, model: Path, weights: dict[str, float] | None = None) -> Path:
    detectors = {"behaviour_model": {"params": {"model_path": str(model)}}}
    for name, weight in (weights or {}).items():
        detectors.setdefault(name, {})["weight"] = round(float(weight), 3)
    path.write_text(yaml.safe_dump({"detectors": detectors}))
    return path


def _folders(generator: str, heldout: bool) -> dict[str, Path]:
    """Training populations of a generator, plus its held-out seeds when asked (report only)."""
    found = {k: v for k, v in populations().items() if k.startswith(generator)}
    if heldout and generator == "devgen":
        for seed in HELDOUT_SEEDS:
            out = DEV_WORK / f"small-{seed}"
            if not (out / "labels.jsonl").exists():
                out.mkdir(parents=True, exist_ok=True)
                _run([sys.executable, "-m", "devgen.generate", "--seed", str(seed), "--scale", "small", "--out", str(out)], env=_env(devgen_root()))
            found[f"devgen-{seed}"] = out
    if heldout and generator == "gen3" and gen3_root(required=False) is not None:
        for seed in HELDOUT_SEEDS:
            found[f"gen3-{seed}"] = gen3_population(seed)
    return found


def hold_out(generator: str, others: list[str], heldout: bool, fit_weights: bool = True) -> dict:
    work = WORK / f"without-{generator}"
    work.mkdir(parents=True, exist_ok=True)
    model = work / "behaviour_model.json"
    train(write=True, exclude=generator, out=model)
    base = _config(work / "shipped-weights.yaml", model)
    if not fit_weights:
        return {"weights": {}, "rows": _test_rows(generator, heldout, work, {"shipped weights": base})}
    weights_model = WeightModel()
    xs, ys = [], []
    for other in others:
        for name, folder in _folders(other, False).items():
            scanned = _scan(folder / "events.jsonl", work / "train" / name, base).parent
            (scanned / "labels.jsonl").write_text((folder / "labels.jsonl").read_text())
            x, y, _ = weights_model.matrix(scanned)
            xs.append(x)
            ys.append(y)
    fitted = weights_model.fit(xs, ys)
    weights = dict(zip(weights_model.names, fitted))
    tuned = _config(work / "fitted-weights.yaml", model, weights)
    rows = _test_rows(generator, heldout, work, {"shipped weights": base, "fitted weights": tuned})
    return {"weights": {k: round(float(v), 3) for k, v in weights.items()}, "rows": rows}


def _test_rows(generator: str, heldout: bool, work: Path, configs: dict[str, Path]) -> dict:
    """Each of the held-out generator's populations scanned and scored under each named configuration."""
    rows = {}
    for name, folder in _folders(generator, heldout).items():
        for tag, config in configs.items():
            verdicts = _scan(folder / "events.jsonl", work / "test" / f"{name}-{tag.split()[0]}", config)
            result = _score(folder / "events.jsonl", folder / "labels.jsonl", verdicts)
            rows[f"{name} | {tag}"] = {k: result.get(k) for k in HEADLINE} | {
                "false_flags": {p: c["flagged"] for p, c in result.get("legit_personas", {}).items() if c["flagged"]}}
    return rows


def markdown(results: dict) -> str:
    fitted = any(result["weights"] for result in results.values())
    lines = [f"Each generator scored by a behaviour model{' and detector weights' if fitted else ''} fitted without it "
             f"(`python -m bench.cross_generator_bench{'' if fitted else ' --shipped-only'} --heldout-seeds`; "
             f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC). Seeds 1-3 are the generators' tuning seeds, "
             "11-12 held out; the simulator is separable by every model (1.000) and says nothing.", ""]
    for generator, result in results.items():
        lines += [f"### held out: {generator}", "", "| population | weights | " + " | ".join(HEADLINE) + " | good accounts flagged |",
                  "|---|---|" + "---|" * len(HEADLINE) + "---|"]
        for key, row in result["rows"].items():
            name, tag = key.split(" | ")
            cells = [f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in HEADLINE]
            lines.append(f"| {name} | {tag} | " + " | ".join(cells) + f" | {row['false_flags'] or '—'} |")
        if result["weights"]:
            lines += ["", "fitted weights: " + ", ".join(f"{k} {v}" for k, v in result["weights"].items())]
        lines.append("")
    return "\n".join(lines)


def run(data_dir: Path | None = None, quick: bool = False) -> dict:
    """`make bench`: each generator held out in turn with the shipped weights (quick: gen3 alone, tuning seeds)."""
    generators = ["devgen", "simulator"] + (["gen3"] if gen3_root(required=False) is not None else [])
    hold = ["gen3"] if quick and "gen3" in generators else generators
    results = {g: hold_out(g, [o for o in generators if o != g], not quick, fit_weights=False) for g in hold}
    if not quick:
        RESULTS.write_text(json.dumps(results, indent=1, default=float))
        RESULTS.with_suffix(".md").write_text(markdown(results) + "\n")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generators", nargs="+", default=None, choices=("devgen", "simulator", "gen3"),
                        help="default: devgen, simulator and gen3 where present")
    parser.add_argument("--hold", nargs="+", default=None, help="hold out only these (default: each in turn)")
    parser.add_argument("--heldout-seeds", action="store_true", help="also score the held-out seeds of devgen/gen3 (report only)")
    parser.add_argument("--shipped-only", action="store_true", help="score with the shipped weights only (no weight fit)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (.json; a .md beside it)")
    args = parser.parse_args(argv)
    generators = args.generators or ["devgen", "simulator"] + (["gen3"] if gen3_root(required=False) is not None else [])
    results = {}
    for generator in args.hold or generators:
        results[generator] = hold_out(generator, [g for g in generators if g != generator], args.heldout_seeds, not args.shipped_only)
    saved = json.loads(args.out.read_text()) if args.out.exists() else {}
    saved.update(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(saved, indent=1, default=float))
    text = markdown(saved)
    args.out.with_suffix(".md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
