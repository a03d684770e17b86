"""A regular-expression family split into branches, each searched only when a literal it needs occurs.

Python's `re` tries every branch of an alternation at every position of the text, which made a
family of ten branches cost ten small searches per prompt. Here each branch (or a group of
branches) carries literals at least one of which any match of it contains; a C-level substring
test skips the branch when none occurs, and a branch that opens with its literal is found by
the engine's fast literal scan. Branches anchored to a line start (`^` under re.M) are matched at
the start of the text and searched after each newline, which the engine also scans for quickly.

Only whether the family matches is kept (not where), and a text matches the split family exactly
when it matches the original alternation: tests/robust/test_speed_paths.py checks them side by side.
"""

from __future__ import annotations

import re


class GuardedFamily:
    def __init__(self, branches: list[tuple[tuple[str, ...], str | None]], line_start: str | None = None, flags: int = 0) -> None:
        """`branches`: (literals, pattern) pairs, every match of `pattern` containing one of `literals`
        (an empty tuple: always searched); pattern None: the branch is the literal itself. `line_start`:
        an alternation that the original anchored with `^` under re.M, given without the `^`."""
        self._branches = [(literals, re.compile(pattern, flags) if pattern is not None else None) for literals, pattern in branches]
        self._at_start = re.compile(f"(?:{line_start})", flags | re.M) if line_start else None
        self._after_newline = re.compile(f"\n(?:{line_start})", flags | re.M) if line_start else None

    def found(self, text: str) -> bool:
        """Whether the original family's `search` finds a match in `text`."""
        if not text:
            return False  # no branch of these families matches the empty text (checked by the tests)
        for literals, pattern in self._branches:
            if not literals:
                if pattern.search(text) is not None:
                    return True
                continue
            for literal in literals:
                if literal in text:
                    if pattern is None or pattern.search(text) is not None:
                        return True
                    break
        if self._at_start is not None:
            if self._at_start.match(text) is not None:
                return True
            if "\n" in text and self._after_newline.search(text) is not None:
                return True
        return False

    def found_any(self, *texts: str) -> bool:
        return any(self.found(text) for text in texts if text)
