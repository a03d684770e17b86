"""Fit the detectors' weights in the combined risk from labelled scans, instead of setting them by hand.

    .venv/bin/python -m bench.fit_detector_weights DIR [DIR ...] [--prior-strength 1.0]

Each DIR holds `verdicts.jsonl` (from `distillguard scan --replay`) and `labels.jsonl` (spec labels).
The risk is the engine's own form (src/distillguard/scoring/engine.py `combine`): a noisy-OR over
evidence families of weight x calibrated score, the strongest finding counting within a family.
The weights are fitted by class-balanced log-likelihood of the labels, bounded to [0, 0.95] and pulled
toward the shipped weights (`--prior-strength`), so a detector the training traffic never exercises
keeps its hand-set weight instead of collapsing to zero. Only each account's own findings are read:
campaign-level findings feed the collective decision, which is not refitted here.

The weights printed are a proposal: they go into src/distillguard/config/default.yaml by hand, after
bench/cross_generator_bench.py has shown that weights fitted without a generator do better on it.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import minimize

UPPER = 0.95


def shipped_config() -> dict:
    return yaml.safe_load(resources.files("distillguard.config").joinpath("default.yaml").read_text())


class WeightModel:
    """Detectors, their families and the shipped weights, in a fixed order."""

    def __init__(self, config: dict | None = None) -> None:
        detectors = (config or shipped_config())["detectors"]
        self.names = [name for name, spec in detectors.items() if spec.get("enabled", True)]
        self.prior = np.array([float(detectors[n].get("weight", 0.5)) for n in self.names])
        families = [detectors[n].get("family", n) for n in self.names]
        self.groups = [[i for i, f in enumerate(families) if f == family] for family in dict.fromkeys(families)]

    def matrix(self, folder: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(own calibrated score per detector, is-attack, persona) for every labelled account of a scan."""
        labels = {}
        for line in (folder / "labels.jsonl").read_text().splitlines():
            row = json.loads(line)
            labels[row["account_id"]] = row
        rows, ys, personas = [], [], []
        index = {name: i for i, name in enumerate(self.names)}
        for line in (folder / "verdicts.jsonl").read_text().splitlines():
            verdict = json.loads(line)
            label = labels.get(verdict["account_id"])
            if label is None:
                continue
            row = np.zeros(len(self.names))
            for finding in verdict.get("findings", ()):
                i = index.get(finding.get("detector"))
                if i is not None and finding.get("scope", "account") == "account":
                    row[i] = max(row[i], float(finding["score"]))
            rows.append(row)
            ys.append(label["label"] == "attack")
            personas.append(str(label.get("persona", "")))
        return np.array(rows).reshape(-1, len(self.names)), np.array(ys, dtype=bool), personas

    def risk(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
        keep = np.ones(len(x))
        for group in self.groups:
            keep *= 1.0 - np.max(x[:, group] * weights[group], axis=1)
        return 1.0 - keep

    def fit(self, xs: list[np.ndarray], ys: list[np.ndarray], prior_strength: float = 1.0) -> np.ndarray:
        """Weights maximising the class-balanced likelihood. A free base rate sits beside the detectors (attacks
        no detector sees must not push every weight up to reach them); the shipped combine has none, since a
        constant changes no ranking and the threshold is set on the population anyway."""
        x, y = np.vstack(xs), np.concatenate(ys)
        if y.all() or not y.any():
            raise SystemExit("fit: the labelled accounts need both attacks and good accounts")
        w_pos, w_neg = 0.5 / y.mean(), 0.5 / (1.0 - y.mean())
        prior = np.minimum(self.prior, UPPER)

        def loss(params: np.ndarray) -> float:
            base, weights = params[0], params[1:]
            p = np.clip(1.0 - (1.0 - base) * (1.0 - self.risk(x, weights)), 1e-6, 1 - 1e-6)
            likelihood = (w_pos * y * np.log(p) + w_neg * (~y) * np.log(1 - p)).mean()
            return -likelihood + 0.01 * prior_strength * float(((weights - prior) ** 2).sum())

        start = np.concatenate([[0.1], prior])
        bounds = [(0.0, 0.9)] + [(0.0, UPPER)] * len(self.names)
        return minimize(loss, start, method="L-BFGS-B", bounds=bounds).x[1:]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+", help="scan folders with verdicts.jsonl and labels.jsonl")
    parser.add_argument("--prior-strength", type=float, default=1.0, help="pull toward the shipped weights (0: none)")
    args = parser.parse_args(argv)
    model = WeightModel()
    data = [model.matrix(folder) for folder in args.folders]
    weights = model.fit([d[0] for d in data], [d[1] for d in data], args.prior_strength)
    for name, old, new in zip(model.names, model.prior, weights):
        print(f"  {name:22s} {old:.2f} -> {new:.2f}")


if __name__ == "__main__":
    main()
