"""System calls per proxied request of the served gateway (`strace -c -f` on its process), a count
the machine's load does not change: how many sends, reads and loop wake-ups a request costs.

The gateway (the real CLI, from the source tree `--src`) serves in front of the benchmark's fake
upstream; after a warm-up, strace attaches and the lean load client sends `--requests` requests
with `--concurrency` clients. Needs strace (and ptrace permission).

    python -m bench.gateway_syscalls [--src src] [--concurrency 1] [--requests 1500]
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

from bench.gateway_bench import TOKEN, UPSTREAM_KEY, Target, start_upstream, _encode, _free_port, _keys, _stop, _traffic, _wait
from bench.gateway_load import run_load


def count(src: Path, concurrency: int, n: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="dg-gateway-syscalls-"))
    events = _traffic(n + 200)
    keys = _keys(events, work / "keys.yaml")
    (work / "policy.yaml").write_text("concurrency: {per_account: 0, per_campaign: 0}\n")
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY,
               PYTHONPATH=f"{src.resolve()}:{Path.cwd()}")
    up, gw = _free_port(), _free_port()
    upstream = start_upstream(up, env)
    proc = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "gateway", "--upstream", f"http://127.0.0.1:{up}/v1",
                             "--port", str(gw), "--keys", str(work / "keys.yaml"), "--policy", str(work / "policy.yaml"),
                             "--state-dir", str(work / "state")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{up}/_received", upstream)
        _wait(f"http://127.0.0.1:{gw}/healthz", proc)
        target = Target("distillguard", f"http://127.0.0.1:{gw}", proc, lambda e: keys[e["account_id"]])
        run_load(target.host, target.port, _encode(target, events[:200]), 4, 30)
        requests = _encode(target, events[200:])
        tracer = subprocess.Popen(["strace", "-c", "-f", "-p", str(proc.pid), "-o", str(work / "strace.txt")],
                                  stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # attached to every thread
        result = run_load(target.host, target.port, requests, concurrency, 120)
        time.sleep(0.3)
        tracer.send_signal(signal.SIGINT)
        tracer.wait(20)
    finally:
        _stop(proc)
        _stop(upstream)
    per: dict[str, float] = {}
    for line in (work / "strace.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[3].isdigit() and parts[-1] != "total":
            per[parts[-1]] = round(int(parts[3]) / max(1, result.sent), 3)
    return {"requests": result.sent, "ok": result.ok, "errors": result.errors, "concurrency": concurrency,
            "syscalls_per_request": dict(sorted(per.items(), key=lambda kv: -kv[1])),
            "total_per_request": round(sum(per.values()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path("src"))
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    import json

    print(json.dumps(count(args.src, args.concurrency, args.requests), indent=2))


if __name__ == "__main__":
    main()
