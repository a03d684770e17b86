"""What `scan` does around the pipeline for foreign logs: pick files and formats, then judge what was read.

Kept here, beside the adapters, so scan_cli stays a thin shell: one call before the scan
(files, formats, a one-line note of what was detected) and one after it (a scan that
read nothing valid, or rejected too much, exits non-zero saying what the input looks like).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable

from distillguard.adapters import ADAPTERS, NATIVE, NATIVE_REQUIRED, SUPPORTED, UnknownFormatError, resolve_formats, supported_line
from distillguard.adapters.records import base_name, describe

LOG_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet", ".pq")


def _is_log(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and base_name(path).endswith(LOG_SUFFIXES)


def expand(inputs: list[Path]) -> list[Path]:
    """Files as given, and inside folders every file whose name looks like a log (compressed or not)."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found = sorted(p for p in item.rglob("*") if _is_log(p))
            if not found:
                raise FileNotFoundError(f"{item}: folder holds no log file (looked for {', '.join(LOG_SUFFIXES)}, optionally .gz/.zst)")
            files.extend(found)
        elif item.exists():
            files.append(item)
        else:
            raise FileNotFoundError(f"no such file or directory: {item}")
    return files


def prepare_inputs(inputs: list[Path], requested: str, mapping: Path | None, fail: Callable[[str], None], console,
                   accounts: Path | None = None) -> tuple[list[Path], dict[str, str], dict[str, Any]]:
    """(files, {file: format}, adapter options), or `fail` with one line naming what is wrong."""
    options: dict[str, Any] = {"mapping": str(mapping)} if mapping else {}
    if accounts is not None:
        from distillguard.adapters.accounts import load_accounts

        try:
            console.print(f"accounts: {len(load_accounts(accounts)):,} rows from {accounts} joined onto events that lack them")
        except ValueError as exc:
            fail(str(exc))
        options["accounts"] = str(accounts)
    if mapping is not None and not mapping.is_file():
        fail(f"{mapping}: no such mapping file")
    if requested == "csv" and mapping is None:
        console.print("note: --format csv without --mapping reads columns named like the event fields (request_id, ts, account_id, prompt, …)")
    try:
        files = expand(list(inputs))
        if mapping is not None:
            from distillguard.adapters.mapped import load_mapping

            load_mapping(mapping)
        formats = resolve_formats(files, requested, options)
    except (FileNotFoundError, UnknownFormatError, ValueError) as exc:
        fail(str(exc))
        raise  # fail() exits; this line only satisfies type checkers
    if requested in (None, "", "auto"):
        for name, count in Counter(formats.values()).items():
            which = next(p for p, f in formats.items() if f == name) if count == 1 else f"{count} files"
            console.print(f"detected format: {name} ({SUPPORTED[name]}) for {which}")
    return files, formats, options


def check_read(stats: dict[str, Any], files: list[Path], rejects: Path, max_share: float, rescan: bool,
               fail: Callable[[str], None], console) -> None:
    """Fail when nothing valid was read, or when more than `max_share` of the records were rejected."""
    events, rejected = stats["events"], stats["rejects"]
    formats = stats.get("formats") or {}
    if events == 0:
        if rejected == 0 and rescan:
            console.print("no new events since the last scan of these files")
            return
        path = files[0] if files else None
        name = formats.get(str(path), NATIVE) if path else NATIVE
        required = ", ".join(NATIVE_REQUIRED) if name == NATIVE else ADAPTERS[name].requires
        why = f"; {rejected:,} record(s) rejected, by field: {stats['rejects_by_field']} (details in {rejects})" if rejected else ""
        fail(f"no valid record read: {path} is {describe(path) if path else 'missing'}, read as {name}{why}; "
             f"required: {required}; {supported_line()}")
    total = events + rejected
    if total and rejected / total > max_share:
        fail(f"{rejected:,} of {total:,} records ({rejected / total:.0%}) were rejected, more than --max-reject-share "
             f"{max_share:.0%}; by field: {stats['rejects_by_field']} (details in {rejects})")
