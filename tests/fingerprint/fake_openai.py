"""A tiny OpenAI-compatible chat server on 127.0.0.1 for endpoint tests.

It answers from a fixed table (prompt -> answer), can demand a bearer key, fails the first
request for chosen prompts with 503 (to exercise retries), and records calls and the peak
number of requests in flight (to check the concurrency limit)."""


import asyncio
import socket
import threading
import time
from contextlib import contextmanager


def make_app(answers: dict[str, str], key: str | None = None, flaky: set[str] = frozenset(), delay: float = 0.02):
    from fastapi import FastAPI, HTTPException, Request

    app = FastAPI()
    app.state.calls = []
    app.state.in_flight = 0
    app.state.peak = 0
    failed: set[str] = set()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        if key is not None and request.headers.get("authorization") != f"Bearer {key}":
            raise HTTPException(401, "bad key")
        body = await request.json()
        prompt = body["messages"][-1]["content"]
        app.state.calls.append((body.get("model"), prompt))
        app.state.in_flight += 1
        app.state.peak = max(app.state.peak, app.state.in_flight)
        try:
            await asyncio.sleep(delay)
            if prompt in flaky and prompt not in failed:
                failed.add(prompt)
                raise HTTPException(503, "try again")
            return {"choices": [{"message": {"role": "assistant", "content": answers.get(prompt, "I don't know.")}}]}
        finally:
            app.state.in_flight -= 1

    return app


@contextmanager
def serve(app):
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
