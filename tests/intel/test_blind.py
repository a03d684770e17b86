"""Defect 8 (design): identifiers hashed by an oblivious PRF whose key stays with the hub, per collection.

A member who receives an indicator can no longer reverse it offline: it holds no key to hash
guesses with, and the hub refuses to evaluate more than the member's daily budget.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

import pytest

from tests.intel._helpers import COLLECTION, KEYS, PRIVATE, hub_config, oracle_detection, running_hub
from distillguard.intel import client
from distillguard.intel.blind import BlindClient, BlindError, Evaluator, evaluate_locally
from distillguard.intel.export import build_bundle
from distillguard.intel.keys import Keyring
from distillguard.intel.matcher import IntelMatchDetector
from distillguard.intel.validate import parse_bundle
from tests.intel._helpers import parsed


@pytest.fixture()
def blind_hub(tmp_path):
    config = hub_config()
    config.blind_secret_file = str(tmp_path / "hub-oprf.secret")
    config.blind_budget_per_day = 5_000
    with running_hub(tmp_path, config) as server:
        yield server


def _member(hub, who: str, collection: str = COLLECTION) -> Keyring:
    keyring = Keyring.generate("k1")  # prompt signatures stay under the (group) HMAC key; identifiers go blind
    keyring.blind = client.hub_blind_client(hub.url, "consortium", collection, who, KEYS[who])
    return keyring


def test_blinded_indicators_match_at_peers_and_the_secret_file_is_private(blind_hub, traffic, tmp_path):
    import stat

    campaigns, flagged, events = oracle_detection(traffic)
    a = _member(blind_hub, "A")
    bundle, stats = build_bundle(campaigns, flagged, events, a, "A")
    package = parse_bundle(bundle)
    assert package.identifiers and all(ind.kid == f"oprf.{COLLECTION}" for ind in package.identifiers)
    b = _member(blind_hub, "B")
    b.keys = a.keys  # same shingle key, so only the identifier path differs between the two runs

    def identifier_hits(keyring, bundle) -> set[str]:
        detector = IntelMatchDetector(keyring)
        detector.load(parse_bundle(bundle))
        for event in parsed(traffic.events["B"]):
            detector.observe(event)
        return {account for account, state in detector.accounts.items() if state.id_hits}

    plain = Keyring(current="k1", keys=a.keys)
    plain_bundle, _ = build_bundle(campaigns, flagged, events, plain, "A")
    blind_hits = identifier_hits(b, bundle)
    attackers = {acc for acc, label in traffic.labels["B"].items() if label["label"] == "attack"}
    assert blind_hits & attackers and blind_hits == identifier_hits(plain, plain_bundle)  # same matches as shared-key HMAC
    assert stat.S_IMODE((tmp_path / "hub-oprf.secret").stat().st_mode) == 0o600


def test_a_member_without_the_hub_cannot_reverse_an_indicator_offline(blind_hub, traffic):
    campaigns, flagged, events = oracle_detection(traffic)
    a = _member(blind_hub, "A")
    bundle, _ = build_bundle(campaigns, flagged, events, a, "A")
    ip_indicators = {ind.hmac for ind in parse_bundle(bundle).identifiers if ind.kind == "ip"}
    assert ip_indicators
    # What reversed 71 of 71 IPs before: hash candidates under every key a member holds. It finds nothing now.
    member_keys = Keyring.generate("k1")
    member_keys.keys = a.keys
    candidates = {tok for e in parsed(traffic.events["A"]) for tok in [e.ip] if tok}
    offline = {hmac.new(key, f"ip\x00{ip}".encode(), hashlib.sha256).hexdigest() for key in member_keys.keys.values() for ip in candidates}
    assert not offline & ip_indicators


def test_enumeration_is_refused_by_the_daily_budget_and_groups_have_separate_keys(blind_hub):
    b = _member(blind_hub, "B")
    with pytest.raises(client.ClientError, match="budget"):
        b.blind.prf_many([("ip", str(ipaddress.IPv4Address(i))) for i in range(6_000)])
    same_ip = ("ip", "203.0.113.7")
    in_shared = _member(blind_hub, "A").blind.prf_hex(*same_ip)
    in_private = _member(blind_hub, "A", PRIVATE).blind.prf_hex(*same_ip)
    assert in_shared != in_private  # an indicator shared in one group means nothing in another
    c = _member(blind_hub, "C", PRIVATE)  # C is not a member of the private collection
    with pytest.raises(client.ClientError, match="404"):
        c.blind.prf_hex(*same_ip)


def test_evaluator_sees_only_valid_points_and_output_equals_the_holders_prf():
    key = b"k" * 32
    evaluator = Evaluator(key, budget_per_day=10)
    member = BlindClient("oprf.test", lambda points: evaluator.evaluate("B", points))
    assert member.prf_hex("ip", "198.51.100.1") == evaluate_locally(key, "ip", "198.51.100.1")
    with pytest.raises(BlindError, match="valid group element"):
        evaluator.evaluate("B", [bytes(32)])
