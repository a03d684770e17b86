"""Stream a LiteLLM deployment's traffic into distillguard without the gateway: a logging callback.

Where `litellm_hook` enforces (it asks a distillguard gateway before each call), this feed
only observes: after every call it turns LiteLLM's StandardLoggingPayload into an API event,
with the same adapter `scan --format litellm-payload` uses, and writes it to a JSONL file
and/or the event bus, for `distillguard scan` or the bus consumers. In LiteLLM's config.yaml
(distillguard importable by the proxy's Python):

    litellm_settings:
      callbacks: distillguard.gateway.litellm_feed.feed_handler

Environment of the LiteLLM proxy:
    DISTILLGUARD_FEED_JSONL       append events here (file created 0600)
    DISTILLGUARD_FEED_BUS         and/or publish them to this bus (redis://, nats://, kafka://)
    DISTILLGUARD_FEED_PARTITIONS  partitions of that bus (default: the bus default)

A payload that cannot become an event is counted in `dropped` and the reason kept in
`last_error`; the served request is never affected.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

try:
    from litellm.integrations.custom_logger import CustomLogger
except ImportError:  # importable for documentation and tests without litellm
    CustomLogger = object  # type: ignore[misc,assignment]

from distillguard.adapters.base import RecordError
from distillguard.adapters.litellm import LiteLLMPayloadAdapter
from distillguard.events.model import EventError, parse_event


class DistillGuardFeed(CustomLogger):  # type: ignore[misc]
    def __init__(self, jsonl: str | None = None, bus_url: str | None = None, partitions: int | None = None, sink: Any = None) -> None:
        if CustomLogger is not object:
            super().__init__()
        self._config = (jsonl or os.environ.get("DISTILLGUARD_FEED_JSONL"), bus_url or os.environ.get("DISTILLGUARD_FEED_BUS"),
                        partitions or (int(os.environ["DISTILLGUARD_FEED_PARTITIONS"]) if os.environ.get("DISTILLGUARD_FEED_PARTITIONS") else None))
        self._sink = sink
        self.adapter = LiteLLMPayloadAdapter()
        self.written = 0
        self.dropped = 0
        self.last_error = ""

    @property
    def sink(self):
        if self._sink is None:  # opened on first use, so importing the module configures nothing
            from distillguard.adapters.sinks import EventSink

            self._sink = EventSink(*self._config)
        return self._sink

    def event_of(self, kwargs: dict) -> dict[str, Any] | None:
        payload = kwargs.get("standard_logging_object")
        if not isinstance(payload, dict):
            self.dropped += 1
            self.last_error = "no standard_logging_object in the callback's kwargs"
            return None
        try:
            (event,) = self.adapter.to_events(payload)
            parse_event(event)
        except (RecordError, EventError, ValueError) as exc:
            self.dropped += 1
            self.last_error = str(exc)
            return None
        return event

    def _write(self, kwargs: dict) -> None:
        event = self.event_of(kwargs)
        if event is None:
            return
        try:
            self.written += self.sink.write([event])
        except Exception as exc:  # noqa: BLE001 (a logging callback must never fail the served request)
            self.dropped += 1
            self.last_error = f"could not write the event: {type(exc).__name__}: {exc}"

    # LiteLLM calls these after each request (sync SDK use and the async proxy).
    def log_success_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        self._write(kwargs)

    def log_failure_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        self._write(kwargs)

    async def async_log_success_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        await asyncio.to_thread(self._write, kwargs)  # file and bus writes block; keep them off the event loop

    async def async_log_failure_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        await asyncio.to_thread(self._write, kwargs)


feed_handler = DistillGuardFeed()
