"""Logit and logprob extraction (Carlini et al. 2024, 'Stealing part of a production language model').

The attack sends the same few prompts again and again with large logit biases on
changing token ids, one or two output tokens, and as many top logprobs as allowed, to
recover the logit vector (and from many of them the final projection layer). A
classifier using logprobs sends varied documents, few bias tokens, small biases.
"""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding


class LogprobExtractionDetector(Detector):
    name = "logprob_extraction"
    atlas = "AML.T0024.002"  # Exfiltration via ML Inference API: Extract ML Model
    description = "Logit-bias sweeps and maximal logprob requests that reconstruct the model's logits"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        extreme = features.get("bias_extreme_rate", 0.0)
        tokens = features.get("bias_distinct_tokens", 0.0)
        sweeps = features.get("bias_sweep_prompts", 0.0)
        top = features.get("top_logprobs_max", 0.0)
        tiny = features.get("max_tokens_tiny_rate", 0.0)
        # A sweep *varies* the bias: a team's static ban list (one key set, however long) is not one.
        varied = ramp(features.get("bias_key_sets", 0.0), 1, 3)
        sweep_score = ramp(extreme, 0.2, 0.6) * ramp(tokens, 20, 100) * max(ramp(sweeps, 0, 2), ramp(tiny, 0.3, 0.8)) * varied
        # the same one-token probes from many sybils count like one account repeating them (nobody else sends those)
        probe_score = 0.5 * ramp(top, 10, 20) * ramp(features.get("top_logprobs_high_rate", 0.0), 0.5, 0.9) * ramp(tiny, 0.5, 0.9) * ramp(max(features.get("near_dup_rate", 0.0), features.get("shared_prompt_rate", 0.0)), 0.5, 0.9)
        score = max(sweep_score, probe_score)
        if score <= 0:
            return None
        return self.finding(
            score,
            evidence_of(features, "bias_extreme_rate", "bias_distinct_tokens", "bias_sweep_prompts", "top_logprobs_max",
                        "max_tokens_tiny_rate", "near_dup_rate", "shared_prompt_rate", "requests"),
            f"logit bias swept over {int(tokens)} token ids on repeated prompts with top_logprobs up to {int(top)}",
        )
