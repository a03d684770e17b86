"""Defects 7 and 8: hub object ownership, version order, media types, immutable markings,
parser limits with TAXII error bodies, persistent webhook replay memory, private key files."""

from __future__ import annotations

import copy
import json
import os
import stat

import httpx
import pytest
from typer.testing import CliRunner

from tests.intel._helpers import COLLECTION, KEYS, hub_config, oracle_detection, running_hub
from distillguard.intel import client
from distillguard.intel.export import build_bundle
from distillguard.intel.hub import TAXII
from distillguard.intel.keys import Keyring
from distillguard.intel.webhooks import WebhookError, WebhookVerifier, make_headers

H = {"Accept": TAXII, "Content-Type": TAXII}


@pytest.fixture()
def hub(tmp_path):
    with running_hub(tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def bundle_a(traffic, keyring):
    campaigns, flagged, events = oracle_detection(traffic)
    return build_bundle(campaigns, flagged, events, keyring, "A")[0]


def _objects_url(hub) -> str:
    return f"{hub.url}/consortium/collections/{COLLECTION}/objects/"


def _post(hub, objects, who="A", headers=H):
    return httpx.post(_objects_url(hub), content=json.dumps({"objects": objects}), headers=headers, auth=(who, KEYS[who]))


def _last(hub, obj_id, who="B") -> dict:
    r = httpx.get(f"{_objects_url(hub)}{obj_id}/", headers=H, auth=(who, KEYS[who]))
    assert r.status_code == 200, r.text
    (obj,) = r.json()["objects"]
    return obj


def _indicator(bundle) -> dict:
    return next(o for o in bundle["objects"] if o["type"] == "indicator")


def _as_b(obj: dict, **changes) -> tuple[dict, dict]:
    """B's own identity and a copy of `obj` re-attributed to B with `changes`."""
    b_identity = hub_config().providers["B"].identity
    identity = {"type": "identity", "spec_version": "2.1", "id": b_identity, "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z", "name": "B", "identity_class": "organization"}
    return identity, dict(copy.deepcopy(obj), created_by_ref=b_identity, **changes)


@pytest.mark.parametrize("change", [{"modified": "2099-01-01T00:00:00.000Z"}, {"modified": "2099-01-01T00:00:00.000Z", "revoked": True}])
def test_another_provider_cannot_version_or_revoke_an_object_it_did_not_publish(hub, bundle_a, change):
    client.push(bundle_a, hub.url, "consortium", COLLECTION, "A", KEYS["A"])
    original = _indicator(bundle_a)
    identity, hijack = _as_b(original, **change)
    r = _post(hub, [identity, hijack], who="B")
    assert r.status_code == 403 and "first published" in r.json()["description"]
    assert _last(hub, original["id"]) == original


def test_versions_are_ordered_by_time_not_by_text(hub, bundle_a):
    client.push(bundle_a, hub.url, "consortium", COLLECTION, "A", KEYS["A"])
    original = _indicator(bundle_a)
    stem = "2099-01-01T00:00:00"  # both later than the original; as text "...00Z" sorts after "...00.500Z"
    whole, later = dict(original, modified=stem + "Z"), dict(original, modified=stem + ".500Z")
    assert _post(hub, [whole]).status_code == 202 and _post(hub, [later]).status_code == 202
    assert _last(hub, original["id"])["modified"] == stem + ".500Z"
    versions = httpx.get(f"{_objects_url(hub)}{original['id']}/versions/", headers=H, auth=("B", KEYS["B"])).json()["versions"]
    assert versions[-1] == stem + ".500Z"


def test_only_taxii_2_1_media_types_are_accepted(hub, bundle_a):
    for ctype in ("application/taxii+json;version=2.0", "application/taxii+json", "application/vnd.oasis.taxii+json; version=2.0"):
        r = _post(hub, bundle_a["objects"][:2], headers=dict(H, **{"Content-Type": ctype}))
        assert r.status_code == 415, ctype
    assert _post(hub, bundle_a["objects"], headers=dict(H, **{"Content-Type": "application/taxii+json; version=2.1"})).status_code == 202


def test_an_altered_tlp_marking_definition_is_refused_and_not_stored(hub, bundle_a):
    import stix2

    amber = json.loads(stix2.v21.TLP_AMBER.serialize())
    for forged in (dict(amber, name="TLP:AMBER+STRICT"), dict(amber, x_distillguard_note="share freely")):  # stix2 lets these through
        r = _post(hub, [forged] + bundle_a["objects"][:3])
        assert r.status_code == 422 and "TLP" in r.json()["description"]
    got = httpx.get(f"{_objects_url(hub)}{amber['id']}/", headers=H, auth=("B", KEYS["B"]))
    assert got.status_code == 404
    assert _post(hub, [amber] + bundle_a["objects"][:3]).status_code == 202  # the standard one is fine


@pytest.mark.parametrize("body", [b'{"objects": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", b'{"objects": [], "n": ' + b"7" * 5000 + b"}"])
def test_deep_json_and_huge_numbers_get_a_taxii_error_body(hub, body):
    r = httpx.post(_objects_url(hub), content=body, headers=H, auth=("A", KEYS["A"]))
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/taxii+json")
    assert r.json()["http_status"] == "400" and "limit" in r.json()["description"]


@pytest.mark.parametrize("body", [b'{"type": "bundle", "objects": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
                                  b'{"type": "bundle", "n": ' + b"7" * 5000 + b"}"])
def test_intel_validate_reports_parser_limits_in_one_line(tmp_path, body):
    from distillguard.cli import app

    path = tmp_path / "evil.json"
    path.write_bytes(body)
    result = CliRunner().invoke(app, ["intel", "validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output and "limit" in result.output


def test_webhook_replay_memory_survives_a_restart(tmp_path):
    secret, body = b"whsec-restart", b'{"event": "objects-added"}'
    headers = make_headers(secret, body)
    assert WebhookVerifier(secret, state_path=tmp_path / "seen.sqlite").verify(headers, body)["event"] == "objects-added"
    restarted = WebhookVerifier(secret, state_path=tmp_path / "seen.sqlite")
    with pytest.raises(WebhookError, match="replay"):
        restarted.verify(headers, body)


def test_keyring_never_exists_readable_by_others_even_if_chmod_fails(tmp_path, monkeypatch):
    old_umask = os.umask(0)
    try:
        monkeypatch.setattr(os, "chmod", lambda *a, **k: (_ for _ in ()).throw(PermissionError("chmod refused")))
        try:
            Keyring.generate("k1").save(tmp_path / "keys.json")
        except PermissionError:
            pass
    finally:
        os.umask(old_umask)
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is readable by others"
    assert (tmp_path / "keys.json").exists()


def test_a_preplanted_temp_file_or_symlink_is_never_written_through(tmp_path):
    target = tmp_path / "attacker-owned.txt"
    target.write_text("")
    for name in ("keys.json.tmp", ".keys.json.tmp"):
        (tmp_path / name).symlink_to(target)
    Keyring.generate("k1").save(tmp_path / "keys.json")
    assert target.read_text() == ""
    assert not (tmp_path / "keys.json").is_symlink() and stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600
