"""`distillguard learn`: turn analyst decisions into a model that corrects the rules.

Registered by `distillguard.cli`; scikit-learn is imported inside the commands so `--help` is instant.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

HELP = """Learn from analysts' decisions (block / allow) and re-score accounts with them.

Labels come from the dashboard's decisions in the store (--db: approve = attack, override = legit, unblock withdraws), the gateway's analyst overrides (--gateway-audit audit.sqlite) and/or a labels JSONL (--labels: {"account_id", "label": attack|legit} or {"account_id", "decision": block|allow}). The latest decision per account wins.

The model starts from the rule-based risk and learns corrections to it: with few labels (or one class only) it is the rules alone, and its weight grows with the number of labels.

Examples:

distillguard learn train --db distillguard.duckdb --model learned.json

distillguard learn train --verdicts verdicts.jsonl --labels decisions.jsonl --model learned.json

distillguard learn apply --model learned.json --verdicts verdicts.jsonl --out learned-verdicts.jsonl --blend 0.5
"""

app = typer.Typer(name="learn", help=HELP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _verdicts(verdicts: Optional[Path], db: Optional[Path]) -> list[dict]:
    from distillguard.learning import features as F

    if verdicts is None and db is None:
        _fail("give --verdicts VERDICTS.jsonl or --db STORE.duckdb")
    try:
        return F.read_verdicts(verdicts) if verdicts is not None else F.verdicts_from_store(db)
    except F.VerdictError as exc:
        _fail(str(exc))
    except Exception as exc:  # a file that is not a DuckDB store
        _fail(f"{db}: cannot read verdicts ({type(exc).__name__}: {str(exc).splitlines()[0]})")


def _print_report(report: dict) -> None:
    typer.echo(f"labels: {report['labels']} ({report['attack_labels']} attack, {report['legit_labels']} legit; "
               f"{report['unmatched_labels']} for accounts not in the verdicts) · features: {report['features']} · mode: {report['mode']}")
    if report.get("trust") is not None and report["mode"] == "learned":
        typer.echo(f"trust in the correction: {report['trust']:.3f} (0 = rules alone, 1 = learned alone)")
    oof = report.get("out_of_fold")
    if oof:
        typer.echo(f"out-of-fold on the labelled accounts: AUROC rules {oof['auroc_rules']:.3f} -> learned {oof['auroc_learned']:.3f}; "
                   f"Brier rules {oof['brier_rules']:.4f} -> learned {oof['brier_learned']:.4f}")
        typer.echo("calibration (expected vs observed attack share): " +
                   "; ".join(f"{r['bin']}: {r['expected']:.2f} vs {r['observed']:.2f} (n={r['accounts']})" for r in oof["reliability"]))
    if report.get("top_features"):
        typer.echo("features the correction uses most: " + ", ".join(f"{f['feature']} {f['importance']:.3f}" for f in report["top_features"]))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="learn")


@app.command("train")
def train_command(
    model_path: Path = typer.Option(Path("learned-risk.json"), "--model", help="Where to write the trained model (created 0600)."),
    verdicts: Optional[Path] = typer.Option(None, "--verdicts", help="Verdicts JSONL of a scan (default: the store's latest verdicts).", show_default=False),
    db: Optional[Path] = typer.Option(None, "--db", help="DuckDB store: its latest verdicts and the dashboard's decisions.", show_default=False),
    labels: Optional[list[Path]] = typer.Option(None, "--labels", help="Labels/decisions JSONL (repeatable).", show_default=False),
    gateway_audit: Optional[list[Path]] = typer.Option(None, "--gateway-audit", help="The gateway's audit.sqlite (analyst overrides; repeatable).", show_default=False),
    min_labels: int = typer.Option(10, "--min-labels", min=2, help="Below this many labels the model is the rules alone."),
    trust_labels: float = typer.Option(40.0, "--trust-labels", min=0.0, help="Labels at which the learned correction gets half its weight."),
    max_shift: float = typer.Option(4.0, "--max-shift", min=0.0, help="Largest change of log-odds the correction may make to an account."),
    json_out: bool = typer.Option(False, "--json", help="Print the training report as JSON."),
) -> None:
    """Train the learned risk from analysts' decisions and the verdicts they were made on."""
    from distillguard.learning import decisions as D
    from distillguard.learning.model import LearnConfig, train

    rows = _verdicts(verdicts, db)
    found: list[D.Decision] = []
    try:
        if db is not None:
            found += D.from_store(db)
        for path in labels or []:
            found += D.from_jsonl(path)
        for path in gateway_audit or []:
            found += D.from_gateway_audit(path)
    except D.DecisionError as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"cannot read decisions ({type(exc).__name__}: {str(exc).splitlines()[0]})")
    if not found:
        _fail("no analyst decisions found (give --db with dashboard decisions, --labels or --gateway-audit)")
    model = train(rows, D.latest_labels(found), LearnConfig(min_labels=min_labels, trust_labels=trust_labels, max_shift=max_shift))
    model.save(model_path)
    if json_out:
        typer.echo(json.dumps(model.report, indent=2))
    else:
        _print_report(model.report)
        typer.echo(f"model: {model_path}")


@app.command("report")
def report_command(
    model_path: Path = typer.Option(Path("learned-risk.json"), "--model", help="A model written by `distillguard learn train`."),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Show what a trained model was trained on and how well it did out of fold."""
    from distillguard.learning.model import LearnedRisk

    try:
        model = LearnedRisk.load(model_path)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(json.dumps(model.report, indent=2)) if json_out else _print_report(model.report)


@app.command("apply")
def apply_command(
    out: Path = typer.Option(..., "--out", "-o", help="New verdicts JSONL: each line gains rule_risk, learned_risk and learned.moved_by."),
    model_path: Path = typer.Option(Path("learned-risk.json"), "--model", help="A model written by `distillguard learn train`."),
    verdicts: Optional[Path] = typer.Option(None, "--verdicts", help="Verdicts JSONL to re-score.", show_default=False),
    db: Optional[Path] = typer.Option(None, "--db", help="Or: the store's latest verdicts.", show_default=False),
    blend: float = typer.Option(0.0, "--blend", min=0.0, max=1.0, help="risk = (1 - blend) * rule risk + blend * learned risk (0 keeps the rules' risk)."),
    flag_threshold: Optional[float] = typer.Option(None, "--flag-threshold", min=0.0, max=1.0, help="Re-decide flagged as risk >= this; default: keep the scan's flags.", show_default=False),
) -> None:
    """Re-score verdicts with a trained model and write them with the learned risk beside the rules'."""
    import orjson

    from distillguard.learning.model import LearnedRisk, apply

    try:
        model = LearnedRisk.load(model_path)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    rows = _verdicts(verdicts, db)
    new, unknown = apply(model, rows, blend=blend, flag_threshold=flag_threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for verdict in new:
            handle.write(orjson.dumps(verdict, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
    moved = sum(abs(v["learned_risk"] - v["rule_risk"]) >= 0.1 for v in new)
    typer.echo(f"{len(new)} verdicts re-scored ({moved} moved by >= 0.1; model mode: {model.report.get('mode')}) -> {out}")
    if unknown:
        typer.echo(f"detectors the model does not know (ignored; retrain to use them): {', '.join(sorted(unknown))}")
