"""The gateway's own work per request, in process and independent of the machine's load.

The ASGI app is called directly (no server sockets, no HTTP parsing by the server) with a canned
upstream in another thread, so what is timed is the gateway's code alone: routing,
auth, body and event validation, the decision (state, precheck, arrival assessment, policy,
concurrency cap), sending the upstream request over a kept-alive loopback connection and
parsing its answer (`gateway.upstream`), the event-log append and the scorer's processing of
the completed event. CPU time is
`time.thread_time()` of the one thread that runs it all (the event-log writer thread is apart:
its share is the fdatasync, reported by the log). The scorer's share is timed around its calls.

    python -m bench.gateway_micro [--requests N] [--durability process|disk] [--concurrency C]

`--concurrency C` keeps C requests in flight at once (as C clients would), which is where the
arrival assessment (an account's requests in flight folded in) and the group commit show.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson

ADMIN = "micro-admin-token-0123456789abcdef"


def _canned_upstream() -> tuple[int, threading.Thread]:
    """A minimal keep-alive HTTP/1.1 upstream on loopback, in its own thread and loop (its CPU is not
    the timed thread's): every POST gets the same chat completion."""
    body = orjson.dumps({"id": "cmpl-1", "object": "chat.completion", "created": 1, "model": "fake",
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": "w " * 40}, "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 9, "completion_tokens": 40, "total_tokens": 49}})
    answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)
    ready: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def serve() -> None:
        async def main() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            ready.append(server.sockets[0].getsockname()[1])
            await asyncio.Event().wait()

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    while not ready:
        time.sleep(0.01)
    return ready[0], thread


class _Timed:
    """Wraps a scorer method and adds up the seconds spent in it (perf_counter: the thread-CPU clock is a
    system call here, costlier than what it would time; the loop runs nothing else meanwhile)."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


async def _run(events: list[dict], keys: dict[str, str], work: Path, durability: str, concurrency: int = 1) -> dict:
    from distillguard.gateway.app import GatewayConfig, create_app

    lines = ["keys:"]
    for account, key in keys.items():
        lines += [f"  - sha256: {hashlib.sha256(key.encode()).hexdigest()}", f"    account_id: {account}"]
    (work / "keys.yaml").write_text("\n".join(lines) + "\n")
    (work / "policy.yaml").write_text("reload_check_s: 0\nconcurrency: {per_account: 0, per_campaign: 0}\n")
    port, _ = _canned_upstream()
    app = create_app(GatewayConfig(upstream=f"http://127.0.0.1:{port}/v1", keys_path=str(work / "keys.yaml"),
                                   state_dir=str(work / "state"), admin_token=ADMIN, policy_path=str(work / "policy.yaml"),
                                   durability=durability, restore_in_background=False, snapshot_every=0))
    startup: asyncio.Queue = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    sent: list[dict] = []

    async def lifespan_send(message: dict) -> None:
        sent.append(message)

    life = asyncio.ensure_future(app({"type": "lifespan"}, startup.get, lifespan_send))
    while not sent:
        await asyncio.sleep(0.01)
    enforcer = app.state.enforcer
    scorer = enforcer.scorer
    process, precheck = _Timed(scorer.process), _Timed(scorer.precheck)
    scorer.process, scorer.precheck = process, precheck
    statuses: dict[int, int] = {}

    async def one(event: dict) -> None:
        body = orjson.dumps(event["request"])
        scope = {"type": "http", "method": "POST", "path": "/v1/chat/completions", "query_string": b"",
                 "client": ("203.0.113.9", 50000), "headers": [
                     (b"authorization", f"Bearer {keys[event['account_id']]}".encode()),
                     (b"user-agent", (event.get("user_agent") or "bench").encode()),
                     (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                statuses[message["status"]] = statuses.get(message["status"], 0) + 1

        await app(scope, receive, send)

    for event in events[:50]:  # warm-up: imports, first fits, connection set-up
        await one(event)
    process.seconds = precheck.seconds = 0.0
    timed = events[50:]
    profiler = None
    if os.environ.get("DG_MICRO_PROFILE"):  # a cProfile of the timed requests, to this file
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    if concurrency <= 1:
        for event in timed:
            await one(event)
    else:
        queue = list(reversed(timed))

        async def client() -> None:
            while queue:
                await one(queue.pop())

        await asyncio.gather(*(client() for _ in range(concurrency)))
    cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["DG_MICRO_PROFILE"])
    del scorer.process, scorer.precheck  # the class's methods again: the shutdown snapshot saves the scorer's data only
    await startup.put({"type": "lifespan.shutdown"})
    await life
    n = len(timed)
    return {"requests": n, "durability": durability, "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "cpu_ms_per_request": round(1000 * cpu / n, 3), "wall_ms_per_request": round(1000 * wall / n, 3),
            "scorer_process_ms_per_request": round(1000 * process.seconds / n, 3),
            "scorer_precheck_ms_per_request": round(1000 * precheck.seconds / n, 3),
            "gateway_without_scorer_ms_per_request": round(1000 * (cpu - process.seconds - precheck.seconds) / n, 3),
            "event_log_syncs": enforcer.eventlog.fsyncs,
            "event_log_sync_ms_mean": round(1000 * enforcer.eventlog.fsync_seconds / max(1, enforcer.eventlog.fsyncs), 3)}


def micro(n: int = 2000, durability: str = "process", concurrency: int = 1) -> dict:
    from bench.gateway_bench import _traffic

    events = _traffic(n + 50)
    keys = {e["account_id"]: f"sk-micro-{e['account_id']}" for e in events}
    with tempfile.TemporaryDirectory(prefix="dg-gateway-micro-") as tmp:
        out = asyncio.run(_run(events, keys, Path(tmp), durability, concurrency))
        out["concurrency"] = concurrency
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--durability", choices=("disk", "process"), default="process")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(micro(args.requests, args.durability, args.concurrency), indent=2))


if __name__ == "__main__":
    main()
