"""Dashboard page render times on a store with 1M events and 10k accounts.

How the store is built (stated in the results): a *seed* of simulated traffic (legit personas
plus five extraction campaigns, ~100 accounts, ~10k events) is scanned by the real pipeline
(`distillguard.pipeline.scan`), then replicated inside DuckDB into ~100 renamed copies: every
copy gets its own account ids, request ids and a time shift; campaigns of 20 copies are merged
into one (so the largest campaigns have ~200 members and the graph is exercised); verdicts,
findings, features and campaign links are the scanner's own, renamed. Then 2,000 analyst
actions are recorded through the dashboard's own code path.

Each page is fetched over real HTTP from uvicorn on 127.0.0.1 (logged in as an analyst):
`cold` is the first request after start (caches empty), `warm` the median of 5 more.

    python -m bench.dashboard_bench [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK = BENCH_DIR / "_work" / "dashboard"
TARGET_ACCOUNTS, TARGET_EVENTS = 10_000, 1_000_000
MERGE = 20  # copies per merged campaign
PASSWORD = "bench-password-1"


def _seed_config(volume_scale: float):
    from distillguard.simulate.simulator import CampaignSpec, SimConfig

    campaigns = [
        CampaignSpec("synthetic-instruction-harvest", sybils=10, requests_per_account=80, pacing="diurnal", cover_share=0.2),
        CampaignSpec("cot-coercion", sybils=4, requests_per_account=80),
        CampaignSpec("benchmark-harvest", sybils=5, requests_per_account=80),
        CampaignSpec("logprob-extraction", sybils=3, requests_per_account=80, proxy_pool=0),
        CampaignSpec("orca-template-harvest", sybils=6, requests_per_account=80, pacing="diurnal"),
    ]
    return SimConfig(seed=11, legit_accounts=72, volume_scale=volume_scale, campaigns=campaigns)


def build_store(db: Path, accounts: int, events: int) -> dict:
    import duckdb

    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import simulate

    started = time.perf_counter()
    seed_dir = db.parent / "seed"
    seed_db = db.parent / "seed.duckdb"
    for path in (db, seed_db, Path(str(db) + ".wal"), Path(str(seed_db) + ".wal")):
        path.unlink(missing_ok=True)
    simulate(_seed_config(0.42), seed_dir)
    scan(seed_dir / "events.jsonl", db=seed_db, workers=1)
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{seed_db}' AS seed (READ_ONLY)")
    seed_accounts = con.execute("SELECT count(*) FROM seed.verdicts").fetchone()[0]
    seed_events = con.execute("SELECT count(*) FROM seed.events").fetchone()[0]
    copies = math.ceil(accounts / seed_accounts)
    # keep exactly `accounts` accounts: the last copy holds only the first few (by id)
    keep = con.execute("SELECT account_id FROM seed.verdicts ORDER BY account_id").fetchall()
    last_copy_keep = accounts - (copies - 1) * seed_accounts
    con.execute("CREATE TEMP TABLE last_keep AS SELECT * FROM (VALUES " +
                ",".join(f"('{a[0]}')" for a in keep[:last_copy_keep]) + ") t(account_id)")
    con.execute(f"""
        CREATE TEMP TABLE copies AS
        SELECT k, a.account_id FROM range({copies}) r(k), seed.verdicts a
        WHERE k < {copies - 1} OR a.account_id IN (SELECT account_id FROM last_keep)""")
    from distillguard.store.duckdb_store import _SCHEMA

    con.execute(_SCHEMA)
    con.execute("""
        INSERT INTO events
        SELECT e.request_id || '-' || c.k, e.ts + to_seconds((c.k * 7919) % 86400), e.account_id || '-' || lpad(c.k::VARCHAR, 3, '0'),
               e.ip, e.user_agent, e.endpoint, e.model, e.prompt, e.prompt_tokens, e.completion_tokens, e.cost_usd, e.status,
               e.max_tokens, e.temperature, e.n, e.logprobs, e.logit_bias
        FROM seed.events e JOIN copies c ON c.account_id = e.account_id""")
    from distillguard.store.requests import SCHEMA as BODY_SCHEMA

    con.execute(BODY_SCHEMA)
    con.execute("""
        INSERT INTO request_bodies
        SELECT b.request_id || '-' || c.k, b.ts + to_seconds((c.k * 7919) % 86400), b.account_id || '-' || lpad(c.k::VARCHAR, 3, '0'),
               b.api_key_id, b.latency_ms, b.system_prompt, b.request_json, b.response_text, b.truncated
        FROM seed.request_bodies b JOIN copies c ON c.account_id = b.account_id""")
    con.execute(f"""
        INSERT INTO verdicts
        SELECT v.account_id || '-' || lpad(c.k::VARCHAR, 3, '0'), v.risk, v.flagged,
               CASE WHEN v.campaign_id IS NULL THEN NULL ELSE v.campaign_id || '-g' || (c.k // {MERGE}) END,
               v.account_risk, v.campaign_risk, v.requests, v.first_flag_request_id, v.first_flag_ts, v.requests_before_flag, v.findings, 1
        FROM seed.verdicts v JOIN copies c ON c.account_id = v.account_id""")
    feature_cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_catalog = 'seed' "
                                              "AND table_name = 'account_features' AND column_name <> 'account_id' ORDER BY ordinal_position").fetchall()]
    con.execute("CREATE TABLE account_features AS SELECT f.account_id || '-' || lpad(c.k::VARCHAR, 3, '0') account_id, "
                + ", ".join(f'f."{n}"' for n in feature_cols) + " FROM seed.account_features f JOIN copies c ON c.account_id = f.account_id")
    # campaigns: MERGE copies of each seed campaign become one
    members = {}
    for k, account in con.execute("SELECT k, account_id FROM copies").fetchall():
        members.setdefault(k, set()).add(account)
    rows = []
    for cid, risk, flagged, member_ids, links, findings in con.execute(
            "SELECT campaign_id, risk, flagged, member_ids, links, findings FROM seed.campaigns").fetchall():
        member_ids, links = json.loads(member_ids), json.loads(links) or {}
        for group in range(math.ceil(copies / MERGE)):
            ids, sample, reasons, forest = [], [], {}, []
            for k in range(group * MERGE, min((group + 1) * MERGE, copies)):
                suffix = f"-{k:03d}"
                copy_ids = [m + suffix for m in member_ids if m in members[k]]
                if ids and copy_ids:  # the copies of one merged campaign are joined in a chain, so the forest still spans it
                    forest.append({"a": ids[0], "b": copy_ids[0], "shared": "created+ua", "families": ["client", "created", "network"],
                                   "words": "same creation burst and client, also same network"})
                ids += copy_ids
                for link in links.get("sample_links", []):
                    if link["a"] in members[k] and link["b"] in members[k]:
                        sample.append({"a": link["a"] + suffix, "b": link["b"] + suffix, "shared": link["shared"]})
                for link in links.get("forest", []):
                    if link["a"] in members[k] and link["b"] in members[k]:
                        forest.append(dict(link, a=link["a"] + suffix, b=link["b"] + suffix))
                for reason, n in (links.get("link_reasons") or {}).items():
                    reasons[reason] = reasons.get(reason, 0) + n
            if ids:
                rows.append((f"{cid}-g{group}", risk, flagged, len(ids), json.dumps(ids),
                             json.dumps({"link_reasons": reasons, "sample_links": sample[:25], "forest": forest}), findings, 1))
    con.executemany("INSERT INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    stats = con.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM verdicts), (SELECT count(*) FROM verdicts WHERE flagged), "
                        "(SELECT count(*) FROM campaigns), (SELECT max(members) FROM campaigns)").fetchone()
    if stats[0] < events or stats[1] != accounts:
        raise RuntimeError(f"store has {stats[0]:,} events and {stats[1]:,} accounts; wanted >= {events:,} and {accounts:,}")
    con.execute("INSERT INTO scans VALUES (1, now(), now(), '[\"bench\"]', ?, 0, ?, ?, 'batch')", [stats[0], stats[1], stats[2]])
    con.execute("DETACH seed")
    con.close()
    return {"seed_accounts": seed_accounts, "seed_events": seed_events, "copies": copies, "events": stats[0], "accounts": stats[1],
            "flagged": stats[2], "campaigns": stats[3], "largest_campaign": stats[4], "build_s": round(time.perf_counter() - started, 1)}


def _record_actions(app, n: int) -> None:
    """`n` single-account decisions in the gateway's words, half of them expiring, as the dashboard records them."""
    from datetime import datetime, timedelta, timezone

    from distillguard.dashboard.data import new_request_id

    data = app.state.data
    ids = [r[0] for r in data.con.execute("SELECT account_id FROM verdicts WHERE flagged ORDER BY risk DESC, account_id LIMIT ?", [n]).fetchall()]
    words = ("block", "allow", "throttle", "hold", "degrade")
    for i, account in enumerate(ids):
        expires = datetime.now(timezone.utc) + timedelta(days=7) if i % 2 else None
        data.record_decision("bench", words[i // 100 % len(words)], "benchmark action", [account], None, expires,
                             dict(data.action_evidence(account), scope="account"), new_request_id())


def time_pages(db: Path, users: Path, repeats: int = 5) -> list[dict]:
    import re

    import httpx
    import uvicorn

    from distillguard.dashboard.app import create_app
    from distillguard.dashboard.auth import UserStore

    UserStore(users).add("bench", "admin", PASSWORD)
    # as `distillguard serve` runs it: the store is opened per request and released between them
    app = create_app(db, users, secret=b"bench" * 8, hold_store=False)
    data = app.state.data
    data.acquire()
    try:
        _record_actions(app, 2_000)
        con = data.con
        top_campaign = con.execute("SELECT campaign_id FROM campaigns ORDER BY risk DESC, members DESC LIMIT 1").fetchone()[0]
        largest = con.execute("SELECT campaign_id FROM campaigns ORDER BY members DESC, risk DESC LIMIT 1").fetchone()[0]
        top_account = con.execute("SELECT account_id FROM verdicts WHERE flagged ORDER BY risk DESC LIMIT 1").fetchone()[0]
        busiest = con.execute("SELECT account_id FROM verdicts ORDER BY requests DESC LIMIT 1").fetchone()[0]
        some_request = con.execute("SELECT request_id FROM request_bodies WHERE request_json LIKE '%logit_bias%' LIMIT 1").fetchone()
        some_request = some_request[0] if some_request else con.execute("SELECT request_id FROM events LIMIT 1").fetchone()[0]
    finally:
        data.release()
    pages = [
        ("login", "/login"), ("overview", "/"), ("review queue", "/queue"), ("review queue, approved", "/queue?status=approve"),
        ("campaigns", "/campaigns"), ("campaign (top risk)", f"/campaigns/{top_campaign}"),
        ("campaign (largest)", f"/campaigns/{largest}"), ("campaign, raw prompts", f"/campaigns/{largest}?raw=1"),
        ("accounts", "/accounts"), ("accounts, flagged, page 5", "/accounts?flagged=1&page=5"),
        ("accounts, search", "/accounts?q=acct-0"), ("account (top risk)", f"/accounts/{top_account}"),
        ("account (busiest)", f"/accounts/{busiest}"), ("audit trail", "/audit"), ("audit, page 20", "/audit?page=20"),
        ("intel", "/intel"), ("users", "/users"), ("api overview", "/api/overview"),
        ("review queue, by size", "/queue?sort=size"), ("review queue, standing block", "/queue?status=block"),
        ("requests", "/requests"), ("requests, text search", "/requests?q=step%20by%20step"),
        ("requests, most tokens", "/requests?sort=tokens"), ("requests, campaign, logit_bias", f"/requests?campaign_id={top_campaign}&has=logit_bias"),
        ("requests of an account, by cost", f"/requests?account_id={busiest}&sort=cost"), ("request (one, in full)", f"/requests/{some_request}"),
        ("requests, CSV export (10k rows)", "/requests?format=csv"), ("api requests search", "/api/requests?q=capital"),
    ]
    port_socket = __import__("socket").socket()
    port_socket.bind(("127.0.0.1", 0))
    port = port_socket.getsockname()[1]
    port_socket.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    results = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            page = client.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf": csrf})
            for name, path in pages:
                times = []
                for _ in range(repeats + 1):
                    t0 = time.perf_counter()
                    response = client.get(path)
                    times.append(time.perf_counter() - t0)
                    assert response.status_code == 200, (path, response.status_code, response.text[:300])
                results.append({"page": name, "path": path, "cold_s": round(times[0], 4), "warm_s": round(statistics.median(times[1:]), 4),
                                "max_s": round(max(times), 4), "bytes": len(response.content)})
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        data.close()
    return results


def screenshot(db: Path, users: Path, out: Path) -> str | None:
    """Overview at full scale, when Playwright and Chromium are present (for RESULTS.md)."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        return None
    import socket

    import uvicorn

    from distillguard.dashboard.app import create_app

    app = create_app(db, users, secret=b"bench" * 8)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#top-campaigns")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.data.close()
    return str(out)


def markdown(data: dict) -> str:
    s = data["store"]
    lines = [
        f"Store: **{s['events']:,} events, {s['accounts']:,} accounts** ({s['flagged']:,} flagged, {s['campaigns']:,} campaigns, "
        f"largest {s['largest_campaign']} members), plus {data['audit_rows']:,} audit rows. Built by scanning a simulated seed "
        f"({s['seed_accounts']} accounts, {s['seed_events']:,} events) with the real pipeline and replicating it {s['copies']}× inside "
        f"DuckDB with renamed ids and shifted times (campaigns of {MERGE} copies merged); build {s['build_s']} s.",
        "",
        "Each page fetched over HTTP from uvicorn on loopback, logged in as `distillguard serve` runs by default (store opened "
        "per request, released between requests so scans can write); cold = first request to that page after start "
        "(empty caches, no warm-up thread), warm = median of 5 more. Machine: 2-core VM shared with other jobs.",
        "",
        "| page | cold (s) | warm (s) | size (KB) |",
        "|---|---:|---:|---:|",
    ]
    for r in data["pages"]:
        lines.append(f"| {r['page']} | {r['cold_s']:.3f} | {r['warm_s']:.3f} | {r['bytes'] / 1024:.0f} |")
    lines += ["", f"Slowest cold page: {data['slowest_cold_s']:.3f} s; slowest warm: {data['slowest_warm_s']:.3f} s; "
              f"every page under 1 s: **{'yes' if data['all_under_1s'] else 'NO'}**."]
    if data.get("screenshot"):
        lines += ["", f"![dashboard overview at this scale]({data['screenshot']})"]
    return "\n".join(lines)


def run(data_dir: Path | None = None, quick: bool = False, accounts: int | None = None, events: int | None = None) -> dict:
    """`data_dir` is unused (the store is simulated); `quick` builds 1k accounts and records nothing; `accounts`/`events`
    size a custom store (figures printed, not recorded)."""
    WORK.mkdir(parents=True, exist_ok=True)
    db, users = WORK / "dashboard.duckdb", WORK / "users.yaml"
    custom = accounts is not None or events is not None
    accounts = accounts or (1_000 if quick else TARGET_ACCOUNTS)
    quick = quick or custom
    store = build_store(db, accounts, events or TARGET_EVENTS // (10 if quick else 1))
    pages = time_pages(db, users)
    data = {"store": store, "pages": pages, "audit_rows": 2_000,
            "slowest_cold_s": max(p["cold_s"] for p in pages), "slowest_warm_s": max(p["warm_s"] for p in pages)}
    data["all_under_1s"] = data["slowest_cold_s"] < 1.0
    shot = None if quick else screenshot(db, users, BENCH_DIR / "plots" / "dashboard_overview.png")
    if shot:
        data["screenshot"] = "plots/dashboard_overview.png"
    print(markdown(data))
    if not quick:
        from bench.results_io import update_section

        update_section("dashboard", data, markdown(data), command="python -m bench.dashboard_bench")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k accounts; figures not recorded")
    parser.add_argument("--data-dir", type=Path, default=None, help="unused; accepted for run_all compatibility")
    parser.add_argument("--accounts", type=int, default=None, help="accounts in a custom-sized store (figures not recorded)")
    parser.add_argument("--events", type=int, default=None, help="minimum events in a custom-sized store")
    args = parser.parse_args()
    run(args.data_dir, quick=args.quick, accounts=args.accounts, events=args.events)


if __name__ == "__main__":
    main()
