"""Harvests and the good customers who look like them: the cases that decide early flags and false ones."""

from __future__ import annotations

from distillguard.detectors.base import Finding
from distillguard.detectors.registry import REGISTRY
from distillguard.features.text import prompt_features
from distillguard.scoring.engine import Assessment, DetectionEngine, combine
from tests.core.test_detectors import BASE

# An app relaying its own users' one-shot requests with long answers: single-turn, every task kind,
# ceiling max_tokens, but written by people (about one request in five opens with a task verb).
RELAY_APP = dict(BASE, requests=1000.0, imperative_rate=0.18, task_entropy=2.8, task_kinds=13.0, single_turn_rate=0.95,
                 max_tokens_high_rate=1.0, completion_tokens_per_request=2300.0)


def test_an_app_relaying_peoples_requests_is_not_an_instruction_harvest():
    detector = REGISTRY["instruction_harvest"]()
    assert detector.score_account("app", RELAY_APP) is None
    harvest = detector.score_account("harvest", dict(RELAY_APP, imperative_rate=0.55))  # dataset instructions, 25% cover
    assert harvest is not None and harvest.score >= 0.7
    filled = detector.score_account("orca", dict(RELAY_APP, formatted_rate=0.35))  # "Question: … Options: …" templates
    assert filled is not None and filled.score >= 0.7


def test_a_few_requests_cannot_decide_but_many_can():
    detector = REGISTRY["instruction_harvest"]()
    early = detector.score_account("a", dict(RELAY_APP, requests=6.0, imperative_rate=4 / 6))
    late = detector.score_account("a", dict(RELAY_APP, requests=300.0, imperative_rate=4 / 6))
    assert early is not None and late is not None
    assert early.score < 0.5 < late.score


def test_lead_ins_do_not_hide_task_verbs():
    for text in ("Quick one: write a haiku about rain", "Hey, create a list of ten fruits", "Please help: explain TCP",
                 "For my notes - summarize the French revolution", "please rewrite this paragraph"):
        assert prompt_features(text).imperative, text
    for text in ("Question: what is the capital of Peru?", "Hi, can you tell me a joke?", "I wonder why the sky is blue"):
        assert not prompt_features(text).imperative, text


def test_template_filled_prompts_are_marked():
    assert prompt_features("Passage: The river rose.\nQuestion: Did it flood?\nOptions:\n- yes\n- no").formatted
    assert not prompt_features("see https://example.org: what do you think of this page?").formatted
    assert not prompt_features("What should I cook tonight? I have rice and eggs.").formatted


def test_two_views_of_heavy_use_count_once():
    weights = {"usage_anomaly": 0.3, "ceiling_outputs": 0.45, "instruction_harvest": 0.8}
    families = {"usage_anomaly": "consumption", "ceiling_outputs": "consumption"}
    heavy = [Finding("usage_anomaly", 1.0), Finding("ceiling_outputs", 1.0)]
    assert abs(combine(heavy, weights, families) - 0.45) < 1e-9
    assert combine(heavy, weights) > 0.6  # without families both would count
    both = heavy + [Finding("instruction_harvest", 0.5)]
    assert abs(combine(both, weights, families) - (1 - 0.55 * 0.6)) < 1e-9


def test_the_default_policy_spares_a_relay_app_that_uses_a_lot():
    engine = DetectionEngine()
    assert engine.families["usage_anomaly"] == engine.families["ceiling_outputs"] == "consumption"
    features = dict(RELAY_APP, output_max_rate=0.0, mean_n=1.0)
    usage = Finding("usage_anomaly", 1.0)
    findings = [f for f in (d.score_account("app", features) for d in engine.detectors if d.name != "usage_anomaly") if f] + [usage]
    assert combine(findings, engine.weights, engine.families) < engine.threshold


def test_a_flagged_campaign_stays_flagged_when_its_risk_dips(small_sim):
    """Enforcement has acted once a campaign is flagged: a later, diluted assessment must not
    let its members (or new sybils joining it) through again."""
    from distillguard.events.readers import RejectSink, iter_events
    from distillguard.replay import OnlineScorer

    scorer = OnlineScorer()
    engine = scorer.engine
    real = engine.assess_campaign
    calls = {"n": 0}

    def first_high_then_low(members):
        calls["n"] += 1
        assessment = real(members)
        return Assessment(0.95 if calls["n"] == 1 else 0.0, assessment.findings, assessment.features, inheritable=True)

    engine.assess_campaign = first_high_then_low
    held = 0
    for event in iter_events([small_sim / "events.jsonl"], RejectSink()):
        decision = scorer.process(event)
        if event.account_id in scorer._campaign_flag_of:
            assert decision.flagged, event.account_id
            held += 1
    assert calls["n"] > 1 and held > 0


def test_benchmark_files_with_unicode_line_separators_inside_strings_are_read_whole(tmp_path):
    """U+2028 is legal inside a JSON string; splitting JSONL on it would drop the record."""
    import json

    from distillguard.features.benchmark_index import BenchmarkIndex

    question = "A train leaves the station at noon\u2028travelling at sixty miles per hour; how far has it gone by three o'clock?"
    (tmp_path / "bench.jsonl").write_text(json.dumps({"question": question}, ensure_ascii=False) + "\n", encoding="utf-8")
    index = BenchmarkIndex.from_paths([tmp_path])
    assert index.match(question.replace("\u2028", " "))
