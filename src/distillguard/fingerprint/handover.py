"""A report an analyst can hand over: verdict, p-values, method, this run's controls, evidence.

Written as Markdown from the JSON result of `fingerprint`, so what a reviewer reads is exactly
what was computed. It quotes the suspect's answers, so the file is created readable by its
owner only (0600).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path


def _p(x: float) -> str:
    return f"{x:.2e}" if x < 1e-3 else f"{x:.3f}"


def _cell(text: str, limit: int = 160) -> str:
    return " ".join(str(text).split())[:limit].replace("|", "\\|")


def markdown(result: dict, inputs: dict[str, list[str]] | None = None) -> str:
    alpha = result["alpha"]
    lines = [
        f"# Fingerprint report: {result['suspect']}",
        "",
        f"Generated {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by distillguard fingerprint.",
        "",
        "## Finding",
        "",
        f"**{result['verdict']}.**",
        "",
        "| reference family | score (z vs null) | p (Holm) | p (one family) | null models as close | null size |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["ranking"]:
        lines.append(f"| {r['reference']} | {r['score']:.2f} | {_p(r['p_value'])} | {_p(r['p_unadjusted'])} | "
                     f"{r['null_models_as_close']} | {r['null_size']} |")
    providers = result.get("providers") or {}
    lines += [
        "",
        "## Method",
        "",
        f"The suspect and every reference answered the same {result['n_prompts']} prompts. Signals "
        f"({', '.join(result['signals'])}) measure habits a model shares with a reference family beyond what the "
        "background of all references and null models shares. For each family, the suspect's similarity is compared "
        f"with that of every model known to be independent of the family: {result['null']}. A p-value below "
        f"{alpha} says an independent model would rarely be this close; it does not by itself say how the "
        "suspect was trained.",
    ]
    if providers:
        lines += ["", "Providers declared (models of one provider are siblings and are kept out of each other's null): "
                  + ", ".join(f"{k} = {v}" for k, v in sorted(providers.items())) + "."]
    nc = result.get("null_check") or {}
    lines += ["", "## Controls in this run", ""]
    if nc.get("models"):
        lines += [f"Each of the {nc['models']} null models was left out and scored as if it were the suspect: "
                  f"{nc['attributed']} attributed at p < {alpha} (about {alpha * nc['models']:.1f} expected by chance).", "",
                  "| null model | closest family | p (Holm) |", "|---|---|---|"]
        lines += [f"| {r['model']} | {r['closest']} | {_p(r['p_value'])} |" for r in nc["rows"]]
    else:
        lines.append("No --null models were given, so this run has no control of its own; add models known to be "
                     "independent of every reference family.")
    ev = result.get("evidence") or []
    lines += ["", f"## Evidence shared with {result['closest']}", ""]
    if not ev:
        lines.append("(none recorded)")
    for item in ev:
        if "phrase" in item:
            lines.append(f"- phrase “{_cell(item['phrase'])}”: suspect {item['suspect_rate']:.1%}, reference "
                         f"{item['reference_rate']:.1%}, others {item['background_rate']:.1%}")
        elif "pattern" in item:
            lines.append(f"- {item['signal']} “{item['pattern']}”: suspect {item['suspect_rate']:.1%}, reference "
                         f"{item['reference_rate']:.1%}, others {item['background_rate']:.1%}")
            if item.get("suspect_quote"):
                lines.append(f"  - suspect: “…{_cell(item['suspect_quote'])}…”")
        elif "habit" in item:
            lines.append(f"- style {item['habit']}: suspect z = {item['suspect_z']:+.1f}, reference z = {item['reference_z']:+.1f}")
        elif "prompt" in item:
            lines.append(f"- on “{_cell(item['prompt'], 100)}”: suspect “{_cell(item['suspect'])}” / reference “{_cell(item['reference'])}”")
    if inputs:
        lines += ["", "## Inputs", ""]
        lines += [f"- {role}: {', '.join(paths)}" for role, paths in inputs.items() if paths]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    """Create or replace `path` with mode 0600 (it quotes model answers)."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
