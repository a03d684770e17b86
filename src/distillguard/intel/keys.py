"""Consortium keys and keyed hashing of identifiers.

Identifiers (IPs, payment fingerprints, email domains, user agents) never leave a
provider in the clear: they leave as HMAC-SHA256 under a key shared by the
consortium, tagged with the key id (`kid`) so keys can rotate while peers keep
matching against the previous one for a while.

Caveat worth stating plainly: hashing a small space (all IPv4 addresses, all /24
prefixes, popular email domains) is only as private as the key is secret. Anyone
holding the key can enumerate the space; outsiders who see bundles cannot. Attach
a `blind` client (intel/blind.py) and identifiers are hashed by an oblivious PRF
whose key stays with the hub, one per sharing group: then no member can enumerate
identifiers offline, and the hub caps how many it evaluates per member per day.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# Kinds of identifier that can be shared, in the order evidence lists them.
IDENTIFIER_KINDS = ("payment_fingerprint", "ip", "ip_prefix", "email_domain", "user_agent")


class KeyError_(ValueError):
    """A keyring file that cannot be used; the message says which file and why."""


@dataclass
class Keyring:
    """The consortium keys one provider holds: the current one and recent ones."""

    current: str
    keys: dict[str, bytes] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)
    # How many keys a peer keeps: current + previous (older ones are dropped on rotate).
    keep: int = 2
    # Identifier hashing by oblivious PRF (a BlindClient); None: HMAC under the shared key.
    blind: Any = field(default=None, repr=False, compare=False)

    @property
    def identifier_kid(self) -> str:
        return self.blind.kid if self.blind is not None else self.current

    def knows_identifier_kid(self, kid: str) -> bool:
        return kid in self.keys or (self.blind is not None and kid == self.blind.kid)

    def identifier_hex(self, kind: str, value: str, kid: str | None = None) -> str:
        """The shareable hash of one identifier: blinded PRF when configured for that kid, else HMAC."""
        if self.blind is not None and (kid is None or kid == self.blind.kid):
            return self.blind.prf_hex(kind, value)
        return self.hmac_hex(kind, value, kid)

    @classmethod
    def generate(cls, kid: str | None = None) -> "Keyring":
        kid = kid or _new_kid()
        return cls(current=kid, keys={kid: secrets.token_bytes(32)}, created={kid: _now()})

    def rotate(self, kid: str | None = None) -> str:
        """Make a new current key; keep the previous ones up to `keep` in all."""
        kid = kid or _new_kid()
        if kid in self.keys:
            raise KeyError_(f"key id {kid!r} already exists")
        self.keys[kid] = secrets.token_bytes(32)
        self.created[kid] = _now()
        self.current = kid
        for old in sorted(self.keys, key=lambda k: self.created.get(k, ""))[: max(0, len(self.keys) - self.keep)]:
            if old != self.current:
                del self.keys[old]
                self.created.pop(old, None)
        return kid

    def key(self, kid: str | None = None) -> bytes:
        kid = kid or self.current
        try:
            return self.keys[kid]
        except KeyError:
            raise KeyError_(f"unknown key id {kid!r} (known: {', '.join(sorted(self.keys))})") from None

    def hmac_hex(self, kind: str, value: str, kid: str | None = None) -> str:
        """Keyed hash of one normalised identifier; the kind is bound in so an IP never matches a UA."""
        return hmac.new(self.key(kid), f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def subkey(self, purpose: str, kid: str | None = None) -> bytes:
        """A key derived for one purpose (e.g. prompt shingles), so uses never mix."""
        return hmac.new(self.key(kid), purpose.encode(), hashlib.sha256).digest()

    # -- files ---------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "current": self.current,
            "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
            "created": self.created,
        }

    def save(self, path: Path) -> None:
        """Write atomically; the file is 0600 from the moment it exists (see `write_secret_file`)."""
        write_secret_file(Path(path), (json.dumps(self.to_json(), indent=2) + "\n").encode())

    @classmethod
    def load(cls, path: Path) -> "Keyring":
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise KeyError_(f"{path}: no such keyring file (create one with `distillguard intel keys init`)") from None
        except json.JSONDecodeError as exc:
            raise KeyError_(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or not data["keys"]:
            raise KeyError_(f"{path}: field 'keys' must be a non-empty object of kid -> base64 key")
        keys = {}
        for kid, b64 in data["keys"].items():
            try:
                raw = base64.b64decode(b64, validate=True)
            except Exception:
                raise KeyError_(f"{path}: keys.{kid}: not base64") from None
            if len(raw) < 16:
                raise KeyError_(f"{path}: keys.{kid}: key shorter than 16 bytes")
            keys[kid] = raw
        current = data.get("current")
        if current not in keys:
            raise KeyError_(f"{path}: field 'current' must name one of the keys")
        return cls(current=current, keys=keys, created=dict(data.get("created") or {}))


def write_secret_file(path: Path, data: bytes) -> None:
    """Create a fresh, randomly named temporary file with O_EXCL|O_NOFOLLOW and mode 0600, write,
    fsync and rename it over `path`. Nothing pre-planted (a file or a symlink at a guessable
    name) is ever opened, and no moment exists at which the secret is readable by others."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise KeyError_(f"{path}: could not create a private temporary file next to it")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_kid() -> str:
    return "k" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


# -- normalisation -----------------------------------------------------------
def normalise(kind: str, value: str) -> list[tuple[str, str]]:
    """The (kind, value) tokens one raw identifier stands for, normalised so peers agree.

    An IP also yields its network prefix (/24 for IPv4, /48 for IPv6): campaigns
    rotate hosts inside rented ranges far more often than they change ranges.
    """
    value = (value or "").strip()
    if not value:
        return []
    if kind == "ip":
        try:
            addr = ipaddress.ip_address(value.split("%")[0])
        except ValueError:
            return []
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        plen = 24 if addr.version == 4 else 48
        net = ipaddress.ip_network(f"{addr}/{plen}", strict=False)
        return [("ip", addr.compressed), ("ip_prefix", net.compressed)]
    if kind == "email_domain":
        domain = value.lower().rsplit("@", 1)[-1].strip(".")
        return [("email_domain", domain)] if domain else []
    if kind == "user_agent":
        return [("user_agent", " ".join(value.split()).lower())]
    if kind == "payment_fingerprint":
        return [("payment_fingerprint", value)]
    raise ValueError(f"unknown identifier kind {kind!r}")


def event_identifiers(event) -> list[tuple[str, str]]:
    """All normalised identifier tokens one ApiEvent carries."""
    account = event.account or {}
    out: list[tuple[str, str]] = []
    if event.ip:
        out += normalise("ip", event.ip)
    if event.user_agent:
        out += normalise("user_agent", event.user_agent)
    if isinstance(account.get("payment_fingerprint"), str):
        out += normalise("payment_fingerprint", account["payment_fingerprint"])
    if isinstance(account.get("email_domain"), str):
        out += normalise("email_domain", account["email_domain"])
    return out
