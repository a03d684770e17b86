"""Reasoning-trace coercion: prompts that demand the model's full chain of thought, at length."""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, greedy_share, ramp, shrunk
from distillguard.detectors.base import Detector, Finding


class ReasoningCoercionDetector(Detector):
    """Many people ask for steps now and then; a harvest asks on nearly every request and
    leaves room for long traces. Evaluation runs (temperature 0, modest max_tokens) are
    kept apart by requiring long-output requests too."""

    name = "reasoning_coercion"
    atlas = "AML.T0005.001"  # Create Proxy ML Model: train a proxy via replication
    description = "Chain-of-thought elicitation on most requests, with room for long traces"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if features.get("requests", 0) < self.params.get("min_requests", 5):
            return None
        n = features.get("requests", 0)
        # Shrunk toward the share of step-by-step requests in ordinary chat (about one in ten), by ten
        # pseudo-requests: a casual user who likes "explain step by step" sends a few dozen requests.
        cot = ramp(shrunk(features.get("cot_rate", 0.0), n, 0.1), 0.3, 0.65)
        long_output = max(ramp(features.get("max_tokens_high_rate", 0.0), 0.3, 0.8),
                          ramp(features.get("completion_tokens_per_request", 0.0), 600, 1500),
                          ramp(features.get("mean_n", 1.0), 1.2, 2.5))
        # Distillation wants many diverse traces; an evaluation run decodes greedily, one sample per item.
        # An evaluation run asks for reasoning on benchmark-formatted items (choices, numbered questions),
        # often sampling several answers per item (self-consistency); harvesting those questions is what
        # benchmark_harvest reads, so here the format takes most of the weight off.
        evaluation = max(greedy_share(features), 0.8 * ramp(features.get("bench_format_rate", 0.0), 0.6, 0.95))
        score = cot * long_output * (1.0 - 0.95 * evaluation)
        if score <= 0:
            return None
        return self.finding(
            score,
            {**evidence_of(features, "cot_rate", "max_tokens_high_rate", "completion_tokens_per_request", "mean_n",
                            "temperature_zero_rate", "near_dup_rate", "bench_format_rate"),
             "examples": list(features.get("_examples", {}).get("cot", []))[:3]},
            f"{features.get('cot_rate', 0):.0%} of prompts demand step-by-step reasoning, with long outputs allowed",
        )
