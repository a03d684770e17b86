"""gen4 at tiny scale: schema-valid required fields, determinism, order, created_at <= ts, labels."""
import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PKG_ROOT = os.path.dirname(os.path.dirname(HERE))  # bench/gen4
sys.path.insert(0, PKG_ROOT)

from gen4.corpora import default_data_dir  # noqa: E402
from gen4.generate import build, write  # noqa: E402

DATA = default_data_dir()
pytestmark = pytest.mark.skipif(not os.path.isdir(os.path.join(DATA, "benchmark")),
                                reason="shared corpora not found (set GEN4_DATA)")


def _spec_dir():
    env = os.environ.get("GEN4_SPEC")
    if env:
        return env
    return os.path.join(os.path.dirname(DATA), "spec")


def _gen(tmp, seed=1):
    out = os.path.join(tmp, "s%d" % seed)
    write(build(seed, "tiny", DATA), out)
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = _gen(str(tmp_path_factory.mktemp("gen4")))
    with open(os.path.join(d, "events.jsonl"), encoding="utf-8") as f:
        events = [json.loads(line) for line in f]
    with open(os.path.join(d, "labels.jsonl"), encoding="utf-8") as f:
        labels = [json.loads(line) for line in f]
    return d, events, labels


def _ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list,
          "null": type(None)}


def _check(value, schema, path):
    """A small validator for the parts of JSON Schema the spec uses (type, required, properties, enum, items)."""
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        ok = any(isinstance(value, _TYPES[x]) and not (x in ("integer", "number") and isinstance(value, bool))
                 for x in ts)
        assert ok, "%s: %r is not %s" % (path, type(value).__name__, ts)
    if "enum" in schema:
        assert value in schema["enum"], path
    if isinstance(value, dict):
        for r in schema.get("required", []):
            assert r in value, "%s: missing %s" % (path, r)
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                _check(value[k], sub, path + "." + k)
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value[:50]):
            _check(v, schema["items"], "%s[%d]" % (path, i))


def test_schema_valid(tiny):
    _, events, labels = tiny
    spec = _spec_dir()
    ev_schema = json.load(open(os.path.join(spec, "api-event.schema.json")))
    lab_schema = json.load(open(os.path.join(spec, "labels.schema.json")))
    try:
        import jsonschema  # optional: full validation where it is installed
    except ImportError:
        jsonschema = None
    assert 0 < len(events) < 5000
    for e in events:
        for k in ("request_id", "ts", "account_id", "request"):
            assert k in e
        _check(e, ev_schema, "event")
        _ts(e["ts"])
        assert "messages" in e["request"] or "prompt" in e["request"]
    for r in labels:
        _check(r, lab_schema, "label")
    if jsonschema is not None:
        v = jsonschema.Draft202012Validator(ev_schema)
        for e in events[:500]:
            v.validate(e)
    assert len({e["request_id"] for e in events}) == len(events)


def test_sorted(tiny):
    _, events, _ = tiny
    keys = [(e["ts"], e["request_id"]) for e in events]
    assert keys == sorted(keys)
    times = [_ts(e["ts"]) for e in events]
    assert times == sorted(times)


def test_created_before_ts(tiny):
    _, events, _ = tiny
    for e in events:
        assert _ts(e["account"]["created_at"]) <= _ts(e["ts"])


def test_every_account_labelled(tiny):
    _, events, labels = tiny
    lab = {r["account_id"]: r for r in labels}
    assert len(lab) == len(labels)
    assert {e["account_id"] for e in events} == set(lab)
    kinds = {r["label"] for r in labels}
    assert kinds == {"legit", "attack"}
    for r in labels:
        assert (r["campaign_id"] is None) == (r["label"] == "legit")
    frac = sum(r["label"] == "legit" for r in labels) / len(labels)
    assert 0.75 < frac < 0.95


def test_deterministic(tiny, tmp_path):
    d1, _, _ = tiny
    d2 = _gen(str(tmp_path))

    def digest(d):
        return [hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest() for f in ("events.jsonl", "labels.jsonl")]

    assert digest(d1) == digest(d2)
    d3 = _gen(str(tmp_path), seed=2)
    assert digest(d3) != digest(d1)


def test_cli_and_hash_seed(tmp_path):
    """The CLI runs and the output does not depend on PYTHONHASHSEED."""
    outs = []
    for hs in ("0", "123"):
        out = str(tmp_path / hs)
        env = dict(os.environ, PYTHONHASHSEED=hs, GEN4_DATA=DATA)
        subprocess.run([sys.executable, "-m", "gen4.generate", "--seed", "3", "--scale", "tiny", "--out", out],
                       cwd=PKG_ROOT, env=env, check=True, capture_output=True)
        outs.append(hashlib.sha256(open(os.path.join(out, "events.jsonl"), "rb").read()).hexdigest())
    assert outs[0] == outs[1]
