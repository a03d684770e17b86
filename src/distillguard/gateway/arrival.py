"""Decide at arrival: the account's risk with its requests still in flight, and this one, folded in.

The scorer's state moves only when a response completes (in log order, so a replay of the log
rebuilds it exactly). Between a request's arrival and its completion the scorer has not seen it:
a burst of N parallel requests would each be judged on the state before the burst. `InFlight`
keeps the requests admitted and not yet completed, per account, and `assess()` judges an
arriving request on a private copy of the account's state with all of them plus the request
itself folded in, calibrated as the scorer would. Nothing in the scorer changes, so the
equivalence between the gateway and a replay of its log holds; what changes is that N requests
sent at once are judged as they would be had they been sent one after another.
"""

from __future__ import annotations

import copy
from typing import Any

from distillguard.events.model import ApiEvent

MODES = ("in_flight", "always", "off")


class InFlight:
    def __init__(self) -> None:
        self.by_account: dict[str, dict[str, ApiEvent]] = {}  # account_id -> request_id -> event

    def add(self, request_id: str, event: ApiEvent) -> None:
        self.by_account.setdefault(event.account_id, {})[request_id] = event

    def remove(self, account_id: str | None, request_id: str | None) -> None:
        pending = self.by_account.get(account_id) if account_id else None
        if pending is not None:
            pending.pop(request_id, None)
            if not pending:
                del self.by_account[account_id]

    def pending(self, account_id: str) -> list[ApiEvent]:
        return list((self.by_account.get(account_id) or {}).values())

    def assess(self, scorer: Any, event: ApiEvent, mode: str) -> tuple[float, list] | None:
        """(risk, findings) of the account with its in-flight requests and `event` folded in;
        None when the mode skips it (`in_flight`: only while the account has requests in flight)."""
        pending = self.pending(event.account_id)
        if mode == "off" or (mode == "in_flight" and not pending):
            return None
        engine = scorer.engine
        known = engine.states.get(event.account_id)
        if known is None:
            from distillguard.features.account import AccountState

            probe = AccountState(event.account_id)
        else:
            probe = copy.deepcopy(known)
        from distillguard.features.text import prompt_features

        for item in [*pending, event]:
            prompt = item.prompt_text
            features = prompt_features(prompt)
            probe.update(item, features, features.words >= 6 and engine.index.match(prompt), prompt)
        assessment = engine.assess_detached(probe)
        return assessment.risk, list(assessment.findings)
