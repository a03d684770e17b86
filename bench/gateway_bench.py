"""Gateway overhead beside LiteLLM proxy, in one run on one mock upstream; streaming lag; restart time.

Everything on loopback, each server in its own process: a fake OpenAI-compatible upstream (no
model time, so the measured latency is HTTP + proxy work), the distillguard gateway (the real
CLI: scorer, policy, audit and fsynced event log all active) and, when its venv exists
(scripts/litellm-venv.sh), a plain LiteLLM proxy in front of the same upstream. The load comes
from this process, from one client for every target: `bench.gateway_load` (pre-encoded requests,
kept-alive connections, each response checked whole; its own CPU per request reported beside the
servers'), or with `--client httpx` the earlier httpx client, to see what the client itself costs.
The phases alternate between the proxies so the machine's load (shared, and noted with each
figure) hits both alike.

* latency, 1 client: added p50/p99 over calling the upstream directly;
* throughput at 16 and 64 clients: requests/s, p50/p99, CPU ms per request of each proxy's
  process tree (from /proc);
* streaming: each token carries its send time; added per-token lag over direct at 20 and 100 ms/token;
* restart: a synthetic event log of `--restart-events` events (1M for `make bench`), a snapshot
  near its end as the gateway leaves it, then the time from process start to a healthy /healthz.

Traffic: the simulator's ordinary accounts (one API key each; extraction campaigns would be
refused cheaply and flatter the gateway), all sent as model `fake`.

    python -m bench.gateway_bench [--quick] [--restart-events N] [--no-litellm] [--client lean|httpx] [--out PREFIX]
Results: bench/results/gateway.md (and bench/results/gateway.json).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

TOKEN = "bench-admin-token-0123456789abcdef"
UPSTREAM_KEY = "sk-bench-upstream"
LITELLM_MASTER = "sk-bench-litellm-master"
LITELLM_VENV = Path(os.environ.get("DISTILLGUARD_LITELLM_VENV", Path.home() / ".cache/distillguard/litellm-venv"))
RESULTS = Path(__file__).resolve().parent / "results"


def _free_port() -> int:
    from distillguard.gateway.testing import free_port

    return free_port()


def _load_note() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def _wait(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"process exited: {proc.args}")
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def _tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of `pid` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


def _traffic(n: int) -> list[dict]:
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    events, labels = generate(SimConfig(seed=11, days=2, legit_accounts=60, volume_scale=0.3, campaigns=[
        CampaignSpec("logprob-extraction", sybils=3, requests_per_account=80, proxy_pool=0)]))
    legit = {label["account_id"] for label in labels if label["label"] != "attack"}
    events = [e for e in events if e["account_id"] in legit and not e["request"].get("stream")]
    for e in events:
        e["request"] = dict(e["request"], model="fake")
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


class Target:
    def __init__(self, name: str, url: str, proc: subprocess.Popen | None, auth, also: tuple = ()) -> None:
        self.name, self.url, self.proc, self.auth = name, url, proc, auth
        self.also = also  # other processes whose CPU it uses (the workers' Redis)
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port

    def cpu_s(self) -> float:
        return sum(_tree_cpu_s(p.pid) for p in (self.proc, *self.also))


def _path(e: dict) -> str:
    return "/v1/chat/completions" if "messages" in e["request"] else "/v1/completions"


def _encode(target: Target, events) -> list[bytes]:
    """Each event as a ready-to-write request to `target` (done before any clock starts)."""
    import orjson

    from bench.gateway_load import encode_post

    return [encode_post(target.host, target.port, _path(e), orjson.dumps(e["request"]),
                        {"Authorization": f"Bearer {target.auth(e)}", "User-Agent": e["user_agent"]}) for e in events]


def _drive(target: Target, events, concurrency: int, cap_s: float, client: str):
    """Send the events with `concurrency` clients (`lean`: bench.gateway_load; `httpx`: the earlier
    load client, kept to compare the two): a gateway_load.LoadResult either way."""
    from bench.gateway_load import run_load

    if client == "lean":
        return run_load(target.host, target.port, _encode(target, events), concurrency, cap_s)
    cpu0 = time.process_time()
    result = asyncio.run(_load_httpx(target, events, concurrency, time.monotonic() + cap_s))
    result.cpu_s = time.process_time() - cpu0
    return result


async def _load_httpx(target: Target, events, concurrency: int, deadline: float):
    """The earlier client (httpx in this process), with the same checks as the lean one."""
    from bench.gateway_load import LoadResult, completion_ok

    result = LoadResult()
    queue: asyncio.Queue = asyncio.Queue()
    for e in events:
        queue.put_nowait(e)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=target.url, timeout=60, limits=limits) as client:
        async def worker():
            while time.monotonic() < deadline:
                try:
                    e = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                headers = {"Authorization": f"Bearer {target.auth(e)}", "User-Agent": e["user_agent"]}
                result.sent += 1
                t0 = time.perf_counter()
                try:
                    r = await client.post(_path(e), json=e["request"], headers=headers)
                except httpx.HTTPError as exc:
                    result.error(type(exc).__name__)
                    continue
                elapsed = time.perf_counter() - t0
                result.statuses[r.status_code] = result.statuses.get(r.status_code, 0) + 1
                if r.status_code != 200:
                    result.error("unexpected_status")
                elif not completion_ok(r.content):
                    result.error("bad_body")
                else:
                    result.ok += 1
                    result.latencies_ms.append(elapsed * 1000)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.wall_s = time.perf_counter() - started
        return result


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else float("nan")


def _stream_lags(target: Target, gap: float, tokens: int, streams: int, client: str) -> tuple[list[float], dict[str, int]]:
    """Per-token lag (ms): arrival at this client minus the upstream's send time carried in the token;
    and the streams that came back broken or incomplete."""
    body = {"model": f"drip-{gap}", "stream": True, "max_tokens": tokens,
            "messages": [{"role": "user", "content": "Tell me about rivers."}]}
    if client == "lean":
        import orjson

        from bench.gateway_load import encode_post, stream_lags

        request = encode_post(target.host, target.port, "/v1/chat/completions", orjson.dumps(body),
                              {"Authorization": f"Bearer {target.auth(None)}"})
        return stream_lags(target.host, target.port, [request] * streams)
    return asyncio.run(_stream_lags_httpx(target, body, streams))


async def _stream_lags_httpx(target: Target, body: dict, streams: int) -> tuple[list[float], dict[str, int]]:
    lags: list[float] = []
    problems: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=target.url, timeout=60) as client:
        for _ in range(streams):
            headers = {"Authorization": f"Bearer {target.auth(None)}"}
            done = False
            async with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as r:
                async for line in r.aiter_lines():
                    now = time.time()
                    done = done or line.strip() == "data: [DONE]"
                    if not line.startswith("data:") or "@" not in line:
                        continue
                    try:
                        chunk = json.loads(line[5:])
                        text = chunk["choices"][0]["delta"].get("content") or ""
                    except (ValueError, KeyError, IndexError, TypeError):
                        continue
                    for word in text.split():
                        if "@" in word:
                            lags.append((now - float(word.split("@", 1)[1])) * 1000)
            if r.status_code != 200 or not done:
                key = "unexpected_status" if r.status_code != 200 else "incomplete_stream"
                problems[key] = problems.get(key, 0) + 1
    return lags, problems


def start_upstream(port: int, env: dict) -> subprocess.Popen:
    """The fake OpenAI-compatible upstream (no model time) in its own process, on loopback."""
    return subprocess.Popen([sys.executable, "-c",
                             "import uvicorn; from distillguard.gateway.testing import fake_upstream; "
                             "from distillguard.gateway.server import fast_server_options; "
                             f"uvicorn.run(fake_upstream(api_key={UPSTREAM_KEY!r}, words=40), host='127.0.0.1', port={port}, "
                             "log_level='warning', access_log=False, **fast_server_options())"], env=env)


def _start_litellm(work: Path, up_url: str, env: dict) -> tuple[subprocess.Popen, str] | None:
    exe = LITELLM_VENV / "bin" / "litellm"
    if not exe.exists():
        return None
    port = _free_port()
    config = work / "litellm.yaml"
    config.write_text("model_list:\n  - model_name: fake\n    litellm_params:\n      model: openai/fake\n"
                      f"      api_base: {up_url}/v1\n      api_key: os.environ/FAKE_UPSTREAM_KEY\n"
                      "  - model_name: drip-0.02\n    litellm_params:\n      model: openai/drip-0.02\n"
                      f"      api_base: {up_url}/v1\n      api_key: os.environ/FAKE_UPSTREAM_KEY\n"
                      "  - model_name: drip-0.1\n    litellm_params:\n      model: openai/drip-0.1\n"
                      f"      api_base: {up_url}/v1\n      api_key: os.environ/FAKE_UPSTREAM_KEY\n"
                      "general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n")
    lenv = dict(env, LITELLM_LOCAL_MODEL_COST_MAP="True", FAKE_UPSTREAM_KEY=UPSTREAM_KEY, LITELLM_MASTER_KEY=LITELLM_MASTER,
                LITELLM_TELEMETRY="False", LITELLM_LOG="ERROR")
    lenv.pop("PYTHONPATH", None)
    proc = subprocess.Popen([str(exe), "--config", str(config), "--host", "127.0.0.1", "--port", str(port), "--num_workers", "1"],
                            env=lenv, stdout=open(work / "litellm.log", "wb"), stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _start_redis(work: Path) -> tuple[subprocess.Popen, str] | None:
    """A private redis-server for the workers' shared state and bus (None when not installed)."""
    import shutil

    exe = shutil.which("redis-server")
    if exe is None:
        return None
    port = _free_port()
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(work), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port).ping()
            return proc, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    _stop(proc)
    return None


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _phase(target: Target, events, concurrency: int, cap_s: float, client: str = "lean") -> dict:
    cpu0 = target.cpu_s() if target.proc else 0.0
    result = _drive(target, events, concurrency, cap_s, client)
    cpu = (target.cpu_s() - cpu0) if target.proc else None
    return {"requests": result.ok, "sent": result.sent, "rps": round(result.rps, 1), "p50_ms": _pct(result.latencies_ms, 0.5),
            "p99_ms": _pct(result.latencies_ms, 0.99), "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
            "errors": dict(sorted(result.errors.items())),
            "cpu_ms_per_request": round(1000 * cpu / result.sent, 3) if cpu is not None and result.sent else None,
            "client_cpu_ms_per_request": _round(result.cpu_ms_per_request), "load": _load_note()}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def run(data_dir: Path | None = None, quick: bool = False, restart_events: int | None = None, use_litellm: bool = True,
        client: str = "lean", out: Path | None = None) -> dict:
    """`data_dir` is unused (simulated traffic); `restart_events` defaults to 1M, 100k with `quick`;
    `client`: the load client, `lean` (bench.gateway_load) or `httpx` (the earlier one, to compare);
    `out`: where the results go, `out`.md and `out`.json (default bench/results/gateway)."""
    restart_events = restart_events or (100_000 if quick else 1_000_000)
    t_start = time.monotonic()
    n_lat, n_tp = (300, 1500) if quick else (1000, 4000)
    work = Path(tempfile.mkdtemp(prefix="dg-gateway-bench-"))
    events = _traffic(n_lat + 2 * n_tp + 100)
    keys = _keys(events, work / "keys.yaml")
    # concurrency caps off: the load generator's 64 clients are not one harvesting account
    (work / "policy.yaml").write_text("concurrency: {per_account: 0, per_campaign: 0}\n")
    up_port = _free_port()
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    upstream = start_upstream(up_port, env)
    redis = _start_redis(work)
    variants = [("distillguard", []), ("distillguard disk", ["--durability", "disk"])]
    if redis is not None:
        variants.append(("distillguard 2 workers", ["--workers", "2", "--redis", redis[1], "--bus", redis[1]]))
    gateways = []
    for name, extra in variants:
        gw_port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "gateway", "--upstream", f"http://127.0.0.1:{up_port}/v1",
                                 "--port", str(gw_port), "--keys", str(work / "keys.yaml"), "--policy", str(work / "policy.yaml"),
                                 "--state-dir", str(work / name.replace(" ", "-")), *extra], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gateways.append((name, gw_port, proc))
    litellm = _start_litellm(work, f"http://127.0.0.1:{up_port}", env) if use_litellm else None
    data: dict = {"quick": quick, "client": client, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "machine": f"{os.cpu_count()} cores shared by the load client, the upstream, both proxies and other jobs",
                  "load_at_start": _load_note()}
    try:
        _wait(f"http://127.0.0.1:{up_port}/_received", upstream)
        targets = [Target("direct", f"http://127.0.0.1:{up_port}", upstream, lambda e: UPSTREAM_KEY)]
        for name, gw_port, proc in gateways:
            _wait(f"http://127.0.0.1:{gw_port}/healthz", proc)
            targets.append(Target(name, f"http://127.0.0.1:{gw_port}", proc,
                                  lambda e: keys[e["account_id"]] if e else next(iter(keys.values())),
                                  also=(redis[0],) if "workers" in name else ()))
        if litellm is not None:
            _wait(litellm[1] + "/health/liveliness", litellm[0])
            targets.append(Target("litellm", litellm[1], litellm[0], lambda e: LITELLM_MASTER))
        warm = events[:100]
        for t in targets:
            _drive(t, warm, 4, 30, client)
        # latency, 1 client: three interleaved rounds so load drifts hit every target
        lat: dict[str, list] = {t.name: [] for t in targets}
        body = events[100:100 + n_lat]
        for round_ in range(3):
            for t in targets:
                lat[t.name].append(_drive(t, body[round_::3], 1, 20 if quick else 60, client))
        data["latency_1_client"] = {}
        for name, results in lat.items():
            values = [v for r in results for v in r.latencies_ms]
            errors: dict[str, int] = {}
            for r in results:
                for k, v in r.errors.items():
                    errors[k] = errors.get(k, 0) + v
            sent = sum(r.sent for r in results)
            data["latency_1_client"][name] = {
                "requests": len(values), "sent": sent, "p50_ms": _pct(values, 0.5), "p99_ms": _pct(values, 0.99),
                "errors": dict(sorted(errors.items())),
                "client_cpu_ms_per_request": round(1000 * sum(r.cpu_s for r in results) / sent, 3) if sent else None}
        data["latency_load"] = _load_note()
        # throughput at 16 and 64 clients, proxies back to back per level
        tp_events = events[100 + n_lat:]
        data["throughput"] = {}
        for concurrency in (16, 64):
            data["throughput"][str(concurrency)] = {
                t.name: _phase(t, tp_events[:n_tp], concurrency, 15 if quick else 40, client) for t in targets}
        # streaming lag
        data["streaming"] = {}
        for gap in (0.02, 0.1):
            tokens, streams = (20, 3 if quick else 8) if gap < 0.05 else (10, 2 if quick else 5)
            data["streaming"][str(gap)] = {t.name: _lag_summary(*_stream_lags(t, gap, tokens, streams, client))
                                           for t in targets}
            data["streaming"][str(gap)]["load"] = _load_note()
    finally:
        for proc in (*(g[2] for g in gateways), litellm[0] if litellm else None, upstream, redis[0] if redis else None):
            _stop(proc)
    from bench.gateway_micro import micro

    data["micro"] = {f"{mode}, {c} in flight": micro(1000 if quick else 3000, mode, c)
                     for mode, c in (("process", 1), ("disk", 1), ("process", 64))}
    data["micro"]["load"] = _load_note()
    data["restart"] = restart_bench(work / "restart", restart_events, env)
    data["seconds"] = round(time.monotonic() - t_start, 1)
    _write(data, quick, restart_events, use_litellm, out)
    return data


def _lag_summary(lags: list[float], problems: dict[str, int]) -> dict:
    return {"tokens": len(lags), "p50_ms": _pct(lags, 0.5), "p99_ms": _pct(lags, 0.99), "broken_streams": problems}


def _synthetic_log(path: Path, start: int, end: int) -> None:
    """Events `start`..`end` of a synthetic log, appended: time-ordered api-events from 3000 accounts."""
    import orjson

    base = datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp()
    with open(path, "ab") as handle:
        lines = []
        for i in range(start, end):
            account = f"acct-{(i * 7919) % 3000:05d}"
            ts = datetime.fromtimestamp(base + i * 0.05, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            lines.append(orjson.dumps({
                "request_id": f"r{i}", "ts": ts, "account_id": account, "org_id": None, "api_key_id": "k-" + account,
                "ip": f"198.51.{(i * 31) % 250}.{(i * 17) % 250}", "user_agent": "bench/1.0", "endpoint": "/v1/chat/completions",
                "model": "fake", "request": {"model": "fake", "messages": [{"role": "user", "content": f"question {i % 5000} about topic {i % 97}"}]},
                "response": {"choices": [{"index": 0, "message": {"role": "assistant", "content": "an answer"}, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}},
                "status": 200, "latency_ms": 5.0, "account": {}}) + b"\n")
            if len(lines) >= 10000:
                handle.write(b"".join(lines))
                lines = []
        handle.write(b"".join(lines))


def restart_bench(work: Path, n: int, env: dict) -> dict:
    """Time from `distillguard gateway` start to a healthy /healthz, with a `n`-event log whose
    snapshot (as the gateway's periodic snapshot leaves it) lags the log's end by 2000 events."""
    from distillguard.gateway.enforcer import Enforcer
    from distillguard.gateway.policy import PolicyHolder
    from distillguard.gateway.state import MemoryState

    state = work / "state"
    state.mkdir(parents=True)
    log = state / "events.jsonl"
    t0 = time.monotonic()
    _synthetic_log(log, 0, n - min(2000, n))
    written_s = time.monotonic() - t0
    # the state a running gateway had 2000 events before the end: scored from the log, then snapshotted
    t0 = time.monotonic()
    Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=state).close()  # close writes the snapshot
    scored_s = time.monotonic() - t0
    out = time_restart(state, env)
    out.update(setup_write_s=round(written_s, 1), setup_score_s=round(scored_s, 1))
    return out


def time_restart(state: Path, env: dict, tail: int = 2000) -> dict:
    """Append `tail` events after the snapshot of `state` (a gateway's state folder), then time a
    restart to a healthy /healthz; the gateway's own restore time comes from its /metrics."""
    log = state / "events.jsonl"
    existing = sum(1 for _ in open(log, "rb"))
    _synthetic_log(log, existing, existing + tail)
    port = _free_port()
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "distillguard.gateway", "--port", str(port), "--state-dir", str(state)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", proc, timeout=900)
        healthy_s = time.monotonic() - t0
        while True:  # serving already; the scorer is rebuilt in the background until restoring is 0
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
            if "distillguard_restoring 1" not in metrics:
                break
            time.sleep(0.05)
        restored_s = time.monotonic() - t0
    finally:
        _stop(proc)

    def gauge(name: str) -> float | None:
        return next((float(l.split()[-1]) for l in metrics.splitlines() if l.startswith(name + " ")), None)

    return {"log_events": existing + tail, "log_bytes": log.stat().st_size,
            "snapshot_bytes": (state / "snapshot.json").stat().st_size, "tail_events_replayed": gauge("distillguard_events_restored"),
            "restore_s": gauge("distillguard_restore_seconds"), "start_to_healthy_s": round(healthy_s, 2),
            "start_to_scorer_restored_s": round(restored_s, 2), "load": _load_note()}


def markdown(d: dict, command: str) -> str:
    out = [f"# Gateway benchmark (distillguard gateway vs LiteLLM proxy)\n",
           f"`{command}` — {d['date']}; {d['machine']}; {d['load_at_start']} at start. Fake upstream with zero model "
           "time; traffic: the simulator's ordinary accounts, one key each; scorer, policy, audit and the event log all "
           "active in the gateway (`distillguard`: the default, --durability process, each event written to the OS "
           "before the last byte and fdatasynced every 0.1 s; `disk`: --durability disk, fdatasync group commit before the "
           "last byte; `2 workers`: --workers 2 (process durability) with a local Redis for shared state and the bus, "
           "its CPU counted); LiteLLM proxy plain (no callback), one worker.\n",
           _client_note(d.get("client", "httpx")) + "\n"]
    lat = d["latency_1_client"]
    direct = lat["direct"]
    out.append(f"## Latency, 1 client ({d['latency_load']})\n\n| target | requests | p50 ms | p99 ms | added p50 | added p99 | "
               "errors | client CPU ms/request |\n|---|---|---|---|---|---|---|---|")
    for name, v in lat.items():
        out.append(f"| {name} | {v['requests']} | {v['p50_ms']} | {v['p99_ms']} | {round(v['p50_ms'] - direct['p50_ms'], 3)} | "
                   f"{round(v['p99_ms'] - direct['p99_ms'], 3)} | {v.get('errors', '')} | {v.get('client_cpu_ms_per_request', '')} |")
    out.append("\n## Throughput\n\n`requests`: successful responses (status 200, whole, a completion's JSON); req/s counts only "
               "those; `CPU ms/request`: the target's process tree; `client CPU`: the load client's process.\n\n"
               "| clients | target | requests | req/s | x LiteLLM | p50 ms | p99 ms | CPU ms/request | client CPU ms/request | "
               "statuses | errors | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    for level, per in d["throughput"].items():
        base = (per.get("litellm") or {}).get("rps")
        for name, v in per.items():
            ratio = round(v["rps"] / base, 2) if base else ""
            out.append(f"| {level} | {name} | {v['requests']} | {v['rps']} | {ratio} | {v['p50_ms']} | {v['p99_ms']} | "
                       f"{v['cpu_ms_per_request']} | {v.get('client_cpu_ms_per_request', '')} | {v['statuses']} | "
                       f"{v.get('errors', '')} | {v['load']} |")
    if "micro" in d:
        out.append(f"\n## The gateway's own work per request, in process (`python -m bench.gateway_micro`; {d['micro']['load']})\n\n"
                   "The ASGI app called directly (no server sockets or HTTP parsing by uvicorn), its upstream a canned "
                   "keep-alive server on loopback in another thread; CPU time of the one thread that runs the gateway's code "
                   "(its socket system calls included), which the machine's load inflates far less than wall time.\n\n"
                   "| durability, concurrency | requests | CPU ms/request | of which scorer process | scorer precheck | the rest | "
                   "event-log syncs | mean sync ms |\n|---|---|---|---|---|---|---|---|")
        for mode, v in d["micro"].items():
            if mode == "load":
                continue
            out.append(f"| {mode} | {v['requests']} | {v['cpu_ms_per_request']} | {v['scorer_process_ms_per_request']} | "
                       f"{v['scorer_precheck_ms_per_request']} | {v['gateway_without_scorer_ms_per_request']} | "
                       f"{v['event_log_syncs']} | {v['event_log_sync_ms_mean']} |")
    out.append("\n## Streaming: per-token lag (arrival minus the upstream's send time)\n\n"
               "| ms/token | target | tokens | p50 ms | p99 ms | added p50 over direct | broken streams |\n|---|---|---|---|---|---|---|")
    for gap, per in d["streaming"].items():
        base = per["direct"]["p50_ms"]
        for name, v in per.items():
            if name == "load":
                continue
            out.append(f"| {float(gap) * 1000:g} | {name} | {v['tokens']} | {v['p50_ms']} | {v['p99_ms']} | "
                       f"{round(v['p50_ms'] - base, 3)} | {v.get('broken_streams', '')} |")
        out.append(f"| | ({per['load']}) | | | | | |")
    r = d["restart"]
    out.append(f"\n## Restart\n\nLog of {r['log_events']:,} events ({r['log_bytes'] / 1e6:.0f} MB), snapshot "
               f"{r['snapshot_bytes'] / 1e6:.1f} MB taken {r['tail_events_replayed']:g} events before its end: "
               f"**{r['start_to_healthy_s']} s** from process start to a healthy /healthz (serving; accounts flagged or "
               f"blocked before stay refused from the decision store), {r.get('start_to_scorer_restored_s')} s to the scorer "
               f"rebuilt in the background ({r['restore_s']} s of it loading the snapshot and replaying the tail) ({r['load']})."
               + (f" Set-up (not part of the restart): writing the log {r['setup_write_s']} s, scoring it to build the "
                  f"snapshot {r['setup_score_s']} s." if "setup_write_s" in r else "") + "\n")
    return "\n".join(out) + "\n"


def _client_note(client: str) -> str:
    if client == "lean":
        return ("Load client: `bench.gateway_load` (`--client lean`), in this process: requests encoded before the clock "
                "starts, one kept-alive HTTP/1.1 connection per client on uvloop, each response read whole (Content-Length "
                "or chunked) and a 200's body checked to be a completion's JSON; the same client for every target.")
    return ("Load client: httpx in this process (`--client httpx`, the earlier client), with the same status and body "
            "checks; the same client for every target.")


def _write(data: dict, quick: bool, restart_events: int, use_litellm: bool, out: Path | None = None) -> None:
    client = data.get("client", "lean")
    command = "python -m bench.gateway_bench" + (" --quick" if quick else "") + \
              (f" --restart-events {restart_events}" if restart_events != (100_000 if quick else 1_000_000) else "") + \
              ("" if use_litellm else " --no-litellm") + ("" if client == "lean" else f" --client {client}") + \
              ("" if out is None else f" --out {out}")
    out = out or RESULTS / "gateway"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_name(out.name + ".json").write_text(json.dumps(data, indent=2) + "\n")
    out.with_name(out.name + ".md").write_text(markdown(data, command))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a few minutes)")
    parser.add_argument("--restart-events", type=int, default=None, help="events in the restart bench's log (default 1M; 100k with --quick)")
    parser.add_argument("--no-litellm", action="store_true", help="skip LiteLLM even when its venv exists")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="the load client: lean (bench.gateway_load, the default) or httpx (the earlier one, to compare)")
    parser.add_argument("--out", type=Path, default=None, help="results to OUT.md and OUT.json (default bench/results/gateway)")
    parser.add_argument("--restart-state", type=Path, default=None,
                        help="only time a restart: append 2000 events to this gateway state folder's log and restart on it")
    parser.add_argument("--data-dir", type=Path, default=None, help="unused (the traffic is simulated)")
    args = parser.parse_args(argv)
    if args.restart_state is not None:
        env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=TOKEN)
        print(json.dumps(time_restart(args.restart_state, env), indent=2))
        return
    print(json.dumps(run(args.data_dir, args.quick, args.restart_events, not args.no_litellm, args.client, args.out), indent=2))


if __name__ == "__main__":
    main()
