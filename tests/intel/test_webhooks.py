"""Signed webhooks: tampered, stale, forged and replayed notifications are refused."""

import json
import time

import httpx
import pytest

from tests.intel._helpers import COLLECTION, KEYS
from distillguard.intel.keys import Keyring
from distillguard.intel.respond import HubLink, ProviderNode
from distillguard.intel.serve import ServerThread
from distillguard.intel.webhooks import WebhookError, WebhookVerifier, make_headers

SECRET = b"whsec-test-0123456789"
BODY = json.dumps({"event": "objects-added", "collection_id": COLLECTION}).encode()


def test_verifier_accepts_fresh_signed_once():
    v = WebhookVerifier(SECRET)
    assert v.verify(make_headers(SECRET, BODY), BODY)["event"] == "objects-added"


@pytest.mark.parametrize(
    "headers, body, reason",
    [
        (lambda: make_headers(SECRET, BODY), BODY.replace(b"objects-added", b"objects-gone"), "signature"),
        (lambda: make_headers(b"another-secret", BODY), BODY, "signature"),
        (lambda: make_headers(SECRET, BODY, timestamp=int(time.time()) - 3600), BODY, "freshness"),
        (lambda: {k: v for k, v in make_headers(SECRET, BODY).items() if k != "X-DG-Webhook-Signature"}, BODY, "missing"),
    ],
)
def test_verifier_refuses_tampered_forged_stale_unsigned(headers, body, reason):
    with pytest.raises(WebhookError, match=reason):
        WebhookVerifier(SECRET).verify(headers(), body)


def test_verifier_refuses_replay():
    v = WebhookVerifier(SECRET)
    headers = make_headers(SECRET, BODY)
    v.verify(headers, BODY)
    with pytest.raises(WebhookError, match="replay"):
        v.verify(headers, BODY)


def test_receiver_over_http_refuses_tampering_and_replay():
    node = ProviderNode("B", Keyring.generate("k1"), HubLink("http://127.0.0.1:9", "consortium", COLLECTION, "B", KEYS["B"]), webhook_secret=SECRET)
    with ServerThread(node.webhook_app()) as receiver:
        url = f"{receiver.url}/intel/webhook"
        other = json.dumps({"event": "objects-added", "collection_id": "other"}).encode()
        good = make_headers(SECRET, other)
        assert httpx.post(url, content=other, headers=good).status_code == 200
        assert httpx.post(url, content=other, headers=good).status_code == 409  # replay
        forged = make_headers(SECRET, other)
        assert httpx.post(url, content=other + b" ", headers=forged).status_code == 401  # tampered
        assert len(node.webhook_refusals) == 2
