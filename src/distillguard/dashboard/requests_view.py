"""The request explorer's queries: search, page, sort and export requests; read one in full.

Search is a case-insensitive substring match over the stored prompt, the response text and
the raw request body (DuckDB scans the columns; no full-text extension to download), with
filters by account, campaign, exact prompt opening (what a finding example links to) and
parameter (`has=logit_bias`, `logprobs`, `errors`).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from distillguard.dashboard.redaction import redact_deep
from distillguard.store.requests import SCHEMA as BODY_SCHEMA

SORTS = {"ts": "e.ts DESC", "oldest": "e.ts ASC", "tokens": "(coalesce(e.prompt_tokens, 0) + coalesce(e.completion_tokens, 0)) DESC",
         "cost": "e.cost_usd DESC NULLS LAST", "latency": "b.latency_ms DESC NULLS LAST"}
HAS = {"logit_bias": "e.logit_bias", "logprobs": "e.logprobs", "errors": "coalesce(e.status, 200) >= 400",
       "response": "b.response_text IS NOT NULL"}
EXPORT_LIMIT = 10_000
COLUMNS = ("request_id", "ts", "account_id", "api_key_id", "ip", "model", "endpoint", "status", "prompt_tokens",
           "completion_tokens", "cost_usd", "latency_ms", "max_tokens", "temperature", "n", "logprobs", "logit_bias", "prompt",
           "response_text")


def ensure_table(data) -> None:
    """Stores written before bodies were kept have no table yet: create it empty so every query works."""
    cursor = data.cur()
    try:
        cursor.execute(BODY_SCHEMA)
    finally:
        cursor.close()


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(data, q: str, account_id: str, campaign_id: str, starts: str, has: str) -> tuple[str, list]:
    where, params = ["1=1"], []
    if account_id:
        where.append("e.account_id = ?")
        params.append(account_id)
    if campaign_id:
        campaign = data.campaign(campaign_id)
        where.append("e.account_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(campaign["member_ids"] if campaign else [])
    if starts:
        where.append("starts_with(e.prompt, ?)")
        params.append(starts)
    if q:
        where.append("(e.request_id = ? OR e.prompt ILIKE ? ESCAPE '\\' OR b.response_text ILIKE ? ESCAPE '\\' "
                     "OR b.request_json ILIKE ? ESCAPE '\\')")
        params += [q] + [_like(q)] * 3
    if has in HAS:
        where.append(HAS[has])
    return " AND ".join(where), params


def search(data, q: str = "", account_id: str = "", campaign_id: str = "", starts: str = "", has: str = "", sort: str = "ts",
           page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """(rows, total) of requests matching every filter, newest first unless `sort` says otherwise.

    One pass finds the page's ids and the total (a window count); bodies are joined for the scan only when a filter or
    the sort needs them, and then read for the page's rows alone."""
    where, params = _where(data, q, account_id, campaign_id, starts, has)
    order = SORTS.get(sort, SORTS["ts"])
    needs_body = bool(q) or has == "response" or sort == "latency"
    source = "events e LEFT JOIN request_bodies b ON b.request_id = e.request_id" if needs_body else "events e"
    if needs_body:  # the dear filter runs once: a window count beside the page
        hits = data.rows(f"SELECT e.request_id, count(*) OVER () total FROM {source} WHERE {where} ORDER BY {order}, e.request_id "
                         "LIMIT ? OFFSET ?", params + [per_page, (page - 1) * per_page])
        total = hits[0]["total"] if hits else (data.scalar(f"SELECT count(*) FROM {source} WHERE {where}", params) if page > 1 else 0)
    else:  # cheap filters: a count and a top-k sort are each faster than a window over every row
        total = data.scalar(f"SELECT count(*) FROM {source} WHERE {where}", params)
        hits = data.rows(f"SELECT e.request_id FROM {source} WHERE {where} ORDER BY {order}, e.request_id LIMIT ? OFFSET ?",
                         params + [per_page, (page - 1) * per_page])
    if not hits:
        return [], total
    ids = [h["request_id"] for h in hits]
    rows = data.rows("""SELECT e.request_id, e.ts, e.account_id, b.api_key_id, e.ip, e.model, e.endpoint, e.status, e.prompt_tokens,
                               e.completion_tokens, e.cost_usd, b.latency_ms, e.max_tokens, e.temperature, e.n, e.logprobs,
                               e.logit_bias, e.prompt, left(b.response_text, 2000) response_text
                        FROM events e LEFT JOIN (SELECT * FROM request_bodies WHERE request_id IN (SELECT unnest(?::VARCHAR[]))) b
                          ON b.request_id = e.request_id
                        WHERE e.request_id IN (SELECT unnest(?::VARCHAR[]))""", [ids, ids])
    by_id = {}
    for row in rows:
        by_id.setdefault(row["request_id"], row)  # a request id stored twice (a duplicate in the log) is shown once
    return [by_id[i] for i in ids if i in by_id], total


def detail(data, request_id: str) -> dict | None:
    """One request in full: the event row, its stored body (parsed) and response, and its account's verdict."""
    row = data.one("""SELECT e.*, b.api_key_id, b.latency_ms, b.system_prompt, b.request_json, b.response_text, b.truncated,
                             v.campaign_id, v.risk, v.flagged
                      FROM events e LEFT JOIN (SELECT * FROM request_bodies WHERE request_id = ?) b ON b.request_id = e.request_id
                      LEFT JOIN verdicts v ON v.account_id = e.account_id WHERE e.request_id = ? LIMIT 1""", [request_id, request_id])
    if row is None:
        return None
    try:
        body = json.loads(row.pop("request_json")) if row.get("request_json") else None
    except ValueError:
        body = None
    row["body"] = body if isinstance(body, dict) else None
    row["messages"] = [m for m in (row["body"] or {}).get("messages") or [] if isinstance(m, dict)]
    row["params"] = {k: v for k, v in (row["body"] or {}).items() if k not in ("messages", "prompt", "tools", "functions")}
    row["tools"] = (row["body"] or {}).get("tools") or (row["body"] or {}).get("functions")
    return row


def viewable(rows: Any, raw: bool) -> Any:
    """What a user may see: everything when `raw` (analyst who asked), else personal data and secrets masked."""
    return rows if raw else redact_deep(rows)


def export(rows: list[dict], fmt: str) -> tuple[bytes, str]:
    """(content, media type) of search results as CSV or JSON."""
    if fmt == "json":
        return json.dumps(rows, default=str, ensure_ascii=False, indent=1).encode(), "application/json"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in COLUMNS})
    return buffer.getvalue().encode(), "text/csv; charset=utf-8"
