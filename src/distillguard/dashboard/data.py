"""Every query the dashboard runs against the embedded DuckDB store.

All aggregation happens in SQL; results that only change when a scan lands (overview
series, population percentiles, campaign graph layouts) are cached per *data version*
(latest scan id + verdict count), those that change with actions per *audit version*.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import duckdb

from distillguard.dashboard.actions import ACTION_HELP, ACTIONS, STANDING  # noqa: F401  (ACTION_HELP re-exported)

AUDIT_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (ts TIMESTAMPTZ, actor VARCHAR, account_id VARCHAR, campaign_id VARCHAR, action VARCHAR,
  reason VARCHAR, evidence_json VARCHAR, request_id VARCHAR)
"""

# MITRE ATLAS technique names for the ids the detectors report.
ATLAS = {
    "AML.T0005": "Create Proxy ML Model",
    "AML.T0005.001": "Create Proxy ML Model: Train Proxy via Replication",
    "AML.T0014": "Discover ML Model Family",
    "AML.T0021": "Establish Accounts",
    "AML.T0024": "Exfiltration via ML Inference API",
    "AML.T0024.000": "Exfiltration via ML Inference API: Infer Training Data Membership",
    "AML.T0024.001": "Exfiltration via ML Inference API: Invert ML Model",
    "AML.T0024.002": "Exfiltration via ML Inference API: Extract ML Model",
    "AML.T0034": "Cost Harvesting",
    "AML.T0040": "ML Model Inference API Access",
    "AML.T0056": "Extract LLM System Prompt",
}

FINDING_MIN_SCORE = 0.3

_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
    (re.compile(r"https?://\S+"), "[URL]"),
    (re.compile(r"\b(?:sk|pk|rk|ghp|xox[abp])[-_][A-Za-z0-9_-]{12,}\b"), "[SECRET]"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "[IP]"),
    (re.compile(r"\+?\d[\d ().-]{7,}\d"), "[NUMBER]"),
    (re.compile(r"\b[A-Za-z0-9+/_-]{32,}={0,2}"), "[TOKEN]"),
]


# A cheap test per pattern that must hold before the (much dearer) regex can match: exports redact
# thousands of long prompts and responses, and the e-mail pattern alone scanned every character.
_SECRET_MARKS = ("sk-", "sk_", "pk-", "pk_", "rk-", "rk_", "ghp-", "ghp_", "xoxa", "xoxb", "xoxp")
_MAY_MATCH = (lambda t: "@" in t, lambda t: "://" in t, lambda t: any(m in t for m in _SECRET_MARKS),
              lambda t: t.count(".") >= 3, lambda t: True, lambda t: len(t) >= 32)


def redact(text: str | None, limit: int = 600) -> str:
    """Mask personal data and secrets in a prompt shown to analysts (and clip it)."""
    if not text:
        return ""
    for (pattern, mask), may_match in zip(_REDACTIONS, _MAY_MATCH):
        if may_match(text):
            text = pattern.sub(mask, text)
    return text if len(text) <= limit else text[:limit] + "…"


def clip(text: str | None, limit: int = 600) -> str:
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def atlas_name(technique: str | None) -> str:
    return ATLAS.get(technique or "", "") or ATLAS.get((technique or "").rsplit(".", 1)[0], "")


def bucket_for(first: datetime | None, last: datetime | None) -> int:
    """Timeline bucket (seconds) so that short bursts still show a shape: 1 min, 10 min or 1 h."""
    if first is None or last is None:
        return 3600
    span = (last - first).total_seconds()
    return 60 if span <= 6 * 3600 else 600 if span <= 48 * 3600 else 3600


def new_request_id() -> str:
    return "dash-" + uuid.uuid4().hex[:16]


_WEIGHTS: dict[str, float] = {}


def contribution(finding: dict) -> float:
    """What a finding adds to the risk: its score times its detector's weight (the default configuration's).
    A campaign's headline must be what flagged it, not a score-1.0 side finding of weight 0.15 ("activity around the
    clock") that honest NAT groups show too."""
    if not _WEIGHTS:
        from distillguard.detectors.registry import load_config

        _WEIGHTS.update({name: float(spec.get("weight", 0.5)) for name, spec in load_config().get("detectors", {}).items()})
    return (finding.get("score") or 0) * _WEIGHTS.get(finding.get("detector") or "", 0.5)


def top_finding(findings: list[dict]) -> dict | None:
    return max(findings, key=contribution) if findings else None


class StoreBusy(Exception):
    """Another process (a scan) holds the store's write lock."""


class DashboardData:
    """Queries over the store. `hold=True` keeps one connection open for the app's lifetime (fastest);
    `hold=False` opens it when a request starts and closes it when the last in-flight request ends,
    so `distillguard scan --db` can write to the same file between page views."""

    def __init__(self, db_path: str | Path, hold: bool = True) -> None:
        self.path = Path(db_path)
        self.hold = hold
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._con_lock = threading.Lock()
        self._lock = threading.Lock()
        self._cache: dict[tuple, Any] = {}
        self._write_lock = threading.Lock()
        self.acquire()  # creates missing tables now, and fails early if the file cannot be opened
        self.release()

    def _open(self) -> duckdb.DuckDBPyConnection:
        from distillguard.store.duckdb_store import _SCHEMA

        try:
            con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusy(str(exc).splitlines()[0]) from exc
            raise
        con.execute("SET TimeZone = 'UTC'")
        con.execute(_SCHEMA)
        con.execute(AUDIT_SCHEMA)
        from distillguard.dashboard import actions
        from distillguard.linking.splits import SCHEMA as SPLIT_SCHEMA
        from distillguard.alerts.history import SCHEMA as HISTORY_SCHEMA
        from distillguard.store.requests import SCHEMA as BODY_SCHEMA

        for schema in (actions.SCHEMA, SPLIT_SCHEMA, HISTORY_SCHEMA, BODY_SCHEMA):
            con.execute(schema)
        return con

    def acquire(self) -> None:
        with self._con_lock:
            if self._con is None:
                self._con = self._open()
            self._users += 1

    def release(self) -> None:
        with self._con_lock:
            self._users = max(0, self._users - 1)
            if self._users == 0 and not self.hold and self._con is not None:
                self._con.close()
                self._con = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("store connection not acquired")
        return self._con

    def close(self) -> None:
        with self._con_lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    # -- plumbing -------------------------------------------------------------------
    def cur(self) -> duckdb.DuckDBPyConnection:
        cursor = self.con.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        return cursor

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.cur()
        try:
            result = cursor.execute(sql, params or [])
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]
        finally:
            cursor.close()

    def one(self, sql: str, params: list | None = None) -> dict | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list | None = None) -> Any:
        cursor = self.cur()
        try:
            row = cursor.execute(sql, params or []).fetchone()
            return row[0] if row else None
        finally:
            cursor.close()

    def has_table(self, name: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))

    def data_version(self) -> tuple:
        return tuple(self.one("SELECT (SELECT coalesce(max(scan_id), 0) FROM scans) s, (SELECT count(*) FROM verdicts) v, "
                              "(SELECT count(*) FROM campaigns) c").values())

    def audit_version(self) -> tuple:
        return tuple(self.one("SELECT count(*) n, max(ts) t FROM audit").values())

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[key] = value
        return value

    # -- overview -------------------------------------------------------------------
    def overview(self) -> dict:
        return self.cached(("overview",) + self.data_version(), self._overview)

    def _overview(self) -> dict:
        k = self.one("""
            SELECT (SELECT count(*) FROM events) events, (SELECT min(ts) FROM events) first_ts, (SELECT max(ts) FROM events) last_ts,
                   (SELECT count(*) FROM verdicts) accounts, (SELECT count(*) FROM verdicts WHERE flagged) flagged,
                   (SELECT count(*) FROM campaigns) campaigns, (SELECT count(*) FROM campaigns WHERE flagged) flagged_campaigns,
                   (SELECT sum(requests_before_flag) FROM verdicts WHERE flagged) before_flag,
                   (SELECT min(risk) FROM verdicts WHERE flagged) threshold
        """)
        # one pass over the events: per account and hour; everything else reads this small table
        cursor = self.cur()
        try:
            cursor.execute("""
                CREATE OR REPLACE TEMP TABLE acct_hours AS
                SELECT e.account_id, time_bucket(INTERVAL 1 HOUR, e.ts) h, count(*) n,
                       count(*) FILTER (WHERE coalesce(e.status, 200) < 400) ok,
                       coalesce(sum(e.completion_tokens) FILTER (WHERE coalesce(e.status, 200) < 400), 0) tokens,
                       coalesce(sum(e.cost_usd) FILTER (WHERE coalesce(e.status, 200) < 400), 0) cost
                FROM events e GROUP BY ALL""")
            cursor.execute("""
                CREATE OR REPLACE TEMP TABLE acct_flags AS
                SELECT v.account_id, v.flagged, v.campaign_id, coalesce(c.flagged, false) cflag
                FROM verdicts v LEFT JOIN campaigns c ON v.campaign_id = c.campaign_id WHERE v.flagged""")

            def q(sql: str) -> list[dict]:
                result = cursor.execute(sql)
                names = [d[0] for d in result.description]
                return [dict(zip(names, r)) for r in result.fetchall()]

            leak = q("""SELECT coalesce(sum(a.ok), 0) responses, coalesce(sum(a.tokens), 0) tokens, coalesce(sum(a.cost), 0) cost
                        FROM acct_hours a SEMI JOIN acct_flags f ON a.account_id = f.account_id""")[0]
            hourly = q("""SELECT a.h, sum(a.n) n, coalesce(sum(a.n) FILTER (WHERE f.account_id IS NOT NULL), 0) fl
                          FROM acct_hours a LEFT JOIN acct_flags f ON a.account_id = f.account_id GROUP BY a.h ORDER BY a.h""")
            daily = q("""SELECT time_bucket(INTERVAL 1 DAY, a.h) d, count(DISTINCT a.account_id) accounts,
                                count(DISTINCT f.campaign_id) FILTER (WHERE f.cflag) campaigns
                         FROM acct_hours a JOIN acct_flags f ON a.account_id = f.account_id GROUP BY d ORDER BY d""")
            cursor.execute("DROP TABLE acct_hours")
            cursor.execute("DROP TABLE acct_flags")
        finally:
            cursor.close()
        for row in hourly:
            row["n"], row["fl"] = int(row["n"]), int(row["fl"])
        first_flags = self.rows("""
            SELECT time_bucket(INTERVAL 1 DAY, try_cast(first_flag_ts AS TIMESTAMPTZ)) d, count(*) n FROM verdicts
            WHERE flagged AND try_cast(first_flag_ts AS TIMESTAMPTZ) IS NOT NULL GROUP BY d ORDER BY d""")
        risk_bins = self.rows("SELECT least(floor(risk * 20), 19) b, count(*) n FROM verdicts GROUP BY b ORDER BY b")
        # only findings that carry weight (score >= FINDING_MIN_SCORE, as the HTML report counts them): a flagged account's
        # faint side-findings are not what flagged it
        strong = f"""SELECT account_id, json_extract_string(f, '$.detector') d, json_extract_string(f, '$.atlas') a FROM (
                       SELECT account_id, unnest(from_json(findings, '["json"]')) f FROM verdicts WHERE flagged)
                     WHERE try_cast(json_extract(f, '$.score') AS DOUBLE) >= {FINDING_MIN_SCORE}"""
        detectors = self.rows(f"SELECT d detector, count(DISTINCT account_id) accounts FROM ({strong}) GROUP BY d ORDER BY accounts DESC LIMIT 12")
        atlas = self.rows(f"SELECT a technique, count(DISTINCT account_id) accounts FROM ({strong}) WHERE a IS NOT NULL "
                          "GROUP BY a ORDER BY accounts DESC LIMIT 12")
        top_campaigns = self.rows("SELECT campaign_id, risk, flagged, members, findings FROM campaigns ORDER BY risk DESC, members DESC LIMIT 8")
        for c in top_campaigns:
            c["top"] = top_finding(json.loads(c.pop("findings") or "[]"))
        scans = self.rows("SELECT scan_id, finished_at, events_new, accounts, flagged, mode FROM scans ORDER BY scan_id DESC LIMIT 5")
        bins = {int(r["b"]): r["n"] for r in risk_bins}
        return {**k, **{f"leak_{key}": value for key, value in leak.items()}, "hourly": hourly, "daily": daily,
                "risk_bins": [(b / 20, (b + 1) / 20, bins.get(b, 0)) for b in range(20)], "first_flags": first_flags, "detectors": detectors,
                "atlas": atlas, "top_campaigns": top_campaigns, "scans": scans}

    def actions_summary(self) -> dict:
        return self.cached(("actions",) + self.audit_version(), self._actions_summary)

    def _actions_summary(self) -> dict:
        daily = self.rows("SELECT time_bucket(INTERVAL 1 DAY, ts) d, action, count(*) n FROM audit GROUP BY ALL ORDER BY d")
        totals = self.rows("SELECT action, count(*) n FROM audit GROUP BY action ORDER BY n DESC")
        pending = self.scalar(f"SELECT count(*) FROM verdicts v ANTI JOIN ({self._LAST}) l ON v.account_id = l.account_id WHERE v.flagged")
        return {"daily": daily, "totals": totals, "total": sum(t["n"] for t in totals), "pending": pending}

    # -- campaigns ------------------------------------------------------------------
    def campaigns(self, q: str = "", flagged_only: bool = False, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        where, params = ["1=1"], []
        if q:
            where.append("campaign_id ILIKE ?")
            params.append(f"%{q}%")
        if flagged_only:
            where.append("flagged")
        sql_where = " AND ".join(where)
        total = self.scalar(f"SELECT count(*) FROM campaigns WHERE {sql_where}", params)
        rows = self.rows(f"""SELECT campaign_id, risk, flagged, members, findings, links FROM campaigns WHERE {sql_where}
                             ORDER BY risk DESC, members DESC, campaign_id LIMIT ? OFFSET ?""", params + [per_page, (page - 1) * per_page])
        for r in rows:
            findings = json.loads(r.pop("findings") or "[]")
            r["top"] = top_finding(findings)
            r["techniques"] = sorted({f.get("atlas") for f in findings if f.get("atlas")})
            r["link_reasons"] = (json.loads(r.pop("links") or "{}") or {}).get("link_reasons", {})
        return rows, total

    def campaign(self, campaign_id: str) -> dict | None:
        row = self.one("SELECT * FROM campaigns WHERE campaign_id = ?", [campaign_id])
        if row is None:
            return None
        row["member_ids"] = json.loads(row["member_ids"] or "[]")
        row["links"] = json.loads(row["links"] or "{}") or {}
        row["findings"] = sorted(json.loads(row["findings"] or "[]"), key=lambda f: -contribution(f))
        return row

    def campaign_members(self, campaign: dict, page: int = 1, per_page: int = 50) -> list[dict]:
        rows = self.rows(f"""
            SELECT v.account_id, v.risk, v.flagged, v.requests, v.account_risk, l.last_action, l.last_ts, v.findings
            FROM (SELECT unnest(?::VARCHAR[]) account_id) m JOIN verdicts v ON v.account_id = m.account_id
            LEFT JOIN ({self._LAST}) l ON l.account_id = v.account_id
            ORDER BY v.risk DESC, v.account_id LIMIT ? OFFSET ?""", [campaign["member_ids"], per_page, (page - 1) * per_page])
        for r in rows:
            r["top"] = top_finding(json.loads(r.pop("findings") or "[]"))
        return rows

    def campaign_timeline(self, campaign: dict) -> tuple[list[dict], int]:
        """(rows {h, n, accounts}, bucket seconds) for the members' requests."""
        def compute() -> tuple[list[dict], int]:
            cursor = self.cur()
            try:
                cursor.execute("""CREATE OR REPLACE TEMP TABLE camp_events AS SELECT e.ts, e.account_id FROM events e
                                  SEMI JOIN (SELECT unnest(?::VARCHAR[]) account_id) m ON e.account_id = m.account_id""",
                               [campaign["member_ids"]])
                first, last = cursor.execute("SELECT min(ts), max(ts) FROM camp_events").fetchone()
                step = bucket_for(first, last)
                result = cursor.execute(f"""SELECT time_bucket(INTERVAL {step} SECOND, ts) h, count(*) n, count(DISTINCT account_id) accounts
                                            FROM camp_events GROUP BY h ORDER BY h""")
                rows = [dict(zip(("h", "n", "accounts"), r)) for r in result.fetchall()]
                cursor.execute("DROP TABLE camp_events")
                return rows, step
            finally:
                cursor.close()
        return self.cached(("ctl", campaign["campaign_id"]) + self.data_version(), compute)

    def campaign_raster(self, campaign: dict, step: int, limit: int = 40) -> list[tuple[str, list]]:
        """Requests per member per bucket, for the riskiest `limit` members."""
        def compute() -> list[tuple[str, list]]:
            rows = self.rows(f"""
                WITH m AS (SELECT v.account_id FROM (SELECT unnest(?::VARCHAR[]) account_id) u JOIN verdicts v ON v.account_id = u.account_id
                           ORDER BY v.risk DESC, v.account_id LIMIT ?)
                SELECT e.account_id, time_bucket(INTERVAL {int(step)} SECOND, e.ts) h, count(*) n
                FROM events e SEMI JOIN m ON e.account_id = m.account_id GROUP BY ALL ORDER BY e.account_id, h""",
                             [campaign["member_ids"], limit])
            out: dict[str, list] = {}
            for r in rows:
                out.setdefault(r["account_id"], []).append((r["h"], r["n"]))
            return sorted(out.items(), key=lambda kv: (kv[1][0][0], kv[0]))
        return self.cached(("craster", campaign["campaign_id"], step, limit) + self.data_version(), compute)

    def campaign_prompts(self, campaign: dict, limit: int = 8) -> list[dict]:
        """Representative prompts: the most common prompt openings among members, each with one full example."""
        return self.cached(("cprompts", campaign["campaign_id"]) + self.data_version(), lambda: self.rows("""
            SELECT left(e.prompt, 60) opening, count(*) n, count(DISTINCT e.account_id) accounts, min(e.prompt) example
            FROM events e SEMI JOIN (SELECT unnest(?::VARCHAR[]) account_id) m ON e.account_id = m.account_id
            WHERE e.prompt IS NOT NULL AND e.prompt <> ''
            GROUP BY opening ORDER BY n DESC, opening LIMIT ?""", [campaign["member_ids"], limit]))

    def campaign_graph(self, campaign: dict, max_nodes: int = 600) -> dict:
        return self.cached(("cgraph", campaign["campaign_id"], max_nodes) + self.data_version(),
                           lambda: self._campaign_graph(campaign, max_nodes))

    def _campaign_graph(self, campaign: dict, max_nodes: int) -> dict:
        import networkx as nx

        from distillguard.dashboard.triage import forest_edges
        from distillguard.linking.evidence import in_words

        edges = forest_edges(campaign)
        for e in edges:  # colour by the kinds that made the join; the tooltip gives every family
            e["kinds"], e["shared"] = e.get("shared", ""), in_words(e.get("shared", ""), ())
        risk = {r["account_id"]: r for r in self.rows(
            "SELECT account_id, risk, flagged FROM verdicts WHERE account_id IN (SELECT unnest(?::VARCHAR[]))", [campaign["member_ids"]])}
        clustered = None
        if len(campaign["member_ids"]) > max_nodes:
            from distillguard.dashboard.triage import cluster_graph

            clustered = cluster_graph(campaign["member_ids"], edges, risk, max_nodes)
        if clustered is not None:
            nodes, edges = clustered
            ordered = [n["id"] for n in nodes]
        else:
            linked = []
            for e in edges:
                linked += [e["a"], e["b"]]
            ordered = list(dict.fromkeys(linked + sorted(campaign["member_ids"], key=lambda a: -(risk.get(a, {}).get("risk") or 0))))
        keep = set(ordered[:max_nodes])
        if clustered is None:
            nodes = [{"id": a, "risk": risk.get(a, {}).get("risk"), "flagged": risk.get(a, {}).get("flagged")} for a in ordered[:max_nodes]]
        edges = [e for e in edges if e["a"] in keep and e["b"] in keep]
        graph = nx.Graph()
        graph.add_nodes_from(n["id"] for n in nodes)
        graph.add_edges_from((e["a"], e["b"]) for e in edges)
        positions = nx.spring_layout(graph, seed=7, iterations=60) if len(nodes) > 1 else {n["id"]: (0.0, 0.0) for n in nodes}
        reasons = sorted({e.get("shared", "") for e in edges})
        return {"nodes": nodes, "edges": edges, "positions": {k: (float(v[0]), float(v[1])) for k, v in positions.items()},
                "reasons": reasons, "total_members": len(campaign["member_ids"]), "clustered": clustered is not None}

    # -- accounts -------------------------------------------------------------------
    # an account's review status: the latest *analyst* action on it (rows the gateway's own policy may add to a
    # shared audit table, e.g. automatic throttles, do not take an account out of the review queue)
    _LAST = STANDING

    def accounts(self, q: str = "", flagged_only: bool = False, status: str = "", page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        where, params = ["1=1"], []
        if q:
            where.append("(v.account_id ILIKE ? OR v.campaign_id ILIKE ?)")
            params += [f"%{q}%", f"%{q}%"]
        if flagged_only:
            where.append("v.flagged")
        if status == "pending":
            where.append("v.flagged AND l.last_action IS NULL")
        elif status == "expired":
            where.append("v.flagged AND l.last_action IS NULL AND v.account_id IN (SELECT account_id FROM action_targets "
                         "WHERE expires_at <= now())")
        elif status in ACTIONS:
            where.append("l.last_action = ?")
            params.append(status)
        sql_where = " AND ".join(where)
        base = f"FROM verdicts v LEFT JOIN ({self._LAST}) l ON l.account_id = v.account_id WHERE {sql_where}"
        total = self.scalar(f"SELECT count(*) {base}", params)
        rows = self.rows(f"""SELECT v.account_id, v.risk, v.flagged, v.campaign_id, v.requests, v.account_risk, v.campaign_risk,
                             l.last_action, l.last_ts, v.findings {base} ORDER BY v.risk DESC, v.account_id LIMIT ? OFFSET ?""",
                         params + [per_page, (page - 1) * per_page])
        for r in rows:
            r["top"] = top_finding(json.loads(r.pop("findings") or "[]"))
        return rows, total

    def account(self, account_id: str) -> dict | None:
        row = self.one(f"""SELECT v.*, l.last_action, l.last_ts FROM verdicts v LEFT JOIN ({self._LAST}) l ON l.account_id = v.account_id
                           WHERE v.account_id = ?""", [account_id])
        if row is None:
            return None
        row["findings"] = sorted(json.loads(row["findings"] or "[]"), key=lambda f: -contribution(f))
        return row

    def account_activity(self, account_id: str, recent: int = 40) -> dict:
        """One pass over the events table for this account, then small queries on the result."""
        cursor = self.cur()
        try:
            cursor.execute("""CREATE OR REPLACE TEMP TABLE acct_events AS
                              SELECT request_id, ts, ip, user_agent, endpoint, model, prompt, prompt_tokens, completion_tokens,
                                     cost_usd, status, max_tokens, temperature, n, logprobs, logit_bias
                              FROM events WHERE account_id = ?""", [account_id])

            def q(sql: str) -> list[dict]:
                result = cursor.execute(sql)
                names = [d[0] for d in result.description]
                return [dict(zip(names, r)) for r in result.fetchall()]

            totals = q("SELECT count(*) n, min(ts) first, max(ts) last, sum(completion_tokens) completion_tokens, "
                       "sum(cost_usd) cost FROM acct_events")[0]
            step = bucket_for(totals["first"], totals["last"])
            out = {
                "step": step,
                "timeline": q(f"SELECT time_bucket(INTERVAL {step} SECOND, ts) h, count(*) n FROM acct_events GROUP BY h ORDER BY h"),
                "recent": q(f"SELECT * FROM acct_events ORDER BY ts DESC LIMIT {int(recent)}"),
                "ips": q("SELECT ip value, count(*) n FROM acct_events GROUP BY ip ORDER BY n DESC LIMIT 6"),
                "agents": q("SELECT user_agent value, count(*) n FROM acct_events GROUP BY user_agent ORDER BY n DESC LIMIT 6"),
                "models": q("SELECT model value, count(*) n FROM acct_events GROUP BY model ORDER BY n DESC LIMIT 6"),
                "totals": totals,
            }
            cursor.execute("DROP TABLE acct_events")
            return out
        finally:
            cursor.close()

    def feature_names(self) -> list[str]:
        return self.cached(("fnames",) + self.data_version(), lambda: [
            r["column_name"] for r in self.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'account_features' "
                                                "AND column_name <> 'account_id' AND data_type = 'DOUBLE' ORDER BY column_name")])

    def population(self) -> dict[str, tuple[float, float, float]]:
        def compute() -> dict:
            names = self.feature_names()
            if not names:
                return {}
            row = self.one("SELECT " + ", ".join(f'quantile_cont("{n}", [0.5, 0.9, 0.99]) AS "{n}"' for n in names) + " FROM account_features")
            return {n: tuple(row[n] or (0, 0, 0)) for n in names}
        return self.cached(("population",) + self.data_version(), compute)

    def account_percentiles(self, account_id: str) -> list[dict]:
        """Each feature: the account's value, its percentile rank in the population and p50/p90/p99."""
        names = self.feature_names()
        if not names:
            return []
        mine = self.one("SELECT * FROM account_features WHERE account_id = ?", [account_id])
        if mine is None:
            return []
        ranks = self.one("SELECT " + ", ".join(
            f'avg(CASE WHEN f."{n}" < a."{n}" THEN 1.0 WHEN f."{n}" = a."{n}" THEN 0.5 ELSE 0.0 END) AS "{n}"' for n in names)
            + ' FROM account_features f, (SELECT * FROM account_features WHERE account_id = ?) a', [account_id])
        population = self.population()
        out = []
        for n in names:
            p50, p90, p99 = population.get(n, (0, 0, 0))
            out.append({"feature": n, "value": mine[n], "pct": ranks[n] if ranks[n] is not None else 0.5, "p50": p50, "p90": p90, "p99": p99})
        out.sort(key=lambda r: -abs(r["pct"] - 0.5))
        return out

    # -- audit & actions ------------------------------------------------------------
    def audit(self, account_id: str = "", campaign_id: str = "", actor: str = "", action: str = "", page: int = 1,
              per_page: int = 50) -> tuple[list[dict], int]:
        """Audit rows, newest first. An account filter also finds the campaign and bulk decisions that covered it;
        a campaign filter also finds actions on its members one by one."""
        where, params = ["1=1"], []
        if account_id:
            where.append("(account_id = ? OR request_id IN (SELECT request_id FROM action_targets WHERE account_id = ?))")
            params += [account_id, account_id]
        if campaign_id:
            campaign = self.campaign(campaign_id)
            members = campaign["member_ids"] if campaign else []
            where.append("(campaign_id = ? OR account_id IN (SELECT unnest(?::VARCHAR[])) OR request_id IN "
                         "(SELECT request_id FROM action_targets WHERE campaign_id = ?))")
            params += [campaign_id, members, campaign_id]
        for column, value in (("actor", actor), ("action", action)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        sql_where = " AND ".join(where)
        total = self.scalar(f"SELECT count(*) FROM audit WHERE {sql_where}", params)
        rows = self.rows(f"SELECT * FROM audit WHERE {sql_where} ORDER BY ts DESC LIMIT ? OFFSET ?", params + [per_page, (page - 1) * per_page])
        for r in rows:
            try:
                r["evidence"] = json.loads(r["evidence_json"] or "{}")
            except ValueError:
                r["evidence"] = {"raw": r["evidence_json"]}
        return rows, total

    def record_actions(self, actor: str, action: str, reason: str, targets: list[tuple]) -> list[str]:
        """Append one audit row per (account_id, campaign_id, evidence[, request_id]) (user administration); returns their ids."""
        now = datetime.now(timezone.utc)
        rows, ids = [], []
        for target in targets:
            account_id, campaign_id, evidence = target[:3]
            request_id = target[3] if len(target) > 3 and target[3] else new_request_id()
            ids.append(request_id)
            rows.append((now, actor, account_id, campaign_id, action, reason, json.dumps(evidence, default=str), request_id))
        self._insert_audit(rows, [])
        return ids

    def record_decision(self, actor: str, action: str, reason: str, accounts: list[str], campaign_id: str | None,
                        expires: datetime | None, evidence: dict, request_id: str) -> str:
        """One analyst decision = one audit row (its members listed in the evidence) + one target row per account."""
        now = datetime.now(timezone.utc)
        single = accounts[0] if len(accounts) == 1 and not campaign_id else None
        evidence = dict(evidence, expires_at=expires.isoformat() if expires else None)
        audit_row = (now, actor, single, campaign_id, action, reason, json.dumps(evidence, default=str), request_id)
        targets = [(request_id, now, a, campaign_id, action, expires, actor) for a in accounts]
        self._insert_audit([audit_row], targets)
        return request_id

    def _insert_audit(self, rows: list[tuple], targets: list[tuple]) -> None:
        with self._write_lock:
            cursor = self.cur()
            try:
                cursor.execute("BEGIN TRANSACTION")
                cursor.executemany("INSERT INTO audit (ts, actor, account_id, campaign_id, action, reason, evidence_json, request_id) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                if targets:
                    cursor.executemany("INSERT INTO action_targets VALUES (?, ?, ?, ?, ?, ?, ?)", targets)
                cursor.execute("COMMIT")
            except Exception:
                cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.close()

    @contextmanager
    def writing(self):
        """A cursor for a small write, serialised with the audit writes."""
        with self._write_lock:
            cursor = self.cur()
            try:
                yield cursor
            finally:
                cursor.close()

    def relink(self, relink_fn: Callable[[Path], dict]) -> dict:
        """Run a re-link of this store in-process (DuckDB shares the open database between connections)."""
        with self._write_lock:
            outcome = relink_fn(self.path)
        with self._lock:
            self._cache.clear()
        return outcome

    def campaign_of(self, account_id: str) -> str | None:
        return self.scalar("SELECT campaign_id FROM verdicts WHERE account_id = ?", [account_id])

    def standing(self, account_ids: list[str]) -> dict[str, dict]:
        """The standing (unexpired, not reset) action of each of these accounts."""
        return {r["account_id"]: r for r in self.rows(f"SELECT * FROM ({STANDING}) WHERE account_id IN (SELECT unnest(?::VARCHAR[]))",
                                                      [account_ids])}

    def assign(self, targets: list[str], assignee: str, actor: str) -> None:
        now = datetime.now(timezone.utc)
        with self._write_lock:
            cursor = self.cur()
            try:
                cursor.executemany("INSERT INTO assignments VALUES (?, ?, ?, ?)", [(t, assignee, now, actor) for t in targets])
            finally:
                cursor.close()

    def action_evidence(self, account_id: str) -> dict:
        row = self.one("SELECT risk, flagged, campaign_id, requests, findings FROM verdicts WHERE account_id = ?", [account_id])
        if row is None:
            return {}
        findings = json.loads(row["findings"] or "[]")
        return {"risk": row["risk"], "flagged": row["flagged"], "requests": row["requests"],
                "findings": [{k: f.get(k) for k in ("detector", "score", "atlas", "summary")} for f in sorted(findings, key=lambda f: -contribution(f))[:3]]}

    # -- intel ------------------------------------------------------------------------
    def intel_matches(self, limit: int = 200) -> list[dict]:
        return self.cached(("intel", limit) + self.data_version(), lambda: self._intel_matches(limit))

    def _intel_matches(self, limit: int) -> list[dict]:
        rows = self.rows("""
            SELECT account_id, risk, flagged, campaign_id, f FROM (
              SELECT account_id, risk, flagged, campaign_id, unnest(from_json(findings, '["json"]')) f FROM verdicts)
            WHERE json_extract_string(f, '$.detector') = 'intel_match' ORDER BY risk DESC LIMIT ?""", [limit])
        for r in rows:
            r["finding"] = json.loads(r.pop("f"))
        return rows
