"""Human-readable rendering of a fingerprint result for the terminal (rich)."""

from __future__ import annotations


def render(result: dict, console) -> None:
    from rich.table import Table

    style = "bold red" if result["attributed"] else "bold green"
    console.print(f"[{style}]{result['suspect']}: {result['verdict']}[/]")
    console.print(f"compared on {result['n_prompts']} prompts with signals: {', '.join(result['signals'])}")
    table = Table(title="Reference families (closest first)")
    for col in ("reference", "score (z)", "p (Holm)", "null models as close", "strongest signals"):
        table.add_column(col)
    for row in result["ranking"]:
        top = sorted(row["signals_z"].items(), key=lambda kv: -kv[1])[:3]
        table.add_row(
            row["reference"], f"{row['score']:.2f}", f"{row['p_value']:.3g}",
            f"{row['null_models_as_close']}/{row['null_size']}", ", ".join(f"{k} {v:+.1f}" for k, v in top),
        )
    console.print(table)
    ev = result.get("evidence") or []
    if ev:
        console.print(f"[bold]Evidence vs {result['closest']}[/] (shared with its closest model, rare in the background):")
        for item in ev[:14]:
            sig = item["signal"]
            if "phrase" in item:
                console.print(f"  phrase  \"{item['phrase']}\"  suspect {item['suspect_rate']:.1%} · ref {item['reference_rate']:.1%} · others {item['background_rate']:.1%}")
            elif "pattern" in item:
                console.print(f"  {sig}  {item['pattern']}: suspect {item['suspect_rate']:.1%} · ref {item['reference_rate']:.1%} · others {item['background_rate']:.1%}")
                if item.get("suspect_quote"):
                    console.print(f"      “…{item['suspect_quote'][:160]}…”", markup=False)
            elif "habit" in item:
                console.print(f"  style  {item['habit']}: suspect z={item['suspect_z']:+.1f}, ref z={item['reference_z']:+.1f}")
            elif "prompt" in item:
                console.print(f"  {sig}  on “{item['prompt'][:80]}”", markup=False)
                console.print(f"      suspect:   {item['suspect'][:140]!r}", markup=False)
                console.print(f"      reference: {item['reference'][:140]!r}", markup=False)
