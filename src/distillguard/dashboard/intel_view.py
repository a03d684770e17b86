"""The Intel page's data: STIX bundles sent and received, and local matches.

The intel part (`distillguard intel ...`) keeps its artefacts as files, so the dashboard
reads those it is pointed at (`serve --intel-sent/--intel-received/--intel-matches`):

  sent      bundles written by `intel export --out FILE` (files or folders of *.json)
  received  bundles written by `intel poll --out-dir DIR`
  matches   JSONL written by `intel match --out FILE` (one finding per account)

and always adds `intel_match` findings that a scan stored in the verdicts table.
Bundles are parsed as plain STIX JSON (no stix2 import), capped for page speed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_BUNDLES, MAX_INDICATORS, MAX_MATCHES = 50, 200, 500


def _files(paths: list[str | Path], suffixes: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted((f for f in p.iterdir() if f.suffix in suffixes and f.is_file()), key=lambda f: -f.stat().st_mtime)
        elif p.is_file():
            out.append(p)
    return out


def _bundle(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > 50_000_000:
            return {"path": str(path), "error": "larger than 50 MB, not read"}
        body = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return {"path": str(path), "error": f"unreadable: {exc}"}
    objects = body.get("objects", []) if isinstance(body, dict) else []
    kinds: dict[str, int] = {}
    publisher, campaigns, techniques, indicators = None, [], [], []
    by_name: dict[str, int] = {}
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        kind = obj.get("type", "?")
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "identity" and publisher is None:
            publisher = obj.get("name")
        elif kind == "campaign":
            campaigns.append(obj.get("name") or obj.get("id"))
        elif kind == "attack-pattern":
            refs = [r.get("external_id") for r in obj.get("external_references", []) if isinstance(r, dict) and r.get("external_id")]
            techniques.append(refs[0] if refs else obj.get("name"))
        if kind == "indicator":
            label = obj.get("name") or obj.get("pattern_type") or "indicator"
            by_name[label] = by_name.get(label, 0) + 1
        if kind == "indicator" and len(indicators) < MAX_INDICATORS:
            indicators.append({"name": obj.get("name") or obj.get("id"), "pattern_type": obj.get("pattern_type"),
                               "pattern": str(obj.get("pattern", ""))[:160], "valid_from": obj.get("valid_from") or obj.get("created"),
                               "types": ", ".join(obj.get("indicator_types", []) or obj.get("labels", []) or [])})
    return {"path": str(path), "name": path.name, "publisher": publisher, "objects": len(objects), "kinds": kinds,
            "campaigns": campaigns, "techniques": techniques, "indicators": indicators,
            "indicator_count": kinds.get("indicator", 0), "by_name": sorted(by_name.items(), key=lambda kv: -kv[1]), "error": None}


def _matches(paths: list[Path]) -> list[dict]:
    rows: list[dict] = []
    for path in paths:
        try:
            with open(path) as handle:
                for line in handle:
                    if len(rows) >= MAX_MATCHES:
                        return rows
                    try:
                        row = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(row, dict):
                        rows.append({**row, "source": path.name})
        except OSError:
            continue
    return sorted(rows, key=lambda r: -(r.get("score") or 0))


def load_intel(data: Any, paths: dict[str, list[str | Path]] | list) -> dict[str, Any]:
    paths = paths if isinstance(paths, dict) else {}
    sent = [_bundle(p) for p in _files(paths.get("sent", []), (".json",))[:MAX_BUNDLES]]
    received = [_bundle(p) for p in _files(paths.get("received", []), (".json",))[:MAX_BUNDLES]]
    file_matches = _matches(_files(paths.get("matches", []), (".jsonl", ".json")))
    store_matches = data.intel_matches()
    configured = any(paths.get(k) for k in ("sent", "received", "matches"))
    return {"sent": sent, "received": received, "file_matches": file_matches, "store_matches": store_matches,
            "configured": configured, "paths": {k: [str(p) for p in v] for k, v in paths.items()}}
