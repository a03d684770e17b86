"""Read the logs providers already keep: one adapter per source format, chosen or detected.

    formats = resolve_formats(files, "auto")         # {file: format name}, detected per file
    reader = AdaptedReader(formats, {"mapping": m})  # then reader.iter_file(path, sink) per file

`api-event` is the project's own format and is read by events.readers directly; every
other format is decoded into records (adapters.records), converted by its adapter, and
validated by events.model.parse_event like a native event.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from distillguard.adapters.accounts import enrich, load_accounts
from distillguard.adapters.base import Adapter, RecordError
from distillguard.adapters.litellm import LiteLLMPayloadAdapter, LiteLLMSpendLogAdapter
from distillguard.adapters.mapped import REQUIRED as MAPPED_REQUIRED
from distillguard.adapters.mapped import MappedTableAdapter
from distillguard.adapters.observability import HeliconeAdapter, LangfuseAdapter
from distillguard.adapters.openai_formats import OpenAIBatchAdapter, OpenAIChatAdapter, OpenAIResponsesAdapter
from distillguard.adapters.otel import OtlpGenAIAdapter
from distillguard.adapters.records import ContainerError, describe, iter_records, sample_records
from distillguard.events.model import ApiEvent, EventError, parse_event

NATIVE = "api-event"
NATIVE_TITLE = "distillguard API events (JSONL/Parquet, ../shared/spec/api-event.schema.json)"
NATIVE_REQUIRED = ("request_id", "ts", "account_id", "request")
ADAPTERS: dict[str, type[Adapter]] = {cls.name: cls for cls in (
    LiteLLMPayloadAdapter, LiteLLMSpendLogAdapter, OtlpGenAIAdapter, OpenAIChatAdapter, OpenAIBatchAdapter, OpenAIResponsesAdapter,
    LangfuseAdapter, HeliconeAdapter, MappedTableAdapter)}
SUPPORTED: dict[str, str] = {NATIVE: NATIVE_TITLE, **{name: cls.title for name, cls in ADAPTERS.items()}}
MIN_CONFIDENCE = 0.5


class UnknownFormatError(ValueError):
    """No format matched a file, or a named format does not exist; the message says which are supported."""


def supported_line() -> str:
    return "supported formats: " + ", ".join(SUPPORTED)


def _native_confidence(sample: list[Any]) -> float:
    records = [r for r in sample if isinstance(r, dict)]
    if not records:
        return 0.0
    return sum(1 for r in records if all(k in r for k in NATIVE_REQUIRED) and isinstance(r.get("request"), dict)) / len(records)


def detect(path: Path, options: dict[str, Any] | None = None) -> tuple[str | None, float]:
    """(format name, confidence) for a file; (None, best confidence) when nothing is sure enough."""
    try:
        sample = sample_records(path)
    except (ContainerError, ValueError):
        return None, 0.0
    scores = {NATIVE: _native_confidence(sample)}
    for name, cls in ADAPTERS.items():
        try:
            scores[name] = cls(options).detect(sample)
        except ValueError:  # e.g. a mapping file that does not load: reported when the format is used
            scores[name] = 0.0
    name, score = max(scores.items(), key=lambda item: item[1])
    return (name, score) if score >= MIN_CONFIDENCE else (None, score)


def resolve_formats(files: list[Path], requested: str | None, options: dict[str, Any] | None = None) -> dict[str, str]:
    """{file: format} for every file: the requested one, or detected per file when `requested` is None/'auto'."""
    if requested and requested != "auto":
        if requested not in SUPPORTED:
            raise UnknownFormatError(f"unknown --format {requested!r}; {supported_line()}")
        return {str(p): requested for p in files}
    out: dict[str, str] = {}
    for path in files:
        name, _ = detect(path, options)
        if name is None:
            raise UnknownFormatError(f"{path}: format not recognised: {describe(path)}; {supported_line()} "
                                     f"(required event fields: {', '.join(NATIVE_REQUIRED)}; for any other table use "
                                     f"--format csv --mapping MAP.yaml naming the columns of {', '.join(MAPPED_REQUIRED)} and the prompt)")
        out[str(path)] = name
    return out


class AdaptedReader:
    """Reads files through their adapters, yielding validated events; rejects name file, record and field."""

    def __init__(self, formats: dict[str, str], options: dict[str, Any] | None = None) -> None:
        self.formats = formats
        self.options = options or {}
        self.adapters: dict[str, Adapter] = {}
        for name in set(formats.values()):
            if name != NATIVE:
                self.adapters[name] = ADAPTERS[name](self.options)
        for name, adapter in self.adapters.items():
            paths = [Path(p) for p, f in formats.items() if f == name]
            adapter.prepare((str(p), (r for _, r in iter_records(p, lambda *a: None))) for p in paths)
        self.accounts = load_accounts(self.options["accounts"]) if self.options.get("accounts") else None

    def iter_file(self, path: Path, sink, start_line: int = 0) -> Iterator[tuple[int, ApiEvent]]:
        if self.accounts is None:
            yield from self._iter_file(path, sink, start_line)
            return
        for number, event in self._iter_file(path, sink, start_line):
            yield number, enrich(event, self.accounts)

    def _iter_file(self, path: Path, sink, start_line: int = 0) -> Iterator[tuple[int, ApiEvent]]:
        from distillguard.events.readers import Reject, iter_file

        name = self.formats.get(str(path), NATIVE)
        if name == NATIVE:
            yield from iter_file(path, sink, start_line)
            return
        adapter = self.adapters[name]
        adapter.current_file = str(path)
        label = str(path)

        def reject(number: int, reason: str, snippet: str = "", field: str = "<line>") -> None:
            sink.add(Reject(label, number, field, reason, snippet))

        for number, record in iter_records(path, reject):
            if number <= start_line:
                continue
            try:
                items = list(adapter.to_events(record))
            except RecordError as exc:
                reject(number, exc.reason, "", exc.field)
                continue
            for item in items:
                if isinstance(item, RecordError):
                    reject(number, item.reason, "", item.field)
                    continue
                try:
                    yield number, parse_event(item)
                except EventError as exc:
                    reject(number, exc.reason, "", exc.field)
