"""Analyst actions in the gateway's own words, with expiry, and the tables that remember them.

block · allow · throttle · hold · degrade set what the gateway does with an account until
the action expires (or forever); reset lifts the standing action so policy alone decides
again, and is refused where nothing stands (it used to drop never-blocked accounts from
the queue silently). One analyst decision is one audit row, however many accounts it
covers (a campaign's members are listed in its evidence); `action_targets` holds one row
per account so an account's status and history can be found from either side.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

ACTIONS = ("block", "allow", "throttle", "hold", "degrade", "reset")
ENFORCING = ACTIONS[:-1]
ACTION_HELP = {
    "block": "refuse every request from the account (the detection is confirmed)",
    "allow": "exempt the account from policy: a false positive, never degraded, throttled, held or blocked",
    "throttle": "serve the account slowly (token bucket), keeping it under watch",
    "hold": "refuse with 'held for review' until an analyst decides",
    "degrade": "serve, but strip logprobs/logit_bias and cap output length",
    "reset": "lift the standing action: the gateway's policy alone decides again",
}
EXPIRY = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30), "never": None}
DEFAULT_EXPIRY = "7d"

SCHEMA = """
CREATE TABLE IF NOT EXISTS action_targets (request_id VARCHAR, ts TIMESTAMPTZ, account_id VARCHAR, campaign_id VARCHAR,
  action VARCHAR, expires_at TIMESTAMPTZ, actor VARCHAR);
CREATE TABLE IF NOT EXISTS assignments (target VARCHAR, assignee VARCHAR, ts TIMESTAMPTZ, actor VARCHAR);
"""

# An account's standing action: its latest targeted action, unless that was a reset or has expired.
STANDING = """
SELECT account_id, last_action, last_ts, expires_at FROM (
  SELECT account_id, arg_max(action, ts) last_action, max(ts) last_ts, arg_max(expires_at, ts) expires_at
  FROM action_targets GROUP BY account_id)
WHERE last_action <> 'reset' AND (expires_at IS NULL OR expires_at > now())
"""


class ActionError(ValueError):
    """A refused action; the message says why in the analyst's words."""


def expires_at(choice: str, now: datetime | None = None) -> datetime | None:
    if choice not in EXPIRY:
        raise ActionError(f"expiry must be one of {', '.join(EXPIRY)}")
    delta = EXPIRY[choice]
    return None if delta is None else (now or datetime.now(timezone.utc)) + delta


def validate(action: str, reason: str) -> str:
    if action not in ACTIONS:
        hint = {"approve": "block", "override": "allow", "unblock": "reset"}.get(action)
        raise ActionError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}" + (f" ({action!r} is now {hint!r})" if hint else ""))
    if not reason.strip():
        raise ActionError("a reason is required for every action")
    return reason.strip()[:500]
