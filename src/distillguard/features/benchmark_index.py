"""An index of public benchmark questions, matched against prompts.

Built from whatever benchmark files the user points at (JSONL/JSON, optionally .gz,
and zip archives of them). Matching works on word 5-gram shingles with digits masked,
so a question wrapped in instructions, re-numbered or lightly edited still matches;
shingles shared by many questions (boilerplate like answer-option headers) are ignored.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from distillguard.features.text import BENCHMARK_WORD_LIMIT, masked_words, shingles_of, word_shingles

_TEXT_FIELDS = ("question", "prompt", "input", "instruction", "text", "problem", "content")
_COMMON = -1


def _records_from_bytes(name: str, data: bytes) -> Iterator[dict]:
    if name.endswith(".gz"):
        data, name = gzip.decompress(data), name[:-3]
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".jsonl"):
        for line in text.split("\n"):  # not splitlines(): U+2028 and friends are legal inside JSON strings
            line = line.strip()
            if line:
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(value, dict):
                    yield value
    elif name.endswith(".json"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return
        if isinstance(value, dict):
            value = value.get("examples") or value.get("data") or list(value.values())
        for item in value if isinstance(value, list) else ():
            if isinstance(item, dict):
                yield item
            elif isinstance(item, str):
                yield {"text": item}


def iter_benchmark_texts(paths: Iterable[Path]) -> Iterator[str]:
    """Question texts from files or folders of benchmark data."""
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            name = path.name.lower()
            if name.endswith(".zip"):
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        if member.lower().endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz")):
                            for record in _records_from_bytes(member.lower(), archive.read(member)):
                                yield from _texts(record)
            elif name.endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz")):
                for record in _records_from_bytes(name, path.read_bytes()):
                    yield from _texts(record)


def _texts(record: dict) -> Iterator[str]:
    for field in _TEXT_FIELDS:
        value = record.get(field)
        if isinstance(value, str) and len(value.split()) >= 6:
            yield value
            return


class BenchmarkIndex:
    def __init__(self, min_fraction: float = 0.5, max_questions_per_shingle: int = 20) -> None:
        self.min_fraction = min_fraction
        self.max_questions_per_shingle = max_questions_per_shingle
        self._owner: dict[int, int] = {}
        self._df: Counter = Counter()
        self._sizes: list[int] = []

    def __len__(self) -> int:
        return len(self._sizes)

    def add(self, text: str) -> None:
        shingles = set(word_shingles(text))
        if not shingles:
            return
        qid = len(self._sizes)
        self._sizes.append(len(shingles))
        for shingle in shingles:
            self._df[shingle] += 1
            if shingle not in self._owner:
                self._owner[shingle] = qid
            elif self._df[shingle] > self.max_questions_per_shingle:
                self._owner[shingle] = _COMMON

    def add_all(self, texts: Iterable[str]) -> "BenchmarkIndex":
        for text in texts:
            self.add(text)
        return self

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> "BenchmarkIndex":
        return cls().add_all(iter_benchmark_texts(paths))

    def match(self, prompt: str) -> bool:
        """True when most of one benchmark question's shingles appear in the prompt."""
        if not self._sizes:
            return False
        return self.match_words(masked_words(prompt, limit=BENCHMARK_WORD_LIMIT))

    def match_words(self, words: list[str]) -> bool:
        """`match` on the prompt's masked words (`masked_words(prompt, limit=BENCHMARK_WORD_LIMIT)`)."""
        if not self._sizes:
            return False
        owner = self._owner
        # Prefilter on every 4th shingle: a prompt that contains a question hits one of them.
        if not any(s in owner for s in shingles_of(words, stride=4)):
            return False
        hits: Counter = Counter()
        for shingle in set(shingles_of(words)):
            qid = owner.get(shingle)
            if qid is not None and qid != _COMMON:
                hits[qid] += 1
        if not hits:
            return False
        qid, count = hits.most_common(1)[0]
        return count >= max(2, self.min_fraction * self._sizes[qid])
