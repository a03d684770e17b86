"""Decide at arrival: the account's risk with its requests still in flight, and this one, folded in.

The scorer's state moves only when a response completes (in log order, so a replay of the log
rebuilds it exactly). Between a request's arrival and its completion the scorer has not seen it:
a burst of N parallel requests would each be judged on the state before the burst. `InFlight`
keeps the requests admitted and not yet completed, per account, and `assess()` judges an
arriving request on a private copy of the account's state with all of them plus the request
itself folded in, calibrated as the scorer would. Nothing in the scorer changes, so the
equivalence between the gateway and a replay of its log holds; what changes is that N requests
sent at once are judged as they would be had they been sent one after another.

Cost: the copy is made once per burst and kept while the account has requests in flight. Every
arrival is folded into it, so as the burst's requests complete it still holds what the scorer
holds plus what is in flight (without the completed ones' responses); it is made afresh from the
scorer's state once `REBUILD_AFTER` of them completed, so a long burst does not drift. The copy
is re-assessed on the scorer's own cadence (every arrival for the account's first 20 requests,
then every `rescore_every`-th), which is how the same requests sent one after another would be
judged, and at every arrival once the account's risk is at half the flag threshold (so a burst
is stopped at the request that crosses it); in between the last assessment stands. Each request's prompt features are computed once
(the engine's prompt cache, shared with the precheck and the ingest). A request admitted while
its account has nothing in flight costs nothing here.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from distillguard.events.model import ApiEvent

MODES = ("in_flight", "always", "off")
REBUILD_AFTER = 32  # completions of the account after which its kept copy is made afresh from the scorer
SUSPECT_SHARE = 0.5  # from this share of the flag threshold an account's every arrival is re-assessed


class _Pending(NamedTuple):
    event: ApiEvent
    features: Any
    bench_hit: bool
    prompt: str


class _Probe:
    """The account's state as the scorer has it (`base_n` requests) plus every arrival since."""

    __slots__ = ("base_n", "state", "result", "assessed_n")

    def __init__(self, base_n: int, state: Any) -> None:
        self.base_n, self.state = base_n, state
        self.result: tuple[float, list] | None = None
        self.assessed_n = 0


class InFlight:
    def __init__(self) -> None:
        self.by_account: dict[str, dict[str, _Pending]] = {}  # account_id -> request_id -> admitted request
        self._probes: dict[str, _Probe] = {}  # account_id -> the kept copy while the account has requests in flight
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
        kept = self._probes.get(event.account_id)
        if kept is None or not 0 <= seen - kept.base_n < REBUILD_AFTER:
            if known is None:
                from distillguard.features.account import AccountState

                state = AccountState(event.account_id)
            else:
                state = copy.deepcopy(known)
            for item in pending.values():
                if item.features is None:
                    item = _featurize(item.event, engine)
                state.update(item.event, item.features, item.bench_hit, item.prompt)
            kept = _Probe(seen, state)
        item = self._last = _featurize(event, engine)
        kept.state.update(event, item.features, item.bench_hit, item.prompt)
        n = kept.state.n
        if kept.result is None or n <= 20 or n - kept.assessed_n >= getattr(scorer, "rescore_every", 1) or \
                kept.result[0] >= SUSPECT_SHARE * engine.threshold:
            assessment = engine.assess_detached(kept.state)
            kept.result, kept.assessed_n = (assessment.risk, list(assessment.findings)), n
        if pending:  # kept for the burst's next arrivals (dropped when the last one completes)
            self._probes[event.account_id] = kept
        return kept.result[0], list(kept.result[1])


def _featurize(event: ApiEvent, engine: Any) -> _Pending:
    prompt = event.prompt_text
    features, hit = engine.prompt_features(prompt)  # shared with the precheck and the event's ingest
    return _Pending(event, features, bool(hit), prompt)
