"""A raw ASGI layer for the gateway: routing, requests and responses without a web framework.

The proxy path is the gateway's hot path: a framework's routing, dependency resolution and
response classes cost more CPU per request than the gateway's own work, and importing one
costs a second of start-up. This module has only what the gateway needs: exact and
`{id}`-pattern routes, the lifespan protocol, bodies with a size limit, JSON (orjson),
plain and streamed responses, and a client that goes away mid-stream ending the stream.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from types import SimpleNamespace
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qsl

import orjson


class TooLarge(Exception):
    pass


class Request:
    __slots__ = ("scope", "_receive", "headers", "path_params", "_query")

    def __init__(self, scope: dict, receive: Callable[[], Awaitable[dict]], path_params: dict[str, str] | None = None) -> None:
        self.scope = scope
        self._receive = receive
        headers: dict[str, str] = {}
        for raw_key, raw_value in scope.get("headers") or ():
            key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
            # a repeated field means its values joined by commas (RFC 9110 5.3): X-Forwarded-For lines
            # added by different hops keep their order, and two Authorization lines make no valid token
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.headers = headers
        self.path_params = path_params or {}
        self._query: dict[str, str] | None = None

    @property
    def client_host(self) -> str | None:
        client = self.scope.get("client")
        return client[0] if client else None

    @property
    def query_params(self) -> dict[str, str]:
        if self._query is None:
            raw = self.scope.get("query_string") or b""
            self._query = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
        return self._query

    async def body(self, limit: int) -> bytes:
        """The whole body; TooLarge past `limit` bytes (declared or received)."""
        declared = self.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise TooLarge
        chunks, size = [], 0
        while True:
            message = await self._receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body") or b""
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _raw_headers(media_type: str | None, headers: dict[str, str] | None, length: int | None) -> list[tuple[bytes, bytes]]:
    out = []
    if media_type:
        out.append((b"content-type", media_type.encode("latin-1")))
    if length is not None:
        out.append((b"content-length", str(length).encode()))
    for key, value in (headers or {}).items():
        out.append((key.lower().encode("latin-1"), str(value).encode("latin-1")))
    return out


class Response:
    media_type: str | None = None

    def __init__(self, content: bytes | str = b"", status_code: int = 200, media_type: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.body = content.encode() if isinstance(content, str) else content
        self.status_code = status_code
        self.headers = headers or {}
        if media_type is not None:
            self.media_type = media_type

    async def __call__(self, send: Callable[[dict], Awaitable[None]], receive: Any = None) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": _raw_headers(self.media_type, self.headers, len(self.body))})
        await send({"type": "http.response.body", "body": self.body})


class JSONResponse(Response):
    media_type = "application/json"

    def __init__(self, content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(orjson.dumps(content), status_code, None, headers)


class PlainTextResponse(Response):
    media_type = "text/plain; charset=utf-8"


class StreamingResponse:
    """Sends each chunk as the iterator yields it; a client that disconnects ends the iterator
    (its `finally` runs), as it would under a framework."""

    def __init__(self, chunks: AsyncIterator[bytes], media_type: str, headers: dict[str, str] | None = None,
                 status_code: int = 200) -> None:
        self.chunks = chunks
        self.media_type = media_type
        self.headers = headers or {}
        self.status_code = status_code

    async def __call__(self, send: Callable[[dict], Awaitable[None]], receive: Callable[[], Awaitable[dict]]) -> None:
        async def gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        watcher = asyncio.ensure_future(gone())
        try:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": _raw_headers(self.media_type, self.headers, None)})
            iterator = self.chunks.__aiter__()
            while True:
                step = asyncio.ensure_future(iterator.__anext__())
                await asyncio.wait((step, watcher), return_when=asyncio.FIRST_COMPLETED)
                if not step.done():  # the client went away while the upstream was quiet
                    step.cancel()
                    await asyncio.gather(step, return_exceptions=True)
                    break
                try:
                    chunk = step.result()
                except StopAsyncIteration:
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                if watcher.done():
                    break
        finally:
            watcher.cancel()
            await self.chunks.aclose()  # type: ignore[attr-defined]


Handler = Callable[..., Awaitable[Any]]


class Router:
    """ASGI app: `(method, path)` routes, `{name}` segments, lifespan; handlers return a response or a dict."""

    def __init__(self, lifespan: Callable[["Router"], AbstractAsyncContextManager] | None = None) -> None:
        self.exact: dict[tuple[str, str], Handler] = {}
        self.patterns: list[tuple[str, list[str], Handler]] = []
        self.lifespan = lifespan
        self.state = SimpleNamespace()
        # run once each response's last byte is sent (or the client went away): work that must not delay it
        self.after_response: Callable[[], None] | None = None

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            if "{" in path:
                self.patterns.append((method, path.strip("/").split("/"), handler))
            else:
                self.exact[(method, path)] = handler
            return handler
        return add

    def _match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
        handler = self.exact.get((method, path))
        if handler is not None:
            return handler, {}, True
        parts = path.strip("/").split("/")
        known_path = any(p == path for _, p in self.exact)
        for want, pattern, candidate in self.patterns:
            if len(pattern) != len(parts):
                continue
            params = {}
            for piece, part in zip(pattern, parts):
                if piece.startswith("{"):
                    if not part:
                        break
                    params[piece[1:-1]] = part
                elif piece != part:
                    break
            else:
                if want == method:
                    return candidate, params, True
                known_path = True
        return None, {}, known_path

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: dict, receive: Callable, send: Callable) -> None:
        handler, params, known = self._match(scope["method"], scope["path"])
        if handler is None:
            status = 405 if known else 404
            response: Any = JSONResponse({"detail": "Method Not Allowed" if known else "Not Found"}, status_code=status)
        else:
            try:
                response = await handler(Request(scope, receive, params))
                if isinstance(response, dict):
                    response = JSONResponse(response)
                await response(send, receive)
            finally:
                if self.after_response is not None:
                    self.after_response()
            return
        await response(send, receive)

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        context = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.lifespan is not None:
                        context = self.lifespan(self)
                        await context.__aenter__()
                except BaseException as exc:
                    await send({"type": "lifespan.startup.failed", "message": f"{type(exc).__name__}: {exc}"})
                    raise
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    if context is not None:
                        await context.__aexit__(None, None, None)
                finally:
                    await send({"type": "lifespan.shutdown.complete"})
                return
