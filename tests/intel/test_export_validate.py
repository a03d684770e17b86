"""STIX export (what leaves a provider) and validation of peer bundles."""

import copy
import json
import re

import pytest
import stix2

from tests.intel._helpers import oracle_detection
from distillguard.intel.export import build_bundle, identity_id
from distillguard.intel.keys import event_identifiers
from distillguard.intel.validate import BundleError, load_bundle_bytes, parse_bundle


@pytest.fixture(scope="module")
def exported(traffic, keyring):
    campaigns, flagged, events = oracle_detection(traffic)
    bundle, stats = build_bundle(campaigns, flagged, events, keyring, "A")
    return bundle, stats, events


def test_bundle_is_valid_stix_with_required_parts(exported):
    bundle, stats, _ = exported
    parsed_bundle = stix2.parse(json.dumps(bundle), allow_custom=True)
    types = {o.type for o in parsed_bundle.objects}
    assert {"identity", "campaign", "attack-pattern", "indicator", "sighting", "relationship"} <= types
    atlas = {r.external_id for o in parsed_bundle.objects if o.type == "attack-pattern" for r in o.external_references}
    assert "AML.T0024.002" in atlas
    me = identity_id("A")
    for o in bundle["objects"]:
        assert (o.get("created_by_ref") or o["id"]) == me
        assert o.get("object_marking_refs") == [stix2.TLP_AMBER.id]
    pattern_types = {o["pattern_type"] for o in bundle["objects"] if o["type"] == "indicator"}
    assert pattern_types == {"stix", "x-distillguard-minhash"}
    assert stats["identifiers"] > 0 and stats["signatures"] > 0


def test_nothing_raw_leaves(exported, traffic):
    bundle, _, events = exported
    text = json.dumps(bundle).lower()
    raw_values = {v.lower() for e in events for _, v in event_identifiers(e)}
    raw_values |= {e.account_id.lower() for e in events} | {"camp-1"}
    leaked = sorted(v for v in raw_values if v in text)
    assert not leaked, leaked[:5]
    # No run of 5 consecutive prompt words appears anywhere in the bundle.
    for e in events[:200]:
        words = re.findall(r"\w+", e.prompt_text.lower())
        for i in range(0, max(0, len(words) - 5), 3):
            assert " ".join(words[i : i + 5]) not in text


def test_identifiers_common_at_home_are_not_exported(exported, traffic, keyring):
    bundle, stats, events = exported
    hashes = {re.search(r"hmac = '([0-9a-f]+)'", o["pattern"]).group(1) for o in bundle["objects"] if o["type"] == "indicator" and o["pattern_type"] == "stix"}
    assert keyring.hmac_hex("user_agent", "python-requests/2.31.0") not in hashes  # legit customers use it too
    assert keyring.hmac_hex("email_domain", "gmail.com") not in hashes
    assert stats["dropped_common_identifiers"] >= 2


def _bad(bundle, mutate):
    b = copy.deepcopy(bundle)
    mutate(b)
    return b


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda b: b.update(type="report"), "expected a STIX bundle"),
        (lambda b: b.update(objects=[]), "non-empty list"),
        (lambda b: b["objects"][1].update(spec_version="2.0"), "spec_version"),
        (lambda b: b["objects"][1].pop("created"), "objects\\[1\\]"),
        (lambda b: next(o for o in b["objects"] if o["type"] == "indicator").update(created_by_ref="identity--6f1d2c1e-8a59-4c5e-9d0a-3f5b3c2b7d11"), "created_by_ref"),
        (lambda b: next(o for o in b["objects"] if o.get("pattern_type") == "x-distillguard-minhash").update(pattern="minhash:v1;kid=k1;kind=prompt"), "pattern"),
        (lambda b: b["objects"].append(dict(b["objects"][0], id="identity--0b4b0a53-34c5-4f4c-8c8e-3d2d3a6c7a11", name="Mallory")), "exactly one identity"),
    ],
)
def test_malformed_bundles_are_rejected_with_clear_errors(exported, mutate, message):
    with pytest.raises(BundleError, match=message):
        parse_bundle(_bad(exported[0], mutate), "peer.json")


def test_oversized_and_non_json_bundles_are_rejected():
    with pytest.raises(BundleError, match="exceeds the 1,000-byte limit"):
        load_bundle_bytes(b"{" + b" " * 2000 + b"}", "big.json", max_bytes=1000)
    with pytest.raises(BundleError, match="big.json: not JSON"):
        load_bundle_bytes(b"{nope", "big.json")


def test_valid_bundle_yields_matchable_package(exported):
    package = parse_bundle(exported[0])
    assert package.publisher == identity_id("A") and package.publisher_name == "A"
    assert len(package.campaigns) == 1
    assert all(ind.campaigns for ind in package.identifiers)
    assert {i.kind for i in package.identifiers} >= {"payment_fingerprint", "ip"}
