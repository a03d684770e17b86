"""Signals: each compares models relative to a background and yields a similarity matrix.

`default_signals()` lists the built-in ones; `register_signal()` adds more (the watermark
radioactivity signal plugs in this way when a reference's watermark detector is available).
"""

from __future__ import annotations

from collections.abc import Callable

from distillguard.fingerprint.signals.base import Prepared, Signal
from distillguard.fingerprint.signals.lexical import PairedLexicalSignal, PhraseSignal
from distillguard.fingerprint.signals.paired import LengthProfileSignal, OpeningsSignal, PairedStyleSignal
from distillguard.fingerprint.signals.patterns import identity_signal, refusal_signal
from distillguard.fingerprint.signals.style import StyleSignal

_EXTRA: list[Callable[[], Signal | None]] = []


def register_signal(factory: Callable[[], Signal | None]) -> None:
    """Add a signal factory; it may return None when its dependencies are missing."""
    _EXTRA.append(factory)


def paired_signals() -> list[Signal]:
    """Prompt-by-prompt length, formatting and opening habits (opt-in: see signals.paired)."""
    return [LengthProfileSignal(), PairedStyleSignal(), OpeningsSignal()]


def default_signals(embeddings: bool = True, paired: bool = False) -> list[Signal]:
    """Built-in signals, plus the embedding signal when its model is installed (and the
    prompt-by-prompt habits of `paired_signals` when asked)."""
    sigs: list[Signal] = [StyleSignal(), PhraseSignal(), PairedLexicalSignal(), identity_signal(), refusal_signal()]
    if paired:
        sigs += paired_signals()
    if embeddings:
        from distillguard.fingerprint.signals.embedding import EmbeddingSignal

        if EmbeddingSignal.available():
            sigs.append(EmbeddingSignal())
    for factory in _EXTRA:
        sig = factory()
        if sig is not None:
            sigs.append(sig)
    return sigs


__all__ = ["Prepared", "Signal", "default_signals", "paired_signals", "register_signal"]
