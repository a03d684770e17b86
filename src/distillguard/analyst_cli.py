"""Analyst commands that work on a scan's store without the dashboard: read raw requests, split a campaign, test alerts.

    distillguard requests search --db distillguard.duckdb --campaign camp-1a2b3c4d --has logit_bias --format csv
    distillguard requests show REQUEST_ID --db distillguard.duckdb [--raw]
    distillguard campaigns split CAMPAIGN_ID --db distillguard.duckdb --accounts acct-1,acct-2 --reason "two operations"
    distillguard alerts test --webhook https://hooks.slack.com/services/...

Output is redacted (e-mails, URLs, IPs, long numbers, keys masked) unless --raw is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

requests_app = typer.Typer(help="Read the stored raw requests (full bodies and responses) of a scan's store.", no_args_is_help=True)
campaigns_app = typer.Typer(help="Split over-merged campaigns; the split holds on every rescan.", no_args_is_help=True)
alerts_app = typer.Typer(help="Campaign alerts (Slack-compatible webhook; configure alerts.webhook_url).", no_args_is_help=True)
DB = typer.Option(Path("distillguard.duckdb"), "--db", help="The store a scan filled (`distillguard scan EVENTS --db FILE`).")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


class _StoreView:
    """The small part of the dashboard's data layer the request queries need, over a read-only connection."""

    def __init__(self, db: Path) -> None:
        import duckdb

        if not db.exists():
            _fail(f"{db} does not exist; fill it first with `distillguard scan EVENTS --db {db}`")
        try:
            self.con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as exc:
            _fail(f"cannot open {db}: {str(exc).splitlines()[0]} (is a scan or the dashboard writing to it?)")
        self.con.execute("SET TimeZone = 'UTC'")
        if not self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'request_bodies'").fetchone()[0]:
            _fail(f"{db} holds no request bodies (scanned before they were kept, or store.keep_request_bodies is off)")

    def cur(self):
        return self.con.cursor()

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        result = self.con.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def one(self, sql: str, params: list | None = None) -> dict | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: list | None = None):
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def campaign(self, campaign_id: str) -> dict | None:
        row = self.one("SELECT member_ids FROM campaigns WHERE campaign_id = ?", [campaign_id])
        return {"member_ids": json.loads(row["member_ids"] or "[]")} if row else None


@requests_app.command("search")
def requests_search(
    db: Path = DB,
    q: str = typer.Option("", "--q", help="Text in the prompt, response or request body, or a request id."),
    account: str = typer.Option("", "--account", help="Only this account's requests."),
    campaign: str = typer.Option("", "--campaign", help="Only requests of this campaign's members."),
    starts: str = typer.Option("", "--starts", help="Only prompts that start with this text (what a finding example links to)."),
    has: str = typer.Option("", "--has", help="Only requests with: logit_bias, logprobs, errors or response."),
    sort: str = typer.Option("ts", "--sort", help="ts (newest), oldest, tokens, cost or latency."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="Rows to print (at most 10,000)."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    raw: bool = typer.Option(False, "--raw", help="Do not mask personal data and secrets."),
) -> None:
    """Search stored requests; print a table, CSV or JSON."""
    from distillguard.dashboard import requests_view

    if sort not in requests_view.SORTS:
        _fail(f"--sort must be one of {', '.join(requests_view.SORTS)}")
    if has and has not in requests_view.HAS:
        _fail(f"--has must be one of {', '.join(requests_view.HAS)}")
    if fmt not in ("table", "csv", "json"):
        _fail("--format must be table, csv or json")
    view = _StoreView(db)
    if campaign and view.campaign(campaign) is None:
        _fail(f"no campaign {campaign} in {db}")
    rows, total = requests_view.search(view, q, account, campaign, starts, has, sort, 1, limit)
    rows = requests_view.viewable(rows, raw)
    if fmt in ("csv", "json"):
        sys.stdout.buffer.write(requests_view.export(rows, fmt)[0])
        return
    for r in rows:
        prompt = (r["prompt"] or "").replace("\n", " ")[:70]
        typer.echo(f"{r['request_id']}\t{r['ts']:%Y-%m-%d %H:%M:%S}\t{r['account_id']}\t{r['prompt_tokens']}/{r['completion_tokens']}\t{prompt}")
    typer.echo(f"{len(rows)} of {total:,} matching requests", err=True)


@requests_app.command("show")
def requests_show(request_id: str = typer.Argument(..., help="The request id."), db: Path = DB,
                  raw: bool = typer.Option(False, "--raw", help="Do not mask personal data and secrets.")) -> None:
    """Print one request in full (body, response, account, IP, key, tokens, latency, cost) as JSON."""
    from distillguard.dashboard import requests_view

    row = requests_view.detail(_StoreView(db), request_id)
    if row is None:
        _fail(f"no request {request_id} in {db}")
    typer.echo(json.dumps(requests_view.viewable(row, raw), indent=1, default=str))


@campaigns_app.command("split")
def campaigns_split(
    campaign_id: str = typer.Argument(..., help="The campaign to split."),
    db: Path = DB,
    accounts: str = typer.Option(..., "--accounts", help="Comma-separated members for one side; the other members form the other."),
    reason: str = typer.Option(..., "--reason", help="Why (kept with the split)."),
    actor: str = typer.Option("cli", "--actor", help="Who splits (recorded)."),
) -> None:
    """Split a campaign in two and re-link the store now; the linker never joins the two sides again."""
    import duckdb

    from distillguard.linking import splits

    if not db.exists():
        _fail(f"{db} does not exist")
    if not reason.strip():
        _fail("--reason must not be empty")
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        _fail(f"cannot open {db}: {str(exc).splitlines()[0]} (is the dashboard or a scan holding it?)")
    try:
        row = con.execute("SELECT member_ids FROM campaigns WHERE campaign_id = ?", [campaign_id]).fetchone()
        if row is None:
            _fail(f"no campaign {campaign_id} in {db}")
        side = [a.strip() for a in accounts.split(",") if a.strip()]
        try:
            split_id = splits.record(con, campaign_id, json.loads(row[0]), side, actor, reason.strip())
        except splits.SplitError as exc:
            _fail(str(exc))
    finally:
        con.close()
    try:
        outcome = splits.relink(db)
    except splits.SplitError as exc:
        _fail(str(exc))
    typer.echo(f"{split_id}: {len(side)} account(s) split off {campaign_id}; re-linked {outcome['accounts']:,} accounts into "
               f"{outcome['campaigns']:,} campaigns ({outcome['flagged']:,} flagged accounts)")


@alerts_app.command("test")
def alerts_test(webhook: Optional[str] = typer.Option(None, "--webhook", help="Webhook URL (default: alerts.webhook_url of --config)."),
                config: Optional[Path] = typer.Option(None, "--config", help="Configuration YAML.")) -> None:
    """Post a sample alert to the webhook, to check the channel receives it."""
    from distillguard.alerts.webhook import post, settings
    from distillguard.detectors.registry import load_config

    try:
        url = webhook or settings(load_config(config))["webhook_url"]
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    if not url:
        _fail("no webhook: pass --webhook URL or set alerts.webhook_url in --config")
    sample = [{"kind": "new", "campaign_id": "camp-test", "members": 12, "risk": 0.9,
               "findings": [{"detector": "instruction_harvest", "score": 0.9}]}]
    try:
        status = post(url, sample)
    except OSError as exc:
        _fail(f"webhook {url[:60]} failed: {exc}")
    typer.echo(f"posted a test alert: HTTP {status}")


def register(app: typer.Typer) -> None:
    app.add_typer(requests_app, name="requests")
    app.add_typer(campaigns_app, name="campaigns")
    app.add_typer(alerts_app, name="alerts")
