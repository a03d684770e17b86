"""Fit the behaviour model's coefficients (src/distillguard/detectors/models/behaviour_model.json).

    .venv/bin/python -m bench.train_behaviour_model [--check-only]

Training traffic comes from two generators written apart from each other: devgen's tuning seeds
(1-3, small scale; never its held-out seeds 11-12) and the project's simulator (seeds 21, 22).
Never the blind generator. Each population is standardised by itself (log(1 + feature), its own
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

from bench.dev_bench import WORK as DEV_WORK, _env, devgen_root
from bench.results_io import BENCH_DIR
from distillguard.detectors.behaviour_model import FORMAT, log_features, population_scale, standardise
from distillguard.events.readers import RejectSink, iter_events
from distillguard.scoring.engine import DetectionEngine

OUT = Path(__file__).resolve().parents[1] / "src" / "distillguard" / "detectors" / "models" / "behaviour_model.json"
SIM_WORK = BENCH_DIR / "_work" / "prior"
DEV_SEEDS, SIM_SEEDS = (1, 2, 3), (21, 22)
C = 0.03  # strong L2: the model must carry across generators, not fit one
# Left out: tied to the label by a generator's construction, or not an account-level quantity.
EXCLUDED = ("account_age_days_at_first", "temperature_distinct", "members", "first_day_requests", "requests_per_member",
            "cost_per_member")


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
    args = parser.parse_args()
    train(write=not args.check_only)


def train(write: bool) -> dict:
    data = {name: account_features(folder) for name, folder in populations().items()}
    names = [n for n in sorted(next(iter(data.values()))[0][0]) if n not in EXCLUDED]
    X = {name: standardised(rows, names) for name, (rows, _) in data.items()}
    Y = {name: y for name, (_, y) in data.items()}
    cross = {}
    for held in ("devgen", "simulator"):
        train = [k for k in X if not k.startswith(held)]
        model = fit([X[k] for k in train], [Y[k] for k in train])
        for k in X:
            if k.startswith(held):
                cross[f"{k} (trained on the other generator)"] = round(float(roc_auc_score(Y[k], model.decision_function(X[k]))), 3)
    for key, value in cross.items():
        print(f"  AUROC {value:.3f}  {key}")
    if not write:
        return cross
    model = fit(list(X.values()), list(Y.values()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "format": FORMAT, "trained": dt.date.today().isoformat(), "regularisation_C": C,
        "sources": {k: {"accounts": int(len(Y[k])), "attack": int(Y[k].sum())} for k in X},
        "cross_generator_auroc": cross, "excluded_features": list(EXCLUDED),
        "features": names, "coef": [round(float(c), 5) for c in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 5),
    }, indent=1) + "\n")
    print(f"wrote {OUT}")
    return cross


if __name__ == "__main__":
    main()
