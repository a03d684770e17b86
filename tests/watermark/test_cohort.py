"""The gateway's cohort choice: flagged campaigns are served under a cohort of their own."""

import pytest

from distillguard.gateway.cohort import COHORT_ARG, EXTRA_ARGS_FIELD, CohortAssigner, campaign_cohort
from distillguard.watermark.vllm_adapter import EXTRA_ARG

SECRET = bytes(range(32))


def test_flagged_campaign_gets_its_own_cohort_and_others_share_eight():
    a = CohortAssigner(SECRET)
    camp = a.cohort("acct-owner-1", "camp-42", flagged=True)
    assert camp == campaign_cohort(SECRET, "camp-42") and camp.startswith("camp-")
    assert a.cohort("acct-owner-2", "camp-42", flagged=True) == camp  # every sybil of the campaign
    assert a.cohort("acct-owner-1", "camp-43", flagged=True) != camp
    plain = {a.cohort(f"user{i}", None, flagged=False) for i in range(400)}
    assert plain == {f"acct-{k}" for k in range(8)}
    assert a.cohort("user1", "camp-42", flagged=False) == a.cohort("user1", None, flagged=False)  # not flagged: account cohort
    assert len(camp) == 17 and int(camp[5:], 16) >= 0  # 12 hex digits of a keyed hash, not the raw id
    assert CohortAssigner(bytes(32)).cohort("x", "camp-42", True) != camp  # depends on the secret


def test_tag_overrides_a_client_chosen_cohort_and_keeps_other_args():
    a = CohortAssigner(SECRET)
    body = {"model": "m", EXTRA_ARGS_FIELD: {COHORT_ARG: "acct-0", "other": 1}}
    out = a.tag(body, "user1", "camp-9", flagged=True)
    assert out[EXTRA_ARGS_FIELD] == {COHORT_ARG: campaign_cohort(SECRET, "camp-9"), "other": 1}
    assert body[EXTRA_ARGS_FIELD][COHORT_ARG] == "acct-0"  # the client's body is not mutated
    assert COHORT_ARG == EXTRA_ARG  # the name the vLLM watermark processor reads


def test_from_env(monkeypatch):
    monkeypatch.delenv("DISTILLGUARD_COHORT_SECRET", raising=False)
    assert CohortAssigner.from_env() is None
    monkeypatch.setenv("DISTILLGUARD_COHORT_SECRET", "zz")
    with pytest.raises(ValueError, match="hex"):
        CohortAssigner.from_env()
    monkeypatch.setenv("DISTILLGUARD_COHORT_SECRET", "ab" * 16)
    assert CohortAssigner.from_env().cohort("u", None, False).startswith("acct-")
    with pytest.raises(ValueError):
        CohortAssigner(b"short")


def test_gateway_forwards_the_cohort_it_chose(tmp_path, monkeypatch):
    """Through the real gateway: the upstream sees the account's cohort, not the one the client asked for."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from distillguard.gateway.cohort import account_cohort
    from tests.gateway.conftest import CHAT, run_gateway

    monkeypatch.setenv("DISTILLGUARD_COHORT_SECRET", SECRET.hex())
    with run_gateway(tmp_path) as gw:
        with gw.client("alice") as c:
            r = c.post("/v1/chat/completions", json=dict(CHAT, vllm_xargs={COHORT_ARG: "camp-chosen-by-client"}))
            assert r.status_code == 200, r.text
        body = gw.upstream.state.received[-1]["body"]
    assert body[EXTRA_ARGS_FIELD][COHORT_ARG] == account_cohort(SECRET, "acct-alice")
