"""Read answer files and line them up prompt by prompt.

Every signal compares models on the *same* prompts, so the first job is to load each
model's answers and keep only the prompts that all of them answered. Files are JSONL or a
JSON list (optionally gzipped) of objects with `instruction` and `output`; the AlpacaEval
layout works as is. Bad input raises `InputError` with the file, line and field, which the
CLI prints as one line.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

PROMPT_KEYS = ("instruction", "prompt")
OUTPUT_KEYS = ("output", "response", "answer")


class InputError(ValueError):
    """Input the user can fix: the message names the file, line and field."""


@dataclass
class ModelAnswers:
    """One model's answers, keyed by prompt text."""

    name: str
    answers: dict[str, str]
    source: str = ""


@dataclass
class Family:
    """A named reference: one or more models (e.g. several gpt-3.5 versions)."""

    name: str
    members: list[ModelAnswers] = field(default_factory=list)


def _open_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except OSError as exc:
            raise InputError(f"{path}: not a valid gzip file ({exc})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _records(path: Path, text: str) -> list[tuple[int, object]]:
    """(line number, record) pairs from a JSON list or JSONL text."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        # JSON lists carry no per-record line; report the record's position instead.
        return [(i + 1, rec) for i, rec in enumerate(data)]
    out = []
    for lineno, line in enumerate(text.split("\n"), start=1):  # U+2028 may sit inside a JSON string
        if not line.strip():
            continue
        try:
            out.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
    return out


def _field(path: Path, lineno: int, rec: dict, keys: tuple[str, ...], what: str) -> str:
    for key in keys:
        if key in rec:
            value = rec[key]
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InputError(f"{path}:{lineno}: field '{key}' must be a string, got {type(value).__name__}")
            return value
    raise InputError(f"{path}:{lineno}: missing field '{keys[0]}' ({what})")


def model_name_from_path(path: str | Path) -> str:
    """'gpt-3.5-turbo-0613.json.gz' -> 'gpt-3.5-turbo-0613' (dots inside names are kept)."""
    name = Path(path).name
    for suffix in (".gz", ".jsonl", ".json", ".ndjson"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def load_answers(path: str | Path, name: str | None = None) -> ModelAnswers:
    """Load one model's answers; the model name defaults to the file name without suffixes."""
    path = Path(path)
    records = _records(path, _open_text(path))
    if not records:
        raise InputError(f"{path}: no records")
    answers: dict[str, str] = {}
    for lineno, rec in records:
        if not isinstance(rec, dict):
            raise InputError(f"{path}:{lineno}: expected an object with 'instruction' and 'output'")
        prompt = _field(path, lineno, rec, PROMPT_KEYS, "the prompt")
        answers.setdefault(prompt, _field(path, lineno, rec, OUTPUT_KEYS, "the model's answer"))
    if name is None:
        name = model_name_from_path(path)
    return ModelAnswers(name=name, answers=answers, source=str(path))


def parse_named(spec: str, option: str = "--reference") -> tuple[str, str]:
    """Split `NAME=FILE`; a bare FILE is named after the file."""
    if "=" in spec:
        name, _, file = spec.partition("=")
        if not name.strip() or not file.strip():
            raise InputError(f"{option} {spec!r}: expected NAME=FILE")
        return name.strip(), file.strip()
    return model_name_from_path(spec), spec


def load_families(specs: list[str], option: str = "--reference") -> list[Family]:
    """Group `NAME=FILE` specs into families; several files per name make several members."""
    families: dict[str, Family] = {}
    for spec in specs:
        name, file = parse_named(spec, option)
        member = load_answers(file)
        fam = families.setdefault(name, Family(name))
        if any(m.name == member.name for m in fam.members):
            member.name = f"{member.name}#{len(fam.members) + 1}"
        fam.members.append(member)
    return list(families.values())


def common_prompts(models: list[ModelAnswers], min_prompts: int = 5) -> list[str]:
    """Prompts answered by every model, in the first model's order."""
    if not models:
        return []
    shared = set(models[0].answers)
    for m in models[1:]:
        shared &= set(m.answers)
    prompts = [p for p in models[0].answers if p in shared]
    if len(prompts) < min_prompts:
        worst = min(models[1:] or models, key=lambda m: len(set(m.answers) & set(models[0].answers)))
        raise InputError(
            f"only {len(prompts)} prompts are answered by every model (need {min_prompts}); "
            f"{worst.source or worst.name} shares the fewest with {models[0].source or models[0].name}"
        )
    return prompts


def load_prompts(path: str | Path) -> list[str]:
    """Probe prompts: JSONL/JSON list of objects with `instruction` (or `prompt`), or of strings."""
    path = Path(path)
    prompts: list[str] = []
    for lineno, rec in _records(path, _open_text(path)):
        if isinstance(rec, str):
            prompts.append(rec)
        elif isinstance(rec, dict):
            prompts.append(_field(path, lineno, rec, PROMPT_KEYS, "the probe prompt"))
        else:
            raise InputError(f"{path}:{lineno}: expected a string or an object with 'instruction'")
    prompts = list(dict.fromkeys(p for p in prompts if p.strip()))
    if not prompts:
        raise InputError(f"{path}: no prompts")
    return prompts
