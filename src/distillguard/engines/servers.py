"""Start a throwaway redis-server or nats-server (JetStream) on 127.0.0.1 for tests and benchmarks.

Production runs its own brokers; these helpers exist so tests and `bench/engines_bench.py`
exercise the real servers (Debian packages `redis-server`, `nats-server`) rather than fakes.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()[-2000:] if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"server did not listen on 127.0.0.1:{port} within {timeout_s}s")


@dataclass
class Server:
    kind: str
    url: str
    port: int
    process: subprocess.Popen
    workdir: Path
    _own_dir: bool = False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_redis(workdir: str | Path | None = None, port: int | None = None, appendfsync: str = "everysec") -> Server:
    """redis-server with AOF persistence (appendfsync `everysec` or `always`)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    own = workdir is None
    directory = Path(workdir or tempfile.mkdtemp(prefix="dg-redis-"))
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = directory / "redis.log"
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory), "--appendonly", "yes",
         "--appendfsync", appendfsync, "--save", "", "--protected-mode", "yes", "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    _wait_port(port, process, 15, log)
    return Server("redis", f"redis://127.0.0.1:{port}/0", port, process, directory, own)


def start_nats(workdir: str | Path | None = None, port: int | None = None) -> Server:
    """nats-server with JetStream, file storage under `workdir`."""
    binary = shutil.which("nats-server")
    if binary is None:
        raise FileNotFoundError("nats-server is not installed (apt-get install nats-server)")
    own = workdir is None
    directory = Path(workdir or tempfile.mkdtemp(prefix="dg-nats-"))
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = directory / "nats.log"
    process = subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(directory / "jetstream"), "-l", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    _wait_port(port, process, 15, log)
    return Server("nats", f"nats://127.0.0.1:{port}", port, process, directory, own)
