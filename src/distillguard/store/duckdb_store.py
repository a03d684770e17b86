"""The embedded store: one DuckDB file with events, features, verdicts, campaigns and scan state.

Tables (the dashboard and other tools read these; columns are additive-only):
  scans(scan_id, started_at, finished_at, inputs, events_new, rejects, accounts, flagged, mode)
  events(request_id, ts, account_id, ip, user_agent, endpoint, model, prompt, prompt_tokens,
         completion_tokens, cost_usd, status, max_tokens, temperature, n, logprobs, logit_bias)
  account_features(account_id, <one DOUBLE column per feature>)      -- latest scan
  verdicts(account_id, risk, flagged, campaign_id, account_risk, campaign_risk, requests,
           first_flag_request_id, first_flag_ts, requests_before_flag, findings JSON, scan_id)
  campaigns(campaign_id, risk, flagged, members, member_ids JSON, links JSON, findings JSON, scan_id)
  input_progress(path, lines_done, size, head_hash)                    -- growing logs resume here
  engine_state(id, blob)                                               -- pickled detection state

A scan over a growing log reads only the lines past `input_progress` and skips request
ids already stored, so re-running a scan is idempotent and incremental.

One scan is one transaction: `begin_scan` opens it, `append_events` adds event batches
inside it as they stream, and `commit_scan` writes engine state, verdicts, campaigns,
features, input offsets and the scan record, then commits. A kill anywhere before that
commit leaves the store exactly as the previous scan left it, so the rescan redoes the
work: each request id ends up stored once and every stored event has its verdict. A table
that must move with the events (e.g. request bodies) is written inside `append_events`
or `commit_scan` and so shares the same boundary.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from distillguard.events.readers import account_tag

PROMPT_STORE_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (scan_id INTEGER, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, inputs VARCHAR,
  events_new BIGINT, rejects BIGINT, accounts BIGINT, flagged BIGINT, mode VARCHAR);
CREATE TABLE IF NOT EXISTS events (request_id VARCHAR, ts TIMESTAMPTZ, account_id VARCHAR, ip VARCHAR, user_agent VARCHAR,
  endpoint VARCHAR, model VARCHAR, prompt VARCHAR, prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd DOUBLE,
  status INTEGER, max_tokens INTEGER, temperature DOUBLE, n INTEGER, logprobs BOOLEAN, logit_bias BOOLEAN);
CREATE TABLE IF NOT EXISTS verdicts (account_id VARCHAR, risk DOUBLE, flagged BOOLEAN, campaign_id VARCHAR,
  account_risk DOUBLE, campaign_risk DOUBLE, requests BIGINT, first_flag_request_id VARCHAR, first_flag_ts VARCHAR,
  requests_before_flag BIGINT, findings JSON, scan_id INTEGER);
CREATE TABLE IF NOT EXISTS campaigns (campaign_id VARCHAR, risk DOUBLE, flagged BOOLEAN, members INTEGER, member_ids JSON,
  links JSON, findings JSON, scan_id INTEGER);
CREATE TABLE IF NOT EXISTS input_progress (path VARCHAR, lines_done BIGINT, size BIGINT, head_hash VARCHAR);
CREATE TABLE IF NOT EXISTS engine_state (id INTEGER, blob BLOB);
"""

EVENT_SCHEMA = pa.schema([
    ("request_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")), ("account_id", pa.string()), ("ip", pa.string()),
    ("user_agent", pa.string()), ("endpoint", pa.string()), ("model", pa.string()), ("prompt", pa.string()),
    ("prompt_tokens", pa.int32()), ("completion_tokens", pa.int32()), ("cost_usd", pa.float64()), ("status", pa.int32()),
    ("max_tokens", pa.int32()), ("temperature", pa.float64()), ("n", pa.int32()), ("logprobs", pa.bool_()), ("logit_bias", pa.bool_()),
])


_CAMPAIGN_TYPES = (pa.string(), pa.float64(), pa.bool_(), pa.int32(), pa.string(), pa.string(), pa.string(), pa.int32())


def insert_rows(con, table: str, rows: list[tuple], types: tuple[pa.DataType, ...]) -> None:
    """Append rows through one Arrow table (DuckDB's executemany costs about a millisecond of CPU per row)."""
    if not rows:
        return
    columns = {f"c{i}": pa.array(list(values), type=kind) for i, (values, kind) in enumerate(zip(zip(*rows), types))}
    view = f"_new_{table}"
    con.register(view, pa.table(columns))
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {view}")
    finally:
        con.unregister(view)


def head_hash(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read(65536)).hexdigest()


@dataclass
class ScanCommit:
    """Everything a scan writes besides event rows, committed with them in one transaction."""

    scan_id: int
    started: datetime
    inputs: list[str]
    events_new: int
    rejects: int
    mode: str
    verdicts: list[dict]
    campaigns: list[dict]
    features: dict[str, dict[str, float]]
    engine: Any | None = None  # None: leave the saved engine state as it is (replay)
    offsets: dict[Path, int] = field(default_factory=dict)  # input -> complete lines consumed


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on stdout for a long insert
        self.con.execute(_SCHEMA)
        self._in_scan = False

    def close(self) -> None:
        """Close; a scan transaction still open is rolled back (nothing half-written survives)."""
        if self._in_scan:
            self.con.rollback()
            self._in_scan = False
        self.con.close()

    # -- the scan transaction ------------------------------------------------------
    def begin_scan(self, threads: int | None = None) -> None:
        """Open the scan's transaction. `threads`: DuckDB threads for it; a scan already keeps the
        cores busy parsing and scoring, and more DuckDB threads there cost CPU (about 10 µs an event
        on two cores) and gained no time."""
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.begin()
        self._in_scan = True

    def commit_scan(self, commit: ScanCommit) -> None:
        """Write the scan's results, state and offsets and commit them with its event rows."""
        self.write_results(commit.scan_id, commit.verdicts, commit.campaigns, commit.features)
        if commit.engine is not None:
            self.save_engine(commit.engine)
        for path, lines in commit.offsets.items():
            self.set_lines_done(path, lines)
        flagged = sum(1 for v in commit.verdicts if v["flagged"])
        self.record_scan(commit.scan_id, commit.started, commit.inputs, commit.events_new, commit.rejects, len(commit.verdicts),
                         flagged, commit.mode)
        if self._in_scan:
            self.con.commit()
            self._in_scan = False

    # -- incremental reading ----------------------------------------------------
    def progress(self) -> dict[str, tuple[int, str]]:
        """path -> (lines done, head hash) of every log scanned so far (read at once: no result left open)."""
        return {row[0]: (int(row[1]), row[2]) for row in self.con.execute("SELECT path, lines_done, head_hash FROM input_progress").fetchall()}

    def lines_done(self, path: Path, progress: dict[str, tuple[int, str]] | None = None) -> int:
        """Lines of `path` already scanned, if the file is the same log grown (same head)."""
        row = (self.progress() if progress is None else progress).get(str(path.resolve()))
        if row is None or row[1] != head_hash(path):
            return 0
        return row[0]

    def set_lines_done(self, path: Path, lines: int) -> None:
        key = str(path.resolve())
        self.con.execute("DELETE FROM input_progress WHERE path = ?", [key])
        self.con.execute("INSERT INTO input_progress VALUES (?, ?, ?, ?)", [key, lines, path.stat().st_size, head_hash(path)])

    def known_request_ids(self) -> dict[str, int]:
        """request id -> account tag (crc32 of the account id) of every stored event."""
        rows = self.con.execute("SELECT request_id, account_id FROM events").fetchall()
        return {request_id: account_tag(account_id) for request_id, account_id in rows}

    # -- writing -------------------------------------------------------------------
    def append_events(self, columns: dict[str, list]) -> None:
        if not columns["request_id"]:
            return
        table = pa.Table.from_pydict(columns, schema=EVENT_SCHEMA)
        self.con.register("_new_events", table)
        self.con.execute("INSERT INTO events SELECT * FROM _new_events")
        self.con.unregister("_new_events")

    def save_engine(self, engine: Any) -> None:
        blob = pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL)
        self.con.execute("DELETE FROM engine_state")
        self.con.execute("INSERT INTO engine_state VALUES (1, ?)", [blob])

    def load_engine(self) -> Any | None:
        row = self.con.execute("SELECT blob FROM engine_state WHERE id = 1").fetchone()
        return pickle.loads(row[0]) if row else None

    def next_scan_id(self) -> int:
        return int(self.con.execute("SELECT coalesce(max(scan_id), 0) + 1 FROM scans").fetchone()[0])

    def write_results(self, scan_id: int, verdicts: list[dict], campaigns: list[dict], features: dict[str, dict[str, float]]) -> None:
        con = self.con
        con.execute("DELETE FROM verdicts")
        if verdicts:
            table = pa.table({
                "account_id": [v["account_id"] for v in verdicts],
                "risk": [float(v["risk"]) for v in verdicts],
                "flagged": [bool(v["flagged"]) for v in verdicts],
                "campaign_id": [v.get("campaign_id") for v in verdicts],
                "account_risk": [v.get("account_risk") for v in verdicts],
                "campaign_risk": [v.get("campaign_risk") for v in verdicts],
                "requests": [v.get("requests") for v in verdicts],
                "first_flag_request_id": [v.get("first_flag_request_id") for v in verdicts],
                "first_flag_ts": [v.get("first_flag_ts") for v in verdicts],
                "requests_before_flag": [v.get("requests_before_flag") for v in verdicts],
                "findings": [json.dumps(v.get("findings", [])) for v in verdicts],
                "scan_id": [scan_id] * len(verdicts),
            })
            con.register("_verdicts", table)
            con.execute("INSERT INTO verdicts SELECT account_id, risk, flagged, campaign_id, account_risk, campaign_risk, requests, "
                        "first_flag_request_id, first_flag_ts, requests_before_flag, findings::JSON, scan_id FROM _verdicts")
            con.unregister("_verdicts")
        con.execute("DELETE FROM campaigns")
        rows = [(c["campaign_id"], c["risk"], c["flagged"], c["members"], json.dumps(c["member_ids"]), json.dumps(c["links"]),
                 json.dumps(c["findings"]), scan_id) for c in campaigns]
        insert_rows(con, "campaigns", rows, _CAMPAIGN_TYPES)
        if features:
            names = sorted(next(iter(features.values())).keys())
            table = pa.table({"account_id": list(features), **{n: [float(f.get(n, 0.0)) for f in features.values()] for n in names}})
            con.register("_features", table)
            con.execute("CREATE OR REPLACE TABLE account_features AS SELECT * FROM _features")
            con.unregister("_features")

    def record_scan(self, scan_id: int, started: datetime, inputs: list[str], events_new: int, rejects: int, accounts: int,
                    flagged: int, mode: str) -> None:
        self.con.execute("INSERT INTO scans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [scan_id, started, datetime.now(timezone.utc), json.dumps(inputs), events_new, rejects, accounts, flagged, mode])
