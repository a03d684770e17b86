"""The benchmark's scoring rules: mixed-lineage students are not counted, controls count any attribution."""

from bench.fingerprint_bench import _summary, split_students


def test_summary_counts_by_lineage():
    rows = [
        {"model": "s1", "truth": "chatgpt", "closest": "chatgpt", "attributed": "chatgpt", "p_value": 0.01},
        {"model": "s2", "truth": "chatgpt", "closest": "gpt4", "attributed": "gpt4", "p_value": 0.02},
        {"model": "s3", "truth": "gpt4", "closest": "gpt4", "attributed": None, "p_value": 0.2},
        {"model": "m1", "truth": "mixed", "closest": "gpt4", "attributed": "gpt4", "p_value": 0.01},
        {"model": "c1", "truth": "none", "closest": "claude-2", "attributed": None, "p_value": 0.5},
        {"model": "c2", "truth": "none", "closest": "chatgpt", "attributed": "chatgpt", "p_value": 0.03},
    ]
    s = _summary(rows)
    assert s["students"] == 3 and s["controls"] == 2
    assert abs(s["closest_accuracy"] - 2 / 3) < 1e-9
    assert abs(s["attributed_accuracy"] - 1 / 3) < 1e-9
    assert abs(s["student_misattributed"] - 1 / 3) < 1e-9
    assert abs(s["provider_attributed_accuracy"] - 2 / 3) < 1e-9  # gpt4 for a chatgpt student: same provider
    assert s["control_false_attribution"] == 0.5
    assert s["control_p_below_0.01"] == 0.0
    assert s["mixed_attributed_openai"] == 1.0
    only = _summary(rows, {"s1"})
    assert only["students"] == 1 and only["attributed_accuracy"] == 1.0 and only["controls"] == 2


def test_tuning_and_measured_students_are_disjoint_and_fixed():
    students = {f"m{i}": "chatgpt" for i in range(12)} | {"mix": "mixed"}
    tuning, measured = split_students(students)
    assert len(tuning) == 4 and len(measured) == 8 and not set(tuning) & set(measured)
    assert "mix" not in tuning + measured
    assert split_students(dict(reversed(list(students.items())))) == (tuning, measured)
