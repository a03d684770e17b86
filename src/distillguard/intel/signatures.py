"""Prompt-pattern signatures: keyed MinHash over word shingles of normalised templates.

A campaign's prompts leave a provider as MinHash signatures, never as text. The
shingles are hashed under a key derived from the consortium key, so an outsider
who obtains a bundle cannot test guessed prompts against it (a consortium member
can: that is the price of letting peers match).

Two kinds of signature:
- `template`: the shingles that recur across many of a campaign's prompts (its
  wrapper/skeleton). A local prompt matches when it *contains* most of them.
- `prompt`: one whole normalised prompt. A local prompt matches when its Jaccard
  similarity is high (a campaign re-sending the same instructions elsewhere).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
SHINGLE = 3
MIN_TEMPLATE_SHINGLES = 10
MIN_PROMPT_SHINGLES = 6
TEMPLATE_CONTAINMENT = 0.75
PROMPT_JACCARD = 0.6

_URL = re.compile(r"https?://\S+|www\.\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NUM = re.compile(r"\b\d+(?:[.,:/-]\d+)*\b")
_WORD = re.compile(r"<\w+>|\w+", re.UNICODE)


def normalise_template(text: str) -> list[str]:
    """Words of a prompt with the parts that vary between instances masked."""
    text = _URL.sub(" <url> ", text.lower())
    text = _EMAIL.sub(" <email> ", text)
    text = _NUM.sub(" <num> ", text)
    return _WORD.findall(text)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = normalise_template(text)
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


class SignatureHasher:
    """Keyed MinHash for one consortium key (one kid)."""

    def __init__(self, key: bytes, kid: str, num_perm: int = NUM_PERM) -> None:
        self.key = hashlib.sha256(b"distillguard/prompt-shingles\x00" + key).digest()
        self.kid = kid
        self.num_perm = num_perm
        # The permutations are public (fixed seed); secrecy comes from the keyed shingle hash.
        self._template = MinHash(num_perm=num_perm, seed=7, hashfunc=self._hash, scheme="affine32")

    def _hash(self, data: bytes) -> int:
        return int.from_bytes(hashlib.blake2b(data, key=self.key, digest_size=4).digest(), "little")

    def minhash(self, shingle_set: set[str]) -> np.ndarray:
        m = MinHash(num_perm=self.num_perm, seed=7, hashfunc=self._hash, permutations=self._template.permutations, scheme="affine32")
        if shingle_set:
            m.update_batch([s.encode() for s in shingle_set])
        return m.hashvalues.astype(np.uint32)


@dataclass(frozen=True)
class Signature:
    """One shareable signature: hash values and the size of the shingle set they summarise."""

    kind: str  # "template" | "prompt"
    kid: str
    size: int
    hashvalues: np.ndarray  # uint32[num_perm]
    threshold: float

    def to_pattern(self) -> str:
        hv = base64.b64encode(self.hashvalues.astype("<u4").tobytes()).decode()
        return f"minhash:v1;kid={self.kid};kind={self.kind};perm={len(self.hashvalues)};size={self.size};threshold={self.threshold:g};hv={hv}"

    @classmethod
    def from_pattern(cls, pattern: str) -> "Signature":
        """Parse a pattern string; raises ValueError naming what is wrong."""
        if not pattern.startswith("minhash:v1;"):
            raise ValueError("pattern does not start with 'minhash:v1;'")
        fields = dict(part.split("=", 1) for part in pattern[len("minhash:v1;") :].split(";") if "=" in part)
        for name in ("kid", "kind", "perm", "size", "threshold", "hv"):
            if name not in fields:
                raise ValueError(f"pattern lacks '{name}='")
        if fields["kind"] not in ("template", "prompt"):
            raise ValueError(f"unknown signature kind {fields['kind']!r}")
        try:
            perm, size, threshold = int(fields["perm"]), int(fields["size"]), float(fields["threshold"])
            raw = base64.b64decode(fields["hv"], validate=True)
        except ValueError:
            raise ValueError("perm/size/threshold/hv not numbers or base64") from None
        if perm != NUM_PERM or len(raw) != 4 * perm:
            raise ValueError(f"expected {NUM_PERM} hash values, got perm={perm} and {len(raw) // 4}")
        minimum = MIN_TEMPLATE_SHINGLES if fields["kind"] == "template" else MIN_PROMPT_SHINGLES
        if size < minimum:
            raise ValueError(f"signature over {size} shingles is too small to match safely (minimum {minimum})")
        if not 0.3 <= threshold <= 1.0:
            raise ValueError(f"threshold {threshold} outside [0.3, 1]")
        return cls(fields["kind"], fields["kid"], size, np.frombuffer(raw, dtype="<u4").astype(np.uint32), threshold)


def similarity(sig_matrix: np.ndarray, sizes: np.ndarray, kinds_template: np.ndarray, local: np.ndarray, local_size: int) -> np.ndarray:
    """For each signature, the score compared with its threshold.

    Prompt signatures: estimated Jaccard. Template signatures: estimated containment
    of the template in the local prompt, |S∩L|/|S| = J(|S|+|L|) / ((1+J)|S|).
    """
    jaccard = (sig_matrix == local[None, :]).mean(axis=1)
    containment = np.minimum(1.0, jaccard * (sizes + local_size) / ((1.0 + jaccard) * np.maximum(sizes, 1)))
    return np.where(kinds_template, containment, jaccard)


def campaign_signatures(
    prompts: list[str],
    hasher: SignatureHasher,
    max_templates: int = 20,
    max_prompts: int = 200,
    template_share: float = 0.2,
) -> list[Signature]:
    """Summarise a campaign's prompts as template and prompt signatures.

    Templates: shingles present in at least `template_share` of the prompts (and in
    3+), grouped by which prompts carry them together, so a campaign rotating a
    few wrappers yields one template per wrapper.
    """
    sets = [shingles(p) for p in prompts]
    sets = [s for s in sets if s]
    out: list[Signature] = []
    if not sets:
        return out
    df = Counter(sh for s in sets for sh in s)
    floor = max(3, int(template_share * len(sets)))
    frequent = {sh for sh, c in df.items() if c >= floor}
    if frequent:
        patterns = Counter(frozenset(s & frequent) for s in sets)
        chosen: list[frozenset] = []
        for pattern, count in patterns.most_common():
            if count < 3 or len(chosen) >= max_templates:
                break
            if len(pattern) < MIN_TEMPLATE_SHINGLES:
                continue
            if any(len(pattern & c) / len(pattern | c) >= 0.8 for c in chosen):
                continue
            chosen.append(pattern)
        for pattern in chosen:
            out.append(Signature("template", hasher.kid, len(pattern), hasher.minhash(set(pattern)), TEMPLATE_CONTAINMENT))
    # Whole prompts, most repeated first, distinct by normalised form.
    seen: Counter = Counter(frozenset(s) for s in sets if len(s) >= MIN_PROMPT_SHINGLES)
    for shingle_set, _ in seen.most_common(max_prompts):
        out.append(Signature("prompt", hasher.kid, len(shingle_set), hasher.minhash(set(shingle_set)), PROMPT_JACCARD))
    return out


class SignatureIndex:
    """The signatures of one kid, ready for comparison with local prompts.

    `prompt` signatures (Jaccard) are found through LSH: BANDS bands of ROWS hash values; a
    signature is a candidate when one band of the local prompt's MinHash equals its band, which
    for Jaccard 0.6 happens with probability 1 - (1 - 0.6**4)**32 > 0.98. `template` signatures are
    matched on containment, which banding cannot find (a long prompt has low Jaccard with its
    wrapper), so all of them are compared; there are few (20 per campaign at most).
    """

    BANDS, ROWS = 32, 4

    def __init__(self, hasher: SignatureHasher) -> None:
        self.hasher = hasher
        self.refs: list[object] = []
        self._rows: list[np.ndarray] = []
        self._sizes: list[int] = []
        self._template: list[bool] = []
        self._thresholds: list[float] = []
        self._bands: dict[tuple[int, bytes], list[int]] = {}
        self._templates: list[int] = []
        self._built = None

    def _band_keys(self, hashvalues: np.ndarray) -> list[tuple[int, bytes]]:
        rows = hashvalues[: self.BANDS * self.ROWS].reshape(self.BANDS, self.ROWS)
        return [(b, rows[b].tobytes()) for b in range(self.BANDS)]

    def add(self, sig: Signature, ref: object) -> None:
        i = len(self.refs)
        self.refs.append(ref)
        self._rows.append(sig.hashvalues)
        self._sizes.append(sig.size)
        self._template.append(sig.kind == "template")
        self._thresholds.append(sig.threshold)
        if sig.kind == "template":
            self._templates.append(i)
        else:
            for key in self._band_keys(sig.hashvalues):
                self._bands.setdefault(key, []).append(i)
        self._built = None

    def __len__(self) -> int:
        return len(self.refs)

    def match(self, local: np.ndarray, local_size: int) -> list[object]:
        """Refs of the signatures this local prompt (already MinHashed under this kid) matches."""
        if not self.refs or local_size == 0:
            return []
        if self._built is None:
            self._built = (
                np.vstack(self._rows),
                np.array(self._sizes, dtype=float),
                np.array(self._template),
                np.array(self._thresholds),
            )
        candidates = set(self._templates)
        for key in self._band_keys(local):
            candidates.update(self._bands.get(key, ()))
        if not candidates:
            return []
        idx = np.fromiter(sorted(candidates), dtype=np.int64)
        matrix, sizes, template, thresholds = self._built
        scores = similarity(matrix[idx], sizes[idx], template[idx], local, local_size)
        return [self.refs[i] for i in idx[scores >= thresholds[idx]]]
