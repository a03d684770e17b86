"""Numbered JSON objects of a JSONL file, with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import orjson


def numbered_objects(path: Path, error: type[ValueError]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) for every non-blank line; `error` for a line that is not JSON."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise error(f"{path}:{number}: not JSON ({str(exc).split(':')[0]})") from None
