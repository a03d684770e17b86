"""`distillguard simulate`: traffic with known ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate_command(
        out: Path = typer.Option(..., "--out", help="Folder to write events.jsonl and labels.jsonl into."),
        seed: int = typer.Option(7, help="Random seed."),
        days: int = typer.Option(7, help="Days of traffic."),
        legit_accounts: int = typer.Option(300, help="Number of legitimate accounts (spread over personas)."),
        strategy: Optional[list[str]] = typer.Option(None, "--strategy", help="Attack strategies (repeatable); default: one campaign of each."),
        sybils: int = typer.Option(0, help="Accounts per campaign (0: each strategy's default)."),
        requests_per_account: int = typer.Option(60, help="Requests each attack account sends."),
        proxy_pool: int = typer.Option(20, help="Egress IPs shared by a campaign (0: one datacenter IP)."),
        pacing: str = typer.Option("", help="'bursty' or 'diurnal' (human-like); default: each strategy's own."),
        cover_share: float = typer.Option(-1.0, help="Share of ordinary prompts mixed into attack traffic (-1: default)."),
        paraphrase: bool = typer.Option(False, help="Vary the wrappers of attack prompts."),
        randomise_sampling: bool = typer.Option(False, help="Randomise attackers' sampling parameters."),
        data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Real corpora (../shared/data) to draw prompts and answers from."),
        split: str = typer.Option("all", help="With --data-dir: 'tune', 'heldout' or 'all' sources."),
    ) -> None:
        """Simulate API traffic: legit personas plus extraction campaigns, with labels."""
        from distillguard.progress import progress_bar
        from distillguard.simulate.simulator import ATTACK_STRATEGIES, CampaignSpec, SimConfig, default_campaigns, simulate

        for name, value, low in (("--days", days, 1), ("--legit-accounts", legit_accounts, 0), ("--sybils", sybils, 0),
                                 ("--requests-per-account", requests_per_account, 1), ("--proxy-pool", proxy_pool, 0)):
            if value < low:
                _fail(f"{name} must be at least {low} (got {value})")
        if cover_share > 1:
            _fail(f"--cover-share is a share between 0 and 1 (got {cover_share})")
        if out.exists() and not out.is_dir():
            _fail(f"--out {out} is a file; give a folder to write events.jsonl and labels.jsonl into")

        campaigns = default_campaigns()
        if strategy:
            bad = [s for s in strategy if s not in ATTACK_STRATEGIES]
            if bad:
                typer.echo(f"error: --strategy: unknown {', '.join(bad)}; choose from {', '.join(ATTACK_STRATEGIES)}", err=True)
                raise typer.Exit(2)
            campaigns = [c for c in campaigns if c.strategy in strategy] or [CampaignSpec(s) for s in strategy]
        for spec in campaigns:
            if sybils:
                spec.sybils = sybils
            spec.requests_per_account = requests_per_account
            spec.proxy_pool = proxy_pool
            if pacing:
                if pacing not in ("bursty", "diurnal"):
                    typer.echo("error: --pacing must be 'bursty' or 'diurnal'", err=True)
                    raise typer.Exit(2)
                spec.pacing = pacing
            if cover_share >= 0:
                spec.cover_share = cover_share
            spec.paraphrase = paraphrase
            spec.randomise_sampling = randomise_sampling
        config = SimConfig(seed=seed, days=days, legit_accounts=legit_accounts, campaigns=campaigns)
        if data_dir is not None:
            from distillguard.simulate.corpora import apply_corpora

            try:
                apply_corpora(config, data_dir, split)
            except FileNotFoundError as exc:
                typer.echo(f"error: --data-dir: {exc}", err=True)
                raise typer.Exit(2)
        try:
            with progress_bar("simulating accounts", unit="accounts") as update:
                summary = simulate(config, out, progress=update)
        except OSError as exc:
            _fail(f"cannot write into {out}: {exc.strerror or exc}")
        typer.echo(f"{summary['events']:,} events, {summary['accounts']} accounts ({summary['attack_accounts']} attack) -> {out}")
