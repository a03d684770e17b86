"""Shared enforcement state: analyst overrides, flagged accounts (the blocklist), the review
queue and token buckets.

`MemoryState` keeps it in the process, on top of a `DecisionStore` (SQLite in the state folder)
so overrides, holds with expiry, the review queue and flags survive a restart or `kill -9`.
`RedisState` shares it between gateway replicas through Redis: an account flagged by one
replica's scorer, or blocked by an analyst through any replica, is refused by all of them, and
a throttled account's bucket drains at the same rate whichever replica it hits. Keys (prefix
configurable, default `dg:`): `dg:override` (account_id -> value, or value|expiry-epoch),
`dg:flagged` and `dg:review` (JSON) and `dg:tb:<bucket>` (tokens/ts, refilled atomically in Lua
with the server's clock, expiring when idle).

Fail-safe mode (RedisState): every change is written to the local store first, then to Redis.
Redis calls have a bounded timeout (`timeout_s`, default 50 ms) behind a circuit breaker: after
a failure Redis is not tried for `cooldown_s` and the local store answers — the overrides and
flags this replica has written or last read from Redis, and its own scorer's flags — so
known-bad accounts stay refused while Redis is away, token buckets become per replica, and no
request waits on a dead Redis longer than one timeout. Changes made meanwhile are pushed to
Redis when it answers again. `healthy` is False while the breaker is open: with
`fail_mode: closed` the gateway then refuses (503) instead of deciding from the local cache.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from distillguard.gateway.decisions import DecisionStore

log = logging.getLogger("distillguard.gateway")

OVERRIDES = ("allow", "block", "hold", "reviewed")


class MemoryState:
    kind = "memory"
    healthy = True

    def __init__(self, store: DecisionStore | None = None) -> None:
        self.store = store or DecisionStore(None)
        self.buckets: dict[str, tuple[float, float]] = {}

    async def account(self, account_id: str) -> tuple[str | None, dict | None]:
        return self.store.override(account_id), self.store.flags.get(account_id)

    def override_expiry(self, account_id: str) -> float | None:
        entry = self.store.override_entry(account_id)
        return entry[1] if entry else None

    async def set_override(self, account_id: str, value: str | None, expires_at: float | None = None) -> None:
        self.store.set_override(account_id, value, expires_at)

    async def publish_flag(self, account_id: str, info: dict) -> None:
        self.store.set_flag(account_id, info)

    async def add_review(self, account_id: str, item: dict) -> bool:
        return self.store.add_review(account_id, item)

    async def remove_review(self, account_id: str) -> None:
        self.store.remove_review(account_id)

    async def review_queue(self) -> list[dict]:
        return list(self.store.review.values())

    async def take(self, key: str, rate: float, burst: float) -> float:
        """Take one token; 0.0 when granted, else the seconds until one is available."""
        now = time.monotonic()
        tokens, ts = self.buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - ts) * rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / rate

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self.store.close()


_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1]) or burst
local ts = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisUnavailable(RuntimeError):
    pass


def _encode_override(value: str, expires_at: float | None) -> str:
    return value if expires_at is None else f"{value}|{expires_at:.3f}"


def _decode_override(raw: str | None) -> tuple[str | None, float | None]:
    if not raw:
        return None, None
    value, _, expiry = raw.partition("|")
    return value, (float(expiry) if expiry else None)


class RedisState:
    kind = "redis"

    def __init__(self, url: str, prefix: str = "dg:", store: DecisionStore | None = None, timeout_s: float = 0.05,
                 cooldown_s: float = 1.0) -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.redis = aioredis.from_url(url, decode_responses=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                       retry_on_timeout=False)
        self.p = prefix
        self.local = MemoryState(store)
        self.timeout_s = timeout_s
        self.cooldown_s = cooldown_s
        self._open_until = 0.0
        self.failures = 0
        self._unsynced: set[str] = set()  # overrides changed while Redis was away
        self._take = self.redis.register_script(_TAKE)

    @property
    def healthy(self) -> bool:
        return time.monotonic() >= self._open_until

    async def _call(self, make: Any) -> Any:
        """One Redis round trip, bounded; raises RedisUnavailable (at once while the breaker is open)."""
        if not self.healthy:
            raise RedisUnavailable("circuit open")
        try:
            result = await asyncio.wait_for(make(), timeout=self.timeout_s * 2)
        except Exception as exc:
            self.failures += 1
            self._open_until = time.monotonic() + self.cooldown_s
            log.warning("redis unavailable (%s); deciding from the local store for %.1fs", type(exc).__name__, self.cooldown_s)
            raise RedisUnavailable(type(exc).__name__) from None
        if self._unsynced:
            await self._resync()
        return result

    async def _resync(self) -> None:
        pending, self._unsynced = self._unsynced, set()
        try:
            for account_id in pending:
                entry = self.local.store.override_entry(account_id)
                if entry is None:
                    await self.redis.hdel(self.p + "override", account_id)
                else:
                    await self.redis.hset(self.p + "override", account_id, _encode_override(*entry))
        except Exception:
            self._unsynced |= pending

    async def account(self, account_id: str) -> tuple[str | None, dict | None]:
        def fetch():
            pipe = self.redis.pipeline(transaction=False)
            pipe.hget(self.p + "override", account_id)
            pipe.hget(self.p + "flagged", account_id)
            return pipe.execute()

        try:
            raw_override, raw_flag = await self._call(fetch)
        except RedisUnavailable:
            return await self.local.account(account_id)
        value, expires_at = _decode_override(raw_override)
        if account_id not in self._unsynced and self.local.store.override_entry(account_id) != (
                (value, expires_at) if value else None):
            self.local.store.set_override(account_id, value, expires_at)  # the cache for when Redis is away
        flag = json.loads(raw_flag) if raw_flag else None
        if flag is not None:
            self.local.store.set_flag(account_id, flag)
        override = self.local.store.override(account_id)
        return override, flag or self.local.store.flags.get(account_id)

    def override_expiry(self, account_id: str) -> float | None:
        return self.local.override_expiry(account_id)

    async def set_override(self, account_id: str, value: str | None, expires_at: float | None = None) -> None:
        await self.local.set_override(account_id, value, expires_at)
        key = self.p + "override"
        try:
            if value is None:
                await self._call(lambda: self.redis.hdel(key, account_id))
            else:
                await self._call(lambda: self.redis.hset(key, account_id, _encode_override(value, expires_at)))
        except RedisUnavailable:
            self._unsynced.add(account_id)

    async def publish_flag(self, account_id: str, info: dict) -> None:
        await self.local.publish_flag(account_id, info)
        try:
            await self._call(lambda: self.redis.hset(self.p + "flagged", account_id, json.dumps(info, default=str)))
        except RedisUnavailable:
            pass  # published again at the next start (publish_restored_flags)

    async def add_review(self, account_id: str, item: dict) -> bool:
        added = await self.local.add_review(account_id, item)
        try:
            return bool(await self._call(lambda: self.redis.hsetnx(self.p + "review", account_id, json.dumps(item, default=str))))
        except RedisUnavailable:
            return added

    async def remove_review(self, account_id: str) -> None:
        await self.local.remove_review(account_id)
        try:
            await self._call(lambda: self.redis.hdel(self.p + "review", account_id))
        except RedisUnavailable:
            pass

    async def review_queue(self) -> list[dict]:
        try:
            shared = await self._call(lambda: self.redis.hgetall(self.p + "review"))
        except RedisUnavailable:
            return await self.local.review_queue()
        items = {k: json.loads(v) for k, v in shared.items()}
        return list(items.values())

    async def take(self, key: str, rate: float, burst: float) -> float:
        try:
            return float(await self._call(lambda: self._take(keys=[self.p + "tb:" + key], args=[rate, burst])))
        except RedisUnavailable:
            return await self.local.take(key, rate, burst)

    async def ping(self) -> bool:
        try:
            return bool(await self._call(self.redis.ping))
        except RedisUnavailable:
            return False

    async def close(self) -> None:
        await self.redis.aclose()
        await self.local.close()


def make_state(redis_url: str | None, prefix: str = "dg:", store: DecisionStore | None = None, timeout_s: float = 0.05) -> Any:
    return RedisState(redis_url, prefix, store, timeout_s=timeout_s) if redis_url else MemoryState(store)
