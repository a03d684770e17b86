"""Client API keys -> accounts, from a YAML file that stores only sha256 digests of the keys.

    keys:
      - sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08   # sha256 of the key
        key_id: key-alice-1          # non-secret id written to events (default: "key-" + 12 hex of the digest)
        account_id: acct-alice
        org_id: org-alice            # optional
        tier: pro                    # optional, as are the fields below (they become event.account)
        created_at: 2026-01-05T10:00:00Z
        payment_fingerprint: pf-7c1e
        email_domain: alice.example
        country: FR

Make a digest with `printf %s "$KEY" | sha256sum`. The secret never appears in any file,
event, log line or audit row the gateway writes; only `key_id` does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_FIELDS = ("created_at", "payment_fingerprint", "email_domain", "country", "tier")


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    account_id: str
    org_id: str | None = None
    account: dict[str, Any] = field(default_factory=dict)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    def __init__(self, entries: dict[str, KeyInfo]) -> None:
        self._by_digest = entries

    @classmethod
    def load(cls, path: str | Path) -> "KeyStore":
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text())
        except FileNotFoundError:
            raise ValueError(f"{path}: keys file not found") from None
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        rows = (data or {}).get("keys") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ValueError(f"{path}: expected a top-level 'keys:' list")
        entries: dict[str, KeyInfo] = {}
        for i, row in enumerate(rows):
            where = f"{path}: keys[{i}]"
            if not isinstance(row, dict):
                raise ValueError(f"{where}: expected a mapping")
            sha = str(row.get("sha256", "")).lower()
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                raise ValueError(f"{where}.sha256: expected 64 hex characters (sha256 of the key), never the key itself")
            account_id = row.get("account_id")
            if not isinstance(account_id, str) or not account_id:
                raise ValueError(f"{where}.account_id: missing")
            account = {k: (str(row[k]) if row.get(k) is not None else None) for k in ACCOUNT_FIELDS}
            if row.get("created_at") is not None and not isinstance(row["created_at"], str):  # YAML parsed a datetime
                account["created_at"] = row["created_at"].isoformat().replace("+00:00", "Z")
            entries[sha] = KeyInfo(str(row.get("key_id") or f"key-{sha[:12]}"), account_id, row.get("org_id"), account)
        return cls(entries)

    def lookup(self, key: str | None) -> KeyInfo | None:
        if not key:
            return None
        # keyed by the digest, never the secret: timing of the lookup reveals nothing about valid keys
        return self._by_digest.get(digest(key))

    def __len__(self) -> int:
        return len(self._by_digest)


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
