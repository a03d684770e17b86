"""Helpers for tests and benchmarks: a fake OpenAI-compatible upstream and a uvicorn server
in a background thread, both on loopback only."""

# No `from __future__ import annotations`: FastAPI must resolve the annotations of handlers
# defined inside functions (Request would otherwise become a query parameter).
import asyncio
import socket
import threading
import time
from typing import Any

import orjson

from distillguard.gateway.server import fast_server_options


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1:port in a daemon thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        import uvicorn

        self.app = app
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="on", proxy_headers=False,
                                                    **fast_server_options()))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def fake_upstream(api_key: str | None = None, words: int = 12) -> Any:
    """An OpenAI-compatible server: chat/completions and completions, streamed or not.

    It answers with `words` words and a `reasoning_content`; returns logprobs when asked;
    a model named `slow-<seconds>` waits that long first, and `drip-<seconds>` streams one token
    per that many seconds, each token `w<i>@<epoch send time> `; `received` keeps every body and
    whether the upstream key matched (`/_received` serves them)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, StreamingResponse

    app = FastAPI()
    app.state.received = []

    async def handle(request: Request, chat: bool):
        body = await request.json()
        auth_ok = api_key is None or request.headers.get("authorization") == f"Bearer {api_key}"
        app.state.received.append({"body": body, "auth_ok": auth_ok, "authorization": request.headers.get("authorization")})
        if not auth_ok:
            return JSONResponse({"error": {"message": "bad upstream key", "type": "authentication_error", "param": None,
                                           "code": "invalid_api_key"}}, status_code=401)
        model = str(body.get("model") or "fake")
        if model.startswith("slow-"):
            await asyncio.sleep(float(model[5:]))
        n_words = min(words, int(body.get("max_tokens") or words))
        tokens = [f"w{i} " for i in range(n_words)]
        usage = {"prompt_tokens": 7, "completion_tokens": n_words, "total_tokens": 7 + n_words}
        created = int(time.time())
        want_logprobs = bool(body.get("logprobs"))
        if body.get("stream"):
            gap = float(model[6:]) if model.startswith("drip-") else 0.0

            async def gen():
                for i, token in enumerate(tokens):
                    if gap and i:
                        await asyncio.sleep(gap)
                    if gap:  # the send time rides in the token, so a client can measure each token's lag
                        token = f"w{i}@{time.time():.6f} "
                    if chat:
                        delta = {"content": token} if i else {"role": "assistant", "content": token, "reasoning_content": "think "}
                        choice = {"index": 0, "delta": delta, "finish_reason": None}
                    else:
                        choice = {"index": 0, "text": token, "finish_reason": None}
                    if want_logprobs:
                        choice["logprobs"] = {"content": [{"token": token, "logprob": -0.1}]}
                    chunk = {"id": "cmpl-fake", "object": "chat.completion.chunk" if chat else "text_completion",
                             "created": created, "model": model, "choices": [choice]}
                    yield b"data: " + orjson.dumps(chunk) + b"\n\n"
                final = {"id": "cmpl-fake", "created": created, "model": model,
                         "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"} if chat else
                                     {"index": 0, "text": "", "finish_reason": "stop"}], "usage": usage}
                yield b"data: " + orjson.dumps(final) + b"\n\n"
                yield b"data: [DONE]\n\n"
            return StreamingResponse(gen(), media_type="text/event-stream")
        text = "".join(tokens)
        if chat:
            choice = {"index": 0, "message": {"role": "assistant", "content": text, "reasoning_content": "thinking hard"},
                      "finish_reason": "stop"}
        else:
            choice = {"index": 0, "text": text, "finish_reason": "stop"}
        if want_logprobs:
            choice["logprobs"] = {"content": [{"token": t, "logprob": -0.1} for t in tokens]}
        return {"id": "cmpl-fake", "object": "chat.completion" if chat else "text_completion", "created": created,
                "model": model, "choices": [choice], "usage": usage}

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        return await handle(request, True)

    @app.post("/v1/completions")
    async def completions(request: Request):
        return await handle(request, False)

    @app.get("/_received")
    async def received():
        return app.state.received

    return app


def parse_sse(text: str) -> list[Any]:
    """The data payloads of an SSE body ('[DONE]' kept as a string)."""
    out = []
    for block in text.split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data:"):
                data = line[5:].strip()
                out.append(data if data == "[DONE]" else orjson.loads(data))
    return out
