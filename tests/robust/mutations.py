"""Hypothesis mutations of real API events, and the property every mutated line must satisfy.

Shared by the suite (a few hundred cases) and bench/robust_bench.py (10,000 cases): a mutated
line is either accepted (and then every consumer downstream, features, store columns and intel
identifiers, handles it) or rejected with a field and reason; nothing raises.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pyarrow as pa
from hypothesis import strategies as st

import tempfile
from pathlib import Path

from distillguard.events.readers import RejectSink, iter_file
from distillguard.intel.keys import event_identifiers
from distillguard.scoring.engine import DetectionEngine
from distillguard.store.duckdb_store import EVENT_SCHEMA

# Values at and past every boundary the store and features have: INT32/INT64 edges, huge and tiny
# floats, timestamps at the ends of the calendar with offsets, wrong types, deep nesting.
EDGE_INTS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, -(2**63)]
EDGE_FLOATS = [1e30, -1e30, 1e308, -0.0, 0.5, 1e-320, 2.0**31, 3.4e38]
EDGE_STRINGS = ["", " ", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2026-11-02T10:00:00", "2026-13-02T10:00:00Z",
                "yesterday", "\u0000", "\ud7ff\ue000", "a" * 300, "1.2.3.4", "::ffff:10.0.0.1", "gmail.com", "NaN", "1e30"]

json_scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(EDGE_INTS), st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.sampled_from(EDGE_FLOATS), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(EDGE_STRINGS), st.text(max_size=40),
)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                 st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)

# Where the pipeline reads: each mutation targets one of these paths (or a random existing one).
FIELD_PATHS = [
    ("request_id",), ("ts",), ("account_id",), ("ip",), ("user_agent",), ("api_key_id",), ("org_id",), ("endpoint",), ("model",),
    ("status",), ("cost_usd",), ("latency_ms",), ("request",), ("request", "messages"), ("request", "prompt"),
    ("request", "max_tokens"), ("request", "max_completion_tokens"), ("request", "temperature"), ("request", "top_p"),
    ("request", "n"), ("request", "logprobs"), ("request", "top_logprobs"), ("request", "logit_bias"), ("request", "seed"),
    ("request", "stream"), ("response",), ("response", "usage"), ("response", "usage", "prompt_tokens"),
    ("response", "usage", "completion_tokens"), ("response", "choices"), ("account",), ("account", "payment_fingerprint"),
    ("account", "email_domain"), ("account", "created_at"), ("account", "country"), ("account", "tier"),
    ("request", "messages", 0), ("request", "messages", 0, "content"), ("request", "messages", 0, "role"),
    ("request", "logit_bias", "50256"),
]


def _set(obj: Any, path: tuple, value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        if not isinstance(obj, list) or not obj:
            return obj
        head = min(head, len(obj) - 1)
        if delete and not rest:
            del obj[head]
        else:
            obj[head] = _set(obj[head], rest, value, delete)
        return obj
    if not isinstance(obj, dict):
        obj = {}
    if delete and not rest:
        obj.pop(head, None)
    else:
        obj[head] = _set(obj.get(head), rest, value, delete)
    return obj


@st.composite
def mutated_lines(draw, events: list[dict]) -> bytes:
    """One real event, mutated at 1-3 fields, sometimes also damaged at the byte level."""
    event = copy.deepcopy(draw(st.sampled_from(events)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(FIELD_PATHS))
        event = _set(event, path, draw(json_values), delete=draw(st.integers(0, 9)) == 0)
    try:
        line = orjson.dumps(event)
    except (TypeError, orjson.JSONEncodeError):  # e.g. an int past 64 bits: write it as Python would
        import json

        line = json.dumps(event).encode()
    damage = draw(st.integers(0, 9))
    if damage == 0 and line:
        line = line[: draw(st.integers(0, len(line) - 1))]
    elif damage == 1:
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.sampled_from([b"\xff", b"\x00", b"\xef\xbb\xbf", b"{", b"]", b"\\"])) + line[at:]
    elif damage == 2:
        line = b'{"deep":' + b"[" * 100_000 + b"]" * 100_000 + b"," + line[1:]
    return line


class Consumers:
    """Everything downstream of the reader that the 1.25-2.3 % crashes came from."""

    def __init__(self) -> None:
        self.engine = DetectionEngine()
        self.path = Path(tempfile.mkdtemp(prefix="dg-fuzz-")) / "fuzz.jsonl"
        self.accepted = 0
        self.rejected = 0
        self.blank = 0

    def check(self, line: bytes) -> None:
        sink = RejectSink()
        self.path.write_bytes(line + b"\n")  # through the reader a scan uses, line framing included
        events = [e for _, e in iter_file(self.path, sink)]
        assert len(events) <= 1
        event = events[0] if events else None
        if event is None and not line.strip():
            assert sink.count == 0  # a blank line is no record: nothing to accept or reject
            self.blank += 1
            return
        if event is None:
            assert sink.count == 1 and sink.first[0].field and sink.first[0].reason, "a refused line must leave exactly one reject"
            self.rejected += 1
            return
        assert sink.count == 0
        self.accepted += 1
        prompt = event.prompt_text
        self.engine.ingest(event, prompt)
        from distillguard.pipeline import _EventColumns

        columns = _EventColumns(store=_ArrowOnly())
        columns.add(event, prompt)
        columns.flush()
        event_identifiers(event)
        orjson.dumps(event.to_json())
        int(event.ts.timestamp() // 3600)

    def finish(self) -> None:
        """Scoring over every accepted state must not crash either."""
        self.engine.finalize()
        self.path.unlink(missing_ok=True)
        self.path.parent.rmdir()


class _ArrowOnly:
    """Stands in for the store: builds the Arrow batch with the store's column types, as append_events does."""

    def append_events(self, columns: dict[str, list]) -> None:
        pa.Table.from_pydict(columns, schema=EVENT_SCHEMA)
