"""API events: the schema, validation at the boundary, streaming readers and rejects."""

from distillguard.events.model import ApiEvent, EventError, extract_prompt, parse_event

__all__ = ["ApiEvent", "EventError", "extract_prompt", "parse_event"]
