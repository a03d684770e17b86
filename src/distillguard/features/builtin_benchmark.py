"""A built-in benchmark universe: procedural items shaped like public benchmarks.

Math word problems, four-option multiple choice and code stubs, generated from a fixed seed. It
gives the benchmark index something to match before a provider points it at real benchmark files
(`--benchmarks`). The project's own simulator draws its benchmark-harvest prompts from the same
list, so figures on that simulator overstate benchmark matching; the independent generators
(bench/blind, bench/devgen) write their own questions.
"""

from __future__ import annotations

import random

BENCH_TOPICS = [
    "photosynthesis", "the French revolution", "black holes", "inflation", "machine learning", "sourdough bread",
    "climate change", "the immune system", "blockchain", "the Roman empire", "quantum computing", "jazz music",
    "supply chains", "volcanoes", "meditation", "electric cars", "the stock market", "coral reefs", "vaccines",
    "renaissance art", "cryptography", "marathon training", "urban planning", "honeybees", "the printing press",
    "neural networks", "plate tectonics", "minimalism", "chess openings", "solar panels", "the water cycle",
]


_BENCH_CACHE: list[str] = []


def procedural_benchmark(size: int = 1500) -> list[str]:
    """A fixed 'public benchmark' of procedural items (math word problems, MCQ, code stubs)."""
    if _BENCH_CACHE:
        return _BENCH_CACHE
    rng = random.Random(1234)
    names = ["Maria", "Jamal", "Wei", "Priya", "Tom", "Aiko", "Lena", "Omar"]
    items = ["apples", "pencils", "stickers", "marbles", "cookies", "books", "coins", "tickets"]
    for _ in range(size // 3):
        a, b, c = rng.randint(3, 90), rng.randint(2, 30), rng.randint(2, 9)
        name, item = rng.choice(names), rng.choice(items)
        _BENCH_CACHE.append(
            f"{name} has {a} {item}. She buys {b} more and then gives away a {c}th of what she has, rounded down. "
            f"How many {item} does {name} have left?"
        )
    for _ in range(size // 3):
        topic = rng.choice(BENCH_TOPICS)
        _BENCH_CACHE.append(
            f"Question: Which of the following statements about {topic} is correct?\n(A) It was first described in {rng.randint(1700, 1990)}\n"
            f"(B) It depends on {rng.choice(BENCH_TOPICS)}\n(C) It is unrelated to {rng.choice(BENCH_TOPICS)}\n(D) None of the above\nAnswer:"
        )
    for _ in range(size - 2 * (size // 3)):
        fname = rng.choice(["count", "merge", "find", "sum", "sort", "filter", "rotate", "reverse"]) + "_" + rng.choice(
            ["pairs", "evens", "primes", "words", "digits", "intervals", "vowels", "matrix"])
        k = rng.randint(2, 20)
        _BENCH_CACHE.append(
            f"def {fname}(values: list, k: int = {k}):\n    \"\"\"Return the result of applying {fname.replace('_', ' ')} to values "
            f"with parameter k.\n    >>> {fname}([1, 2, 3], {k})\n    \"\"\"\n"
        )
    return _BENCH_CACHE
