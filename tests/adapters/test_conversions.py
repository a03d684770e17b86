"""The small conversions every adapter leans on: times in the spellings exports use, JSON-in-text columns."""

from __future__ import annotations

import pytest

from distillguard.adapters.base import RecordError, as_json, maybe_json, sampling_params, to_timestamp


@pytest.mark.parametrize("value, expected", [
    ("2025-01-24 09:20:46.847371", "2025-01-24T09:20:46.847371Z"),  # LiteLLM spend logs: naive, UTC
    ("2025-01-24 09:20:46.847371+00", "2025-01-24T09:20:46.847371Z"),  # Postgres text export
    ("2025-01-16T11:28:54.796360-08:00", "2025-01-16T19:28:54.796360Z"),  # Langfuse with an offset
    ("2025-01-24 09:20:46 UTC", "2025-01-24T09:20:46Z"),  # warehouse exports
    (1737710446.8, "2025-01-24T09:20:46.800000Z"),  # epoch seconds (LiteLLM live callbacks)
    ("1737710446847", "2025-01-24T09:20:46.847000Z"),  # epoch milliseconds as text (CSV)
    ("1714000000000000000", "2024-04-24T23:06:40Z"),  # OTLP nanoseconds
])
def test_to_timestamp(value, expected):
    assert to_timestamp(value, "ts") == expected


@pytest.mark.parametrize("value", [None, "", "yesterday", True])
def test_to_timestamp_rejects_with_the_field_named(value):
    with pytest.raises(RecordError) as info:
        to_timestamp(value, "startTime")
    assert info.value.field == "startTime"


def test_json_columns_strict_and_text_columns_lenient():
    assert as_json('{"a": 1}', "metadata") == {"a": 1} and as_json("None", "metadata") is None
    with pytest.raises(RecordError):
        as_json("{broken", "metadata")
    assert maybe_json("{not json, just an answer") == "{not json, just an answer"


def test_sampling_params_are_typed_and_unknown_keys_dropped():
    params = sampling_params({"max_tokens": "256", "temperature": "0.7", "logprobs": "true", "logit_bias": '{"50256": -100}',
                              "n": 2.0, "extra_body": "{}"})
    assert params == {"max_tokens": 256, "temperature": 0.7, "logprobs": True, "logit_bias": {"50256": -100}, "n": 2}
