"""What every front end shares (the FastAPI gateway and the LiteLLM callback).

    check()     before forwarding: overrides, shared blocklist, the scorer's precheck on the
                account's state so far, the policy, token buckets, the concurrency cap -> a Verdict
    degrade()   the request body as forwarded when the verdict degrades it
    complete()  when the response is done: the api-event is queued for the durable log and for
                the OnlineScorer, in that same order (so a replay of the log reproduces the
                scorer exactly); returns the log's durability future
    score_pending()  processes the queued events into the scorer: called once the response's
                last byte is sent (the scorer's work is off the response path), and before
                any later decision, snapshot or read of the scorer (so no decision misses one)

Everything runs on the event loop thread; scorer calls are synchronous so the scorer's
order is the log's order (with a bus, the bus's order: see `replicas`).

Arrival and completion: the decision is taken at arrival from the account's state so far (and
its linked campaign's) with the account's requests still in flight and this one folded into a
private copy (`arrival`), and the event is folded into the scorer itself when the response ends
(so the log's order is the scorer's). The concurrency cap (`concurrency` in the policy) bounds
what is in flight at once: requests beyond it are refused with 429 until earlier ones complete.

The response path carries only what decides the request and what makes it durable: the scorer's
step for the completed event runs once the last byte is sent (`score_pending`, called by the app
after each response) and, before that, by whatever next needs the scorer (a decision, a
snapshot, an admin read), in log order either way.
"""

from __future__ import annotations

import asyncio
import logging
import math
import concurrent.futures
import functools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from distillguard.events.model import ApiEvent, parse_event
from distillguard.gateway.arrival import InFlight
from distillguard.gateway.audit import AuditLog
from distillguard.gateway.eventlog import EventLog, archive_name, iter_events, segments
from distillguard.gateway.policy import Decision, Policy, PolicyHolder, decide, is_established
from distillguard.gateway.snapshot import capture, read_snapshot, write_snapshot

log = logging.getLogger("distillguard.gateway")

SNAPSHOT_NAME = "snapshot.json"  # data only (see gateway.snapshot); an old snapshot.pkl is never read
RESTORING_IN_FLIGHT = 2  # per account while the scorer is rebuilt after a restart
ECHO_WAIT_SHARE = 0.5  # replicas: a response waits for its event's bus echo from this share of the flag threshold
ECHO_PENDING_S = 30.0  # replicas: an event not back from the bus by then stops counting in arrivals
REASONING_FIELDS = ("reasoning_content", "reasoning", "thinking")


@dataclass
class Verdict:
    decision: Decision
    risk: float = 0.0
    flagged: bool = False
    campaign_id: str | None = None
    retry_after: int | None = None
    error_code: str | None = None  # set when the request is refused
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def degrade(self) -> bool:
        return "degrade" in self.decision.actions and self.error_code is None


class Metrics:
    def __init__(self) -> None:
        self.counters: dict[tuple[str, tuple], float] = {}

    def inc(self, name: str, value: float = 1.0, **labels: Any) -> None:
        key = (name, tuple(sorted((k, str(v)) for k, v in labels.items())))
        self.counters[key] = self.counters.get(key, 0.0) + value

    def render(self, gauges: dict[str, float]) -> str:
        lines = []
        seen = set()
        for (name, labels), value in sorted(self.counters.items()):
            if name not in seen:
                lines.append(f"# TYPE {name} counter")
                seen.add(name)
            label = ",".join(f'{k}="{_esc(v)}"' for k, v in labels)
            lines.append(f"{name}{{{label}}} {value:g}" if label else f"{name} {value:g}")
        for name, value in sorted(gauges.items()):
            lines.append(f"# TYPE {name} gauge")
            lines.append(f"{name} {value:g}")
        return "\n".join(lines) + "\n"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _finding_json(finding: Any) -> dict[str, Any]:
    return {"detector": finding.detector, "score": round(float(finding.score), 4), "summary": finding.summary}


class Enforcer:
    def __init__(self, *, policy: PolicyHolder, state: Any, audit: AuditLog, eventlog: EventLog, scorer: Any,
                 snapshot_dir: Path | None = None, snapshot_every: int = 0) -> None:
        self.policy = policy
        self.state = state
        self.audit = audit
        self.eventlog = eventlog
        self._scorer = scorer
        self._unscored: deque[dict[str, Any]] = deque()  # logged, not yet processed (see score_pending)
        # the gateway sets this and calls score_pending() after each response; a caller that does not
        # (a library use, a test) has each event scored inside complete()
        self.defer_scoring = False
        self.snapshot_dir = snapshot_dir
        self.snapshot_every = snapshot_every
        self._since_snapshot = 0
        self.snapshot_offset = 0
        self.log_path: Path | None = None
        self.metrics = Metrics()
        self.last: dict[str, Any] = {}  # account_id -> last AccountDecision from process()
        self.restored_events = 0
        self.restore_seconds = 0.0  # Enforcer.open: snapshot load + replay of what follows it
        self._last_ts = ""  # ts never goes backwards in log order (see complete())
        self._snapshot_pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dg-snapshot")
        self._snapshot_job: concurrent.futures.Future | None = None
        self.in_flight: dict[str, int] = {}  # "acct:<id>" / "camp:<id>" -> admitted requests not yet complete()d
        self._admitted: dict[str, tuple[tuple[str, ...], float]] = {}  # request_id -> (in_flight keys, admitted at)
        self.arrivals = InFlight()  # admitted requests' events, judged with each new arrival (see arrival)
        self._next_purge = 0.0
        self.bus: Any = None  # replicas.BusLink when replicas share one event stream
        self.bus_fed = 0  # the last bus offset the scorer has processed
        self._settling: dict[str, asyncio.Future] = {}  # request_id -> resolved once back from the bus and scored
        self._wait_echo: set[str] = set()  # admitted requests of suspected accounts: answered once back from the bus
        self._echo_pending: dict[str, tuple[str, float]] = {}  # request_id -> (account, completed at), not back yet
        self.settle_timeout_s = 0.25
        self.restoring = False  # the scorer is being rebuilt in a thread (see open(background=True))
        self._restore_job: Any = None
        self._restore_thread: threading.Thread | None = None
        self._restore_result: Any = None
        self._restored_event: asyncio.Event | None = None
        self._backlog: list[dict[str, Any]] = []  # events completed while restoring, scored once restored
        self._opened_at = time.perf_counter()

    @property
    def scorer(self) -> Any:
        """The scorer with every completed event processed (reading it scores what is queued)."""
        if self._unscored:
            self.score_pending()
        return self._scorer

    @scorer.setter
    def scorer(self, scorer: Any) -> None:
        self._scorer = scorer

    # -- start / stop -----------------------------------------------------------
    @classmethod
    def open(cls, *, policy: PolicyHolder, state: Any, state_dir: Path, events_log: Path | None = None,
             scorer_config: str | None = None, snapshot_every: int = 0, bus: Any = None, rotate_bytes: int = 0,
             retain_segments: int = 10, durability: str = "disk", background: bool = False) -> "Enforcer":
        """Open the log and audit under `state_dir` and rebuild the scorer: the latest snapshot (written
        at clean shutdown and, with `snapshot_every`, every that many events) plus the log's tail after
        it, else a replay of the whole log. Exact either way: the log is append-only and in scoring order.
        A rotated log is its archived segments then the current file; the snapshot names the file its
        offset belongs to (by inode), so a crash between a rotation and the next snapshot replays the
        archive's tail and everything after it.
        With a `bus` (replicas, see `replicas`) the bus is the scoring order: the snapshot's bus offset
        plus the bus after it.

        `background` (without a bus): return at once and rebuild the scorer in a thread once
        `start_restore()` is called, serving meanwhile (see `check`: while restoring, accounts flagged
        or blocked before the restart stay refused from the decision store, others are served with
        at most `RESTORING_IN_FLIGHT` requests in flight and scored once the scorer is back, in order)."""
        opened = time.perf_counter()
        state_dir.mkdir(parents=True, exist_ok=True)
        log_path = Path(events_log or state_dir / "events.jsonl")
        eventlog = EventLog(log_path, durability=durability)
        audit = AuditLog(state_dir / "audit.sqlite")
        self = cls(policy=policy, state=state, audit=audit, eventlog=eventlog, scorer=None, snapshot_dir=state_dir,
                   snapshot_every=snapshot_every)
        self.rotate_bytes, self.retain_segments = rotate_bytes, retain_segments
        segs = segments(log_path)
        self._generation = len(segs) - 1
        self.log_path = log_path
        self.bus = bus
        self._opened_at = opened
        self._last_ts = _last_ts_of(log_path)  # new events never go before what is logged, restored or not
        job = functools.partial(self._rebuild, state_dir, segs, eventlog.offset, scorer_config)
        if background and bus is None:
            self.restoring = True
            self._restore_job = job
            return self
        self._install(job())
        return self

    def start_restore(self, loop: asyncio.AbstractEventLoop) -> None:
        """Rebuild the scorer in a thread; the loop installs it and scores what completed meanwhile."""
        if self._restore_job is None:
            return
        job, self._restore_job = self._restore_job, None
        self._restored_event = asyncio.Event()

        def run() -> None:
            try:
                result = job()
            except BaseException as exc:  # noqa: BLE001 - reported on the loop
                result = exc
            self._restore_result = result
            try:
                loop.call_soon_threadsafe(self._install_from_thread)
            except RuntimeError:  # the loop is closed (shutdown during restore): close() installs it
                pass

        self._restore_thread = threading.Thread(target=run, name="dg-restore", daemon=True)
        self._restore_thread.start()

    def _install_from_thread(self) -> None:
        if self.restoring:
            self._install_result_now()
            flags = asyncio.ensure_future(self.publish_restored_flags())
            flags.add_done_callback(lambda f: f.exception())

    def _install_result_now(self) -> None:
        result = self._restore_result
        if isinstance(result, BaseException):
            log.error("scorer restore failed (%s); starting from an empty scorer", type(result).__name__)
            self.metrics.inc("distillguard_scorer_failures_total", stage="restore")
            result = (self._fresh_scorer(None), {}, 0, 0)
        self._install(result)

    async def restored(self, timeout_s: float = 120.0) -> None:
        """Wait until the scorer is back (at once when it is)."""
        if self.restoring and self._restored_event is not None:
            try:
                await asyncio.wait_for(self._restored_event.wait(), timeout_s)
            except asyncio.TimeoutError:
                pass

    @staticmethod
    def _fresh_scorer(scorer_config: str | None) -> Any:
        from distillguard.replay.online import OnlineScorer

        if scorer_config:
            from distillguard.detectors.registry import load_config

            return OnlineScorer(config=load_config(scorer_config))
        return OnlineScorer()

    def _rebuild(self, state_dir: Path, segs: list[Path], stop_at: int, scorer_config: str | None) -> tuple:
        """(scorer, snapshot extras, events replayed, bus offset): the snapshot plus what follows it in
        the log, up to `stop_at` in the current file (what was logged when the gateway opened)."""
        from distillguard.replay.online import OnlineScorer

        bus, log_path, eventlog = self.bus, self.log_path, self.eventlog
        scorer, extra = None, {}
        plan: list[tuple[Path, int]] = [(seg, 0) for seg in segs]  # what to replay after the snapshot
        snap = state_dir / SNAPSHOT_NAME
        if snap.exists():
            try:
                info = read_snapshot(snap)
                if bus is not None:
                    fits = info.get("bus") == bus.identity
                else:
                    start = _segment_of(info, segs, log_path, eventlog) if info.get("bus") is None and \
                        info["log"] == str(log_path.resolve()) else None
                    fits = start is not None
                    if fits:
                        plan = [(segs[start], int(info["offset"]))] + [(seg, 0) for seg in segs[start + 1:]]
                if fits:
                    scorer = OnlineScorer.__new__(OnlineScorer)
                    scorer.__dict__.update(info["scorer"])
                    scorer.__dict__.setdefault("_campaign_flag_of", {})
                    extra = info
            except Exception as exc:  # unreadable, forbidden content, or another version: replay the log instead
                log.warning("ignoring scorer snapshot (%s); replaying the event log", type(exc).__name__)
                scorer, extra = None, {}
        if scorer is None:
            scorer = self._fresh_scorer(scorer_config)
        last = dict(extra.get("last") or {})
        replayed = 0
        if bus is not None:
            bus_fed = int(extra.get("bus_offset") or 0)

            def feed(raw: dict[str, Any]) -> None:
                event = parse_event(raw)
                last[event.account_id] = scorer.process(event)
                self._last_ts = max(self._last_ts, raw.get("ts") or "")  # a bus restore runs on the caller's thread

            replayed = bus.catch_up(bus_fed, feed)
            return scorer, dict(extra, last=last), replayed, bus.offset
        for seg, start_at in plan:
            if not seg.exists():
                continue
            limit = stop_at if seg == segs[-1] else None
            for end, raw in iter_events(seg, start_at):
                if limit is not None and end > limit:
                    break
                event = parse_event(raw)
                last[event.account_id] = scorer.process(event)
                replayed += 1
        return scorer, dict(extra, last=last), replayed, 0

    def _install(self, result: tuple) -> None:
        """Put the rebuilt scorer in force; score, in order, what completed while it was rebuilt."""
        scorer, extra, replayed, bus_offset = result
        self.scorer = scorer
        self.last.update({k: v for k, v in (extra.get("last") or {}).items() if k not in self.last})
        self.snapshot_offset = int(extra.get("offset") or 0) if extra.get("scorer") is not None else 0
        self._last_ts = max(self._last_ts, extra.get("last_ts") or "")
        self.bus_fed = bus_offset
        self.restored_events = replayed
        backlog, self._backlog = self._backlog, []
        self._since_snapshot = 0
        self.restoring = False
        for event in backlog:
            self._score(event)
        self.restore_seconds = time.perf_counter() - self._opened_at
        if self._restored_event is not None:
            self._restored_event.set()

    async def publish_restored_flags(self) -> None:
        for account_id, decision in self.last.items():
            if decision.flagged:
                await self.state.publish_flag(account_id, {"risk": decision.risk, "campaign_id": decision.campaign_id})

    def close(self) -> None:
        self.score_pending()
        if self._restore_thread is not None and self.restoring:
            self._restore_thread.join()
            self._install_result_now()
        self.eventlog.close()
        self.snapshot()
        self._snapshot_pool.shutdown(wait=True)
        self.audit.close()

    def _snapshot_payload(self) -> tuple[int, bytes]:
        self.score_pending()  # the offset below covers every queued event: the scorer must hold them all
        offset = self.eventlog.logical_offset
        return offset, capture({"log": str(self.log_path.resolve()), "offset": offset, "scorer": self.scorer.__dict__,
                                "last": self.last, "last_ts": self._last_ts,
                                "bus": self.bus.identity if self.bus is not None else None, "bus_offset": self.bus_fed,
                                "log_inode": self.eventlog.inode})

    def snapshot(self) -> None:
        """Save the scorer as of every event queued so far, with the log offset those events end at,
        now and in this thread (shutdown). The file is replaced atomically, so a crash at any point
        leaves the previous snapshot (or none) in force, never a mix."""
        if self.snapshot_dir is None or self.log_path is None or self.scorer is None:
            return
        if self._snapshot_job is not None:
            concurrent.futures.wait([self._snapshot_job])  # its failure, if any, was logged when it ended
        try:
            offset, captured = self._snapshot_payload()
            write_snapshot(self.snapshot_dir / SNAPSHOT_NAME, captured)
            self._snapshot_done(offset)
        except Exception as exc:
            log.warning("could not write the scorer snapshot: %s", exc)

    def snapshot_in_background(self) -> None:
        """The periodic snapshot: a copy is taken on the loop (milliseconds), the file is written by a
        worker thread while requests go on. At most one runs at a time."""
        if self.snapshot_dir is None or self.log_path is None or self.scorer is None or \
                (self._snapshot_job and not self._snapshot_job.done()):
            return
        self._since_snapshot = 0
        rotated = self._maybe_rotate()
        try:
            offset, captured = self._snapshot_payload()
        except Exception as exc:  # the request that triggered it must not fail: the next cadence retries
            log.warning("could not capture the scorer snapshot: %s", exc)
            return
        job = self._snapshot_pool.submit(write_snapshot, self.snapshot_dir / SNAPSHOT_NAME, captured)
        self._snapshot_job = job

        def done(future: Any) -> None:
            if future.exception() is not None:
                log.warning("could not write the scorer snapshot: %s", future.exception())
            else:
                self._snapshot_done(offset, reset_cadence=False)  # the loop reset it at capture; this is another thread
                if rotated:
                    self._prune_segments()

        job.add_done_callback(done)

    def _maybe_rotate(self) -> bool:
        """Start a new log file once this one has `rotate_bytes` (just before a snapshot, which then
        points into the new file). Blocks the loop for one fsync and a rename."""
        if not self.rotate_bytes or self.bus is not None or self.eventlog.logical_offset < self.rotate_bytes:
            return False
        self._generation += 1
        self.eventlog.rotate(archive_name(self.log_path, self._generation))
        self.metrics.inc("distillguard_log_rotations_total")
        return True

    def _prune_segments(self) -> None:
        """Keep the newest `retain_segments` archives (the snapshot on disk no longer needs any)."""
        archives = segments(self.log_path)[:-1]
        for old in archives[:max(0, len(archives) - self.retain_segments)]:
            old.unlink(missing_ok=True)

    def _snapshot_done(self, offset: int, reset_cadence: bool = True) -> None:
        """A snapshot is on disk. The cadence counter belongs to the loop's thread: a background writer
        finishing at an arbitrary moment must not zero the events counted since its capture."""
        self.snapshot_offset = offset
        if reset_cadence:
            self._since_snapshot = 0
        self.metrics.inc("distillguard_snapshots_total")

    # -- before forwarding ------------------------------------------------------
    async def check(self, draft: dict[str, Any], event: ApiEvent) -> Verdict:
        policy: Policy = self.policy.get()
        account_id, org_id = event.account_id, event.org_id
        if self._unscored:  # every response completed before this arrival counts in its decision
            self.score_pending()
        try:
            override, shared = await self.state.account(account_id)
            if policy.fail_mode == "closed" and not self.state.healthy:
                raise ConnectionError("shared state (Redis) unreachable")
            if self.scorer is None:  # restoring: the decision store's flags and overrides decide
                pre, arrival = _NOTHING_YET, None
            else:
                pre = self.scorer.precheck(event)
                arrival = self.arrivals.assess(self.scorer, event, policy.arrival_scoring)
        except Exception as exc:  # the scorer, or the shared state (Redis) behind it
            self.metrics.inc("distillguard_scorer_failures_total", stage="precheck")
            if policy.fail_mode == "closed":
                decision = Decision({"block"}, [f"scorer failed ({type(exc).__name__}); fail closed"], source="fail_closed")
                self.audit.record(actor="policy", account_id=account_id, action="scorer_error", reason=decision.reasons[0],
                                  evidence={"fail_mode": "closed"}, request_id=draft["request_id"])
                return Verdict(decision, error_code="enforcement_unavailable", retry_after=policy.retry_after_s)
            decision = Decision({"allow"}, [f"scorer failed ({type(exc).__name__}); fail open"], source="fail_open")
            self.audit.record(actor="policy", account_id=account_id, action="scorer_error", reason=decision.reasons[0],
                              evidence={"fail_mode": "open"}, request_id=draft["request_id"])
            return Verdict(decision)
        last = self.last.get(account_id)
        risk = max(pre.risk, last.risk if last else 0.0)
        flagged = bool(pre.flagged or (last and last.flagged))
        campaign_id = pre.campaign_id or (last.campaign_id if last else None)
        findings = list(pre.findings) or list(last.findings if last else [])
        if arrival is not None:  # this request and the account's others in flight, folded in
            if arrival[0] > risk:
                risk, findings = arrival[0], arrival[1] or findings
            if arrival[0] >= self.scorer.engine.threshold:
                flagged = True
        if shared:  # flagged by another replica
            flagged = True
            risk = max(risk, float(shared.get("risk") or 0.0))
            campaign_id = campaign_id or shared.get("campaign_id")
        decision = decide(policy, account_id=account_id, org_id=org_id, risk=risk, flagged=flagged, findings=findings,
                          override=override, established=is_established(policy, event.account, event.ts.timestamp()))
        evidence = {"risk": round(risk, 4), "flagged": flagged, "band": decision.band, "campaign_id": campaign_id,
                    "override": override, "reasons": decision.reasons,
                    "findings": [_finding_json(f) for f in findings][:12], "requests_seen": pre.requests_seen,
                    "shared_flag": bool(shared)}
        verdict = Verdict(decision, risk, flagged, campaign_id, evidence=evidence)
        terminal = decision.terminal
        if terminal == "block":
            verdict.error_code = "account_blocked"
        elif terminal == "hold":
            verdict.error_code = "account_held_for_review"
            if await self._safe(self.state.add_review(account_id, {"account_id": account_id, "campaign_id": campaign_id, "risk": round(risk, 4),
                                                        "since": draft["ts"], "request_id": draft["request_id"],
                                                        "reasons": decision.reasons})):
                self.metrics.inc("distillguard_review_queue_added_total")
        elif "throttle" in decision.actions:
            try:
                wait = await self.state.take("acct:" + account_id, policy.throttle_account.rate_per_s, policy.throttle_account.burst)
                if campaign_id and wait <= 0:
                    wait = await self.state.take("camp:" + campaign_id, policy.throttle_campaign.rate_per_s,
                                                 policy.throttle_campaign.burst)
            except Exception:  # shared state unreachable: the fail mode decides
                self.metrics.inc("distillguard_scorer_failures_total", stage="throttle")
                wait = float(policy.retry_after_s) if policy.fail_mode == "closed" else 0.0
            if wait > 0:
                verdict.error_code = "rate_limited_by_policy"
                verdict.retry_after = max(1, math.ceil(wait))
        if verdict.error_code is None:
            self._admit(draft["request_id"], account_id, campaign_id, policy, verdict)
            if verdict.error_code is None:
                self.arrivals.add(draft["request_id"], event, self.scorer.engine if self.scorer is not None else None)
                if self.bus is not None and self._suspected(verdict):
                    self._wait_echo.add(draft["request_id"])
        label = verdict.decision.label
        if verdict.error_code == "concurrency_limited":
            verdict.error_code = "rate_limited_by_policy"
            label = "concurrency"
        elif verdict.error_code == "rate_limited_by_policy":
            label = "throttle"
        elif "throttle" in decision.actions and verdict.error_code is None:
            label = "degrade" if "degrade" in decision.actions else "allow"  # within the bucket: served
            label = label if label != "allow" else "throttle_pass"
        verdict.evidence["action"] = label
        self.metrics.inc("distillguard_decisions_total", action=label)
        if label not in ("allow", "throttle_pass") or policy.audit_allow:
            self.audit.record(actor="policy", account_id=account_id, campaign_id=campaign_id, action=label,
                              reason="; ".join(decision.reasons) or "allowed", evidence=evidence, request_id=draft["request_id"])
        return verdict

    def _admit(self, request_id: str, account_id: str, campaign_id: str | None, policy: Policy, verdict: Verdict) -> None:
        """The concurrency cap: a request is admitted only while its account (and campaign) has fewer
        than the policy's cap in flight, so a parallel burst cannot outrun the scorer by more than
        the cap. Released by complete() for the same request_id (or after the upstream timeout)."""
        now = time.monotonic()
        if now >= self._next_purge:
            self._purge_admitted(now, policy.upstream_timeout_s + 60.0)
        keys = [("acct:" + account_id, policy.max_in_flight_account)]
        if campaign_id:
            keys.append(("camp:" + campaign_id, policy.max_in_flight_campaign))
        for key, cap in keys:
            if self.restoring:
                cap = min(cap or RESTORING_IN_FLIGHT, RESTORING_IN_FLIGHT)
            if cap and self.in_flight.get(key, 0) >= cap:
                verdict.error_code = "concurrency_limited"
                verdict.retry_after = 1
                verdict.decision.reasons.append(  # the same list as evidence["reasons"]
                    f"{cap} requests of this {'account' if key.startswith('acct:') else 'campaign'} already in flight")
                return
        for key, _ in keys:
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
        self._admitted[request_id] = (tuple(key for key, _ in keys), now)

    def _suspected(self, verdict: Verdict) -> bool:
        """With replicas: an account whose next request must see this one scored on every replica
        (flagged, in a campaign, or at half the flag threshold or more); others are answered without
        waiting for the bus (see complete)."""
        threshold = self._scorer.engine.threshold if self._scorer is not None else 1.0
        return verdict.flagged or verdict.campaign_id is not None or verdict.risk >= ECHO_WAIT_SHARE * threshold

    def _release(self, request_id: str | None) -> None:
        entry = self._admitted.pop(request_id, None) if request_id else None
        if entry is None:
            return
        account_id = entry[0][0][5:]
        if self.bus is None:
            self.arrivals.remove(account_id, request_id)
        else:  # judged with the account's next arrivals here until the scorer has it from the bus
            self._echo_pending[request_id] = (account_id, time.monotonic())
        for key in entry[0]:
            left = self.in_flight.get(key, 0) - 1
            if left > 0:
                self.in_flight[key] = left
            else:
                self.in_flight.pop(key, None)

    def _purge_admitted(self, now: float, max_age_s: float) -> None:
        """Requests admitted through the guard API whose event was never reported stop counting."""
        self._next_purge = now + 5.0
        for request_id in [r for r, (_, at) in self._admitted.items() if now - at > max_age_s]:
            self._release(request_id)
            self._wait_echo.discard(request_id)
        for request_id in [r for r, (_, at) in self._echo_pending.items() if now - at > ECHO_PENDING_S]:
            self._echo_done(request_id)  # the bus is away: the event is in the local log, the scorer never saw it

    def _echo_done(self, request_id: str) -> None:
        pending = self._echo_pending.pop(request_id, None)
        if pending is not None:
            self.arrivals.remove(pending[0], request_id)

    async def _safe(self, awaitable: Any) -> Any:
        try:
            return await awaitable
        except Exception:
            self.metrics.inc("distillguard_state_errors_total")
            return None

    # -- degrade ------------------------------------------------------------------
    @staticmethod
    def degrade(body: dict[str, Any], policy: Policy) -> dict[str, Any]:
        out = {k: v for k, v in body.items() if k not in policy.strip_params}
        if policy.max_tokens_cap:
            cap = policy.max_tokens_cap
            if isinstance(out.get("max_completion_tokens"), int):
                out["max_completion_tokens"] = min(out["max_completion_tokens"], cap)
            out["max_tokens"] = min(out["max_tokens"], cap) if isinstance(out.get("max_tokens"), int) else cap
        if policy.drop_reasoning:
            for key in ("reasoning_effort", "reasoning", "include_reasoning", "thinking"):
                out.pop(key, None)
        return out

    @staticmethod
    def degrade_response(obj: Any, policy: Policy) -> Any:
        """Strip reasoning content and logprobs from a response body or a stream chunk (in place)."""
        if not isinstance(obj, dict):
            return obj
        for choice in obj.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            if "logprobs" in policy.strip_params:
                choice.pop("logprobs", None)
            if policy.drop_reasoning:
                for part in (choice.get("message"), choice.get("delta")):
                    if isinstance(part, dict):
                        for key in REASONING_FIELDS:
                            part.pop(key, None)
        return obj

    # -- after the response -------------------------------------------------------
    def complete(self, event: dict[str, Any]) -> asyncio.Future:
        """Queue the event for the durable log, then score it. Await the result before releasing the
        response's last byte.

        `ts` is the arrival time, except that it never goes backwards in log order: a request that
        arrived before another but finished after it is stamped with the other's arrival (the true
        arrival is kept in `gateway_arrived_at`). So the log is in time order and `scan --replay`,
        which orders by ts, processes it in exactly the order the gateway did."""
        self._release(event.get("request_id"))
        if event["ts"] < self._last_ts:
            event = dict(event, gateway_arrived_at=event["ts"], ts=self._last_ts)
        else:
            self._last_ts = event["ts"]
        line = orjson.dumps(event, default=str) + b"\n"
        future = asyncio.wrap_future(self.eventlog.append(line))
        self.metrics.inc("distillguard_events_total", status=event.get("status"))
        if self.bus is not None:  # scored when it comes back from the bus, in the bus's order
            self.bus.publish(line[:-1])
            request_id = event.get("request_id")
            if request_id in self._wait_echo:  # a suspected account: its next request, on any replica, sees this one
                self._wait_echo.discard(request_id)
                return asyncio.ensure_future(self._settle(future, request_id))
            return future  # meanwhile this replica judges the account's next arrivals with it folded in (arrival)
        self._unscored.append(event)  # scored by score_pending(), in this (the log's) order
        if not self.defer_scoring:
            self.score_pending()
        return future

    def score_pending(self) -> None:
        """Process every queued event into the scorer, in log order; a cadenced snapshot after them."""
        queued = self._unscored
        while queued:
            self._score(queued.popleft(), cadence=False)
        if self.snapshot_every and self._since_snapshot >= self.snapshot_every:
            self.snapshot_in_background()

    async def _settle(self, durable: asyncio.Future, request_id: str | None) -> None:
        """Durable in the local log, and scored from the bus (bounded wait: the bus may lag)."""
        settled = asyncio.get_running_loop().create_future()
        if request_id:
            self._settling[request_id] = settled
        try:
            await durable
            try:
                await asyncio.wait_for(asyncio.shield(settled), self.settle_timeout_s)
            except asyncio.TimeoutError:
                self.metrics.inc("distillguard_bus_settle_timeouts_total")
        finally:
            self._settling.pop(request_id, None)

    def attach_bus(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.bus is not None:
            self.bus.start(loop, self._on_bus_records)

    def _on_bus_records(self, records: list[Any]) -> None:
        for record in records:
            event = record.event()
            self._score(event)
            self.bus_fed = record.offset
            if self._echo_pending:
                self._echo_done(event.get("request_id"))
            settled = self._settling.get(event.get("request_id"))
            if settled is not None and not settled.done():
                settled.set_result(None)

    def _score(self, event: dict[str, Any], cadence: bool = True) -> None:
        """Process one event into the scorer; audit and share a new flag; snapshot on cadence."""
        if self._scorer is None:  # restoring: scored in this order once the scorer is back
            self._backlog.append(event)
            return
        try:
            decision = self._process(parse_event(event))
        except Exception as exc:
            self.metrics.inc("distillguard_scorer_failures_total", stage="process")
            log.warning("scorer failed on %s: %s", event.get("request_id"), type(exc).__name__)
            return
        if decision.newly_flagged:
            evidence = {"risk": round(decision.risk, 4), "campaign_id": decision.campaign_id,
                        "requests_seen": decision.requests_seen, "findings": [_finding_json(f) for f in decision.findings][:12]}
            self.audit.record(actor="scorer", account_id=decision.account_id, campaign_id=decision.campaign_id, action="flag",
                              reason=f"risk {decision.risk:.3f} reached the flag threshold", evidence=evidence,
                              request_id=event.get("request_id"))
            self.metrics.inc("distillguard_flags_total")
            flag = asyncio.ensure_future(self.state.publish_flag(decision.account_id, {
                "risk": round(decision.risk, 4), "campaign_id": decision.campaign_id, "flagged_at": event.get("request_id")}))
            flag.add_done_callback(lambda f: f.exception())
        if cadence and self.snapshot_every and self._since_snapshot >= self.snapshot_every:
            self.snapshot_in_background()

    def _process(self, event: ApiEvent) -> Any:
        decision = self._scorer.process(event)
        self.last[event.account_id] = decision
        self._since_snapshot += 1
        return decision

    def account_view(self, account_id: str) -> dict[str, Any]:
        self.score_pending()
        decision = self.last.get(account_id)
        verdict = None
        if account_id in getattr(self.scorer, "tracks", {}):
            # verdict() may re-assess the account's campaign; looking must not change what the scorer
            # decides next (or a replay of the log would no longer match), so its campaign tracks are restored
            import copy

            saved = {key: copy.copy(track) for key, track in self.scorer.campaigns.items()}
            try:
                verdict = self.scorer.verdict(account_id)
            except Exception as exc:
                verdict = {"error": type(exc).__name__}
            finally:
                self.scorer.campaigns.clear()
                self.scorer.campaigns.update(saved)
        return {"known": decision is not None, "risk": round(decision.risk, 6) if decision else None,
                "flagged": bool(decision and decision.flagged), "campaign_id": decision.campaign_id if decision else None,
                "requests_seen": decision.requests_seen if decision else 0, "verdict": verdict}


def _segment_of(info: dict[str, Any], segs: list[Path], current: Path, eventlog: EventLog) -> int | None:
    """Index in `segs` of the file a snapshot's offset belongs to, or None when none fits."""
    want = info.get("log_inode")
    for index, seg in enumerate(segs):
        is_current = index == len(segs) - 1
        try:
            inode = eventlog.inode if is_current else seg.stat().st_ino
            size = eventlog.offset if is_current else seg.stat().st_size
        except OSError:
            continue
        if inode == want or (want is None and is_current):
            return index if int(info["offset"]) <= size else None
    return None


@dataclass
class _Nothing:
    """The scorer's precheck while it is being restored: it knows nothing yet."""

    risk: float = 0.0
    flagged: bool = False
    campaign_id: str | None = None
    findings: tuple = ()
    requests_seen: int = 0


_NOTHING_YET = _Nothing()


def _last_ts_of(path: Path) -> str:
    """The ts of the log's last complete line ("" when none): read from its end, not replayed."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            handle.seek(max(0, size - 65536))
            lines = handle.read().split(b"\n")
    except OSError:
        return ""
    for line in reversed(lines[1:] if size > 65536 else lines):
        if line.strip():
            try:
                return str(orjson.loads(line).get("ts") or "")
            except (orjson.JSONDecodeError, AttributeError):
                return ""
    return ""


def now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def monotonic_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 2)
