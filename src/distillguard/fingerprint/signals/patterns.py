"""Identity claims and refusal style, as counts of telling patterns.

A model trained on ChatGPT answers says "As an AI language model" and may even claim to be
made by OpenAI; one trained on Claude answers apologises and hedges in Claude's words. Each
pattern's rate per model is turned into log-odds against the background, and models are
compared by the cosine of those vectors. Evidence quotes the suspect's own sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals.base import cosine_rows

IDENTITY_PATTERNS = {
    "as an ai language model": r"\bas an ai language model\b",
    "as an ai (other)": r"\bas an ai\b(?! language model)",
    "i am an ai / assistant": r"\bi(?:'m| am) (?:an? )?(?:ai|artificial intelligence|virtual assistant|language model|chatbot)\b",
    "large language model": r"\blarge language model\b",
    "openai": r"\bopen ?ai\b",
    "chatgpt / gpt": r"\b(?:chatgpt|gpt-?[34](?:\.5)?)\b",
    "anthropic": r"\banthropic\b",
    "claude": r"\bclaude\b",
    "google / bard / gemini": r"\b(?:bard|gemini|google ai|deepmind)\b",
    "meta / llama": r"\b(?:meta ai|llama)\b",
    "no personal opinions": r"\bi (?:don't|do not) have (?:personal )?(?:opinions|beliefs|feelings|emotions|preferences|experiences)\b",
    "knowledge cutoff": r"\b(?:knowledge cutoff|as of my (?:last|latest) (?:update|knowledge|training)|my training data)\b",
    "cannot browse": r"\b(?:real-time|browse the internet|access to the internet|access to current)\b",
    "helpful harmless honest": r"\bhelpful,? harmless,? and honest\b",
}

REFUSAL_PATTERNS = {
    "i'm sorry, but": r"\bi(?:'m| am) sorry,? but\b",
    "i apologize": r"\bi apologi[sz]e\b",
    "i cannot / can't": r"\bi (?:cannot|can't|can not)\b",
    "i'm not able / unable": r"\bi(?:'m| am) (?:not able|unable)\b",
    "i won't / will not": r"\bi (?:won't|will not)\b",
    "not appropriate": r"\b(?:not|in)appropriate\b",
    "unethical / illegal": r"\b(?:unethical|illegal|harmful)\b",
    "important to note": r"\bit(?:'s| is) (?:important|worth) (?:to )?not(?:e|ing)\b",
    "please note": r"\bplease note\b",
    "consult a professional": r"\bconsult (?:with )?(?:a|an|your) (?:\w+ )?(?:professional|doctor|expert|lawyer|attorney)\b",
    "i would not recommend": r"\bi (?:would not|wouldn't|do not|don't) recommend\b",
    "i'd be happy to": r"\bi(?:'d| would) be (?:happy|glad) to\b",
    "i understand": r"\bi understand\b",
    "however,": r"\bhowever,",
    "instead,": r"\binstead,",
}


@dataclass
class PreparedPatterns:
    hits: np.ndarray  # models x prompts x patterns (bool)
    labels: list[str]
    texts: list[list[str]]
    regexes: list[re.Pattern]
    background: list[int]

    def _logodds(self, prompts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        hits = self.hits if prompts is None else self.hits[:, prompts]
        n = hits.shape[1]
        rates = hits.mean(1)
        lo = np.log((rates * n + 0.5) / ((1 - rates) * n + 0.5))
        return lo - lo[self.background].mean(0), rates

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        lo, _ = self._logodds(prompts)
        return cosine_rows(lo)

    def evidence(self, a: int, b: int, limit: int = 4) -> list[dict]:
        lo, rates = self._logodds(None)
        # a pattern neither model uses can still get a rounding-level positive log-odds: require a use
        shared = np.where((lo[a] > 1e-9) & (lo[b] > 1e-9) & (rates[a] > 0) & (rates[b] > 0), np.minimum(lo[a], lo[b]), 0.0)
        out = []
        for j in np.argsort(-shared)[:limit]:
            if shared[j] <= 0:
                break
            quote = ""
            for p in np.flatnonzero(self.hits[a, :, j])[:1]:
                text = self.texts[a][p]
                m = self.regexes[j].search(text.lower())
                if m:
                    lo_i = max(0, m.start() - 80)
                    quote = text[lo_i : m.end() + 120].replace("\n", " ")
            out.append({
                "pattern": self.labels[j],
                "suspect_rate": round(float(rates[a, j]), 3),
                "reference_rate": round(float(rates[b, j]), 3),
                "background_rate": round(float(rates[self.background, j].mean()), 3),
                "suspect_quote": quote,
            })
        return out


class PatternSignal:
    """Rates of a fixed set of regex patterns; `identity` and `refusal` are two instances."""

    def __init__(self, name: str, patterns: dict[str, str]) -> None:
        self.name = name
        self.labels = list(patterns)
        self.regexes = [re.compile(p) for p in patterns.values()]

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedPatterns:
        def row_hits(text: str) -> list[bool]:
            low = text.lower()
            return [r.search(low) is not None for r in self.regexes]

        hits = np.array([[row_hits(t) for t in row] for row in corpus.texts], dtype=bool)
        return PreparedPatterns(hits, self.labels, corpus.texts, self.regexes, list(background))


def identity_signal() -> PatternSignal:
    return PatternSignal("identity", IDENTITY_PATTERNS)


def refusal_signal() -> PatternSignal:
    return PatternSignal("refusal", REFUSAL_PATTERNS)
