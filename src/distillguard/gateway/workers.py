"""Several gateway processes on one port, sharing detection, blocks and buckets.

One Python process runs the proxy's HTTP, JSON and scoring work on one core. `--workers N`
starts N processes that accept connections on one listening socket (opened here, inherited by
each), and makes each a replica of the others: the same Redis (`--redis`: analysts' blocks,
holds, the review queue, token buckets, shared flags) and the same event bus (`--bus`: every
worker's scorer sees every worker's events in one order, see `replicas`), so a campaign spread
over workers is caught as on one process. Each worker keeps its own durable files under
STATE_DIR/worker-<k>/ (event log of the responses it served, snapshot, audit trail, the local
copy of decisions it falls back on when Redis is away); a restart with the same N finds them.

This process only supervises: it forwards SIGTERM/SIGINT to the workers and, when one exits on
its own, stops the others and exits with its status (leave restarts to the service manager).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def worker_args(argv: list[str], state_dir: Path, k: int, fd: int) -> list[str]:
    """This command's own arguments for worker `k`: one process, its own state folder, the shared socket."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in ("--workers", "--state-dir", "--port", "--host", "--listen-fd"):
            skip = "=" not in arg
            continue
        out.append(arg)
    return out + ["--workers", "1", "--state-dir", str(state_dir / f"worker-{k}"), "--listen-fd", str(fd)]


def supervise(argv: list[str], n: int, host: str, port: int, state_dir: Path, env: dict[str, str]) -> int:
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(2048)
    listener.set_inheritable(True)
    fd = listener.fileno()
    procs = [subprocess.Popen([sys.executable, "-m", "distillguard.gateway", *worker_args(argv, state_dir, k, fd)],
                              pass_fds=(fd,), env=env) for k in range(n)]
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    try:
        while True:
            exited = [p for p in procs if p.poll() is not None]
            if exited and not stopping:  # one worker died: the set is incomplete, stop them all
                status = exited[0].returncode or 1
                print(f"error: gateway worker {procs.index(exited[0])} exited with status {exited[0].returncode}; "
                      "stopping the others", file=sys.stderr)
                stop(signal.SIGTERM, None)
            if all(p.poll() is not None for p in procs):
                return status
            time.sleep(0.2)
    finally:
        listener.close()
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def inherited_listener(fd: int) -> socket.socket:
    """A worker's view of the supervisor's listening socket, with its real family (TCP).

    uvicorn's own `fd=` wraps the descriptor as a Unix socket, so the event loop treats every
    accepted connection as one and leaves Nagle's algorithm on: with delayed ACKs each small
    response then waits ~40 ms. Detecting the family from the descriptor keeps TCP_NODELAY."""
    return socket.socket(fileno=fd)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
