"""Keyed hashing, rotation and prompt signatures."""

import json

import numpy as np
import pytest

from tests.intel._helpers import campaign_tasks, legit_prompts
from bench.intel_traffic import WRAPPERS
from distillguard.intel.keys import Keyring, KeyError_, normalise
from distillguard.intel.signatures import Signature, SignatureHasher, SignatureIndex, campaign_signatures, shingles


def test_normalise_ip_yields_prefix_and_domains_lowercase():
    assert normalise("ip", "203.0.113.77") == [("ip", "203.0.113.77"), ("ip_prefix", "203.0.113.0/24")]
    assert normalise("ip", "2001:db8:abcd:12::1")[1] == ("ip_prefix", "2001:db8:abcd::/48")
    assert normalise("ip", "::ffff:198.51.100.9")[0] == ("ip", "198.51.100.9")
    assert normalise("ip", "not-an-ip") == []
    assert normalise("email_domain", "Bob@Example.COM") == [("email_domain", "example.com")]


def test_hmac_depends_on_key_kind_and_kid():
    ring = Keyring.generate("k1")
    a = ring.hmac_hex("ip", "1.2.3.4")
    assert a == ring.hmac_hex("ip", "1.2.3.4", "k1")
    assert a != ring.hmac_hex("user_agent", "1.2.3.4")
    assert a != Keyring.generate("k1").hmac_hex("ip", "1.2.3.4")
    ring.rotate("k2")
    assert ring.current == "k2" and ring.hmac_hex("ip", "1.2.3.4") != a
    assert ring.hmac_hex("ip", "1.2.3.4", "k1") == a  # previous key kept
    ring.rotate("k3")
    assert sorted(ring.keys) == ["k2", "k3"]  # only current + previous are held
    with pytest.raises(KeyError_):
        ring.key("k1")


def test_keyring_file_roundtrip_and_errors(tmp_path):
    ring = Keyring.generate("k1")
    ring.save(tmp_path / "keys.json")
    assert Keyring.load(tmp_path / "keys.json").hmac_hex("ip", "x") == ring.hmac_hex("ip", "x")
    (tmp_path / "bad.json").write_text(json.dumps({"current": "k9", "keys": {"k1": "AAAA"}}))
    with pytest.raises(KeyError_, match="shorter than 16 bytes|current"):
        Keyring.load(tmp_path / "bad.json")


def test_template_signature_matches_new_tasks_in_the_same_wrapper_only():
    hasher = SignatureHasher(b"s" * 32, "k1")
    tasks = campaign_tasks(200)
    sigs = campaign_signatures([WRAPPERS[0].format(task=t) for t in tasks[:100]], hasher)
    assert any(s.kind == "template" for s in sigs)
    index = SignatureIndex(hasher)
    for i, s in enumerate(sigs):
        index.add(s, i)

    def hits(texts):
        return sum(bool(index.match(hasher.minhash(shingles(t)), len(shingles(t)))) for t in texts)

    unseen = [WRAPPERS[0].format(task=f"Explain {p}") for p in legit_prompts(50)]
    assert hits(unseen) >= 45  # same harvest wrapper, unseen content (MinHash estimates are noisy)
    assert hits(legit_prompts(200)) == 0
    assert hits([WRAPPERS[1].format(task=t) for t in tasks[100:150]]) == 0  # a different wrapper


def test_signature_pattern_roundtrip_and_rejects_bad_patterns():
    hasher = SignatureHasher(b"s" * 32, "k1")
    sig = Signature("prompt", "k1", 12, hasher.minhash(shingles("a b c d e f g h i j k l m n")), 0.6)
    back = Signature.from_pattern(sig.to_pattern())
    assert back.size == 12 and np.array_equal(back.hashvalues, sig.hashvalues)
    with pytest.raises(ValueError, match="hash values"):
        Signature.from_pattern(sig.to_pattern().replace("perm=128", "perm=64"))
    with pytest.raises(ValueError, match="too small"):
        Signature.from_pattern(sig.to_pattern().replace("size=12", "size=2"))
    with pytest.raises(ValueError):
        Signature.from_pattern("minhash:v1;kid=k1")
    # Different keys give unrelated signatures: outsiders cannot test guesses without the key.
    other = SignatureHasher(b"t" * 32, "k1").minhash(shingles("a b c d e f g h i j k l m n"))
    assert (other == sig.hashvalues).mean() < 0.1


def test_lsh_index_finds_what_brute_force_finds():
    """Banding is only a shortcut: on near-duplicates and unrelated prompts it agrees with comparing everything."""
    from distillguard.intel.signatures import similarity

    hasher = SignatureHasher(b"s" * 32, "k1")
    tasks = campaign_tasks(400, seed=5) + legit_prompts(200, seed=6)
    sigs = [Signature("prompt", "k1", len(shingles(t)), hasher.minhash(shingles(t)), 0.6) for t in tasks[:300]]
    index = SignatureIndex(hasher)
    for i, s in enumerate(sigs):
        index.add(s, i)
    matrix = np.vstack([s.hashvalues for s in sigs])
    sizes = np.array([s.size for s in sigs], dtype=float)
    agree = total = 0
    for text in tasks[250:] + [t.replace("Write", "Please write") for t in tasks[:50]]:
        sh = shingles(text)
        local = hasher.minhash(sh)
        brute = set(np.nonzero(similarity(matrix, sizes, np.zeros(len(sigs), bool), local, len(sh)) >= 0.6)[0])
        found = set(index.match(local, len(sh)))
        assert found <= brute
        agree += len(found)
        total += len(brute)
    assert total > 50 and agree >= 0.97 * total
