"""The intel_match detector: peers' intel against local traffic."""

import pytest

from tests.intel._helpers import oracle_detection, parsed
from distillguard.detectors.base import Detector
from distillguard.intel.export import build_bundle
from distillguard.intel.keys import Keyring
from distillguard.intel.matcher import IntelMatchDetector
from distillguard.intel.validate import parse_bundle


@pytest.fixture(scope="module")
def package(traffic, keyring):
    campaigns, flagged, events = oracle_detection(traffic)
    return parse_bundle(build_bundle(campaigns, flagged, events, keyring, "A")[0])


def _run(detector, events):
    for e in events:
        detector.observe(e)
    return {a: detector.score_account(a, {}) for a in detector.accounts}


@pytest.mark.parametrize("provider", ["B", "C"])
def test_campaign_accounts_at_peers_are_blocked_and_legit_are_not(traffic, keyring, package, provider):
    detector = IntelMatchDetector(keyring)
    assert isinstance(detector, Detector) and detector.name == "intel_match"
    detector.load(package)
    findings = _run(detector, parsed(traffic.events[provider]))
    labels = traffic.labels[provider]
    attack = {a for a, l in labels.items() if l["label"] == "attack"}
    blocked = {a for a, f in findings.items() if f and f.score >= 0.8}
    # 4 of 5 campaign accounts reuse infrastructure or templates; the 5th shares nothing.
    assert len(blocked & attack) >= 4
    assert not blocked - attack
    finding = findings[sorted(blocked)[0]]
    assert finding.evidence["peers"] == ["A"] and finding.atlas == "AML.T0024.002"
    assert finding.evidence["signature_matches"]["prompts_matched"] > 0
    # Evidence names indicators and counts, never hashes or peer text.
    assert all(i.startswith("indicator--") for m in finding.evidence["identifier_matches"].values() for i in m["indicators"])


def test_intel_arriving_later_rechecks_accounts_already_active(traffic, keyring, package):
    detector = IntelMatchDetector(keyring)
    _run(detector, parsed(traffic.events["B"]))
    assert not any(detector.is_blocked(a) for a in detector.accounts)
    detector.load(package)
    assert sum(detector.is_blocked(a) for a in detector.accounts if a.startswith("B-c")) >= 4


def test_rotation(traffic, keyring, package):
    rotated = Keyring(current=keyring.current, keys=dict(keyring.keys), created=dict(keyring.created))
    rotated.rotate("k2")
    detector = IntelMatchDetector(rotated)
    detector.load(package)  # made under k1 before the rotation
    _run(detector, parsed(traffic.events["B"]))
    assert sum(detector.is_blocked(a) for a in detector.accounts) >= 4
    stranger = IntelMatchDetector(Keyring.generate("other"))
    counts = stranger.load(package)
    assert counts.get("unknown_kid", 0) > 0 and not counts.get("identifiers")


def test_reexport_publishes_new_versions_of_the_same_indicators(traffic, keyring, package):
    campaigns, flagged, events = oracle_detection(traffic)
    again = parse_bundle(build_bundle(campaigns, flagged, events, keyring, "A")[0])
    assert {i.id for i in again.identifiers} == {i.id for i in package.identifiers}
    detector = IntelMatchDetector(keyring)
    detector.load(package)
    counts = detector.load(again)
    assert counts.get("already_loaded") == len(again.identifiers) + len(again.signatures)
    evs = parsed(traffic.events["B"])
    once = IntelMatchDetector(keyring)
    once.load(package)
    assert _run(detector, evs) == _run(once, evs)


def test_scan_pipeline_loads_it_as_a_detector(traffic, keyring, package):
    """The project's online scorer takes intel_match as an extra detector and flags on its findings."""
    online = pytest.importorskip("distillguard.replay.online")
    detector = IntelMatchDetector(keyring)
    detector.load(package)
    scorer = online.OnlineScorer(extra_detectors=[detector])
    for event in parsed(traffic.events["B"]):
        scorer.process(event)
    verdicts = {v["account_id"]: v for v in scorer.verdicts()}
    flagged_by_intel = {a for a, v in verdicts.items() if v["flagged"] and any(f["detector"] == "intel_match" for f in v["findings"])}
    attack = {a for a, l in traffic.labels["B"].items() if l["label"] == "attack"}
    assert len(flagged_by_intel & attack) >= 4
    assert not flagged_by_intel - attack
