"""Metrics against ground-truth labels: the ones a provider asks about.

Only benchmarks and the demo read labels; nothing at scan time does.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sklearn.metrics import roc_auc_score, roc_curve


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    with open(path, "rb") as handle:
        return {row["account_id"]: row for row in map(orjson.loads, filter(bytes.strip, handle))}


def tpr_at_fpr(y: np.ndarray, scores: np.ndarray, fpr_target: float) -> float:
    """TPR at the strictest threshold whose FPR does not exceed the target."""
    fpr, tpr, _ = roc_curve(y, scores)
    ok = fpr <= fpr_target
    return float(tpr[ok].max()) if ok.any() else 0.0


def evaluate(verdicts: list[dict[str, Any]], labels: Path | dict[str, dict[str, Any]]) -> dict[str, Any]:
    truth = load_labels(labels) if isinstance(labels, Path) else labels
    rows = [(v, truth[v["account_id"]]) for v in verdicts if v["account_id"] in truth]
    y = np.array([t["label"] == "attack" for _, t in rows])
    scores = np.array([v["risk"] for v, _ in rows])
    flagged = np.array([v["flagged"] for v, _ in rows])
    per_persona: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    campaigns: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict, label in rows:
        slot = per_persona[label.get("persona") or label["label"]]
        slot[0] += 1
        slot[1] += bool(verdict["flagged"])
        if label.get("campaign_id"):
            campaigns[label["campaign_id"]][0] += 1
            campaigns[label["campaign_id"]][1] += bool(verdict["flagged"])
    both = y.any() and (~y).any()
    return {
        "accounts": len(rows),
        "attack_accounts": int(y.sum()),
        "auroc": float(roc_auc_score(y, scores)) if both else float("nan"),
        "tpr_at_fpr_1pct": tpr_at_fpr(y, scores, 0.01) if both else float("nan"),
        "tpr_at_fpr_0.1pct": tpr_at_fpr(y, scores, 0.001) if both else float("nan"),
        "tpr_flagged": float(flagged[y].mean()) if y.any() else float("nan"),
        "fpr_flagged": float(flagged[~y].mean()) if (~y).any() else float("nan"),
        "per_persona_flag_rate": {p: round(f / n, 4) for p, (n, f) in sorted(per_persona.items())},
        "campaign_recall": float(np.mean([f / n >= 0.9 for n, f in campaigns.values()])) if campaigns else float("nan"),
        "campaigns": len(campaigns),
    }
