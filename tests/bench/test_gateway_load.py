"""The benchmark's lean load client against a tiny local server: what it counts as a success,
what it counts as an error, and that it keeps its connections alive."""

from __future__ import annotations

import asyncio
import threading
import time

import orjson
import pytest

from bench.gateway_load import completion_ok, encode_post, run_load, stream_lags

GOOD = orjson.dumps({"id": "x", "choices": [{"index": 0, "message": {"content": "hi"}}]})


class TinyServer:
    """HTTP/1.1 on loopback in a thread; what it answers depends on the path."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests = 0
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "TinyServer":
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)

    def _serve(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop.wait()
            server.close()

        asyncio.run(main())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                self.requests += 1
                if path == b"/ok":
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(GOOD), GOOD))
                elif path == b"/limited":
                    writer.write(b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 2\r\n\r\n{}")
                elif path == b"/chunked":  # two chunks of the good body, then the last chunk
                    a, b = GOOD[:10], GOOD[10:]
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    await writer.drain()
                    writer.write(b"%x\r\n%s\r\n" % (len(a), a))
                    await writer.drain()
                    await asyncio.sleep(0.002)
                    writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(b), b))
                elif path == b"/badjson":
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnot json")
                elif path == b"/nochoices":
                    writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{"choices":[]}')
                elif path == b"/truncated":  # promises 100 bytes, sends 10, hangs up
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + GOOD[:10])
                    await writer.drain()
                    writer.close()
                    return
                elif path == b"/close":  # a whole answer, then the server ends the connection
                    writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(GOOD), GOOD))
                    await writer.drain()
                    writer.close()
                    return
                elif path == b"/silent":
                    writer.close()
                    return
                elif path == b"/extra":  # a response with bytes after it
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%sHTTP/1.1" % (len(GOOD), GOOD))
                elif path == b"/stream":
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    for i in range(5):
                        await asyncio.sleep(0.01)
                        event = b'data: {"choices":[{"delta":{"content":"w%d@%.6f "}}]}\n\n' % (i, time.time())
                        writer.write(b"%x\r\n%s\r\n" % (len(event), event))
                        await writer.drain()
                    done = b"data: [DONE]\n\n"
                    writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(done), done))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _requests(server: TinyServer, *paths: str) -> list[bytes]:
    return [encode_post("127.0.0.1", server.port, p, b'{"model":"fake"}', {"Authorization": "Bearer k"}) for p in paths]


def test_all_good_over_kept_alive_connections():
    with TinyServer() as server:
        result = run_load("127.0.0.1", server.port, _requests(server, *["/ok"] * 60, *["/chunked"] * 20), concurrency=4)
        assert server.requests == 80
        assert server.connections == 4
    assert (result.sent, result.ok, result.connections) == (80, 80, 4)
    assert result.statuses == {200: 80}
    assert result.errors == {}
    assert len(result.latencies_ms) == 80 and min(result.latencies_ms) > 0
    assert result.cpu_s > 0 and result.cpu_ms_per_request is not None and result.rps > 0


def test_broken_and_unexpected_responses_never_count_as_successes():
    paths = ["/ok", "/limited", "/ok", "/badjson", "/nochoices", "/truncated", "/ok", "/close", "/ok", "/silent",
             "/chunked", "/extra", "/ok"]
    with TinyServer() as server:
        result = run_load("127.0.0.1", server.port, _requests(server, *paths), concurrency=1, timeout_s=5)
        connections = server.connections
    # successes: 5 x /ok, /close (whole before the hang-up), /chunked
    assert result.ok == 7 and len(result.latencies_ms) == 7
    assert result.sent == len(paths)
    assert result.statuses == {200: 9, 429: 1}  # complete responses; /badjson and /nochoices are complete but bad
    assert result.errors == {"unexpected_status": 1, "bad_body": 2, "closed_mid_response": 1,
                             "closed_before_answer": 1, "malformed": 1}
    # a fresh connection after each that ended: /truncated, /close, /silent, /extra
    assert result.connections == connections == 5


def test_timeout_and_connect_errors_are_counted():
    with TinyServer() as server:
        port = server.port
    # nothing listens any more
    result = run_load("127.0.0.1", port, _requests(server, "/ok", "/ok"), concurrency=1)
    assert result.ok == 0 and result.errors == {"connect": 2} and result.latencies_ms == []


def test_cap_stops_sending():
    with TinyServer() as server:
        result = run_load("127.0.0.1", server.port, _requests(server, *["/stream"] * 50), concurrency=1, cap_s=0.1,
                          check=None)
    assert 1 <= result.sent < 50 and result.ok == result.sent


def test_completion_check():
    assert completion_ok(GOOD)
    assert not completion_ok(b"[]") and not completion_ok(b'{"choices": []}') and not completion_ok(b"{")


def test_stream_lags_per_token():
    with TinyServer() as server:
        lags, problems = stream_lags("127.0.0.1", server.port, _requests(server, "/stream", "/stream", "/ok"))
        assert server.connections == 1
    assert len(lags) == 10 and problems == {"incomplete_stream": 1}
    assert all(0 <= lag < 1000 for lag in lags)


@pytest.mark.parametrize("concurrency", [1, 8])
def test_against_uvicorn_fake_upstream(concurrency):
    from distillguard.gateway.testing import ServerThread, fake_upstream

    with ServerThread(fake_upstream(api_key="sk-up", words=10)) as server:
        body = orjson.dumps({"model": "fake", "messages": [{"role": "user", "content": "hi"}]})
        good = encode_post("127.0.0.1", server.port, "/v1/chat/completions", body, {"Authorization": "Bearer sk-up"})
        bad = encode_post("127.0.0.1", server.port, "/v1/chat/completions", body, {"Authorization": "Bearer wrong"})
        result = run_load("127.0.0.1", server.port, [good] * 40 + [bad] * 4, concurrency=concurrency)
    assert result.ok == 40 and result.statuses == {200: 40, 401: 4}
    assert result.errors == {"unexpected_status": 4}
    assert result.connections == concurrency
