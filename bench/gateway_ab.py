"""Two versions of the gateway side by side, to tell a code change from the machine's load.

Both serve in front of one fake upstream, each from its own source tree (`--base SRC` and `--new
SRC`, folders holding `distillguard/`), and the lean load client (`bench.gateway_load`) drives them
in alternating rounds, so a load swing on the shared machine hits both alike. Per round and
version: 1-client latency (p50/p99 of `--latency-requests`) and, at each concurrency, req/s, p50/p99
and the CPU ms per request of the gateway's process (from /proc), which the machine's load
inflates far less than wall times.

    python -m bench.gateway_ab --base /tmp/old/src --new src [--rounds 4] [--requests 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.gateway_bench import TOKEN, UPSTREAM_KEY, Target, start_upstream, _encode, _free_port, _keys, _load_note, _pct, _stop, _traffic, _wait
from bench.gateway_load import run_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--new", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000, help="per throughput phase")
    parser.add_argument("--latency-requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[16, 64])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dg-gateway-ab-"))
    events = _traffic(args.requests + args.latency_requests + 200)
    keys = _keys(events, work / "keys.yaml")
    (work / "policy.yaml").write_text("concurrency: {per_account: 0, per_campaign: 0}\n")
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    up_port = _free_port()
    upstream = start_upstream(up_port, dict(env, PYTHONPATH=f"{args.base.resolve()}:{Path.cwd()}"))
    gateways = {}
    for name, src in (("base", args.base), ("new", args.new)):
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "gateway", "--upstream", f"http://127.0.0.1:{up_port}/v1",
                                 "--port", str(port), "--keys", str(work / "keys.yaml"), "--policy", str(work / "policy.yaml"),
                                 "--state-dir", str(work / name)], env=dict(env, PYTHONPATH=f"{src.resolve()}:{Path.cwd()}"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gateways[name] = Target(name, f"http://127.0.0.1:{port}", proc, lambda e: keys[e["account_id"]])
    rows: dict[str, list[dict]] = {name: [] for name in gateways}
    try:
        _wait(f"http://127.0.0.1:{up_port}/_received", upstream)
        for t in gateways.values():
            _wait(f"{t.url}/healthz", t.proc)
            run_load(t.host, t.port, _encode(t, events[:200]), 4, 30)
        lat_events = events[200:200 + args.latency_requests]
        tp_events = events[200 + args.latency_requests:]
        for round_ in range(args.rounds):
            order = list(gateways.values()) if round_ % 2 == 0 else list(reversed(gateways.values()))
            for t in order:
                row: dict = {"round": round_}
                r = run_load(t.host, t.port, _encode(t, lat_events), 1, 60)
                row["1"] = {"p50_ms": _pct(r.latencies_ms, 0.5), "p99_ms": _pct(r.latencies_ms, 0.99), "errors": r.errors}
                for c in args.concurrency:
                    requests = _encode(t, tp_events)
                    cpu0 = t.cpu_s()
                    r = run_load(t.host, t.port, requests, c, 60)
                    cpu = t.cpu_s() - cpu0
                    row[str(c)] = {"rps": round(r.rps, 1), "p50_ms": _pct(r.latencies_ms, 0.5), "p99_ms": _pct(r.latencies_ms, 0.99),
                                   "cpu_ms_per_request": round(1000 * cpu / max(1, r.sent), 3), "errors": r.errors}
                row["load"] = _load_note()
                rows[t.name].append(row)
    finally:
        for t in gateways.values():
            _stop(t.proc)
        _stop(upstream)
    summary = {}
    for name, per in rows.items():
        s = {"1_client_p50_ms_median": statistics.median(r["1"]["p50_ms"] for r in per),
             "1_client_p99_ms_median": statistics.median(r["1"]["p99_ms"] for r in per)}
        for c in args.concurrency:
            s[f"{c}_rps_median"] = statistics.median(r[str(c)]["rps"] for r in per)
            s[f"{c}_cpu_ms_per_request_median"] = statistics.median(r[str(c)]["cpu_ms_per_request"] for r in per)
        summary[name] = s
    print(json.dumps({"rounds": rows, "median": summary}, indent=2))


if __name__ == "__main__":
    main()
