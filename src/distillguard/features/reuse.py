"""How much of an answer is the user's own material: the share of the response's content units found in the request.

A distiller pays for new knowledge: short instructions, long answers the model had to supply. A rewriting,
summarising, grammar-fixing or retrieval-grounded product sends the user's own text (or retrieved documents)
and gets a transformation of it back, so most of the answer's words are already in the request. That holds in
any language and through any wrapper, and it is costly to fake: an extractor who pads requests with the
material the answer will reuse is buying back its own text.

Content units are letter words of four or more characters (lowercased) and, for scripts written without
spaces (Chinese, Japanese, Korean), character bigrams. Digits and short function words are left out.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]{4,}")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
RESPONSE_CHARS = 4000  # the head of an answer carries its character; the rest costs time
PROMPT_CHARS = 20000
MIN_UNITS = 8  # an answer this short says nothing about where its words came from


def content_units(text: str) -> set[str]:
    """The content words and spaceless-script bigrams of a text (case-folded)."""
    units = {w.lower() for w in _WORDS.findall(text) if w[0] < "\u2e80"}
    for run in _SPACELESS.findall(text):
        units.update(run[i:i + 2] for i in range(len(run) - 1))
    return units


def response_reuse(request_text: str, response_text: str) -> float | None:
    """Share of the response's content units that appear in the request; None when the answer is too short to tell."""
    answer = content_units(response_text[:RESPONSE_CHARS])
    if len(answer) < MIN_UNITS:
        return None
    source = content_units(request_text[:PROMPT_CHARS])
    return len(answer & source) / len(answer)
