"""Verdicts and campaigns as flat tables (CSV or Parquet) for warehouses and BI dashboards."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson

from distillguard.exports.summary import main_finding

VERDICT_COLUMNS = ("account_id", "risk", "flagged", "campaign_id", "requests", "main_detector", "main_score", "main_summary",
                   "detectors", "first_flag_request_id", "first_flag_ts", "requests_before_flag")


def verdict_rows(verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for verdict in sorted(verdicts, key=lambda v: -float(v.get("risk", 0.0))):
        main = main_finding(verdict)
        rows.append({
            "account_id": verdict["account_id"],
            "risk": float(verdict.get("risk", 0.0)),
            "flagged": bool(verdict.get("flagged")),
            "campaign_id": verdict.get("campaign_id"),
            "requests": verdict.get("requests"),
            "main_detector": main.get("detector"),
            "main_score": main.get("score"),
            "main_summary": main.get("summary"),
            "detectors": ",".join(f.get("detector", "") for f in verdict.get("findings") or ()),
            "first_flag_request_id": verdict.get("first_flag_request_id"),
            "first_flag_ts": verdict.get("first_flag_ts"),
            "requests_before_flag": verdict.get("requests_before_flag"),
        })
    return rows


def write_table(rows: list[dict[str, Any]], path: Path, columns: tuple[str, ...] | None = None) -> Path:
    """CSV or Parquet by the file's suffix (.csv / .parquet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or (tuple(rows[0]) if rows else ())
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({c: [_cell(r.get(c)) for r in rows] for c in columns}) if columns else pa.table({})
        pq.write_table(table, path)
    else:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: _cell(row.get(c)) for c in columns})
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return value
