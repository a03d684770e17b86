"""Benchmark harvesting: public benchmark questions collected with many sampled answers."""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, greedy_share, ramp
from distillguard.detectors.base import Detector, Finding


class BenchmarkHarvestDetector(Detector):
    """An evaluation run asks each benchmark item once, greedily, with a modest answer
    budget. A harvest samples several answers (n > 1, temperature > 0) with room for
    reasoning traces, or coerces chain-of-thought on benchmark items."""

    name = "benchmark_harvest"
    atlas = "AML.T0005.001"
    description = "Benchmark questions with sampled, long or reasoning-coerced answers"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        matched = max(ramp(features.get("bench_match_rate", 0.0), 0.2, 0.6), 0.6 * ramp(features.get("bench_format_rate", 0.0), 0.4, 0.9))
        if matched <= 0 or features.get("bench_matches", 0) < self.params.get("min_matches", 3):
            return None
        # An evaluation run decodes greedily (temperature 0, n = 1): a long budget alone does not make it a harvest.
        greedy_once = greedy_share(features)
        harvest = max(
            ramp(features.get("mean_n", 1.0), 1.2, 2.5),
            ramp(features.get("max_tokens_high_rate", 0.0), 0.4, 0.9) * (1.0 - 0.95 * greedy_once),
            ramp(features.get("near_dup_rate", 0.0), 0.3, 0.7) * ramp(1 - features.get("temperature_zero_rate", 0.0), 0.5, 0.9),
        )
        score = matched * harvest
        if score <= 0:
            return None
        return self.finding(
            score,
            {**evidence_of(features, "bench_match_rate", "bench_matches", "mean_n", "max_tokens_high_rate", "near_dup_rate",
                           "temperature_zero_rate"),
             "examples": list(features.get("_examples", {}).get("bench_match", []))[:3]},
            f"{features.get('bench_match_rate', 0):.0%} of prompts match public benchmark items, answered with sampling or long budgets",
        )
