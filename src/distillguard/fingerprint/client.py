"""Query live OpenAI-compatible chat endpoints with a probe set, politely and reproducibly.

Answers are cached on disk by (endpoint, model, prompt) so a re-run, or a second suspect
compared with the same references, costs no new queries. Requests run concurrently up to a
limit and are retried with exponential backoff on timeouts, 429 and 5xx. The API key is read
from an environment variable and never written to the cache, logs or errors.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from distillguard.fingerprint.inputs import InputError, ModelAnswers

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class Endpoint:
    url: str  # base URL, e.g. http://host:8000/v1 (…/chat/completions is appended)
    model: str = ""
    api_key_env: str | None = None
    name: str = ""

    @classmethod
    def parse(cls, spec: str, option: str = "--reference-endpoint") -> "Endpoint":
        """`[NAME=]URL[#MODEL]`; e.g. `ours=https://api.example.com/v1#our-model`."""
        name = ""
        if "=" in spec.split("://", 1)[0]:
            name, _, spec = spec.partition("=")
        url, _, model = spec.partition("#")
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{option} {url!r}: expected an http(s) URL, e.g. ours=https://host/v1#model")
        return cls(url=url.rstrip("/"), model=model, name=name or model or url)

    @property
    def chat_url(self) -> str:
        return self.url if self.url.endswith("/chat/completions") else self.url + "/chat/completions"


class AnswerCache:
    """SQLite file mapping hash(endpoint, model, prompt, settings) -> answer."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT)")

    @staticmethod
    def key(endpoint: Endpoint, prompt: str, settings: dict) -> str:
        blob = json.dumps([endpoint.chat_url, endpoint.model, prompt, settings], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT answer FROM answers WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, answer: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, answer))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


class EndpointError(RuntimeError):
    pass


async def _ask(client, endpoint: Endpoint, prompt: str, settings: dict, headers: dict, retries: int, backoff: float) -> str:
    body = {"messages": [{"role": "user", "content": prompt}], **settings}
    if endpoint.model:
        body["model"] = endpoint.model
    last = ""
    for attempt in range(retries + 1):
        try:
            resp = await client.post(endpoint.chat_url, json=body, headers=headers)
            if resp.status_code == 200:
                data = resp.json()
                return data["choices"][0]["message"]["content"] or ""
            last = f"HTTP {resp.status_code}"
            if resp.status_code not in RETRY_STATUS:
                break
        except (KeyError, IndexError, TypeError, ValueError):
            raise EndpointError(f"{endpoint.name}: response is not an OpenAI chat completion") from None
        except Exception as exc:  # httpx transport errors and timeouts
            last = type(exc).__name__
        if attempt < retries:
            await asyncio.sleep(backoff * (2**attempt))
    raise EndpointError(f"{endpoint.name}: giving up after {retries + 1} tries ({last})")


async def _collect(endpoint, prompts, cache, concurrency, retries, backoff, timeout, settings, on_done) -> ModelAnswers:
    import httpx

    headers = {"Content-Type": "application/json"}
    if endpoint.api_key_env:
        key = os.environ.get(endpoint.api_key_env)
        if not key:
            raise EndpointError(f"{endpoint.name}: environment variable {endpoint.api_key_env} is not set")
        headers["Authorization"] = f"Bearer {key}"
    sem = asyncio.Semaphore(concurrency)
    answers: dict[str, str] = {}

    async def one(client, prompt):
        k = AnswerCache.key(endpoint, prompt, settings)
        cached = cache.get(k) if cache else None
        if cached is None:
            async with sem:
                cached = await _ask(client, endpoint, prompt, settings, headers, retries, backoff)
            if cache:
                cache.put(k, cached)
        answers[prompt] = cached
        if on_done:
            on_done()

    async with httpx.AsyncClient(timeout=timeout) as client:
        await asyncio.gather(*(one(client, p) for p in prompts))
    return ModelAnswers(endpoint.name, {p: answers[p] for p in prompts}, source=endpoint.url)


def collect_answers(
    endpoint: Endpoint,
    prompts: list[str],
    cache_path: str | Path | None = None,
    concurrency: int = 8,
    retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 120.0,
    temperature: float = 0.0,
    max_tokens: int = 512,
    on_done: Callable[[], None] | None = None,
) -> ModelAnswers:
    """Ask `endpoint` every prompt (cached answers are reused) and return its answers."""
    cache = AnswerCache(cache_path) if cache_path else None
    settings = {"temperature": temperature, "max_tokens": max_tokens}
    try:
        return asyncio.run(_collect(endpoint, prompts, cache, concurrency, retries, backoff, timeout, settings, on_done))
    finally:
        if cache:
            cache.close()


def default_cache_path() -> Path:
    base = os.environ.get("DISTILLGUARD_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "distillguard")
    return Path(base) / "fingerprint" / "endpoint-answers.sqlite"
