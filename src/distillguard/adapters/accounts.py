"""Join what the billing system knows of each account onto events whose log format does not carry it.

Most foreign formats have no account metadata (sign-up time, payment fingerprint, email
domain), and `scan` then says that sybil_structure, new_account_ramp and linking by card or
sign-up burst lose their evidence. A provider has that table in its billing database:
`--accounts accounts.csv` (or JSONL/Parquet) with an `account_id` column and any of
`created_at`, `payment_fingerprint`, `email_domain`, `country`, `tier` puts it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distillguard.adapters.base import RecordError, to_timestamp
from distillguard.adapters.records import ContainerError, iter_records

ACCOUNT_FIELDS = ("created_at", "payment_fingerprint", "email_domain", "country", "tier")


def load_accounts(path: str | Path) -> dict[str, dict[str, Any]]:
    """{account_id: account metadata} of a table; a row without account_id or with a bad time is an error naming file and row."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such accounts file")
    problems: list[str] = []
    accounts: dict[str, dict[str, Any]] = {}
    try:
        for number, row in iter_records(path, lambda n, reason, snippet="": problems.append(f"{path}:{n}: {reason}")):
            if not isinstance(row, dict) or not row.get("account_id"):
                raise ValueError(f"{path}:{number}: account_id: missing (the accounts table needs an account_id column)")
            account: dict[str, Any] = {}
            for field in ACCOUNT_FIELDS:
                value = row.get(field)
                if value not in (None, ""):
                    account[field] = to_timestamp(value, field) if field == "created_at" else str(value)
            accounts[str(row["account_id"])] = account
    except RecordError as exc:
        raise ValueError(f"{path}: {exc}") from None
    except ContainerError as exc:
        raise ValueError(str(exc)) from None
    if problems:
        raise ValueError(problems[0])
    if not accounts:
        raise ValueError(f"{path}: no account rows")
    return accounts


def enrich(event: Any, accounts: dict[str, dict[str, Any]]) -> Any:
    """Fill the event's account fields the log left empty (the log wins where it has a value)."""
    known = accounts.get(event.account_id)
    if known:
        merged = dict(known)
        merged.update({k: v for k, v in (event.account or {}).items() if v not in (None, "")})
        event.account = merged
    return event
