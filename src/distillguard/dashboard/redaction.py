"""Masking for everything a viewer can reach: pages, finding evidence, the JSON API, exports, the report.

`redact` masks one string; `redact_deep` walks any JSON-like value (findings with their
evidence examples, request bodies, export rows) and masks every string in it, so no
view has to remember which fields may hold prompt text. Timestamps and short enum-like
strings are left alone because the number mask would otherwise eat dates.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from distillguard.dashboard.data import redact

# Fields that hold our own identifiers and names, never user text: masking them would only break links.
IDENTIFIER_KEYS = frozenset({
    "request_id", "account_id", "campaign_id", "api_key_id", "first_flag_request_id", "member_ids", "member_sample", "members",
    "side", "a", "b", "model", "endpoint", "detector", "atlas", "technique", "scope", "kind", "action", "actor", "shared", "kinds",
    "words", "families", "split_id", "audit_ids", "ts", "first_ts", "last_ts", "first_flag_ts", "expires_at", "last_action",
})
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}\Z")  # a field name, not data used as a key
_NO_DIGIT = re.compile(r"[^0-9@]*\Z")


def redact_text(text: str) -> str:
    if len(text) < 6 or (len(text) < 32 and _NO_DIGIT.match(text)) or _ISO.match(text):
        return text  # nothing a mask could match: too short, or short without digits or '@'
    return redact(text, limit=len(text) + 1)


def redact_deep(value: Any) -> Any:
    """A copy of `value` with every string masked (dict keys too, since logit_bias maps and headers can hold anything)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {(redact_text(k) if isinstance(k, str) and not _PLAIN_KEY.match(k) else k): (v if k in IDENTIFIER_KEYS else redact_deep(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_deep(v) for v in value]
    if isinstance(value, datetime):
        return value
    return value
