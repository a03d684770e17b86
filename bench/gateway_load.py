"""A lean HTTP/1.1 load client for the gateway benchmark: what it costs per request stays small
beside what it measures.

On the benchmark's two shared cores a general-purpose client (httpx: request and response
models, a connection pool, header normalisation) spent more CPU per request than the gateway it
was measuring, and that CPU came out of the servers' share. Here every request is encoded once,
before the clock starts; each client keeps one loopback connection alive (asyncio protocol, uvloop
when installed) and sends its next request when the last response is complete. A response is read
only as far as needed to know it is whole: the status line, Content-Length or chunked framing,
`Connection: close`; then (by default) a 200's body must parse as JSON with a non-empty `choices`
list. Anything else is counted, never as a success:

* `statuses`: every status code received with a complete body;
* `errors`: `unexpected_status` (complete, but not the expected status), `bad_body` (the expected
  status, but the body fails the check), `closed_before_answer`, `closed_mid_response`,
  `malformed` (an unparsable head or chunk framing, or bytes after the response), `timeout`,
  `connect` (the connection could not be opened).

Latencies are of successful responses only, from the first byte written to the last byte read.
The client's own CPU (the process's user + system time over the run) is reported per request
sent, so a reader can check it stays small beside the servers' CPU.

    from bench.gateway_load import encode_post, run_load
    result = run_load("127.0.0.1", port, [encode_post(...), ...], concurrency=16, cap_s=30)
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Callable

import orjson

try:  # the `services` extra installs uvloop; without it the stdlib loop serves
    import uvloop

    _LOOP_FACTORY: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
except ImportError:  # pragma: no cover - depends on the install
    _LOOP_FACTORY = None

MAX_HEAD = 64 * 1024


def encode_post(host: str, port: int, path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """One complete HTTP/1.1 POST (JSON body, keep-alive), ready to write."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body)}"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def completion_ok(body: bytes) -> bool:
    """A non-streamed completion: a JSON object with a non-empty `choices` list."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(doc, dict) and isinstance(doc.get("choices"), list) and len(doc["choices"]) > 0


class Broken(Exception):
    """The response could not be read whole; `kind` is the error counter it goes to."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _dechunk(buf: bytearray, start: int) -> tuple[bytes, int] | None:
    """The body of a chunked message starting at `start` and the index just past it; None while
    incomplete; Broken('malformed') on bad framing. Trailers are not expected (none of the servers
    send them) and count as malformed."""
    parts, i = [], start
    while True:
        eol = buf.find(b"\r\n", i)
        if eol < 0:
            if len(buf) - i > 1024:
                raise Broken("malformed")
            return None
        size_text = bytes(buf[i:eol]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise Broken("malformed") from None
        if size < 0:
            raise Broken("malformed")
        data_start = eol + 2
        if size == 0:
            if len(buf) < data_start + 2:
                return None
            if buf[data_start:data_start + 2] != b"\r\n":
                raise Broken("malformed")
            return b"".join(parts), data_start + 2
        if len(buf) < data_start + size + 2:
            return None
        if buf[data_start + size:data_start + size + 2] != b"\r\n":
            raise Broken("malformed")
        parts.append(bytes(buf[data_start:data_start + size]))
        i = data_start + size + 2


class _Connection(asyncio.Protocol):
    """One kept-alive connection, one request at a time."""

    def __init__(self, on_data: Callable[[bytes, float], None] | None = None) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.lost = False
        self.close_after = False
        self.on_data = on_data  # streaming: every piece as it arrives, with its wall-clock time
        self._reset()

    def _reset(self) -> None:
        self.body_start = -1
        self.status = 0
        self.length = -1
        self.chunked = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.on_data is not None:
            self.on_data(data, time.time())
        self.buf += data
        if self.waiter is None or self.waiter.done():
            self.close_after = True  # bytes nobody asked for: this connection is not trusted again
            return
        try:
            self._advance()
        except Broken as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is None or self.waiter.done():
            return
        if self.body_start >= 0 and self.length < 0 and not self.chunked:  # a body that ends with the connection
            self._finish(bytes(self.buf[self.body_start:]), len(self.buf))
        else:
            self._fail(Broken("closed_mid_response" if self.buf else "closed_before_answer"))

    # framing
    def _advance(self) -> None:
        buf = self.buf
        if self.body_start < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEAD:
                    raise Broken("malformed")
                return
            head = bytes(buf[:end]).lower()
            if not head.startswith((b"http/1.1 ", b"http/1.0 ")) or not head[9:12].isdigit():
                raise Broken("malformed")
            self.status = int(head[9:12])
            if self.status < 200:  # 1xx: nothing the benchmark asks for
                raise Broken("malformed")
            self.body_start = end + 4
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                value = head[at + 17:stop if stop >= 0 else len(head)].strip()
                if not value.isdigit():
                    raise Broken("malformed")
                self.length = int(value)
            else:
                at = head.find(b"\r\ntransfer-encoding:")
                if at >= 0:
                    stop = head.find(b"\r\n", at + 2)
                    self.chunked = b"chunked" in head[at:stop if stop >= 0 else len(head)]
            self.close_after = b"\r\nconnection: close" in head or head.startswith(b"http/1.0 ")
            if self.length < 0 and not self.chunked:
                self.close_after = True
        if self.length >= 0:
            end = self.body_start + self.length
            if len(buf) >= end:
                self._finish(bytes(buf[self.body_start:end]), end)
        elif self.chunked:
            done = _dechunk(buf, self.body_start)
            if done is not None:
                self._finish(*done)

    def _finish(self, body: bytes, end: int) -> None:
        extra = len(self.buf) > end
        del self.buf[:end]
        status = self.status
        self._reset()
        waiter, self.waiter = self.waiter, None
        if extra:  # no pipelining here: bytes past the response mean the framing is wrong
            self.close_after = True
            waiter.set_exception(Broken("malformed"))
        else:
            waiter.set_result((status, body))

    def _fail(self, exc: Broken) -> None:
        self.close_after = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    async def request(self, data: bytes) -> tuple[int, bytes]:
        if self.lost:
            raise Broken("closed_before_answer")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)  # type: ignore[union-attr]
        return await self.waiter

    @property
    def usable(self) -> bool:
        return not self.lost and not self.close_after

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _connect(host: str, port: int, on_data: Callable[[bytes, float], None] | None = None) -> _Connection:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: _Connection(on_data), host, port)
    return protocol  # type: ignore[return-value]


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)  # successful responses only
    statuses: dict[int, int] = field(default_factory=dict)  # every complete response
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    ok: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0  # this process's CPU over the run (the client's own cost)
    connections: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def rps(self) -> float:
        return self.ok / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        return 1000.0 * self.cpu_s / self.sent if self.sent else None


async def _load(host: str, port: int, requests: list[bytes], concurrency: int, cap_s: float, expect: int,
                check: Callable[[bytes], bool] | None, timeout_s: float) -> LoadResult:
    result = LoadResult()
    pending = iter(requests)
    deadline = time.monotonic() + cap_s
    perf = time.perf_counter
    latencies, statuses = result.latencies_ms, result.statuses

    async def client() -> None:
        conn: _Connection | None = None
        try:
            while time.monotonic() < deadline:
                data = next(pending, None)
                if data is None:
                    return
                result.sent += 1
                if conn is None or not conn.usable:
                    if conn is not None:
                        conn.close()
                    try:
                        conn = await asyncio.wait_for(_connect(host, port), timeout_s)
                    except (OSError, asyncio.TimeoutError):
                        conn = None
                        result.error("connect")
                        continue
                    result.connections += 1
                started = perf()
                try:
                    async with asyncio.timeout(timeout_s):
                        status, body = await conn.request(data)
                except Broken as exc:
                    result.error(exc.kind)
                    continue
                except TimeoutError:
                    result.error("timeout")
                    conn.close()
                    conn = None
                    continue
                elapsed = perf() - started
                statuses[status] = statuses.get(status, 0) + 1
                if status != expect:
                    result.error("unexpected_status")
                elif check is not None and not check(body):
                    result.error("bad_body")
                else:
                    result.ok += 1
                    latencies.append(elapsed * 1000.0)
        finally:
            if conn is not None:
                conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.wall_s = time.perf_counter() - started
    return result


def _run(coro):
    if _LOOP_FACTORY is not None:
        with asyncio.Runner(loop_factory=_LOOP_FACTORY) as runner:
            return runner.run(coro)
    return asyncio.run(coro)  # pragma: no cover - without uvloop


def run_load(host: str, port: int, requests: list[bytes], concurrency: int, cap_s: float = 60.0, *, expect: int = 200,
             check: Callable[[bytes], bool] | None = completion_ok, timeout_s: float = 60.0) -> LoadResult:
    """Send `requests` (pre-encoded, see `encode_post`) with `concurrency` clients, each on its own
    kept-alive connection, until they are all sent or `cap_s` has passed; a fresh event loop."""
    cpu0 = time.process_time()
    result = _run(_load(host, port, requests, concurrency, cap_s, expect, check, timeout_s))
    result.cpu_s = time.process_time() - cpu0
    return result


_TOKEN_TIME = re.compile(rb"w\d+@(\d+\.\d+)")


async def _stream_lags(host: str, port: int, requests: list[bytes], timeout_s: float) -> tuple[list[float], dict[str, int]]:
    lags: list[float] = []
    problems: dict[str, int] = {}
    pieces: list[tuple[bytes, float]] = []
    conn: _Connection | None = None
    try:
        for data in requests:
            if conn is None or not conn.usable:
                if conn is not None:
                    conn.close()
                conn = await _connect(host, port, lambda piece, at: pieces.append((piece, at)))
            pieces.clear()
            try:
                async with asyncio.timeout(timeout_s):
                    status, body = await conn.request(data)
            except Broken as exc:
                problems[exc.kind] = problems.get(exc.kind, 0) + 1
                continue
            if status != 200 or b"data: [DONE]" not in body:
                problems["incomplete_stream" if status == 200 else "unexpected_status"] = \
                    problems.get("incomplete_stream" if status == 200 else "unexpected_status", 0) + 1
                continue
            # a token arrived with the piece that holds its last byte
            raw = b"".join(piece for piece, _ in pieces)
            ends, total = [], 0
            for piece, _ in pieces:
                total += len(piece)
                ends.append(total)
            k = 0
            for match in _TOKEN_TIME.finditer(raw):
                while ends[k] < match.end():
                    k += 1
                lags.append((pieces[k][1] - float(match.group(1))) * 1000.0)
    finally:
        if conn is not None:
            conn.close()
    return lags, problems


def stream_lags(host: str, port: int, requests: list[bytes], timeout_s: float = 60.0) -> tuple[list[float], dict[str, int]]:
    """Streamed requests one after another on one connection: each token's lag in ms (the time its
    piece arrived minus the send time `w<i>@<epoch>` carried in the token), and any broken streams."""
    return _run(_stream_lags(host, port, requests, timeout_s))
