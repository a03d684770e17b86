"""The gateway's client to the upstream: HTTP/1.1 keep-alive on asyncio streams, parsed by httptools.

A general-purpose client's connection pool, transport layers and request/response models cost
more CPU per proxied request than the gateway's own decision; the gateway needs one thing: POST
a body to one base URL and relay the answer, whole or as it streams. Connections are kept alive
and reused (at most `max_connections` at once; callers beyond it wait for one to free up); a
reused connection the upstream closed while idle is retried once on a fresh one (nothing was
sent on it yet). Timeouts: `connect_timeout_s` to connect, `timeout_s` for each read.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from typing import AsyncIterator
from urllib.parse import urlsplit

import httptools


class UpstreamError(Exception):
    """The upstream could not be reached or broke the response off."""


class UpstreamTimeout(UpstreamError):
    def __init__(self, message: str, connect: bool = False) -> None:
        super().__init__(message)
        self.connect = connect


class _Stale(Exception):
    """A kept-alive connection was closed by the upstream before it answered anything."""


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    def close(self) -> None:
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001 - already gone
            pass


class UpstreamResponse:
    """Status and headers once they arrived; the body via `aread()` or `aiter_raw()`."""

    def __init__(self, client: "UpstreamClient", conn: _Connection, timeout_s: float) -> None:
        self._client, self._conn, self._timeout_s = client, conn, timeout_s
        self.status_code = 0
        self.headers: dict[str, str] = {}
        self._chunks: deque[bytes] = deque()
        self._headers_done = self._complete = self._released = False
        self._got_bytes = False
        self._keep_alive = False
        self._parser = httptools.HttpResponseParser(self)
        self.content = b""

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self.status_code = self._parser.get_status_code()
        # asked now: once the message is complete the parser has reset and says "close" for every response
        self._keep_alive = self._parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        self._chunks.append(bytes(body))

    def on_message_complete(self) -> None:
        self._complete = True

    async def _feed(self) -> None:
        """Read what the upstream sends next and parse it."""
        try:
            async with asyncio.timeout(self._timeout_s):  # no extra task per read, unlike wait_for
                data = await self._conn.reader.read(65536)
        except asyncio.TimeoutError:
            raise UpstreamTimeout(f"no answer from the upstream within {self._timeout_s:g} s") from None
        except (ConnectionError, OSError) as exc:
            if not self._got_bytes:
                raise _Stale from exc
            raise UpstreamError(f"upstream connection failed: {type(exc).__name__}") from None
        if not data:
            if not self._got_bytes:
                raise _Stale
            delimited = "content-length" in self.headers or "chunked" in self.headers.get("transfer-encoding", "")
            if self._headers_done and not delimited:  # a body that ends with the connection
                self._complete = True
                return
            raise UpstreamError("the upstream closed the connection mid-response")
        self._got_bytes = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # pragma: no cover - never asked for
            raise UpstreamError("unexpected protocol upgrade") from None
        except httptools.HttpParserError as exc:
            raise UpstreamError(f"malformed upstream response ({exc})") from None

    async def _start(self) -> None:
        while not self._headers_done:
            await self._feed()

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            while True:
                while self._chunks:
                    yield self._chunks.popleft()
                if self._complete:
                    break
                await self._feed()
        except BaseException:
            await self.aclose()
            raise
        self._release(reuse=True)

    async def aread(self) -> bytes:
        parts = [chunk async for chunk in self.aiter_raw()]
        self.content = parts[0] if len(parts) == 1 else b"".join(parts)
        return self.content

    async def aclose(self) -> None:
        self._release(reuse=False)

    def _release(self, reuse: bool) -> None:
        if self._released:
            return
        self._released = True
        keep = reuse and self._complete and self._got_bytes and self._keep_alive and \
            not self._conn.reader.at_eof()
        self._client._give_back(self._conn, keep)


class UpstreamClient:
    def __init__(self, base_url: str, *, max_connections: int = 200, timeout_s: float = 120.0,
                 connect_timeout_s: float = 5.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream must be an http:// or https:// URL, got {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.base_path = parts.path.rstrip("/") + "/"
        default_port = (parts.scheme == "https" and self.port == 443) or (parts.scheme == "http" and self.port == 80)
        self._host_header = (parts.hostname if default_port else f"{parts.hostname}:{self.port}").encode("idna")
        self.timeout_s, self.connect_timeout_s = timeout_s, connect_timeout_s
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self.connections_opened = 0

    async def _connect(self) -> _Connection:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=self.ssl, limit=1 << 20), self.connect_timeout_s)
        except asyncio.TimeoutError:
            raise UpstreamTimeout(f"connecting to the upstream took over {self.connect_timeout_s:g} s", connect=True) from None
        except (OSError, ssl.SSLError) as exc:
            raise UpstreamError(f"cannot connect to the upstream: {type(exc).__name__}") from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    def _give_back(self, conn: _Connection, keep: bool) -> None:
        if keep and not conn.writer.is_closing():
            self._idle.append(conn)
        else:
            conn.close()
        self._slots.release()

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> UpstreamResponse:
        """Send the request; returns once the status and headers arrived (the body follows)."""
        head = [b"POST ", (self.base_path + path.lstrip("/")).encode("latin-1"), b" HTTP/1.1\r\nHost: ", self._host_header,
                b"\r\nContent-Length: ", str(len(body)).encode()]
        for key, value in headers.items():
            head += [b"\r\n", key.encode("latin-1"), b": ", value.encode("latin-1")]
        head.append(b"\r\n\r\n")
        request = b"".join(head) + body
        await self._slots.acquire()
        try:
            for attempt in (0, 1):
                fresh = not self._idle or attempt == 1
                conn = await self._connect() if fresh else self._idle.pop()
                response = UpstreamResponse(self, conn, self.timeout_s)
                try:
                    conn.writer.write(request)
                    await response._start()
                    return response
                except _Stale:
                    conn.close()
                    if fresh:
                        raise UpstreamError("the upstream closed the connection without answering") from None
                except BaseException:
                    conn.close()
                    raise
            raise UpstreamError("the upstream closed the connection without answering")  # pragma: no cover
        except BaseException:
            self._slots.release()
            raise

    async def aclose(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()
