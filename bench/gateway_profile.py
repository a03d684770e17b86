"""A cProfile of the served gateway (uvicorn, the real CLI) under the benchmark's lean load client.

The gateway runs as `python -m cProfile -o OUT -m distillguard.cli gateway ...` in front of the
benchmark's fake upstream (another process); the load (`bench.gateway_load`) comes from this
process. On SIGINT uvicorn shuts down cleanly and cProfile writes its stats. cProfile's clock is
wall time, so the loop's idle wait shows as `poll`/`run`; everything else is the gateway's work
(inflated by the profiler's own per-call cost, about 1 us a call).

    python -m bench.gateway_profile [--requests N] [--concurrency C] [--out FILE] [--top K]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.gateway_bench import TOKEN, UPSTREAM_KEY, Target, start_upstream, _encode, _free_port, _keys, _load_note, _stop, _traffic, _wait
from bench.gateway_load import run_load


def profile(requests: int, concurrency: int, out: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="dg-gateway-profile-"))
    events = _traffic(requests + 200)
    keys = _keys(events, work / "keys.yaml")
    (work / "policy.yaml").write_text("concurrency: {per_account: 0, per_campaign: 0}\n")
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    up_port, gw_port = _free_port(), _free_port()
    upstream = start_upstream(up_port, env)
    gateway = subprocess.Popen([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "distillguard.cli", "gateway",
                                "--upstream", f"http://127.0.0.1:{up_port}/v1", "--port", str(gw_port),
                                "--keys", str(work / "keys.yaml"), "--policy", str(work / "policy.yaml"),
                                "--state-dir", str(work / "state")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{up_port}/_received", upstream)
        _wait(f"http://127.0.0.1:{gw_port}/healthz", gateway)
        target = Target("distillguard", f"http://127.0.0.1:{gw_port}", gateway, lambda e: keys[e["account_id"]])
        run_load(target.host, target.port, _encode(target, events[:200]), 4, 30)  # warm-up
        cpu0 = target.cpu_s()
        result = run_load(target.host, target.port, _encode(target, events[200:]), concurrency, 120)
        cpu = target.cpu_s() - cpu0
    finally:
        # SIGINT: uvicorn shuts down, then raises it again; as KeyboardInterrupt it still lets cProfile
        # write its stats (after SIGTERM the re-raised signal would end the process first)
        gateway.send_signal(signal.SIGINT)
        try:
            gateway.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _stop(gateway)
        _stop(upstream)
    return {"requests": result.ok, "sent": result.sent, "errors": result.errors, "rps": round(result.rps, 1),
            "gateway_cpu_ms_per_request": round(1000 * cpu / max(1, result.sent), 3),
            "client_cpu_ms_per_request": round(result.cpu_ms_per_request or 0, 3), "load": _load_note()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "gateway.prof")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    summary = profile(args.requests, args.concurrency, args.out)
    print(summary)
    deadline = time.monotonic() + 10
    while not args.out.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    import pstats

    pstats.Stats(str(args.out)).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
