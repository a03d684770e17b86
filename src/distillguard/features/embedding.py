"""A prompt representation that paraphrase, wrappers and language do not defeat.

Prompts are mapped into a fixed space of hashed character n-grams (3- and 5-grams of the
lower-cased, digit-masked text, signed feature hashing). Character n-grams need no
tokenizer and no word list, so Chinese, Russian or code land in the same space as English,
and a wrapper ("hey, quick one: …") moves a prompt only by the wrapper's few n-grams
while the task body carries the rest. No model, no download: the core install has it.

It is vectorised with numpy (a rolling polynomial hash over code points), about 20 µs a
prompt, and callers embed a sample of each account's prompts (see `should_embed`) with a
cache keyed by the prompt's hash, which keeps the batch scan within its throughput target.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict

import numpy as np

DIM = 256
MAX_CHARS = 1200
_NGRAMS = (3, 5)
_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_MULT = np.uint64(0x9E3779B97F4A7C15)
_PRIME = np.uint64(1_000_003)


def normalise(text: str) -> str:
    """Lower-case, digits masked, whitespace collapsed: numbers and layout are not content."""
    return _SPACE.sub(" ", _DIGIT.sub("0", text[: MAX_CHARS * 2].lower())).strip()[:MAX_CHARS]


_last_codes: tuple[str | None, np.ndarray | None, dict] = (None, None, {})


def _codes(clean: str) -> np.ndarray:
    return np.frombuffer(f" {clean} ".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _text_codes(text: str) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """`_codes(normalise(text))` and its polynomials by size so far, remembered for the last text: an
    account's early prompts are both embedded and cut into phrases, one right after the other, and the
    16-gram polynomials build on the 2- and 4-gram ones of the embedding (the arrays are only read)."""
    global _last_codes
    last_text, codes, polynomials = _last_codes
    if last_text is not text:
        codes, polynomials = _codes(normalise(text)), {}
        _last_codes = (text, codes, polynomials)
    return codes, polynomials


_TABLED_POWERS = 64
_POWERS = [np.uint64(pow(int(_PRIME), exponent, 1 << 64)) for exponent in range(_TABLED_POWERS)]


def _power(exponent: int) -> np.uint64:
    return _POWERS[exponent] if exponent < _TABLED_POWERS else np.uint64(pow(int(_PRIME), exponent, 1 << 64))


def _polynomial(codes: np.ndarray, size: int, known: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """sum_j codes[i + j] * PRIME**(size - 1 - j) mod 2**64 for every window i, built by doubling
    (a 2k-gram is a k-gram shifted by PRIME**k plus the next k-gram): log2(size) array passes instead
    of `size`. Arithmetic modulo 2**64 is exact, so the values are those of the plain loop. `known`:
    polynomials of these codes computed before, by size (filled in as they are computed)."""
    if size == 1:
        return codes
    if known is not None and size in known:
        return known[size]
    half = size // 2
    h = _polynomial(codes, half, known)
    count = codes.size - 2 * half + 1
    h = h[:count] * _power(half) + h[half : half + count]
    if size % 2:
        h = h[: count - 1] * _PRIME + codes[2 * half : 2 * half + count - 1]
    if known is not None:
        known[size] = h
    return h


def _ngram_hashes(codes: np.ndarray, size: int, known: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """Mixed 64-bit hashes of every character n-gram of `size` (a rolling polynomial over code points)."""
    return (_polynomial(codes, size, known) + np.uint64(size)) * _MULT  # overflow wraps: that is the mixing


def embed_text(text: str) -> np.ndarray:
    """Unit vector (float32, DIM) of a prompt's hashed character n-grams; zeros for empty text."""
    codes, known = _text_codes(text)
    if codes.size <= 2:  # normalised to the empty text: only the two padding spaces
        return np.zeros(DIM, dtype=np.float32)
    # Every n-gram size in one bincount: the per-bin sums of +-1 are whole numbers, exact in any order.
    h = np.concatenate([_ngram_hashes(codes, size, known) for size in _NGRAMS if codes.size >= size])
    index = (h >> np.uint64(40)) % np.uint64(DIM)
    sign = np.where((h >> np.uint64(33)) & np.uint64(1), 1.0, -1.0)
    vector = np.bincount(index.astype(np.int64), weights=sign, minlength=DIM).astype(np.float32)
    # sublinear term weighting: a repeated boilerplate n-gram must not dominate the vector
    vector = np.sign(vector) * np.log1p(np.abs(vector))
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


PHRASE_CHARS = 16  # a phrase: this many characters of normalised text (two or three words, a few CJK words)
PHRASE_KEEP = 8  # one phrase in this many is kept, chosen by its hash, so every account keeps the same ones
PHRASE_MAX = 48  # phrases kept per prompt


def phrase_keys(text: str) -> list[int]:
    """32-bit keys of a sample of the prompt's character 16-grams (the same sample for every account:
    selection by hash value). Two accounts filling one set of templates share many; people writing
    their own words share few beyond what everyone writes."""
    codes, known = _text_codes(text)
    if codes.size < PHRASE_CHARS:
        return []
    h = _ngram_hashes(codes, PHRASE_CHARS, known)
    kept = h[(h >> np.uint64(58)) % np.uint64(PHRASE_KEEP) == 0][:PHRASE_MAX]
    return (kept >> np.uint64(32)).astype(np.uint32).tolist()


class EmbeddingCache:
    """Embeddings by prompt hash (crc32 of the normalised text), least recently used evicted."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[int, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, text: str) -> np.ndarray:
        key = zlib.crc32(text[: MAX_CHARS * 2].encode("utf-8", "surrogatepass"))
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        vector = embed_text(text)
        self._items[key] = vector
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return vector

    def __getstate__(self) -> dict:
        return {"capacity": self.capacity}  # a cache is not state: never pickle prompts' vectors

    def __setstate__(self, state: dict) -> None:
        self.__init__(state.get("capacity", 100_000))


def should_embed(n_seen: int, first: int = 32, every: int = 16) -> bool:
    """Which of an account's requests are embedded: all of its first `first`, then one in `every`."""
    return n_seen < first or n_seen % every == 0
