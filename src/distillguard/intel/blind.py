"""Blinded identifier hashing: an oblivious PRF, so no member can enumerate identifiers offline.

With one HMAC key shared by every member, anyone holding it can hash all 2^32 IPv4 addresses
and reverse every IP indicator in minutes. Here the identifier key never leaves its holder
(the hub, one key per sharing group = collection). A member hashes an identifier by sending it
*blinded*: the point H(kind, value) of the prime-order subgroup of edwards25519,
multiplied by a fresh random scalar r. The holder multiplies by its key k and returns the point;
the member removes r and hashes the result with the identifier (2HashDH):

    PRF(x) = SHA-256("dg-oprf-v1" | kind | value | k·H(x))

The holder sees only uniformly random points (it learns neither the identifier nor the
output); the member learns PRF values only one online query at a time, and the holder caps
queries per member per day, so testing every IPv4 address (or every /24) is refused long
before it ends. Members still learn whether identifiers they query appear in indicators they
received: that is the purpose. See intel/README.md for what each party can and cannot learn.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterable

from nacl import bindings as sodium

DOMAIN = b"dg-oprf-v1"
POINT_BYTES = 32
MAX_BATCH = 10_000


class BlindError(ValueError):
    """A refused evaluation (malformed point, over budget) or an unusable reply."""


def hash_to_point(kind: str, value: str) -> bytes:
    """H(kind, value): a point of the prime-order subgroup (libsodium's Elligator 2 map clears the cofactor)."""
    uniform = hashlib.sha512(DOMAIN + b"|h2c|" + kind.encode() + b"\x00" + value.encode("utf-8", "surrogatepass")).digest()[:32]
    return sodium.crypto_core_ed25519_from_uniform(uniform)


def scalar_from(seed: bytes) -> bytes:
    """A non-zero scalar mod the group order from 64 bytes of key material."""
    scalar = sodium.crypto_core_ed25519_scalar_reduce(hashlib.sha512(seed).digest())
    if scalar == bytes(32):
        raise BlindError("degenerate key material")
    return scalar


class Evaluator:
    """The key holder's side: k·B for well-formed blinded points, within each member's daily budget."""

    def __init__(self, key: bytes, budget_per_day: int = 200_000) -> None:
        self._key = scalar_from(key)
        self.budget_per_day = budget_per_day
        self._spent: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def remaining(self, member: str, now: float | None = None) -> int:
        day = int((time.time() if now is None else now) // 86400)
        with self._lock:
            return self.budget_per_day - self._spent.get((member, day), 0)

    def evaluate(self, member: str, blinded: list[bytes], now: float | None = None) -> list[bytes]:
        if len(blinded) > MAX_BATCH:
            raise BlindError(f"{len(blinded):,} points in one request exceeds the {MAX_BATCH:,} limit")
        for i, point in enumerate(blinded):
            if not isinstance(point, bytes) or len(point) != POINT_BYTES or not sodium.crypto_core_ed25519_is_valid_point(point):
                raise BlindError(f"points[{i}]: not a valid group element")
        day = int((time.time() if now is None else now) // 86400)
        with self._lock:
            spent = self._spent.get((member, day), 0)
            if spent + len(blinded) > self.budget_per_day:
                raise BlindError(f"{member}: daily budget of {self.budget_per_day:,} evaluations exhausted "
                                 f"({spent:,} used); enumeration of identifier spaces is refused")
            self._spent = {k: v for k, v in self._spent.items() if k[1] == day}
            self._spent[(member, day)] = spent + len(blinded)
        return [sodium.crypto_scalarmult_ed25519_noclamp(self._key, point) for point in blinded]


class BlindClient:
    """A member's side: PRF values of identifiers via a remote (or local) evaluator, cached."""

    def __init__(self, kid: str, evaluate: Callable[[list[bytes]], list[bytes]], cache_size: int = 500_000) -> None:
        self.kid = kid
        self._evaluate = evaluate
        self._cache: dict[tuple[str, str], str] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def prf_many(self, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        items = list(dict.fromkeys(items))
        with self._lock:
            out = {item: self._cache[item] for item in items if item in self._cache}
        todo = [item for item in items if item not in out]
        for start in range(0, len(todo), MAX_BATCH):
            batch = todo[start:start + MAX_BATCH]
            blinds = [sodium.crypto_core_ed25519_scalar_reduce(_random64()) for _ in batch]
            points = [sodium.crypto_scalarmult_ed25519_noclamp(r, hash_to_point(kind, value)) for r, (kind, value) in zip(blinds, batch)]
            replies = self._evaluate(points)
            if len(replies) != len(points):
                raise BlindError(f"evaluator answered {len(replies)} points for {len(points)}")
            for r, (kind, value), reply in zip(blinds, batch, replies):
                if len(reply) != POINT_BYTES or not sodium.crypto_core_ed25519_is_valid_point(reply):
                    raise BlindError("evaluator returned an invalid group element")
                unblinded = sodium.crypto_scalarmult_ed25519_noclamp(sodium.crypto_core_ed25519_scalar_invert(r), reply)
                out[(kind, value)] = prf_output(kind, value, unblinded)
        with self._lock:
            if len(self._cache) > self._cache_size:
                self._cache.clear()
            self._cache.update(out)
        return out

    def prf_hex(self, kind: str, value: str) -> str:
        return self.prf_many([(kind, value)])[(kind, value)]


def prf_output(kind: str, value: str, point: bytes) -> str:
    message = DOMAIN + b"|out|" + kind.encode() + b"\x00" + value.encode("utf-8", "surrogatepass") + b"\x00" + point
    return hashlib.sha256(message).hexdigest()


def evaluate_locally(key: bytes, kind: str, value: str) -> str:
    """PRF(x) computed by the key holder itself (tests and the holder's own exports)."""
    point = sodium.crypto_scalarmult_ed25519_noclamp(scalar_from(key), hash_to_point(kind, value))
    return prf_output(kind, value, point)


def group_key(master: bytes, group: str) -> bytes:
    """One OPRF key per sharing group, derived from the holder's master secret."""
    return hmac.new(master, b"dg-oprf-group\x00" + group.encode(), hashlib.sha512).digest()


def _random64() -> bytes:
    import secrets

    return secrets.token_bytes(64)
