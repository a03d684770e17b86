"""Fit the behaviour model's coefficients (src/distillguard/detectors/models/behaviour_model.json).

    .venv/bin/python -m bench.train_behaviour_model [--check-only] [--exclude GENERATOR] [--out FILE]

Training traffic comes from generators written apart from each other: devgen's tuning seeds
(1-3, small scale; never its held-out seeds 11-12), the project's simulator (seeds 21, 22) and,
where it is present, gen3's tuning seeds (1-3, small; never 11-12). Never the blind generator.
`--exclude` leaves one generator out of the fit (bench/cross_generator_bench.py uses it to score
each generator with a model that never saw it). Each population is standardised by itself (log(1 + feature), its own
mean and spread), as the detector does on a provider's traffic, so the coefficients are in units
of "departure from your own population". Before the final fit on both, each generator is held
out in turn (train on one, score the other): those cross-generator AUROCs, written into the file,
are the honest estimate of how the model carries to traffic nobody trained on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from bench.dev_bench import GEN3_WORK, WORK as DEV_WORK, _env, devgen_root, gen3_env, gen3_root
from bench.results_io import BENCH_DIR
from distillguard.detectors.behaviour_model import FORMAT, log_features, population_scale, standardise
from distillguard.events.readers import RejectSink, iter_events
from distillguard.scoring.engine import DetectionEngine

OUT = Path(__file__).resolve().parents[1] / "src" / "distillguard" / "detectors" / "models" / "behaviour_model.json"
SIM_WORK = BENCH_DIR / "_work" / "prior"
DEV_SEEDS, SIM_SEEDS, GEN3_SEEDS = (1, 2, 3), (21, 22), (1, 2, 3)
C = 0.03  # strong L2: the model must carry across generators, not fit one
# Left out: tied to the label by a generator's construction, or not an account-level quantity.
EXCLUDED = ("account_age_days_at_first", "temperature_distinct", "members", "first_day_requests", "requests_per_member",
            "cost_per_member")


def gen3_population(seed: int, scale: str = "small") -> Path:
    """A gen3 log and its labels, generated on first use."""
    out = GEN3_WORK / f"{scale}-{seed}"
    if not (out / "labels.jsonl").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "gen3.generate", "--seed", str(seed), "--scale", scale, "--out", str(out)],
                       check=True, env=gen3_env(), stdout=subprocess.DEVNULL)
    return out


def populations() -> dict[str, Path]:
    found = {}
    for seed in DEV_SEEDS:
        out = DEV_WORK / f"small-{seed}"
        if not (out / "labels.jsonl").exists():
            out.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "devgen.generate", "--seed", str(seed), "--scale", "small", "--out", str(out)],
                           check=True, env=_env(devgen_root()))
        found[f"devgen-{seed}"] = out
    for seed in SIM_SEEDS:
        out = SIM_WORK / f"sim-{seed}"
        if not (out / "labels.jsonl").exists():
            subprocess.run([sys.executable, "-m", "distillguard.cli", "simulate", "--out", str(out), "--seed", str(seed)], check=True,
                           stdout=subprocess.DEVNULL)
        found[f"simulator-{seed}"] = out
    if gen3_root(required=False) is not None:
        for seed in GEN3_SEEDS:
            found[f"gen3-{seed}"] = gen3_population(seed)
    return found


def account_features(folder: Path) -> tuple[list[dict], np.ndarray]:
    engine = DetectionEngine()
    for event in iter_events([folder / "events.jsonl"], RejectSink()):
        engine.ingest(event)
    labels = {}
    for line in (folder / "labels.jsonl").read_text().splitlines():
        row = json.loads(line)
        labels[row["account_id"]] = row["label"] == "attack"
    ids = sorted(engine.states)
    return [engine.states[a].features() for a in ids], np.array([labels.get(a, False) for a in ids])


def standardised(rows: list[dict], names: list[str]) -> np.ndarray:
    x = np.vstack([log_features(r, names) for r in rows])
    return standardise(x, *population_scale(x))


def fit(xs: list[np.ndarray], ys: list[np.ndarray]) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(np.vstack(xs), np.concatenate(ys))


def run(data_dir: Path | None = None, quick: bool = False) -> dict:
    """`make bench`: the cross-generator check only (the shipped coefficients are refitted on purpose, by hand)."""
    cross = train(write=False)
    lines = [f"# Behaviour model: cross-generator check ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             "`python -m bench.train_behaviour_model --check-only`: trained on one generator, scored on the other "
             "(each population standardised by itself). The shipped file's own figures are in "
             "`src/distillguard/detectors/models/behaviour_model.json`.", "", "| population (held out) | AUROC |", "|---|---|"]
    lines += [f"| {key} | {value:.3f} |" for key, value in cross.items()]
    (BENCH_DIR / "results" / "behaviour_model.md").write_text("\n".join(lines) + "\n")
    return cross


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check-only", action="store_true", help="report the cross-generator figures, write nothing")
    parser.add_argument("--exclude", choices=GENERATORS, help="leave this generator out of the fit")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the coefficients go (default: the shipped {OUT.name})")
    args = parser.parse_args()
    train(write=not args.check_only, exclude=args.exclude, out=args.out)


GENERATORS = ("devgen", "simulator", "gen3")


def train(write: bool, exclude: str | None = None, out: Path = OUT) -> dict:
    data = {name: account_features(folder) for name, folder in populations().items() if not (exclude and name.startswith(exclude))}
    names = [n for n in sorted(next(iter(data.values()))[0][0]) if n not in EXCLUDED]
    X = {name: standardised(rows, names) for name, (rows, _) in data.items()}
    Y = {name: y for name, (_, y) in data.items()}
    cross = {}
    present = [g for g in GENERATORS if any(k.startswith(g) for k in X)]
    for held in present if len(present) > 1 else ():
        train = [k for k in X if not k.startswith(held)]
        model = fit([X[k] for k in train], [Y[k] for k in train])
        for k in X:
            if k.startswith(held):
                cross[f"{k} (trained on the others)"] = round(float(roc_auc_score(Y[k], model.decision_function(X[k]))), 3)
    for key, value in cross.items():
        print(f"  AUROC {value:.3f}  {key}")
    if not write:
        return cross
    model = fit(list(X.values()), list(Y.values()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "format": FORMAT, "trained": dt.date.today().isoformat(), "regularisation_C": C,
        "sources": {k: {"accounts": int(len(Y[k])), "attack": int(Y[k].sum())} for k in X},
        "cross_generator_auroc": cross, "excluded_features": list(EXCLUDED),
        "features": names, "coef": [round(float(c), 5) for c in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 5),
    }, indent=1) + "\n")
    print(f"wrote {out}")
    return cross


if __name__ == "__main__":
    main()
