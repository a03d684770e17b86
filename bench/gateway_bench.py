"""Gateway overhead: added latency (p50/p99 vs calling the upstream directly) and requests/s.

Everything on loopback: a fake OpenAI-compatible upstream (no model time, so the whole
measured latency is HTTP + gateway work) and the gateway, each in its own process started
with the real CLI; the load comes from this process. Traffic is the simulator's (ordinary
accounts and extraction campaigns), one API key per simulated account, so the online scorer,
policy, audit and the fsynced event log all do their real work. Bounded: a fixed request
count and a wall-clock cap (about 60 s in all).

    python -m bench.gateway_bench [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.results_io import update_section

TOKEN = "bench-admin-token-0123456789abcdef"
UPSTREAM_KEY = "sk-bench-upstream"


def _free_port() -> int:
    from distillguard.gateway.testing import free_port

    return free_port()


def _wait(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited: {proc.args}")
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _traffic(n: int):
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    events, _ = generate(SimConfig(seed=11, days=2, legit_accounts=60, volume_scale=0.3, campaigns=[
        CampaignSpec("logprob-extraction", sybils=3, requests_per_account=80, proxy_pool=0),
        CampaignSpec("synthetic-instruction-harvest", sybils=6, requests_per_account=60, pacing="diurnal")]))
    events = [e for e in events if not e["request"].get("stream")]
    return (events * (n // max(1, len(events)) + 1))[:n]


def _keys(events, path: Path) -> dict[str, str]:
    keys, lines = {}, ["keys:"]
    for e in events:
        a = e["account_id"]
        if a not in keys:
            keys[a] = f"sk-bench-{a}"
            lines += [f"  - sha256: {hashlib.sha256(keys[a].encode()).hexdigest()}", f"    account_id: {a}"]
            for k, v in (e.get("account") or {}).items():
                if v is not None:
                    lines.append(f"    {k}: {json.dumps(v)}")
    path.write_text("\n".join(lines) + "\n")
    return keys


async def _load(url: str, events, keys, concurrency: int, deadline: float, gateway: bool) -> tuple[list[float], int, float]:
    """Send the events with `concurrency` clients; per-request latencies (ms), non-2xx count, wall seconds."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for e in events:
        queue.put_nowait(e)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        async def worker():
            nonlocal errors
            while time.monotonic() < deadline:
                try:
                    e = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                headers = {"Authorization": f"Bearer {keys[e['account_id']] if gateway else UPSTREAM_KEY}",
                           "X-Forwarded-For": e["ip"], "User-Agent": e["user_agent"]}
                t0 = time.perf_counter()
                r = await client.post(e["endpoint"], json=e["request"], headers=headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code not in (200, 403, 429):
                    errors += 1
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(data_dir: Path | None = None, quick: bool = False) -> dict:
    t_start = time.monotonic()
    n_latency, n_throughput, concurrency = (300, 1000, 16) if quick else (800, 2500, 16)
    work = Path(tempfile.mkdtemp(prefix="dg-gateway-bench-"))
    events = _traffic(n_latency + n_throughput)
    keys = _keys(events, work / "keys.yaml")
    (work / "policy.yaml").write_text("trusted_proxies: [127.0.0.1]\n")
    up_port, gw_port = _free_port(), _free_port()
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    upstream = subprocess.Popen([sys.executable, "-c",
                                 "import uvicorn; from distillguard.gateway.testing import fake_upstream; "
                                 f"uvicorn.run(fake_upstream(api_key={UPSTREAM_KEY!r}, words=40), host='127.0.0.1', port={up_port}, "
                                 "log_level='warning', access_log=False)"], env=env)
    gateway = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "gateway", "--upstream", f"http://127.0.0.1:{up_port}/v1",
                                "--port", str(gw_port), "--keys", str(work / "keys.yaml"), "--policy", str(work / "policy.yaml"),
                                "--state-dir", str(work / "state")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{up_port}/_received", upstream)
        _wait(f"http://127.0.0.1:{gw_port}/healthz", gateway)
        direct_url, gw_url = f"http://127.0.0.1:{up_port}", f"http://127.0.0.1:{gw_port}"
        cap = time.monotonic() + (15 if quick else 22)  # latency phases; each throughput phase gets 12 s more at most
        warm = events[:50]
        asyncio.run(_load(direct_url, warm, keys, 1, cap, False))
        asyncio.run(_load(gw_url, warm, keys, 1, cap, True))
        lat_events = events[50:n_latency]
        # latency: one request at a time, direct then through the gateway (same bodies)
        direct, _, _ = asyncio.run(_load(direct_url, lat_events, keys, 1, cap, False))
        through, err_lat, _ = asyncio.run(_load(gw_url, lat_events, keys, 1, cap, True))
        # throughput: `concurrency` clients through the gateway
        tp_events = events[n_latency:]
        tp_lat, err_tp, wall = asyncio.run(_load(gw_url, tp_events, keys, concurrency, time.monotonic() + 14, True))
        tp_direct, _, wall_direct = asyncio.run(_load(direct_url, tp_events, keys, concurrency, time.monotonic() + 10, False))
        metrics = httpx.get(f"{gw_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    finally:
        for proc in (gateway, upstream):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    decisions = {}
    for line in metrics.splitlines():
        if line.startswith("distillguard_decisions_total{"):
            name, value = line.rsplit(" ", 1)
            decisions[name.split('"')[1]] = int(float(value))
    def gauge(name: str) -> float | None:
        return next((float(l.split()[-1]) for l in metrics.splitlines() if l.startswith(name + " ")), None)

    fsyncs = gauge("distillguard_event_log_fsyncs")
    fsync_seconds = gauge("distillguard_event_log_fsync_seconds")
    data = {
        "quick": quick,
        "machine": f"{os.cpu_count()} CPU cores shared by the load client, the upstream, the gateway (and other jobs); "
                   "fake upstream with zero model time",
        "latency_requests": len(through),
        "direct_p50_ms": round(statistics.median(direct), 3), "direct_p99_ms": round(_pct(direct, 0.99), 3),
        "gateway_p50_ms": round(statistics.median(through), 3), "gateway_p99_ms": round(_pct(through, 0.99), 3),
        "overhead_p50_ms": round(statistics.median(through) - statistics.median(direct), 3),
        "overhead_p99_ms": round(_pct(through, 0.99) - _pct(direct, 0.99), 3),
        "throughput_requests": len(tp_lat), "throughput_requests_direct": len(tp_direct), "throughput_concurrency": concurrency,
        "gateway_requests_per_s": round(len(tp_lat) / wall, 1),
        "direct_requests_per_s": round(len(tp_direct) / wall_direct, 1),
        "gateway_p50_ms_under_load": round(statistics.median(tp_lat), 3),
        "gateway_p99_ms_under_load": round(_pct(tp_lat, 0.99), 3),
        "unexpected_status": err_lat + err_tp,
        "decisions": decisions,
        "event_log_fsyncs": fsyncs,
        "event_log_fsync_mean_ms": round(1000 * fsync_seconds / fsyncs, 3) if fsyncs else None,
        "accounts_flagged": gauge("distillguard_accounts_flagged"),
        "seconds": round(time.monotonic() - t_start, 1),
    }
    update_section("gateway", data, markdown(data), command="python -m bench.gateway_bench" + (" --quick" if quick else ""))
    return data


def markdown(d: dict) -> str:
    return (
        f"Loopback; {d['machine']}. Simulated traffic (ordinary accounts + logprob-extraction and instruction-harvest "
        f"campaigns), one key per account; scorer, policy, audit and fsynced event log all active.\n\n"
        "| measure | direct to upstream | through gateway | added |\n|---|---|---|---|\n"
        f"| p50 latency, 1 client ({d['latency_requests']} req) | {d['direct_p50_ms']} ms | {d['gateway_p50_ms']} ms | {d['overhead_p50_ms']} ms |\n"
        f"| p99 latency, 1 client | {d['direct_p99_ms']} ms | {d['gateway_p99_ms']} ms | {d['overhead_p99_ms']} ms |\n"
        f"| requests/s, {d['throughput_concurrency']} clients ({d['throughput_requests_direct']} / {d['throughput_requests']} req) | {d['direct_requests_per_s']} | "
        f"{d['gateway_requests_per_s']} | |\n"
        f"| p50 / p99 under that load | | {d['gateway_p50_ms_under_load']} / {d['gateway_p99_ms_under_load']} ms | |\n\n"
        f"Decisions: {d['decisions']} ({d['accounts_flagged']:g} accounts flagged during the run); event-log fsyncs: "
        f"{d['event_log_fsyncs']:g} for {d['latency_requests'] + d['throughput_requests'] + 50} gateway requests (group commit), "
        f"mean fsync {d['event_log_fsync_mean_ms']} ms; "
        f"unexpected statuses: {d['unexpected_status']}. Each completed response waits for its event's fsync (the "
        f"durability guarantee): about {d['event_log_fsync_mean_ms']} ms of the {d['overhead_p50_ms']} ms added at p50 "
        "with one client.\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="unused (the traffic is simulated)")
    parser.add_argument("--quick", action="store_true", help="fewer requests (about 20 s)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.data_dir, args.quick), indent=2))


if __name__ == "__main__":
    main()
