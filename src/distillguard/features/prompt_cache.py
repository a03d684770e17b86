"""Per-prompt features and the benchmark-match bit, computed once per distinct prompt text.

Extraction traffic repeats itself (templates, retries, a benchmark asked again, sybils sharing
one list), and so does ordinary traffic ("hi", canned app prompts): about half the prompts of a
simulated day are repeats. Both values are pure functions of the text (and the engine's fixed
benchmark index), so a cached value is exactly what a fresh computation would give.

The cache is a speed aid, not state: it is bounded (cleared when full) and pickles as empty,
so a saved engine does not carry it into the store.
"""

from __future__ import annotations

from collections.abc import Callable

from distillguard.features.text import PromptFeatures, prompt_features_and_words

CAPACITY = 65_536  # distinct prompts remembered (cleared when full; about 30 MB of typical prompts)
MAX_KEY_CHARS = 4_000  # longer prompts are computed afresh: rare, and they would hold memory


class PromptFeatureCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._items: dict[str, tuple[PromptFeatures, bool]] = {}

    def get(self, prompt: str, matches_benchmark: Callable[[str], bool],
            matches_words: Callable[[list[str]], bool] | None = None) -> tuple[PromptFeatures, bool]:
        """(features, benchmark hit) of `prompt`; the hit is only looked up for prompts of six words or more.
        `matches_words`, when given, is the same test on the prompt's masked words, which the features
        computed already (it saves masking the text twice)."""
        found = self._items.get(prompt)
        if found is not None:
            return found
        features, words = prompt_features_and_words(prompt)
        if features.words < 6:
            hit = False
        elif words is not None and matches_words is not None:
            hit = matches_words(words)
        else:
            hit = matches_benchmark(prompt)
        found = (features, hit)
        if len(prompt) <= MAX_KEY_CHARS:
            if len(self._items) >= self.capacity:
                self._items.clear()
            self._items[prompt] = found
        return found

    def __reduce__(self):
        return (PromptFeatureCache, (self.capacity,))
