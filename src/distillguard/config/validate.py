"""Unknown keys in a user's configuration are mistakes: say which, and what was probably meant.

A misspelt `policy.flag_threshhold` used to be ignored silently, so the scan ran with the
default threshold while the user believed otherwise.
"""

from __future__ import annotations

import difflib
from typing import Any

# Sections whose keys are free-form (names chosen by the user), checked elsewhere or not at all.
_FREE = {("detectors",), ("benchmark_paths",)}
_DETECTOR_KEYS = ("enabled", "weight", "params", "family")


class ConfigKeyError(ValueError):
    """An unknown configuration key; the message names the key path and a suggestion."""


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known keys here: {', '.join(sorted(known))}"


def unknown_keys(user: Any, defaults: Any, path: tuple[str, ...] = ()) -> list[str]:
    """One message per key of `user` that `defaults` does not have (recursively)."""
    if not isinstance(user, dict) or not isinstance(defaults, dict) or path in _FREE:
        if path == ("detectors",) and isinstance(user, dict):
            return [f"detectors.{name}.{key}: unknown key" + _suggest(key, list(_DETECTOR_KEYS))
                    for name, spec in user.items() if isinstance(spec, dict) for key in spec if key not in _DETECTOR_KEYS]
        return []
    problems = []
    for key, value in user.items():
        dotted = ".".join(path + (str(key),))
        if key not in defaults:
            problems.append(f"{dotted}: unknown key" + _suggest(str(key), [str(k) for k in defaults]))
        else:
            problems.extend(unknown_keys(value, defaults[key], path + (str(key),)))
    return problems


def check_keys(user: dict, defaults: dict, source: str) -> None:
    problems = unknown_keys(user, defaults)
    if problems:
        raise ConfigKeyError(f"{source}: " + "; ".join(problems))
