"""The hub's configuration: providers (hashed API keys, identity, webhook) and collections.

API keys are stored as SHA-256 hashes only (keys are long random strings, so a
plain hash suffices); `distillguard intel keys new-api-key` prints a key and the
line to paste here. Example hub.yaml:

    title: Extraction-intel consortium
    api_root: consortium
    providers:
      provider-a:
        api_key_sha256: 5e88...   # hash of the key provider-a authenticates with
        webhook_url: http://127.0.0.1:9101/intel/webhook
        webhook_secret_env: DG_HOOK_SECRET_A
    collections:
      - id: 0d4d1f7e-55c5-4f0b-9a36-1a1bb0f3a0a4
        title: extraction-campaigns
        read: ["*"]
        write: [provider-a, provider-b]
    # optional: blinded identifier hashing (intel/blind.py), one key per collection
    blind_secret_file: hub-oprf.secret    # created 0600 on first start if absent
    blind_budget_per_day: 200000          # evaluations per provider per collection per UTC day
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distillguard.intel.export import identity_id


class ConfigError(ValueError):
    """A hub config that cannot be used; the message names file, field and reason."""


@dataclass
class Provider:
    name: str
    identity: str
    api_key_sha256: str
    webhook_url: str | None = None
    webhook_secret: bytes | None = None


@dataclass
class CollectionConf:
    id: str
    title: str
    description: str = ""
    read: set[str] = field(default_factory=set)
    write: set[str] = field(default_factory=set)

    def can_read(self, provider: str) -> bool:
        return "*" in self.read or provider in self.read

    def can_write(self, provider: str) -> bool:
        return "*" in self.write or provider in self.write


@dataclass
class HubConfig:
    title: str = "distillguard intel hub"
    api_root: str = "consortium"
    max_content_length: int = 5 * 1024 * 1024
    max_page: int = 1000
    webhook_timeout_s: float = 5.0
    providers: dict[str, Provider] = field(default_factory=dict)
    collections: dict[str, CollectionConf] = field(default_factory=dict)
    blind_secret_file: str | None = None
    blind_budget_per_day: int = 200_000

    def authenticate(self, user: str | None, key: str | None) -> Provider | None:
        """The provider whose name and API key these are (constant-time key comparison)."""
        if not key:
            return None
        digest = hash_api_key(key)
        if user:
            p = self.providers.get(user)
            return p if p and hmac.compare_digest(p.api_key_sha256, digest) else None
        for p in self.providers.values():  # bearer token: look the key up
            if hmac.compare_digest(p.api_key_sha256, digest):
                return p
        return None

    @classmethod
    def from_dict(cls, data: Any, source: str = "config") -> "HubConfig":
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a mapping at the top level")
        conf = cls(
            title=str(data.get("title", cls.title)),
            api_root=str(data.get("api_root", cls.api_root)),
            max_content_length=int(data.get("max_content_length", cls.max_content_length)),
            max_page=int(data.get("max_page", cls.max_page)),
            blind_secret_file=str(data["blind_secret_file"]) if data.get("blind_secret_file") else None,
            blind_budget_per_day=int(data.get("blind_budget_per_day", cls.blind_budget_per_day)),
        )
        if not conf.api_root.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(f"{source}: api_root: only letters, digits, '-' and '_' allowed")
        providers = data.get("providers")
        if not isinstance(providers, dict) or not providers:
            raise ConfigError(f"{source}: providers: expected a non-empty mapping of name -> settings")
        for name, p in providers.items():
            where = f"{source}: providers.{name}"
            if not isinstance(p, dict):
                raise ConfigError(f"{where}: expected a mapping")
            digest = str(p.get("api_key_sha256", "")).lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ConfigError(f"{where}.api_key_sha256: expected 64 hex characters (see `distillguard intel keys new-api-key`)")
            secret = p.get("webhook_secret")
            if p.get("webhook_secret_env"):
                secret = os.environ.get(p["webhook_secret_env"])
                if not secret:
                    raise ConfigError(f"{where}.webhook_secret_env: environment variable {p['webhook_secret_env']} is not set")
            if p.get("webhook_url") and not secret:
                raise ConfigError(f"{where}: webhook_url needs webhook_secret or webhook_secret_env")
            conf.providers[name] = Provider(
                name=name,
                identity=str(p.get("identity") or identity_id(name)),
                api_key_sha256=digest,
                webhook_url=p.get("webhook_url"),
                webhook_secret=secret.encode() if isinstance(secret, str) else None,
            )
        collections = data.get("collections")
        if not isinstance(collections, list) or not collections:
            raise ConfigError(f"{source}: collections: expected a non-empty list")
        for i, c in enumerate(collections):
            where = f"{source}: collections[{i}]"
            if not isinstance(c, dict):
                raise ConfigError(f"{where}: expected a mapping")
            try:
                cid = str(uuid.UUID(str(c.get("id"))))
            except ValueError:
                raise ConfigError(f"{where}.id: expected a UUID") from None
            read, write = set(c.get("read") or ()), set(c.get("write") or ())
            for who in (read | write) - {"*"}:
                if who not in conf.providers:
                    raise ConfigError(f"{where}: read/write names unknown provider {who!r}")
            conf.collections[cid] = CollectionConf(cid, str(c.get("title") or cid), str(c.get("description") or ""), read, write)
        return conf

    @classmethod
    def load(cls, path: Path) -> "HubConfig":
        import yaml

        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text())
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        return cls.from_dict(data, str(path))


def load_blind_secret(path: str | Path) -> bytes:
    """The hub's master secret for blinded hashing; created (0600, O_EXCL) when absent."""
    from distillguard.intel.keys import write_secret_file

    path = Path(path)
    if not path.exists():
        write_secret_file(path, secrets.token_hex(32).encode() + b"\n")
    raw = path.read_text().strip()
    try:
        secret = bytes.fromhex(raw)
    except ValueError:
        raise ConfigError(f"{path}: expected 64 hex characters") from None
    if len(secret) < 32:
        raise ConfigError(f"{path}: secret shorter than 32 bytes")
    return secret


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    return "dgk_" + secrets.token_urlsafe(32)
