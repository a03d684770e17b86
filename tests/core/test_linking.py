"""Campaign linking: sybils behind proxies join up; a NAT or an organisation does not turn into an attack."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from distillguard.events.model import parse_event
from distillguard.features.account import AccountState, ip_prefix
from distillguard.features.text import prompt_features
from distillguard.linking.linker import CampaignLinker, campaign_extras

T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def _state(account: str, ip: str, ua: str, payment: str, created: datetime, domain: str = "gmail.com", n: int = 3) -> AccountState:
    state = AccountState(account)
    for i in range(n):
        event = parse_event({
            "request_id": f"{account}-{i}", "ts": (T0 + timedelta(minutes=i)).isoformat(), "account_id": account, "ip": ip,
            "user_agent": ua, "request": {"messages": [{"role": "user", "content": f"question {i}"}], "max_tokens": 4096, "temperature": 0.7},
            "account": {"created_at": created.isoformat(), "payment_fingerprint": payment, "email_domain": domain},
        })
        state.update(event, prompt_features(event.prompt_text), False, event.prompt_text)
    return state


def test_sybils_sharing_proxy_and_client_are_one_campaign():
    linker = CampaignLinker()
    sybils = [_state(f"s{i}", f"24.1.{i % 3}.9", "python-requests/2.32", f"card-{i}", T0 - timedelta(hours=1, minutes=i)) for i in range(9)]
    for state in sybils:
        linker.observe(state)
    campaigns = linker.campaigns()
    assert len(campaigns) == 1 and len(next(iter(campaigns.values()))) == 9
    evidence = linker.evidence("s0")
    assert evidence["link_reasons"] and all("a" in link and "shared" in link for link in evidence["sample_links"])


def test_one_shared_attribute_does_not_link():
    linker = CampaignLinker()
    # a university NAT: same IP, different browsers, accounts created months apart
    for i, ua in enumerate(["Chrome/131", "Firefox/133", "Safari/605"]):
        linker.observe(_state(f"u{i}", "128.2.0.1", ua, f"card-u{i}", T0 - timedelta(days=30 * (i + 1))))
    assert linker.campaigns() == {}


def test_shared_payment_links_on_its_own_and_extras_describe_the_group():
    linker = CampaignLinker()
    states = [_state(f"o{i}", f"9.9.{i}.1", f"ua-{i}", "card-org", T0 - timedelta(days=100 + 40 * i)) for i in range(4)]
    for state in states:
        linker.observe(state)
    assert len(linker.campaigns()) == 1
    extras = campaign_extras(states)
    assert extras["members"] == 4 and extras["creation_burst_share"] == 0.25


def test_ip_prefix():
    assert ip_prefix("203.0.113.77") == "203.0.113.0/24"
    assert ip_prefix("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert ip_prefix("not-an-ip") is None
