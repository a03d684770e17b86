"""Full request bodies and response texts, kept beside `events` so an analyst can read any raw request.

`events` holds what detection and charts need (one short prompt column); an analyst
checking a finding needs the whole request: every message with its role, the system
prompt, the parameters (the logit_bias map itself, not a boolean), tools, and what the
model answered. That lives here, bounded twice: each body is clipped to
`store.request_body_max_chars` (strings shortened, the JSON kept valid, `truncated`
set) and rows older than `store.request_retention_days` before the newest one are
deleted after every scan.

    bodies = RequestBodies(store.con, max_chars=20000)
    bodies.add(event); bodies.flush(); bodies.expire(days=30)
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import orjson
import pyarrow as pa

SCHEMA = """
CREATE TABLE IF NOT EXISTS request_bodies (request_id VARCHAR, ts TIMESTAMPTZ, account_id VARCHAR, api_key_id VARCHAR,
  latency_ms DOUBLE, system_prompt VARCHAR, request_json VARCHAR, response_text VARCHAR, truncated BOOLEAN)
"""
ARROW_SCHEMA = pa.schema([
    ("request_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("account_id", pa.string()), ("api_key_id", pa.string()),
    ("latency_ms", pa.float64()), ("system_prompt", pa.string()), ("request_json", pa.string()), ("response_text", pa.string()),
    ("truncated", pa.bool_()),
])
DEFAULTS = {"keep_request_bodies": True, "request_body_max_chars": 20000, "request_retention_days": 90,
            "scan_threads": 1}  # DuckDB threads while a scan writes (0: DuckDB's default, one per core)


def settings(config: dict[str, Any] | None) -> dict[str, Any]:
    """The `store:` section of the configuration, with defaults."""
    return {**DEFAULTS, **((config or {}).get("store") or {})}


def _strings(value: Any) -> int:
    if isinstance(value, str):
        return 1
    if isinstance(value, dict):
        return sum(_strings(v) for v in value.values())
    if isinstance(value, list):
        return sum(_strings(v) for v in value)
    return 0


def _clip_strings(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, dict):
        return {k: _clip_strings(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_clip_strings(v, limit) for v in value]
    return value


def _dumps(value: Any) -> str:
    """Compact JSON (orjson: about ten times faster than json; the stdlib covers what orjson refuses,
    such as integers beyond 64 bits or non-string keys)."""
    try:
        return orjson.dumps(value, default=str).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


def bounded_json(value: Any, max_chars: int) -> tuple[str, bool]:
    """JSON of `value` in at most about `max_chars` characters: long strings are shortened, never the structure."""
    text = _dumps(value)
    if len(text) <= max_chars:
        return text, False
    limit = max(40, max_chars // max(1, _strings(value)))
    while limit > 40:
        text = _dumps(_clip_strings(value, limit))
        if len(text) <= max_chars:
            return text, True
        limit //= 2
    text = _dumps(_clip_strings(value, 40))
    if len(text) > max_chars:  # a structure too big even with short strings (thousands of messages): keep a valid stub
        text = json.dumps({"_truncated": f"request body of {len(text):,} characters exceeds the {max_chars:,} limit"})
    return text, True


class RequestBodies:
    """Buffers bodies of one scan and appends them in batches (the caller owns the connection and its transaction)."""

    def __init__(self, con, max_chars: int = DEFAULTS["request_body_max_chars"], batch: int = 20_000) -> None:
        self.con, self.max_chars, self.batch = con, int(max_chars), batch
        con.execute(SCHEMA)
        self.rows: dict[str, list] = {name: [] for name in ARROW_SCHEMA.names}
        self._columns = [self.rows[name] for name in ARROW_SCHEMA.names]  # in schema order, for add

    def add(self, event) -> None:
        max_chars = self.max_chars
        request = event.request
        try:  # the common case: orjson's bytes, already within the limit (bytes >= characters), kept as they are
            request_json = orjson.dumps(request, default=str)
        except (TypeError, orjson.JSONEncodeError):
            request_json = None
        if request_json is not None and len(request_json) <= max_chars:
            clipped = False
        else:
            request_json, clipped = bounded_json(request, max_chars)
        response = event.response_text
        if len(response) > max_chars:
            response, clipped = response[:max_chars] + "…", True
        system = event.system_text
        columns = self._columns  # in ARROW_SCHEMA's order
        columns[0].append(event.request_id)
        columns[1].append(event.ts)
        columns[2].append(event.account_id)
        columns[3].append(event.api_key_id)
        columns[4].append(event.latency_ms)
        columns[5].append(system[:max_chars] if system else None)
        columns[6].append(request_json)  # str, or orjson's UTF-8 bytes: Arrow stores both as the same string
        columns[7].append(response or None)
        columns[8].append(clipped)
        if len(columns[0]) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows["request_id"]:
            return
        table = pa.Table.from_pydict(self.rows, schema=ARROW_SCHEMA)
        self.con.register("_new_bodies", table)
        self.con.execute("INSERT INTO request_bodies SELECT * FROM _new_bodies")
        self.con.unregister("_new_bodies")
        for values in self.rows.values():
            values.clear()

    def expire(self, days: float) -> int:
        """Delete bodies older than `days` before the newest stored one (logs are often historical); returns rows deleted."""
        newest = self.con.execute("SELECT max(ts) FROM request_bodies").fetchone()[0]
        if newest is None or days <= 0:
            return 0
        cutoff = newest - timedelta(days=float(days))
        deleted = self.con.execute("SELECT count(*) FROM request_bodies WHERE ts < ?", [cutoff]).fetchone()[0]
        if deleted:
            self.con.execute("DELETE FROM request_bodies WHERE ts < ?", [cutoff])
        return int(deleted)


def for_store(store, config: dict[str, Any] | None) -> RequestBodies | None:
    """The body writer a scan uses, or None when the store is off or `store.keep_request_bodies` is false."""
    options = settings(config)
    if store is None or not options["keep_request_bodies"]:
        return None
    return RequestBodies(store.con, options["request_body_max_chars"])
