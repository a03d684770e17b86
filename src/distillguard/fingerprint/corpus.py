"""Aligned answers: a models x prompts table of texts, plus which models form the background.

Signals compare models relative to a *background* (references plus null models, never the
suspect), so that habits every assistant shares (e.g. "Here are some ...") do not make every
model look alike. The suspect is scored against the same background it was not part of.
"""

from __future__ import annotations

from dataclasses import dataclass

from distillguard.fingerprint.inputs import InputError, ModelAnswers, common_prompts


@dataclass
class Corpus:
    names: list[str]
    prompts: list[str]
    texts: list[list[str]]  # texts[m][p]

    @classmethod
    def from_models(cls, models: list[ModelAnswers], min_prompts: int = 5) -> "Corpus":
        names = [m.name for m in models]
        if len(set(names)) != len(names):
            seen: set[str] = set()
            dup = next(n for n in names if n in seen or seen.add(n))
            raise InputError(f"model name {dup!r} is used twice")
        prompts = common_prompts(models, min_prompts=min_prompts)
        return cls(names, prompts, [[m.answers[p] for p in prompts] for m in models])

    @property
    def n_models(self) -> int:
        return len(self.names)

    @property
    def n_prompts(self) -> int:
        return len(self.prompts)

    def index(self, name: str) -> int:
        return self.names.index(name)

