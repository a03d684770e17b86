"""Each detector on a case it must flag and a look-alike it must not."""

from __future__ import annotations

import pytest

from distillguard.detectors.registry import REGISTRY, build_detectors, load_config

BASE = {
    "requests": 200.0, "single_turn_rate": 0.99, "max_tokens_high_rate": 0.0, "completion_tokens_per_request": 200.0, "mean_n": 1.0,
    "cot_rate": 0.0, "identity_rate": 0.0, "output_max_rate": 0.0, "synthetic_rate": 0.0, "imperative_rate": 0.1,
    "bench_match_rate": 0.0, "bench_matches": 0.0, "bench_format_rate": 0.0, "near_dup_rate": 0.0, "temperature_zero_rate": 0.0,
    "task_entropy": 1.5, "task_kinds": 4.0, "topic_spread": 0.3, "reused_templates": 0.0, "templated_share": 0.0,
    "top_prefix_share": 0.05, "bias_extreme_rate": 0.0, "bias_distinct_tokens": 0.0, "bias_sweep_prompts": 0.0,
    "top_logprobs_max": 0.0, "top_logprobs_high_rate": 0.0, "max_tokens_tiny_rate": 0.0, "interarrival_cv": 1.5,
    "active_hours": 10.0, "night_share": 0.02, "account_age_days_at_first": 300.0, "members": 1.0, "creation_burst_share": 0.0,
    "top_profile_share": 0.4, "declared_org_share": 0.0, "requests_per_active_day": 30.0, "completion_tokens": 40000.0,
    "cost_per_member": 1.0, "output_input_ratio": 2.0,
}

CASES = {
    # detector: (must flag, must not flag)
    "logprob_extraction": (
        dict(bias_extreme_rate=0.95, bias_distinct_tokens=800, bias_sweep_prompts=5, top_logprobs_max=20, max_tokens_tiny_rate=1.0,
             bias_key_sets=150),
        dict(bias_extreme_rate=0.0, bias_distinct_tokens=2, top_logprobs_max=5, top_logprobs_high_rate=1.0, max_tokens_tiny_rate=1.0),
    ),
    "reasoning_coercion": (
        dict(cot_rate=0.9, max_tokens_high_rate=1.0),
        dict(cot_rate=1.0, max_tokens_high_rate=0.0, completion_tokens_per_request=300, temperature_zero_rate=1.0),  # an eval run
    ),
    "benchmark_harvest": (
        dict(bench_match_rate=0.9, bench_matches=180, mean_n=4.0),
        dict(bench_match_rate=1.0, bench_matches=200, temperature_zero_rate=1.0),  # a researcher running it once, greedily
    ),
    "identity_probe": (dict(identity_rate=0.1), dict(identity_rate=0.005)),
    "instruction_harvest": (
        dict(imperative_rate=0.9, max_tokens_high_rate=1.0, completion_tokens_per_request=1500),
        dict(imperative_rate=0.9, task_entropy=3.0, single_turn_rate=0.6, max_tokens_high_rate=1.0),  # a developer in conversations
    ),
    "template_sweep": (
        dict(reused_templates=30, templated_share=0.9, top_prefix_share=0.05, max_tokens_high_rate=1.0),
        dict(reused_templates=1, templated_share=1.0, top_prefix_share=1.0, max_tokens_high_rate=0.0),  # an enterprise pipeline
    ),
    "output_maximising": (dict(mean_n=4.0, max_tokens_high_rate=1.0),
                          dict(mean_n=1.0, max_tokens_high_rate=1.0, completion_tokens_per_request=3000)),
    "ceiling_outputs": (dict(max_tokens_high_rate=1.0, completion_tokens_per_request=2600),
                        dict(max_tokens_high_rate=1.0, completion_tokens_per_request=300)),  # asks for the ceiling, gets short answers
    "timing_pattern": (dict(interarrival_cv=0.05), dict(interarrival_cv=1.4)),
    "new_account_ramp": (dict(account_age_days_at_first=0.2, completion_tokens_per_request=1500),
                         dict(account_age_days_at_first=0.2, completion_tokens_per_request=150)),
    "content_swarm": (dict(content_members=40, content_cohesion=0.8, content_null_cosine=0.3, completion_tokens_per_request=1200),
                      dict(content_members=40, content_cohesion=0.29, content_null_cosine=0.3, completion_tokens_per_request=1200)),
    "sybil_structure": (dict(members=50, creation_burst_share=1.0, top_profile_share=0.9),
                        dict(members=50, creation_burst_share=1.0, top_profile_share=0.9, declared_org_share=1.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_detector_flags_its_case_and_spares_the_look_alike(name):
    detector = REGISTRY[name]()
    positive, negative = CASES[name]
    hit = detector.score_account("a", {**BASE, **positive})
    assert hit is not None and hit.score >= 0.6, hit
    assert hit.detector == name and hit.atlas and hit.atlas.startswith("AML.T") and hit.summary
    miss = detector.score_account("b", {**BASE, **negative})
    assert miss is None or miss.score < 0.2, miss


def test_usage_anomaly_is_relative_to_the_population():
    detector = REGISTRY["usage_anomaly"]()
    population = [dict(BASE, requests_per_active_day=30.0 + i % 7, completion_tokens=40000.0 + 100 * i) for i in range(200)]
    detector.fit(population)
    assert detector.score_account("x", dict(BASE, completion_tokens=4e7)).score > 0.5
    assert detector.score_account("y", BASE) is None


def test_every_registered_detector_is_in_the_default_config_and_tested():
    config = load_config()
    assert set(config["detectors"]) == set(REGISTRY)
    assert set(CASES) | {"usage_anomaly", "extraction_economics", "coverage_sweep", "behaviour_model"} == set(REGISTRY)
    detectors, weights = build_detectors(config)
    assert all(0 < weights[d.name] <= 1 for d in detectors)


def test_extraction_economics_needs_every_harvest_direction_at_once():
    """Defect: below the keyword detectors' thresholds every account scored 0, so the ranking could not
    tell a harvest from a chat user; and one heavy habit alone (long answers) must stay weak."""
    import numpy as np

    rng = np.random.default_rng(5)
    population = [dict(BASE, output_input_ratio=float(rng.lognormal(0, 1)), completion_tokens_per_request=float(rng.lognormal(5.5, 0.6)),
                       single_turn_rate=float(rng.uniform(0.2, 1.0)), max_tokens_high_rate=float(rng.choice([0.0, 0.0, 0.0, 1.0])),
                       mean_n=1.0) for _ in range(400)]
    detector = REGISTRY["extraction_economics"]().fit(population)
    harvest = detector.score_account("h", dict(BASE, output_input_ratio=40.0, completion_tokens_per_request=3000.0, single_turn_rate=1.0,
                                               max_tokens_high_rate=1.0, mean_n=3.0))
    long_answers = detector.score_account("w", dict(BASE, output_input_ratio=1.0, completion_tokens_per_request=3000.0, single_turn_rate=0.5,
                                                    max_tokens_high_rate=0.0, mean_n=1.0))
    assert harvest is not None and harvest.score >= 0.8
    assert long_answers is None or long_answers.score < 0.3


def test_unknown_detector_in_user_config_is_a_clear_error(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("detectors:\n  no_such_thing: {enabled: true}\n")
    with pytest.raises(ValueError, match="unknown detector"):
        load_config(path)


def test_coverage_sweep_is_breadth_of_a_person_sized_account_against_the_population():
    """Defect: a capability sweep over sybils with their own IPs, clients and cards, wrapped and typo'd, was
    0% flagged: nothing read how little an account dwells on any subject. An app relaying many people's
    requests is broad too and must not count."""
    population = [dict(BASE, content_concentration=0.2 + 0.001 * (i % 50), embedded_prompts=20.0) for i in range(200)]
    detector = REGISTRY["coverage_sweep"]().fit(population)
    sweep = dict(BASE, requests=14.0, embedded_prompts=14.0, content_concentration=0.1, max_tokens_high_rate=1.0)
    hit = detector.score_account("s", sweep)
    assert hit is not None and hit.score >= 0.9 and hit.atlas.startswith("AML.T")
    assert detector.score_account("p", dict(sweep, content_concentration=0.3)) is None  # a person dwells
    assert detector.score_account("a", dict(sweep, requests=600.0, embedded_prompts=60.0)) is None  # an app relaying many people
    assert detector.score_account("e", dict(sweep, temperature_zero_rate=1.0)) is None  # a greedy evaluation run


def test_self_consistency_evaluation_is_not_reasoning_harvest():
    """Defect: an evaluation that samples five reasoned answers per benchmark item (self-consistency, long
    traces, temperature above 0) scored 1.0 for chain-of-thought coercion and was flagged. The same
    demand on free-form prompts still scores."""
    detector = REGISTRY["reasoning_coercion"]()
    harvest = dict(BASE, cot_rate=1.0, completion_tokens_per_request=1100.0, mean_n=5.0, temperature_zero_rate=0.0)
    hit = detector.score_account("h", harvest)
    evaluation = detector.score_account("e", dict(harvest, bench_format_rate=1.0))
    assert hit is not None and hit.score >= 0.9
    assert evaluation is None or evaluation.score < 0.3
