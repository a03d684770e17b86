"""The benchmark's scoring rules: mixed-lineage students are not counted, controls count any attribution."""

from bench.fingerprint_bench import _summary


def test_summary_counts_by_lineage():
    rows = [
        {"truth": "chatgpt", "closest": "chatgpt", "attributed": "chatgpt"},
        {"truth": "chatgpt", "closest": "gpt4", "attributed": "gpt4"},
        {"truth": "gpt4", "closest": "gpt4", "attributed": None},
        {"truth": "mixed", "closest": "gpt4", "attributed": "gpt4"},
        {"truth": "none", "closest": "claude-2", "attributed": None},
        {"truth": "none", "closest": "chatgpt", "attributed": "chatgpt"},
    ]
    s = _summary(rows)
    assert s["students"] == 3 and s["controls"] == 2
    assert abs(s["closest_accuracy"] - 2 / 3) < 1e-9
    assert abs(s["attributed_accuracy"] - 1 / 3) < 1e-9
    assert abs(s["student_misattributed"] - 1 / 3) < 1e-9
    assert s["control_false_attribution"] == 0.5
    assert s["mixed_attributed_openai"] == 1.0
