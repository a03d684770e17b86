"""Replicas: a response does not wait for its event's bus echo, except for a suspected account.

The bus here is held by the test (nothing comes back until it says so), so what is shown is the
order of things, not a timing: an ordinary account's response is released with its event still
unscored, the replica judges that account's next arrival with the event folded in, and the
arrival stops counting once the event is back from the bus and in the scorer; a suspected
account's response waits for the echo."""

from __future__ import annotations

import asyncio
import time

from distillguard.engines.bus import Record
from distillguard.events.model import parse_event
from distillguard.gateway.enforcer import Enforcer
from distillguard.gateway.policy import PolicyHolder
from distillguard.gateway.state import MemoryState
from distillguard.replay.online import AccountDecision


class HeldBus:
    identity = "bus:held#test"
    offset = 0

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.on_records = None

    def catch_up(self, after, feed) -> int:
        return 0

    def start(self, loop, on_records) -> None:
        self.on_records = on_records

    def publish(self, line: bytes) -> None:
        self.lines.append(line)

    def echo(self) -> None:
        records = [Record(n + 1, line, time.time()) for n, line in enumerate(self.lines)]
        self.lines = []
        self.on_records(records)


def _draft(n: int, account: str) -> dict:
    return {"request_id": f"r{account}{n}", "ts": f"2026-12-01T00:00:0{n}.000Z", "account_id": account, "org_id": None,
            "api_key_id": "k-" + account, "ip": "198.51.100.7", "user_agent": "sdk/1", "endpoint": "/v1/chat/completions",
            "model": "m", "request": {"model": "m", "messages": [{"role": "user", "content": f"question {n} about rivers"}]},
            "response": None, "status": None, "latency_ms": None, "account": {}}


def _done(draft: dict) -> dict:
    return dict(draft, status=200, latency_ms=1.0, response={
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "an answer"}, "finish_reason": "stop"}]})


def test_an_ordinary_response_is_not_held_for_the_echo_and_its_event_still_counts(tmp_path):
    async def main() -> None:
        bus = HeldBus()
        enforcer = Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=tmp_path, bus=bus,
                                 durability="process")
        enforcer.attach_bus(asyncio.get_running_loop())
        first = _draft(1, "acct-a")
        verdict = await enforcer.check(first, parse_event(first))
        assert verdict.error_code is None
        await asyncio.wait_for(enforcer.complete(_done(first)), 0.05)  # released with the bus holding the event
        assert bus.lines and enforcer.scorer.events_seen == 0
        assert "racct-a1" in enforcer.arrivals.by_account["acct-a"]  # the next arrival here is judged with it
        second = _draft(2, "acct-a")
        assert (await enforcer.check(second, parse_event(second))).evidence["requests_seen"] == 0
        assert set(enforcer.arrivals.by_account["acct-a"]) == {"racct-a1", "racct-a2"}
        bus.echo()
        assert enforcer.scorer.events_seen == 1 and set(enforcer.arrivals.by_account["acct-a"]) == {"racct-a2"}
        enforcer.close()

    asyncio.run(main())


def test_a_suspected_account_waits_for_the_echo(tmp_path):
    async def main() -> None:
        bus = HeldBus()
        enforcer = Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=tmp_path, bus=bus,
                                 durability="process")
        enforcer.attach_bus(asyncio.get_running_loop())
        enforcer.scorer.precheck = lambda event: AccountDecision(event.account_id, 0.0, False, "camp-1", [], 0)
        draft = _draft(1, "acct-b")
        assert (await enforcer.check(draft, parse_event(draft))).error_code is None
        released = asyncio.ensure_future(enforcer.complete(_done(draft)))
        await asyncio.sleep(0.05)
        assert not released.done()  # in a campaign: held until the event is back from the bus
        bus.echo()
        await asyncio.wait_for(released, 1.0)
        assert enforcer.scorer.events_seen == 1 and "acct-b" not in enforcer.arrivals.by_account
        del enforcer.scorer.precheck
        enforcer.close()

    asyncio.run(main())
