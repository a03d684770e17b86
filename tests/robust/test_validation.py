"""Defect 1: one record aborted the whole scan; now every field the pipeline reads is typed and bounded."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings

from distillguard.pipeline import scan
from tests.robust.conftest import event, write_jsonl
from tests.robust.mutations import Consumers, mutated_lines

# Each of these aborted a scan with no verdicts and no rejects (field the reject must name).
CRASHERS = [
    ("response.usage", dict(response={"usage": "12 tokens"})),
    ("response.usage", dict(response={"usage": [1, 2]})),
    ("response.usage.prompt_tokens", dict(response={"usage": {"prompt_tokens": 2**31}})),
    ("response.usage.completion_tokens", dict(response={"usage": {"completion_tokens": 1e30}})),
    ("status", dict(status=2**31)),
    ("status", dict(status=2**40)),
    ("account.payment_fingerprint", dict(account={"payment_fingerprint": {"card": 1}})),
    ("account.email_domain", dict(account={"email_domain": 42})),
    ("ts", dict(ts="0001-01-01T00:00:00+05:00")),
    ("ts", dict(ts="9999-12-31T23:59:59-05:00")),
    ("cost_usd", dict(cost_usd=2**63)),
    ("request.temperature", dict(request={"prompt": "hi", "temperature": 1e300})),
    ("response.choices", dict(response={"choices": 5})),
    ("account.created_at", dict(account={"created_at": "9999-12-31T23:59:59-05:00"})),
]


@pytest.mark.parametrize("field,over", CRASHERS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(CRASHERS)])
def test_each_crasher_is_one_reject_and_the_scan_goes_on(tmp_path, field, over):
    log = write_jsonl(tmp_path / "log.jsonl", [event(1), event(2, **over), event(3)])
    result = scan(log, db=tmp_path / "s.duckdb", rejects=tmp_path / "rejects.jsonl", out=tmp_path / "v.jsonl")
    assert result.stats["events"] == 2 and result.stats["rejects"] == 1
    reject = json.loads((tmp_path / "rejects.jsonl").read_text())
    assert reject["line"] == 2 and reject["field"] == field and reject["reason"]
    assert (tmp_path / "v.jsonl").read_text().count("\n") == result.stats["accounts"] > 0


FUZZ_EXAMPLES = int(os.environ.get("DG_FUZZ_EXAMPLES", "300"))


def test_mutations_of_real_events_never_crash(real_events):
    consumers = Consumers()

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated_lines(real_events))
    def run(line: bytes) -> None:
        consumers.check(line)

    run()
    consumers.finish()
    assert consumers.accepted > 0 and consumers.rejected > 0  # the mutations reach both outcomes
