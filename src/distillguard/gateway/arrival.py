"""Decide at arrival: the account's risk with its requests still in flight, and this one, folded in.

The scorer's state moves only when a response completes (in log order, so a replay of the log
rebuilds it exactly). Between a request's arrival and its completion the scorer has not seen it:
a burst of N parallel requests would each be judged on the state before the burst. `InFlight`
keeps the requests admitted and not yet completed, per account, and `assess()` judges an
arriving request on a private copy of the account's state with all of them plus the request
itself folded in, calibrated as the scorer would. Nothing in the scorer changes, so the
equivalence between the gateway and a replay of its log holds; what changes is that N requests
sent at once are judged as they would be had they been sent one after another.

Cost: the copy is made once per burst and kept while the account has requests in flight (it is
rebuilt when the scorer's own state of the account moves, i.e. when one of them completes), and
each request's prompt features are computed once (the engine's prompt cache, shared with the
precheck and the ingest); an arrival then costs one state update and one assessment. A request
admitted while its account has nothing in flight costs nothing here.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from distillguard.events.model import ApiEvent

MODES = ("in_flight", "always", "off")


class _Pending(NamedTuple):
    event: ApiEvent
    features: Any
    bench_hit: bool
    prompt: str


class InFlight:
    def __init__(self) -> None:
        self.by_account: dict[str, dict[str, _Pending]] = {}  # account_id -> request_id -> admitted request
        self._probes: dict[str, tuple[int, Any]] = {}  # account_id -> (scorer's request count it extends, probe state)
        self._last: _Pending | None = None  # the request assess() just featurized, for add()

    def add(self, request_id: str, event: ApiEvent, engine: Any = None) -> None:
        item = self._last if self._last is not None and self._last.event is event else None
        if item is None:  # featurized only if a later arrival of the account needs it (see assess)
            item = _Pending(event, None, False, "")
        self._last = None
        self.by_account.setdefault(event.account_id, {})[request_id] = item

    def remove(self, account_id: str | None, request_id: str | None) -> None:
        pending = self.by_account.get(account_id) if account_id else None
        if pending is not None:
            pending.pop(request_id, None)
            if not pending:
                del self.by_account[account_id]
                self._probes.pop(account_id, None)

    def assess(self, scorer: Any, event: ApiEvent, mode: str) -> tuple[float, list] | None:
        """(risk, findings) of the account with its in-flight requests and `event` folded in;
        None when the mode skips it (`in_flight`: only while the account has requests in flight)."""
        pending = self.by_account.get(event.account_id) or {}
        if mode == "off" or (mode == "in_flight" and not pending):
            return None
        engine = scorer.engine
        known = engine.states.get(event.account_id)
        seen = known.n if known is not None else 0
        cached = self._probes.get(event.account_id)
        if cached is not None and cached[0] == seen:
            probe = cached[1]  # already holds every request in flight
        else:
            if known is None:
                from distillguard.features.account import AccountState

                probe = AccountState(event.account_id)
            else:
                probe = copy.deepcopy(known)
            for item in pending.values():
                if item.features is None:
                    item = _featurize(item.event, engine)
                probe.update(item.event, item.features, item.bench_hit, item.prompt)
        item = self._last = _featurize(event, engine)
        probe.update(event, item.features, item.bench_hit, item.prompt)
        if pending:  # kept for the burst's next arrivals (dropped when the last one completes)
            self._probes[event.account_id] = (seen, probe)
        assessment = engine.assess_detached(probe)
        return assessment.risk, list(assessment.findings)


def _featurize(event: ApiEvent, engine: Any) -> _Pending:
    prompt = event.prompt_text
    features, hit = engine.prompt_features(prompt)  # shared with the precheck and the event's ingest
    return _Pending(event, features, bool(hit), prompt)
