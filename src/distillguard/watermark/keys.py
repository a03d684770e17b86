"""Watermark keys: one provider master secret, one derived key per account cohort.

Cohort keys are HMAC(master, "cohort:" + name), so the provider stores a single
secret and can still tell which cohort's outputs leaked. Keys never appear in logs:
`key_id` gives a short, non-reversible label to print instead.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV_KEY = "DISTILLGUARD_WM_KEY"
ENV_KEY_FILE = "DISTILLGUARD_WM_KEY_FILE"
MIN_KEY_BYTES = 16


class KeyError_(ValueError):
    """A key is missing or malformed (message is safe to show: it never contains the key)."""


def new_master_key() -> bytes:
    return secrets.token_bytes(32)


def _parse(raw: str, origin: str) -> bytes:
    text = raw.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyError_(f"{origin} must hold the key as hex digits") from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyError_(f"{origin} holds {len(key)} bytes; a key needs at least {MIN_KEY_BYTES}")
    return key


def load_master_key(path: str | Path | None = None) -> bytes:
    """Read the master key from `path`, else $DISTILLGUARD_WM_KEY_FILE, else $DISTILLGUARD_WM_KEY (hex)."""
    if path is None and os.environ.get(ENV_KEY_FILE):
        path = os.environ[ENV_KEY_FILE]
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise KeyError_(f"key file {p} does not exist")
        return _parse(p.read_text(), f"key file {p}")
    if os.environ.get(ENV_KEY):
        return _parse(os.environ[ENV_KEY], f"${ENV_KEY}")
    raise KeyError_(f"no watermark key: pass --key-file, or set ${ENV_KEY_FILE} or ${ENV_KEY}")


def write_master_key(path: str | Path) -> None:
    """Create a new random master key file readable only by its owner."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(new_master_key().hex() + "\n")


def derive_cohort_key(master: bytes, cohort: str | None) -> bytes:
    """Key for one account cohort; `None` means the provider-wide key."""
    label = b"provider" if cohort is None else b"cohort:" + cohort.encode()
    return hmac.new(master, label, hashlib.sha256).digest()


def subkey(key: bytes, label: str) -> bytes:
    return hmac.new(key, label.encode(), hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """Short public label of a key, safe to print and store in reports."""
    return subkey(key, "public-id").hex()[:12]
