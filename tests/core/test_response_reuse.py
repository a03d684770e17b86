"""Response reuse: an answer built from the request's own material reads high, a new answer low, in any script."""

from __future__ import annotations

from datetime import datetime, timezone

from distillguard.events.model import ApiEvent
from distillguard.features.reuse import content_units, response_reuse
from distillguard.scoring.engine import DetectionEngine


def test_a_rewrite_reuses_the_request_and_a_new_answer_does_not():
    rewrite = response_reuse("Rewrite formally: hey team, the meeting moved to thursday because the projector broke, bring laptops",
                             "Dear colleagues, please note the meeting has moved to Thursday because the projector broke. Please bring laptops.")
    fresh = response_reuse("Explain photosynthesis in detail",
                           "Photosynthesis is the process by which green plants convert light energy into chemical energy stored in glucose.")
    assert rewrite > 0.4 > 0.1 > fresh


def test_spaceless_scripts_are_read_as_bigrams():
    assert {"会议", "议讨"} <= content_units("我们明天开会议讨论")
    assert response_reuse("把这段话改得更正式：我们明天开会讨论项目进度", "我们将于明天召开会议，讨论项目的进度情况和安排。") > 0.3


def test_a_short_answer_says_nothing():
    assert response_reuse("Classify the sentiment: I loved it", "positive") is None


def _event(i: int, prompt: str, answer: str) -> ApiEvent:
    return ApiEvent(request_id=f"r{i}", ts=datetime(2026, 1, 1, tzinfo=timezone.utc), account_id="a",
                    request={"messages": [{"role": "user", "content": prompt}]},
                    response={"choices": [{"message": {"role": "assistant", "content": answer}}]})


def test_the_engine_keeps_the_mean_over_sampled_requests():
    engine = DetectionEngine()
    text = "the quarterly report shows revenue growth across every region despite supply problems"
    for i in range(5):
        engine.ingest(_event(i, f"Summarise: {text}", f"Summary: revenue growth across every region despite supply problems"))
    assert engine.states["a"].features()["response_reuse"] > 0.8


def test_harvest_detectors_discount_answers_built_from_the_request():
    from distillguard.detectors.instruction_harvest import InstructionHarvestDetector, TemplateSweepDetector

    harvest = {"requests": 400, "synthetic_rate": 0.6, "imperative_rate": 0.8, "formatted_rate": 0.4, "task_entropy": 3.0,
               "single_turn_rate": 1.0, "max_tokens_high_rate": 1.0, "completion_tokens_per_request": 1500,
               "reused_templates": 30, "templated_share": 0.9, "top_prefix_share": 0.1}
    for detector in (InstructionHarvestDetector(), TemplateSweepDetector()):
        new_knowledge = detector.score_account("a", {**harvest, "response_reuse": 0.05}).score
        rewrites = detector.score_account("a", {**harvest, "response_reuse": 0.8})
        assert new_knowledge > 0.5 and rewrites is None
