"""What providers use today, built faithfully, scored on the same traffic.

(a) a per-account volume/spend rule with its threshold set for 1% FPR on tuning traffic;
(b) IsolationForest over per-account usage features (the PyOD/scikit-learn recipe);
(c) PRADA (Juuti et al. 2019): per account, the minimum distance of each new prompt to
    the account's earlier prompts; benign streams give roughly normal distances, so a
    low Shapiro-Wilk W flags the account. Prompts are embedded with a hashed TF-IDF.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import orjson
from scipy.stats import shapiro
from sklearn.ensemble import IsolationForest
from sklearn.feature_extraction.text import HashingVectorizer

from distillguard.events.model import extract_prompt

USAGE = ("requests", "cost", "prompt_tokens", "completion_tokens", "ratio", "per_hour", "active_hours", "mean_max_tokens", "mean_n")


def account_usage_and_prompts(events_path: Path, prompt_cap: int = 120) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
    usage: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    hours: dict[str, set] = defaultdict(set)
    first_last: dict[str, list[float]] = {}
    prompts: dict[str, list[str]] = defaultdict(list)
    from datetime import datetime

    with open(events_path, "rb") as handle:
        for line in handle:
            event = orjson.loads(line)
            account = event["account_id"]
            request = event.get("request") or {}
            response_usage = (event.get("response") or {}).get("usage") or {}
            row = usage[account]
            row["requests"] += 1
            row["cost"] += event.get("cost_usd") or 0.0
            row["prompt_tokens"] += response_usage.get("prompt_tokens", 0)
            row["completion_tokens"] += response_usage.get("completion_tokens", 0)
            row["max_tokens_sum"] += request.get("max_tokens") or 0
            row["n_sum"] += request.get("n") or 1
            ts = datetime.fromisoformat(event["ts"]).timestamp()
            hours[account].add(int(ts // 3600) % 24)
            span = first_last.setdefault(account, [ts, ts])
            span[0], span[1] = min(span[0], ts), max(span[1], ts)
            if len(prompts[account]) < prompt_cap:
                prompts[account].append(extract_prompt(request)[:2000])
    out = {}
    for account, row in usage.items():
        n = row["requests"]
        span_h = max((first_last[account][1] - first_last[account][0]) / 3600, 1 / 60)
        out[account] = {
            "requests": n, "cost": row["cost"], "prompt_tokens": row["prompt_tokens"], "completion_tokens": row["completion_tokens"],
            "ratio": row["completion_tokens"] / max(row["prompt_tokens"], 1), "per_hour": n / span_h, "active_hours": len(hours[account]),
            "mean_max_tokens": row["max_tokens_sum"] / n, "mean_n": row["n_sum"] / n,
        }
    return out, prompts


def volume_rule_scores(usage: dict[str, dict[str, float]]) -> dict[str, float]:
    """Spend per account: the rule's score; its threshold is set on tuning traffic."""
    return {account: row["cost"] for account, row in usage.items()}


def isolation_forest_scores(usage: dict[str, dict[str, float]], seed: int = 0) -> dict[str, float]:
    accounts = list(usage)
    matrix = np.log1p(np.array([[usage[a][k] for k in USAGE] for a in accounts], dtype=float))
    model = IsolationForest(n_estimators=200, contamination="auto", random_state=seed).fit(matrix)
    return dict(zip(accounts, (-model.score_samples(matrix)).tolist()))


_VECTORIZER = HashingVectorizer(n_features=2**14, alternate_sign=False, norm="l2", ngram_range=(1, 2))


def prada_scores(prompts: dict[str, list[str]], min_queries: int = 8) -> dict[str, float]:
    scores = {}
    for account, texts in prompts.items():
        if len(texts) < min_queries:
            scores[account] = 0.0
            continue
        vectors = _VECTORIZER.transform(texts).toarray()
        distances = []
        for i in range(1, len(vectors)):
            diffs = vectors[:i] - vectors[i]
            distances.append(float(np.sqrt((diffs * diffs).sum(axis=1)).min()))
        values = np.asarray(distances)
        if np.ptp(values) < 1e-9:
            scores[account] = 1.0
            continue
        w, _ = shapiro(values)
        scores[account] = 1.0 - float(w)
    return scores


def threshold_for_fpr(scores: dict[str, float], legit: set[str], fpr: float = 0.01) -> float:
    values = np.sort(np.array([scores[a] for a in legit if a in scores]))
    if values.size == 0:
        return float("inf")
    index = min(values.size - 1, int(np.ceil((1 - fpr) * values.size)) - 1)
    return float(values[index]) + 1e-12
