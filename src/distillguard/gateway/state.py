"""Shared enforcement state: analyst overrides, flagged accounts (the blocklist), the review
queue and token buckets.

`MemoryState` keeps it in the process (one gateway). `RedisState` keeps it in Redis so that
several gateway replicas share counters and blocklists: an account flagged by one replica's
scorer, or blocked by an analyst through any replica, is refused by all of them, and a
throttled account's bucket drains at the same rate whichever replica it hits. Keys (prefix
configurable, default `dg:`): `dg:override` and `dg:flagged` and `dg:review` (hashes,
account_id -> value/JSON) and `dg:tb:<bucket>` (hash tokens/ts, refilled atomically in Lua
with the server's clock, expiring when idle).
"""

from __future__ import annotations

import json
import time
from typing import Any

OVERRIDES = ("allow", "block", "hold", "reviewed")


class MemoryState:
    kind = "memory"

    def __init__(self) -> None:
        self.overrides: dict[str, str] = {}
        self.flagged: dict[str, dict] = {}
        self.review: dict[str, dict] = {}
        self.buckets: dict[str, tuple[float, float]] = {}

    async def account(self, account_id: str) -> tuple[str | None, dict | None]:
        return self.overrides.get(account_id), self.flagged.get(account_id)

    async def set_override(self, account_id: str, value: str | None) -> None:
        if value is None:
            self.overrides.pop(account_id, None)
        else:
            self.overrides[account_id] = value

    async def overrides_all(self) -> dict[str, str]:
        return dict(self.overrides)

    async def publish_flag(self, account_id: str, info: dict) -> None:
        self.flagged[account_id] = info

    async def add_review(self, account_id: str, item: dict) -> bool:
        if account_id in self.review:
            return False
        self.review[account_id] = item
        return True

    async def remove_review(self, account_id: str) -> None:
        self.review.pop(account_id, None)

    async def review_queue(self) -> list[dict]:
        return list(self.review.values())

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
        pass


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


class RedisState:
    kind = "redis"

    def __init__(self, url: str, prefix: str = "dg:") -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.redis = aioredis.from_url(url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.p = prefix
        self._take = self.redis.register_script(_TAKE)

    async def account(self, account_id: str) -> tuple[str | None, dict | None]:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hget(self.p + "override", account_id)
        pipe.hget(self.p + "flagged", account_id)
        override, flagged = await pipe.execute()
        return override, (json.loads(flagged) if flagged else None)

    async def set_override(self, account_id: str, value: str | None) -> None:
        if value is None:
            await self.redis.hdel(self.p + "override", account_id)
        else:
            await self.redis.hset(self.p + "override", account_id, value)

    async def overrides_all(self) -> dict[str, str]:
        return await self.redis.hgetall(self.p + "override")

    async def publish_flag(self, account_id: str, info: dict) -> None:
        await self.redis.hset(self.p + "flagged", account_id, json.dumps(info, default=str))

    async def add_review(self, account_id: str, item: dict) -> bool:
        return bool(await self.redis.hsetnx(self.p + "review", account_id, json.dumps(item, default=str)))

    async def remove_review(self, account_id: str) -> None:
        await self.redis.hdel(self.p + "review", account_id)

    async def review_queue(self) -> list[dict]:
        return [json.loads(v) for v in (await self.redis.hgetall(self.p + "review")).values()]

    async def take(self, key: str, rate: float, burst: float) -> float:
        return float(await self._take(keys=[self.p + "tb:" + key], args=[rate, burst]))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()


def make_state(redis_url: str | None, prefix: str = "dg:") -> Any:
    return RedisState(redis_url, prefix) if redis_url else MemoryState()
