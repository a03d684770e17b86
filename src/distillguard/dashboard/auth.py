"""Dashboard users, roles, password hashes, API tokens and the signing secret.

Users live in a small YAML file (default `users.yaml`)::

    users:
      alice:
        role: analyst                       # viewer < analyst < admin
        password: scrypt$16384$8$1$<salt b64>$<hash b64>
        tokens: [sha256-hex-of-token, ...]  # API bearer tokens, stored hashed

Passwords are hashed with the standard library's scrypt (salted, memory-hard); API
tokens are random 32-byte secrets of which only the SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROLES = ("viewer", "analyst", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
SECRET_ENV = "DISTILLGUARD_DASHBOARD_SECRET"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}${salt}${hash}".format(
        **_SCRYPT, salt=base64.b64encode(salt).decode(), hash=base64.b64encode(digest).decode())


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A real scrypt hash to compare against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


@dataclass
class User:
    name: str
    role: str
    password: str | None = None
    tokens: list[str] = field(default_factory=list)

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class UserStore:
    """The users file; re-read when it changes on disk, so `users add` needs no restart."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._mtime: float | None = None

    def _load(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._users, self._mtime = {}, None
            return
        if mtime == self._mtime:
            return
        raw = yaml.safe_load(self.path.read_text()) or {}
        users = {}
        for name, entry in (raw.get("users") or {}).items():
            role = (entry or {}).get("role", "viewer")
            if role not in ROLE_RANK:
                raise ValueError(f"{self.path}: user {name!r} has unknown role {role!r} (use {', '.join(ROLES)})")
            users[str(name)] = User(str(name), role, entry.get("password"), list(entry.get("tokens") or []))
        self._users, self._mtime = users, mtime

    def _save(self) -> None:
        data = {"users": {u.name: {"role": u.role, **({"password": u.password} if u.password else {}),
                                   **({"tokens": u.tokens} if u.tokens else {})} for u in self._users.values()}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            yaml.safe_dump(data, handle, sort_keys=True)
        os.replace(tmp, self.path)
        self._mtime = None

    def users(self) -> list[User]:
        with self._lock:
            self._load()
            return sorted(self._users.values(), key=lambda u: u.name)

    def get(self, name: str) -> User | None:
        with self._lock:
            self._load()
            return self._users.get(name)

    def authenticate(self, name: str, password: str) -> User | None:
        user = self.get(name)
        if user is None or not user.password:
            verify_password(password, _DUMMY_HASH)
            return None
        return user if verify_password(password, user.password) else None

    def by_token(self, token: str) -> User | None:
        digest = hash_token(token)
        for user in self.users():
            if any(hmac.compare_digest(digest, t) for t in user.tokens):
                return user
        return None

    def add(self, name: str, role: str, password: str | None) -> User:
        if role not in ROLE_RANK:
            raise ValueError(f"unknown role {role!r}; use {', '.join(ROLES)}")
        if not name or not name.replace("-", "").replace("_", "").replace(".", "").replace("@", "").isalnum():
            raise ValueError("user names use letters, digits and - _ . @")
        with self._lock:
            self._load()
            old = self._users.get(name)
            user = User(name, role, hash_password(password) if password else (old.password if old else None),
                        old.tokens if old else [])
            self._users[name] = user
            self._save()
            return user

    def remove(self, name: str) -> bool:
        with self._lock:
            self._load()
            if self._users.pop(name, None) is None:
                return False
            self._save()
            return True

    def new_token(self, name: str) -> str:
        token = "dgt_" + secrets.token_urlsafe(32)
        with self._lock:
            self._load()
            user = self._users[name]
            user.tokens.append(hash_token(token))
            self._save()
        return token


def load_secret(path: str | Path | None) -> bytes:
    """The session-signing secret: $DISTILLGUARD_DASHBOARD_SECRET, else a generated file (mode 0600)."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode()
    if path is None:
        return secrets.token_bytes(32)
    path = Path(path)
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value
