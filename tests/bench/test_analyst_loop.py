"""The analyst-loop bench's bookkeeping on a population where the rules have a known blind spot."""

from __future__ import annotations

import random

from bench.analyst_loop_bench import analyst_loop
from distillguard.learning.model import LearnConfig


def _population(n: int = 300, seed: int = 0):
    """Attacks fire instruction_harvest; good 'stepwise' customers fire reasoning_coercion and the
    rules score them as high as attacks (an analyst overrides them, and the model should learn it)."""
    rng = random.Random(seed)
    verdicts, truth = [], {}
    for i in range(n):
        kind = rng.choice(["legit", "legit", "attack", "stepwise"])
        detector = {"attack": "instruction_harvest", "stepwise": "reasoning_coercion", "legit": "usage_anomaly"}[kind]
        score = rng.uniform(0.6, 1.0) if kind != "legit" else rng.uniform(0.0, 0.2)
        risk = min(0.99, 0.3 + 0.6 * score) if kind != "legit" else score
        account = f"{kind[0]}{i}"
        verdicts.append({"account_id": account, "risk": risk, "flagged": risk >= 0.5, "requests": rng.randint(20, 500),
                         "findings": [{"detector": detector, "score": score, "scope": "account"}]})
        truth[account] = int(kind == "attack")
    return verdicts, truth


def test_learning_from_overrides_removes_a_false_positive_pattern():
    verdicts, truth = _population()
    rows = analyst_loop(verdicts, truth, rounds=5, k=20, config=LearnConfig())
    assert [r["labels"] for r in rows] == [20, 40, 60, 80, 100]
    first, last = rows[0], rows[-1]
    # the rules keep flagging the unlabelled stepwise customers; the learned risk stops
    assert last["rules"]["false_flags"] > 20
    assert last["learned"]["false_flags"] < last["rules"]["false_flags"] / 4
    assert last["learned"]["tpr_at_fpr_0.1pct"] > first["rules"]["tpr_at_fpr_0.1pct"]
    # and the analyst's queue gets better: later rounds show more attacks than the rules' queue does
    assert sum(r["precision_at_k_learned"] for r in rows[1:]) > sum(r["precision_at_k_rules"] for r in rows[1:])
