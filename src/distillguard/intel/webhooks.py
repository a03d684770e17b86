"""Signed webhooks: the hub tells providers "new intel in collection X" within seconds.

A notification carries no intelligence itself (the receiver polls the hub with
its own credentials), so a forged one could at worst trigger a poll; still,
receivers verify it: HMAC-SHA256 over `id.timestamp.body` with the provider's
webhook secret, a freshness window on the timestamp, and a memory of recent ids
so a captured notification cannot be replayed. Give the verifier a `state_path`
and that memory is a small SQLite file, so a restart of the receiver does not
reopen the replay window.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

ID_HEADER = "X-DG-Webhook-Id"
TS_HEADER = "X-DG-Webhook-Timestamp"
SIG_HEADER = "X-DG-Webhook-Signature"


class WebhookError(ValueError):
    """A refused notification; the message says why."""


def sign(secret: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def make_headers(secret: bytes, body: bytes, msg_id: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    msg_id = msg_id or str(uuid.uuid4())
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        ID_HEADER: msg_id,
        TS_HEADER: str(timestamp),
        SIG_HEADER: sign(secret, msg_id, timestamp, body),
    }


class WebhookVerifier:
    """Checks signature, freshness and uniqueness of incoming notifications."""

    def __init__(self, secret: bytes, tolerance_s: int = 300, remember: int = 10_000, state_path: str | Path | None = None) -> None:
        self.secret = secret
        self.tolerance_s = tolerance_s
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._remember = remember
        self._lock = threading.Lock()
        self._db = None
        if state_path is not None:
            self._db = sqlite3.connect(str(state_path), check_same_thread=False, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL)")
            self._seen.update(self._db.execute("SELECT id, at FROM seen ORDER BY at").fetchall())

    def _remember_id(self, msg_id: str, now: float) -> None:
        self._seen[msg_id] = now
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO seen (id, at) VALUES (?, ?)", (msg_id, now))
            self._db.execute("DELETE FROM seen WHERE at < ?", (now - 2 * self.tolerance_s,))

    def verify(self, headers, body: bytes, now: float | None = None) -> dict:
        """Return the decoded notification or raise WebhookError."""
        now = time.time() if now is None else now
        msg_id, ts, sig = headers.get(ID_HEADER), headers.get(TS_HEADER), headers.get(SIG_HEADER)
        if not msg_id or not ts or not sig:
            raise WebhookError(f"missing {ID_HEADER}, {TS_HEADER} or {SIG_HEADER} header")
        try:
            timestamp = int(ts)
        except ValueError:
            raise WebhookError(f"{TS_HEADER} is not an integer") from None
        if abs(now - timestamp) > self.tolerance_s:
            raise WebhookError(f"timestamp outside the {self.tolerance_s}s freshness window")
        if not hmac.compare_digest(sign(self.secret, msg_id, timestamp, body), sig):
            raise WebhookError("signature does not match (tampered body or wrong secret)")
        with self._lock:
            # Forget ids older than the window: they would fail the freshness check anyway.
            while self._seen and next(iter(self._seen.values())) < now - 2 * self.tolerance_s:
                self._seen.popitem(last=False)
            if msg_id in self._seen:
                raise WebhookError(f"notification {msg_id} already received (replay)")
            self._remember_id(msg_id, now)
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        try:
            return json.loads(body)
        except json.JSONDecodeError:
            raise WebhookError("body is not JSON") from None


def deliver(url: str, secret: bytes, payload: dict, timeout_s: float = 5.0, attempts: int = 3) -> bool:
    """POST one signed notification, retrying a few times with the same id; True if accepted."""
    import httpx

    body = json.dumps(payload, separators=(",", ":")).encode()
    msg_id = str(uuid.uuid4())
    for attempt in range(attempts):
        headers = make_headers(secret, body, msg_id=msg_id)
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=timeout_s)
            if response.status_code < 300:
                return True
            if response.status_code == 409:  # the receiver already has it (an earlier attempt got through)
                return True
            if 400 <= response.status_code < 500:
                return False
        except httpx.HTTPError:
            pass
        time.sleep(0.2 * (attempt + 1))
    return False
