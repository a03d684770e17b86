"""Figures for the watermark section, drawn from the measured numbers in bench/results.json.

    .venv/bin/python -m bench.watermark_plots   (run by bench.watermark_bench after it records)
"""

from __future__ import annotations

import json
import math
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PLOTS = BENCH / "plots"


def draw(data: dict) -> list[str]:
    """Write the PNGs; return their paths relative to bench/."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    PLOTS.mkdir(exist_ok=True)
    names = []
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for scheme, label in (("kgw", "KGW green list"), ("tournament", "tournament (SynthID-style)")):
        rows = data["tpr_detail"][scheme]
        lengths = sorted(rows, key=int)
        ax.plot([int(L) for L in lengths], [rows[L]["tpr"] for L in lengths], marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("tokens scored")
    ax.set_ylabel("TPR at FPR 1e-6")
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    ax.set_title("Detection power, SmolLM2-135M generations")
    fig.tight_layout()
    fig.savefig(PLOTS / "watermark_tpr.png", dpi=110)
    plt.close(fig)
    names.append("plots/watermark_tpr.png")

    fig, ax = plt.subplots(figsize=(5, 3.2))
    labels = list(data["radioactivity"])
    white = [-math.log10(max(data["radioactivity"][k]["white_box_p"], 1e-300)) for k in labels]
    black = [-math.log10(max(data["radioactivity"][k]["black_box_p"], 1e-300)) for k in labels]
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], white, width=0.4, label="white-box (reading mode)")
    ax.bar([x + 0.2 for x in xs], black, width=0.4, label="black-box (generations)")
    ax.axhline(6, color="grey", linestyle="--", linewidth=1, label="p = 1e-6")
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel("-log10 p-value")
    ax.set_xlabel("student's share of watermarked training data")
    ax.legend(fontsize=8)
    ax.set_title("Radioactivity of distilled students")
    fig.tight_layout()
    fig.savefig(PLOTS / "watermark_radioactivity.png", dpi=110)
    plt.close(fig)
    names.append("plots/watermark_radioactivity.png")
    return names


def markdown_links(names: list[str]) -> str:
    return "\n".join(f"![{Path(n).stem}]({n})" for n in names)


def main() -> None:
    from bench.results_io import RESULTS_JSON, update_section
    from bench.watermark_bench import COMMAND, _markdown

    data = json.loads(RESULTS_JSON.read_text())["watermark"]
    names = draw(data)
    update_section("watermark", data, _markdown(data) + "\n\n" + markdown_links(names), command=COMMAND)


if __name__ == "__main__":
    main()
