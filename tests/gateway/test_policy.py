"""Policy: bands, findings, flags, throttle, degrade, hold, block, allow-lists, overrides, hot reload, audit."""

from __future__ import annotations

import threading
import time

import pytest

from distillguard.detectors.base import Finding
from distillguard.gateway.policy import PolicyError, decide, parse_policy

from .conftest import CHAT, run_gateway

LOGPROB_PROBE = {"model": "m", "messages": [{"role": "user", "content": "The capital of country number {i} is"}],
                 "logprobs": True, "top_logprobs": 20, "max_tokens": 1}


def _probe(i: int) -> dict:
    """One step of a logit-bias sweep (Carlini et al. 2024): the same prompts, extreme biases on new token ids."""
    body = dict(LOGPROB_PROBE)
    body["messages"] = [{"role": "user", "content": f"The capital of country number {i % 2} is"}]
    body["logit_bias"] = {str(1000 + 2 * i): 100, str(1001 + 2 * i): 100}
    return body


def test_decide_combines_rules():
    policy = parse_policy({
        "bands": [{"name": "low", "min_risk": 0.0, "action": "allow"}, {"name": "mid", "min_risk": 0.3, "action": "throttle"},
                  {"name": "high", "min_risk": 0.8, "action": "hold"}],
        "flagged_action": "block",
        "findings": {"logprob_extraction": {"min_score": 0.5, "action": "degrade"}},
        "allow_list": {"accounts": ["acct-vip"], "orgs": ["org-big"]},
    })
    lp = Finding("logprob_extraction", 0.9)
    d = decide(policy, account_id="a", org_id=None, risk=0.1, flagged=False, findings=[], override=None)
    assert d.actions == {"allow"} and d.terminal is None
    d = decide(policy, account_id="a", org_id=None, risk=0.4, flagged=False, findings=[lp], override=None)
    assert d.actions == {"throttle", "degrade"} and d.label == "degrade+throttle" and d.band == "mid"
    assert decide(policy, account_id="a", org_id=None, risk=0.9, flagged=False, findings=[], override=None).terminal == "hold"
    assert decide(policy, account_id="a", org_id=None, risk=0.9, flagged=True, findings=[], override=None).terminal == "block"
    assert decide(policy, account_id="acct-vip", org_id=None, risk=1, flagged=True, findings=[], override=None).actions == {"allow"}
    assert decide(policy, account_id="x", org_id="org-big", risk=1, flagged=True, findings=[], override=None).actions == {"allow"}
    assert decide(policy, account_id="a", org_id=None, risk=0, flagged=False, findings=[], override="block").terminal == "block"
    assert decide(policy, account_id="a", org_id=None, risk=1, flagged=True, findings=[], override="allow").actions == {"allow"}
    unblocked = decide(policy, account_id="a", org_id=None, risk=0.9, flagged=True, findings=[], override="reviewed")
    assert unblocked.terminal is None and "throttle" in unblocked.actions


@pytest.mark.parametrize("doc, fragment", [
    ({"bands": [{"min_risk": 0.2, "action": "explode"}]}, "unknown action 'explode'"),
    ({"bands": [{"min_risk": 2, "action": "allow"}]}, "min_risk"),
    ({"fail_mode": "sideways"}, "fail_mode"),
    ({"throttle": {"account": {"rate_per_s": -1}}}, "rate_per_s"),
    ({"bogus": 1}, "unknown key(s) bogus"),
    ({"arrival_scoring": "sometimes"}, "arrival_scoring"),
])
def test_policy_errors_name_the_field(doc, fragment):
    with pytest.raises(PolicyError, match=None) as info:
        parse_policy(doc, "p.yaml")
    assert fragment in str(info.value) and str(info.value).startswith("p.yaml")


def test_scorer_flags_extraction_and_gateway_blocks_it(tmp_path):
    """A logprob-extraction harvest is flagged by the online scorer mid-run and refused from then on;
    an ordinary account on the same gateway is untouched."""
    with run_gateway(tmp_path, "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n") as gw, gw.client("mallory") as attacker, gw.client("alice") as normal:
        statuses = []
        for i in range(100):
            r = attacker.post("/v1/chat/completions", json=_probe(i))
            statuses.append(r.status_code)
            if r.status_code == 403:
                body = r.json()
                assert body["error"]["code"] == "account_blocked" and body["error"]["type"] == "permission_error"
                assert body["error"]["reference"].startswith("gw-")
            if i % 10 == 0:
                assert normal.post("/v1/chat/completions", json=CHAT).status_code == 200
        first_block = statuses.index(403)
        assert 10 < first_block < 90 and set(statuses[first_block:]) == {403}
        assert set(statuses[:first_block]) == {200}
        with gw.admin() as admin:
            view = admin.get("/admin/accounts/acct-mallory").json()
            assert view["flagged"] and view["verdict"]["flagged"]
            assert any(f["detector"] == "logprob_extraction" for f in view["verdict"]["findings"])
            flags = admin.get("/admin/audit", params={"action": "flag"}).json()["audit"]
            assert [row["account_id"] for row in flags] == ["acct-mallory"]
            blocks = admin.get("/admin/audit", params={"action": "block", "account_id": "acct-mallory"}).json()["audit"]
            assert len(blocks) == 100 - first_block
            assert blocks[0]["evidence"]["flagged"] and blocks[0]["evidence"]["findings"]
            # analyst: unblock -> served again (throttled band rules still apply), then block again by hand
            r = admin.post("/admin/accounts/acct-mallory/override", json={"action": "unblock", "reason": "false positive: QA team"})
            assert r.status_code == 200
            assert attacker.post("/v1/chat/completions", json=_probe(999)).status_code == 200
            admin.post("/admin/accounts/acct-mallory/override", json={"action": "block", "reason": "confirmed", "actor": "ana"})
            assert attacker.post("/v1/chat/completions", json=_probe(1000)).json()["error"]["code"] == "account_blocked"
            rows = admin.get("/admin/audit", params={"account_id": "acct-mallory", "limit": 5}).json()["audit"]
            assert rows[1]["action"] == "override:block" and rows[1]["actor"] == "admin:ana" and rows[1]["reason"] == "confirmed"


def test_throttle_per_account_and_campaign(tmp_path):
    policy = ("reload_check_s: 0\nbands: [{name: all, min_risk: 0.0, action: throttle}]\n"
              "throttle: {account: {rate_per_s: 0.01, burst: 3}}\n")
    with run_gateway(tmp_path, policy) as gw, gw.client("alice") as a, gw.client("bob") as b:
        codes = [a.post("/v1/chat/completions", json=CHAT).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = a.post("/v1/chat/completions", json=CHAT)
        assert r.json()["error"]["code"] == "rate_limited_by_policy" and int(r.headers["Retry-After"]) >= 1
        assert b.post("/v1/chat/completions", json=CHAT).status_code == 200  # buckets are per account
    # campaign bucket (direct, on the state: accounts of one campaign share it)
    import asyncio

    from distillguard.gateway.state import MemoryState

    state = MemoryState()
    waits = [asyncio.run(state.take("camp:c1", 0.01, 2)) for _ in range(3)]
    assert waits[:2] == [0.0, 0.0] and waits[2] > 1


def test_hold_review_queue_and_release(tmp_path):
    policy = "reload_check_s: 0\nbands: [{name: all, min_risk: 0.0, action: hold}]\nallow_list: {accounts: [acct-carol]}\n"
    with run_gateway(tmp_path, policy) as gw, gw.client("alice") as a, gw.client("carol") as c, gw.admin() as admin:
        r = a.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == 403 and r.json()["error"]["code"] == "account_held_for_review"
        assert c.post("/v1/chat/completions", json=CHAT).status_code == 200  # allow-listed
        queue = admin.get("/admin/review-queue").json()
        assert [item["account_id"] for item in queue["items"]] == ["acct-alice"]
        assert admin.post("/admin/accounts/acct-alice/override", json={"action": "allow", "reason": "known customer"}).status_code == 200
        assert a.post("/v1/chat/completions", json=CHAT).status_code == 200
        assert admin.get("/admin/review-queue").json()["count"] == 0
        bad = admin.post("/admin/accounts/acct-alice/override", json={"action": "allow"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "reason"


def _replace(path, text: str) -> None:
    """How to edit a live policy: write a temporary file, then rename it over the old one."""
    import os

    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_hot_reload_under_load_drops_nothing(tmp_path):
    with run_gateway(tmp_path) as gw:
        results: list[int] = []
        errors: list[str] = []
        stop = time.monotonic() + 20

        def worker(who: str) -> None:
            with gw.client(who) as c:
                # keep the load on until the reload has been seen at work (a fixed count can finish before it)
                while time.monotonic() < stop and results.count(403) < 30:
                    try:
                        results.append(c.post("/v1/chat/completions", json=CHAT).status_code)
                    except Exception as exc:  # a dropped connection would land here
                        errors.append(repr(exc))

        threads = [threading.Thread(target=worker, args=(w,)) for w in ("alice", "bob", "carol")]
        for t in threads:
            t.start()
        time.sleep(0.5)
        _replace(gw.policy_path, "reload_check_s: 0\nbands: [{name: all, min_risk: 0.0, action: block}]\n"
                                 "allow_list: {accounts: [acct-carol]}\n")
        time.sleep(0.5)
        _replace(gw.policy_path, "bands: [{min_risk: 0.0, action: nonsense}]\n")  # a bad edit: ignored
        for t in threads:
            t.join(timeout=60)
        assert not errors
        assert set(results) <= {200, 403} and 200 in results and 403 in results
        with gw.client("alice") as c:
            assert c.post("/v1/chat/completions", json=CHAT).status_code == 403  # the good reload stays in force
        with gw.admin() as admin:
            info = admin.get("/admin/policy").json()
            assert info["reloads"] == 1 and info["reload_errors"] == 1 and "nonsense" in info["last_error"]


def test_example_policy_is_valid():
    from pathlib import Path

    from distillguard.gateway.policy import load_policy

    policy = load_policy(Path(__file__).resolve().parents[2] / "config" / "policy.example.yaml")
    assert [b.name for b in policy.bands] == ["normal", "watch", "suspect", "flagged"] and policy.fail_mode == "open"


def test_campaign_bucket_is_shared_by_linked_accounts(tmp_path):
    """Accounts the scorer links into one campaign draw from one campaign bucket."""
    from distillguard.replay.online import AccountDecision

    policy = ("reload_check_s: 0\nbands: [{name: low, min_risk: 0.0, action: allow}, {name: mid, min_risk: 0.3, action: throttle}]\n"
              "throttle: {account: {rate_per_s: 0.001, burst: 10}, campaign: {rate_per_s: 0.001, burst: 3}}\n")
    with run_gateway(tmp_path, policy) as gw, gw.client("alice") as a, gw.client("bob") as b, gw.client("carol") as c:
        linked = {"acct-alice", "acct-bob"}
        gw.enforcer.scorer.precheck = lambda event: AccountDecision(
            event.account_id, 0.4 if event.account_id in linked else 0.0, False,
            "camp-1" if event.account_id in linked else None, [], 1)
        codes = [client.post("/v1/chat/completions", json=CHAT).status_code for client in (a, b, a, b, a)]
        assert codes == [200, 200, 200, 429, 429]
        assert [c.post("/v1/chat/completions", json=CHAT).status_code for _ in range(4)] == [200] * 4  # not linked
        rows = gw.enforcer.audit.query(action="throttle")
        assert len(rows) == 2 and all(r["campaign_id"] == "camp-1" for r in rows)


def test_analyst_throttle_and_degrade_overrides_with_expiry(tmp_path):
    """The dashboard's words reach the gateway: throttle and degrade are overrides, and an expiry lifts them."""
    import time as _time

    policy = ("reload_check_s: 0\nbands: [{name: all, min_risk: 0.0, action: allow}]\n"
              "throttle: {account: {rate_per_s: 0.01, burst: 2}}\n")
    with run_gateway(tmp_path, policy) as gw, gw.client("alice") as a, gw.client("bob") as b, gw.admin() as admin:
        assert admin.post("/admin/accounts/acct-alice/override",
                          json={"action": "throttle", "reason": "ticket 9", "expires_in_s": 2}).status_code == 200
        codes = [a.post("/v1/chat/completions", json=CHAT).status_code for _ in range(4)]
        assert codes == [200, 200, 429, 429]
        assert admin.get("/admin/accounts/acct-alice").json()["override"] == "throttle"
        _time.sleep(2.2)  # the expiry lifts the throttle: the policy (allow) decides again
        assert a.post("/v1/chat/completions", json=CHAT).status_code == 200
        assert admin.post("/admin/accounts/acct-bob/override", json={"action": "degrade", "reason": "ticket 10"}).status_code == 200
        r = b.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == 200
        rows = admin.get("/admin/audit", params={"account_id": "acct-bob", "action": "override:degrade"}).json()["audit"]
        assert len(rows) == 1 and rows[0]["reason"] == "ticket 10"


def test_established_accounts_are_held_for_an_analyst_not_blocked():
    policy = parse_policy({"established": {"min_age_days": 180, "tiers": ["enterprise"]}})
    from distillguard.gateway.policy import is_established

    now = 1_790_000_000.0  # 2026-09
    old, young = {"created_at": "2024-01-05T10:00:00Z", "tier": "enterprise"}, {"created_at": "2026-08-30T10:00:00Z", "tier": "enterprise"}
    assert is_established(policy, old, now) and not is_established(policy, young, now)
    assert not is_established(policy, {**old, "tier": "free"}, now)  # outside the listed tiers
    assert not is_established(policy, {"tier": "enterprise"}, now) and not is_established(policy, None, now)
    assert not is_established(parse_policy({}), old, now)  # off unless configured
    flagged = decide(policy, account_id="a", org_id=None, risk=0.9, flagged=True, findings=[], override=None, established=True)
    assert flagged.terminal == "hold" and any("established account" in r for r in flagged.reasons)
    assert decide(policy, account_id="a", org_id=None, risk=0.9, flagged=True, findings=[], override=None).terminal == "block"
    by_analyst = decide(policy, account_id="a", org_id=None, risk=0.9, flagged=True, findings=[], override="block", established=True)
    assert by_analyst.terminal == "block"  # an analyst's block is not softened


@pytest.mark.parametrize("doc, fragment", [
    ({"established": {"action": "block"}}, "established.action"),
    ({"established": {"min_age_days": -1}}, "established.min_age_days"),
    ({"established": {"tiers": "pro"}}, "established.tiers"),
    ({"established": {"min_age": 3}}, "established"),
])
def test_established_rule_errors_name_the_field(doc, fragment):
    with pytest.raises(PolicyError, match=fragment.replace(".", r"\.")):
        parse_policy(doc)


def test_gateway_holds_an_established_harvester_for_review(tmp_path):
    """The same logprob harvest as above, from an account the keys file says is months old: held, on the review
    queue, until an analyst blocks it."""
    with run_gateway(tmp_path, "reload_check_s: 0\nestablished: {min_age_days: 30, tiers: [pro]}\n") as gw, gw.client("mallory") as attacker:
        codes = []
        for i in range(100):
            r = attacker.post("/v1/chat/completions", json=_probe(i))
            codes.append(r.json()["error"]["code"] if r.status_code == 403 else r.status_code)
        assert "account_held_for_review" in codes and "account_blocked" not in codes
        with gw.admin() as admin:
            queue = admin.get("/admin/review-queue").json()
            assert "acct-mallory" in str(queue)
            admin.post("/admin/accounts/acct-mallory/override", json={"action": "block", "reason": "confirmed"})
            assert attacker.post("/v1/chat/completions", json=_probe(1000)).json()["error"]["code"] == "account_blocked"
