"""The data-only snapshot format: what the scorer holds survives a round trip; code never loads."""

from __future__ import annotations

import collections
import datetime as dt

import numpy as np
import orjson
import pytest

from distillguard.detectors.base import Finding
from distillguard.gateway.snapshot import SnapshotError, capture, read_snapshot, write_snapshot


def _round_trip(tmp_path, payload):
    write_snapshot(tmp_path / "s.json", capture(payload))
    return read_snapshot(tmp_path / "s.json")


def test_round_trip_keeps_types_shared_references_and_cycles(tmp_path):
    shared = Finding("timing", 0.75, "bursty")
    loop: list = [1]
    loop.append(loop)
    payload = {
        "a": shared, "b": [shared, shared], ("tuple", 1): {1, 2}, 7: frozenset({"x"}),
        "counter": collections.Counter({"k": 3}), "dd": collections.defaultdict(list, {"k": [1.5]}),
        "deque": collections.deque([1, 2], maxlen=5), "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        "array": np.arange(6, dtype=np.float32).reshape(2, 3), "big": 2**70, "inf": float("inf"), "loop": loop,
    }
    out = _round_trip(tmp_path, payload)
    assert out["a"] is out["b"][0] is out["b"][1] and out["a"].score == 0.75 and isinstance(out["a"], Finding)
    assert out[("tuple", 1)] == {1, 2} and out[7] == frozenset({"x"})
    assert out["counter"]["k"] == 3 and isinstance(out["counter"], collections.Counter)
    assert out["dd"]["missing"] == [] and out["deque"].maxlen == 5
    assert out["when"] == payload["when"] and out["big"] == 2**70 and out["inf"] == float("inf")
    assert out["array"].dtype == np.float32 and out["array"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert out["loop"][1] is out["loop"]


def test_only_distillguard_classes_are_saved_or_loaded(tmp_path):
    import fractions

    with pytest.raises(TypeError):  # a class from outside distillguard is not written (and not read back)
        write_snapshot(tmp_path / "s.json", capture({"x": collections.OrderedDict(a=fractions.Fraction(1, 3))}))
    for path in ("os:system", "subprocess:Popen", "distillguard.gateway.snapshot:capture", "distillguard.gateway:os.system",
                 "builtins:eval"):
        (tmp_path / "bad.json").write_bytes(orjson.dumps({"format": "distillguard-snapshot/1",
                                                          "payload": ["O", 0, path, [], {}]}))
        with pytest.raises(SnapshotError):
            read_snapshot(tmp_path / "bad.json")
    (tmp_path / "bad.json").write_bytes(b"\x80\x05not json")
    with pytest.raises(SnapshotError):
        read_snapshot(tmp_path / "bad.json")
