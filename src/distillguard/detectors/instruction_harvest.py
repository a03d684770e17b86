"""Synthetic-instruction harvesting and systematic capability coverage.

Self-instruct / Alpaca / Orca harvests send single-turn tasks that sweep a taxonomy of
task kinds and topics, rarely repeat a topic, and leave room for long answers. People
dwell on a few subjects and talk in conversations.
"""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, greedy_share, novelty, ramp, shrunk
from distillguard.detectors.base import Detector, Finding


class InstructionHarvestDetector(Detector):
    name = "instruction_harvest"
    atlas = "AML.T0005.001"
    description = "Single-turn task prompts sweeping many task kinds and topics, with long answers"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        n = features.get("requests", 0)
        if self.too_few_requests(features, 5):
            return None
        # Instruction style is the core signal: dataset instructions open with a task verb or carry
        # template labels; people's requests mostly don't (about one in five opens with a verb).
        # Coverage alone is not enough: an app relaying many users' requests also sweeps every task kind.
        # Template-filled prompts ("Question: … Options: …") are the Orca/FLAN form of the same thing.
        # Rates are shrunk toward people's typical shares so that a few early prompts cannot decide.
        style = max(ramp(shrunk(features.get("synthetic_rate", 0.0), n, 0.0), 0.15, 0.5),
                    ramp(shrunk(features.get("imperative_rate", 0.0), n, 0.2), 0.25, 0.5),
                    ramp(shrunk(features.get("formatted_rate", 0.0), n, 0.1), 0.2, 0.35))
        coverage = ramp(features.get("task_entropy", 0.0), 2.4, 3.0)  # sweeping many kinds of task
        single = ramp(features.get("single_turn_rate", 0.0), 0.75, 0.92)
        long_output = max(ramp(features.get("max_tokens_high_rate", 0.0), 0.4, 0.9),
                          ramp(features.get("completion_tokens_per_request", 0.0), 700, 1500))
        score = style * (0.6 + 0.4 * coverage) * single * long_output
        # A public benchmark run greedily is an evaluation, however instruction-like its items read.
        # (an evaluation suite's step-by-step suffix marks it as well as the items do)
        benchmark = max(ramp(features.get("bench_match_rate", 0.0), 0.2, 0.6), ramp(features.get("bench_format_rate", 0.0), 0.3, 0.7),
                        ramp(features.get("cot_rate", 0.0), 0.3, 0.7))
        score *= (1.0 - 0.95 * greedy_share(features) * benchmark) * novelty(features)
        if score <= 0:
            return None
        return self.finding(
            score,
            {**evidence_of(features, "synthetic_rate", "imperative_rate", "formatted_rate", "task_entropy", "task_kinds", "topic_spread", "single_turn_rate",
                           "max_tokens_high_rate", "completion_tokens_per_request", "response_reuse"),
             "examples": list(features.get("_examples", {}).get("synthetic") or features.get("_examples", {}).get("any", []))[:3]},
            f"single-turn tasks over {int(features.get('task_kinds', 0))} task kinds (entropy {features.get('task_entropy', 0):.2f} bits) "
            f"with long answers requested",
        )


class TemplateSweepDetector(Detector):
    """Orca/FLAN-style: many different templates, each reused over many inputs. An
    enterprise pipeline reuses one or two templates; a harvest cycles through dozens."""

    name = "template_sweep"
    atlas = "AML.T0005.001"
    description = "Dozens of prompt templates, each applied to many inputs"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        templates = features.get("reused_templates", 0.0)
        share = features.get("templated_share", 0.0)
        # One dominant template is a pipeline, not a sweep.
        spread = ramp(0.7 - features.get("top_prefix_share", 0.0), 0.0, 0.4)
        # Evaluation runs sweep templates too, but greedily and with short answers.
        long_output = max(ramp(features.get("max_tokens_high_rate", 0.0), 0.3, 0.8), ramp(features.get("completion_tokens_per_request", 0.0), 400, 1000))
        score = ramp(templates, 6, 20) * ramp(share, 0.3, 0.7) * spread * long_output * ramp(features.get("single_turn_rate", 0.0), 0.8, 0.97)
        score *= 1.0 - 0.95 * greedy_share(features)  # an evaluation suite: many templates, decoded greedily
        score *= novelty(features)  # a rewriting product's templates return its users' own text
        if score <= 0:
            return None
        return self.finding(score, evidence_of(features, "reused_templates", "templated_share", "top_prefix_share", "max_tokens_high_rate", "requests",
                                                       "response_reuse"),
                            f"{int(templates)} distinct templates reused across {share:.0%} of requests")


class OutputMaximisingDetector(Detector):
    """Requests engineered for the most tokens per call: 'be exhaustive' phrasing, n > 1 with long answers."""

    name = "output_maximising"
    atlas = "AML.T0024.002"
    description = "Requests engineered to extract the most output per call"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if self.too_few_requests(features, 10):
            return None
        phrasing = ramp(features.get("output_max_rate", 0.0), 0.2, 0.6) * ramp(features.get("max_tokens_high_rate", 0.0), 0.3, 0.8)
        # Several samples per prompt are how pass@k evaluations work too, each a short answer; a harvest
        # leaves every sample room to run long.
        per_sample = features.get("completion_tokens_per_request", 0.0) / max(features.get("mean_n", 1.0), 1.0)
        room = max(ramp(features.get("max_tokens_high_rate", 0.0), 0.3, 0.8), ramp(per_sample, 400, 1000))
        sampling = ramp(features.get("mean_n", 1.0), 1.5, 3.0) * room
        score = max(phrasing, sampling)
        if score <= 0:
            return None
        return self.finding(score, {**evidence_of(features, "output_max_rate", "mean_n", "max_tokens_high_rate", "completion_tokens_per_request"),
                                    "examples": list(features.get("_examples", {}).get("output_max", []))[:3]},
                            "requests built to maximise output per call")


class CeilingOutputsDetector(Detector):
    """Nearly every request asks for the max_tokens ceiling and gets a long answer.

    Harvests do this, and so do writing products: it is consumption, not intent, and shares
    the `consumption` family with usage anomalies so the two count once.
    """

    name = "ceiling_outputs"
    atlas = "AML.T0024.002"
    description = "Ceiling max_tokens and long answers on nearly every request"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if self.too_few_requests(features, 10):
            return None
        score = ramp(features.get("max_tokens_high_rate", 0.0), 0.7, 1.0) * ramp(features.get("completion_tokens_per_request", 0.0), 1200, 2500)
        if score <= 0:
            return None
        return self.finding(score, evidence_of(features, "max_tokens_high_rate", "completion_tokens_per_request", "requests"),
                            f"{features.get('max_tokens_high_rate', 0):.0%} of requests ask for the max_tokens ceiling; "
                            f"{features.get('completion_tokens_per_request', 0):.0f} output tokens per request")
