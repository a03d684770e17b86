"""Benchmark: behavioural fingerprinting on AlpacaEval answers of 57 models (issue 7).

For every student in LINEAGE.json (a model distilled from a known teacher family) and every
control (trained on human data), attribute it to one of the teacher families, with the null
built from the teacher models of the *other* families plus the 'unknown' models. Students and
controls are never part of the background, the null pool, the n-gram vocabulary or the probe
selection, and no weights are fitted (signals are averaged with equal weights), so every
student is scored as if it were the only one ever seen.

Independent null: a family's null leaves out the models of its own provider (PROVIDERS below:
the OpenAI families and text-davinci-001 are siblings, as are the Claude 2 and Claude 3 models),
since a sibling is not an independent model and sets a bar no real student clears.

Tuning vs measurement is split by model: the four students whose name hashes lowest
(`split_students`) are the only ones any design choice was tried on; figures are reported for
the other eight ("measured") and the controls, which were never looked at while tuning.

Measured: teacher-family attribution accuracy on the students (closest family, and attributed
at Holm-adjusted p < 0.05), false attribution on the controls, both against the number of
prompts (random subsets, repeated, and the top prompts chosen by probe selection), a per-signal
ablation, and leave-one-teacher-out accuracy on the selected probes (how many queries suffice).

    .venv/bin/python -m bench.fingerprint_bench [--quick] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from distillguard.fingerprint.engine import Workspace, prepare, related_models, similarities  # noqa: E402
from distillguard.fingerprint.inputs import load_answers  # noqa: E402
from distillguard.fingerprint.probes import prompt_scores, queries_needed  # noqa: E402
from distillguard.fingerprint.signals import default_signals, paired_signals  # noqa: E402
from distillguard.fingerprint.stats import score_suspect  # noqa: E402

ALPHA = 0.05
STRICT = 0.01  # no control may be attributed at this level
# Provider of each reference family and of the 'unknown' models that share a family's lineage.
PROVIDERS = {
    "chatgpt": "openai", "gpt4": "openai", "davinci-003": "openai", "text_davinci_001": "openai",
    "claude-2": "anthropic", "claude-3-5-sonnet-20240620": "anthropic", "claude-3-opus-20240229": "anthropic",
    "claude-3-sonnet-20240229": "anthropic",
}
N_TUNING = 4


def split_students(students: dict[str, str]) -> tuple[list[str], list[str]]:
    """(tuning, measured): a fixed split by name hash, decided before any figure was seen."""
    single = sorted((s for s, t in students.items() if t != "mixed"), key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return single[:N_TUNING], single[N_TUNING:]


def _load(data_dir: pathlib.Path, quick: bool, progress):
    folder = data_dir / "multimodel" / "alpaca_eval"
    lineage = json.loads((data_dir / "multimodel" / "LINEAGE.json").read_text())
    files = sorted(folder.glob("*.json.gz"))
    models = []
    for i, f in enumerate(files):
        models.append(load_answers(f))
        progress(f"loading {f.name}", i + 1, len(files))
    return models, lineage


def _evaluate(ws: Workspace, sims, suspects: dict[str, str], null_pool: list[int], related=None) -> list[dict]:
    rows = []
    for name, truth in suspects.items():
        x = ws.corpus.index(name)
        scores = score_suspect(sims, ws.families, x, [j for j in null_pool if j != x], related=related)
        top = scores[0]
        rows.append({
            "model": name, "truth": truth, "closest": top.family, "score": round(top.score, 3),
            "p_value": top.p_adjusted, "attributed": top.family if top.p_adjusted < ALPHA else None,
        })
    return rows


def _calibration(ws: Workspace, sims, models: list[int], null_pool: list[int], related) -> dict:
    """Each background model not in any family, left out of the null and scored as a suspect:
    with an exchangeable null its p-values are uniform (some may be undeclared students, which
    can only push p down)."""
    fam_members = {m for ms in ws.families.values() for m in ms}
    ps = []
    for x in models:
        if x in fam_members:
            continue
        rel = {f: r - {x} for f, r in related.items()}
        ps.append(score_suspect(sims, ws.families, x, [j for j in null_pool if j != x], related=rel)[0].p_adjusted)
    ps = np.array(ps)
    return {"models": len(ps), "share_p_below_0.05": float(np.mean(ps < ALPHA)) if len(ps) else None,
            "share_p_below_0.01": float(np.mean(ps < STRICT)) if len(ps) else None,
            "median_p": float(np.median(ps)) if len(ps) else None}


def _summary(rows: list[dict], only: set[str] | None = None) -> dict:
    """Rates over students with one teacher family (restricted to `only` when given) and controls."""
    single = [r for r in rows if r["truth"] not in ("none", "mixed") and (only is None or r["model"] in only)]
    controls = [r for r in rows if r["truth"] == "none"]
    mixed = [r for r in rows if r["truth"] == "mixed"]
    n = max(len(single), 1)
    return {
        "students": len(single),
        "closest_accuracy": sum(r["closest"] == r["truth"] for r in single) / n,
        "attributed_accuracy": sum(r["attributed"] == r["truth"] for r in single) / n,
        "student_misattributed": sum(r["attributed"] not in (None, r["truth"]) for r in single) / n,
        "controls": len(controls),
        "control_false_attribution": sum(r["attributed"] is not None for r in controls) / max(len(controls), 1),
        "control_p_below_0.01": sum(r["p_value"] < STRICT for r in controls) / max(len(controls), 1),
        "mixed_attributed_openai": sum(r["attributed"] in ("chatgpt", "gpt4") for r in mixed) / max(len(mixed), 1),
        # what a provider asks: was it distilled from *my* models (any of my families)?
        "provider_attributed_accuracy": sum(r["attributed"] is not None and PROVIDERS.get(r["attributed"]) == PROVIDERS.get(r["truth"])
                                            for r in single) / n,
    }


def _mean_summaries(items: list[dict]) -> dict:
    keys = [k for k in items[0] if k not in ("students", "controls")]
    out = {k: float(np.mean([it[k] for it in items])) for k in keys}
    out.update({f"{k}_sd": float(np.std([it[k] for it in items])) for k in ("closest_accuracy", "attributed_accuracy", "control_false_attribution")})
    out["students"], out["controls"], out["repeats"] = items[0]["students"], items[0]["controls"], len(items)
    return out


def measure(data_dir: pathlib.Path, quick: bool = False, progress=None, embeddings: bool = True) -> dict:
    progress = progress or (lambda *a: None)
    t0 = time.time()
    models, lineage = _load(data_dir, quick, progress)
    names = [m.name for m in models]
    students = {k: v["teacher"] for k, v in lineage["students"].items() if k in names}
    controls = {k: "none" for k in lineage["controls"] if k in names}
    background = [i for i, n in enumerate(names) if n not in students and n not in controls]
    families = {f: [names.index(m) for m in ms if m in names] for f, ms in lineage["teachers"].items()}
    n_prompts_cap = 120 if quick else None
    signals = default_signals(embeddings=embeddings and not quick) + paired_signals()
    ws = prepare(models, families, background, signals=signals, max_prompts=n_prompts_cap,
                 progress=lambda s: progress(f"signal {s}", 0, 0))
    # The opt-in signals take part in the ablation only; every other figure is the shipped default.
    extras = {s.name: ws.prepared.pop(s.name) for s in paired_signals()}
    prep_s = time.time() - t0
    P = ws.corpus.n_prompts
    suspects = {**students, **controls}
    unknown = [i for i in background if not any(i in ms for ms in families.values())]
    related = related_models({k: v for k, v in PROVIDERS.items() if k in families or (k in names and names.index(k) in unknown)},
                             families, names, unknown)
    tuning, measured = split_students(students)
    keep = set(measured)
    rng = np.random.default_rng(7)

    # Probe order from the background only (teachers + unknowns; no student or control).
    order = np.argsort(-prompt_scores(ws, background))

    ladder = [k for k in (10, 50, 200) if k < P] + [P]
    repeats = {10: 3, 50: 3}.get if quick else {10: 20, 50: 10, 200: 5}.get
    curve = []
    per_model_full = None
    for k in ladder:
        reps = 1 if k == P else repeats(k, 3)
        summaries = []
        for r in range(reps):
            sel = None if k == P else np.sort(rng.choice(P, size=k, replace=False))
            rows = _evaluate(ws, similarities(ws, sel), suspects, background, related)
            summaries.append(_summary(rows, keep))
            if k == P:
                per_model_full = rows
            progress(f"{k} random prompts", r + 1, reps)
        entry = {"prompts": k, "selection": "random" if k < P else "all", **_mean_summaries(summaries)}
        curve.append(entry)
        if k < P:
            rows = _evaluate(ws, similarities(ws, order[:k]), suspects, background, related)
            curve.append({"prompts": k, "selection": "probe-selected", **_mean_summaries([_summary(rows, keep)])})

    # Per-signal ablation on all prompts.
    full_sims = similarities(ws)
    ablation = []
    for name in full_sims:
        only = _summary(_evaluate(ws, {name: full_sims[name]}, suspects, background, related), keep)
        without = _summary(_evaluate(ws, {k: v for k, v in full_sims.items() if k != name}, suspects, background, related), keep)
        ablation.append({"signal": name, "only": only, "without": without})
    for name, prep in extras.items():
        plus = {**full_sims, name: prep.similarity()}
        ablation.append({"signal": name, "opt_in": True, "only": _summary(_evaluate(ws, {name: plus[name]}, suspects, background, related), keep),
                         "with": _summary(_evaluate(ws, plus, suspects, background, related), keep)})

    # How many queries suffice: leave-one-teacher-out accuracy on top-k probes (cross-fitted:
    # probes ranked without the left-out teacher), and student accuracy on the same ladder.
    progress("queries needed (teachers)", 0, 0)
    teacher_curve = {c["probes"]: c["accuracy"] for c in queries_needed(ws)["curve"]}
    q_ladder = [k for k in (5, 10, 20, 50, 100, 200) if k < P] + [P]
    q_curve = []
    for k in q_ladder:
        sel = None if k == P else order[:k]
        q_curve.append({"probes": k, "teacher_loo_accuracy": teacher_curve.get(k),
                        "student_closest_accuracy": _summary(_evaluate(ws, similarities(ws, sel), students, background, related), keep)["closest_accuracy"]})
        progress("queries needed", len(q_curve), len(q_ladder))
    full_acc = q_curve[-1]["student_closest_accuracy"]
    enough = next((c["probes"] for c in q_curve if c["student_closest_accuracy"] >= full_acc - 0.05), P)

    calibration = {"all": _calibration(ws, full_sims, background, background, related),
                   "200_selected": _calibration(ws, similarities(ws, order[:200]), background, background, related)}
    selected_rows = _evaluate(ws, similarities(ws, order[:200]), suspects, background, related) if P > 200 else per_model_full
    # An era-matched null: the human-data controls join the null pool (each control left out of it
    # when it is the one scored). They are the only known-independent models as old and as small
    # as the students; the default null (teachers and unknown models) is mostly newer and larger.
    ctrl_idx = [names.index(c) for c in controls]
    with_controls = _evaluate(ws, full_sims, suspects, background + ctrl_idx, related)
    return {
        "quick": quick, "tuning_students": tuning, "measured_students": measured,
        "providers": PROVIDERS, "calibration": calibration, "per_model_200_selected": selected_rows,
        "per_model_null_with_controls": with_controls,
        "n_models": len(names), "n_prompts": P, "signals": list(ws.prepared),
        "background_models": len(background), "alpha": ALPHA,
        "students": students, "controls": list(controls),
        "curve": curve, "per_model": per_model_full, "ablation": ablation,
        "queries_needed": {"curve": q_curve, "enough_for_students": enough},
        "seconds": round(time.time() - t0, 1), "prepare_seconds": round(prep_s, 1),
        "signal_seconds": ws.seconds,
    }


def cold_suspect_time(data_dir: pathlib.Path, suspect: str = "vicuna-13b", probes: int = 200, embeddings: bool = False) -> dict:
    """Wall and CPU seconds of one `distillguard fingerprint` run, in a fresh process with an empty
    cache: the suspect against every teacher (as --reference, with --provider) and the unknown
    models (as --null), on the first `probes` shared prompts."""
    import resource
    import subprocess
    import tempfile

    folder = data_dir / "multimodel" / "alpaca_eval"
    lineage = json.loads((data_dir / "multimodel" / "LINEAGE.json").read_text())
    known = set(lineage["students"]) | set(lineage["controls"]) | {m for ms in lineage["teachers"].values() for m in ms}
    args = [sys.executable, "-m", "distillguard.cli", "fingerprint", "--suspect", str(folder / f"{suspect}.json.gz"),
            "--max-probes", str(probes), "--json"] + ([] if embeddings else ["--no-embeddings"])
    for fam, members in lineage["teachers"].items():
        args += [a for m in members for a in ("--reference", f"{fam}={folder / f'{m}.json.gz'}")]
    unknown = sorted(f.name.removesuffix(".json.gz") for f in folder.glob("*.json.gz") if f.name.removesuffix(".json.gz") not in known)
    args += [a for m in unknown for a in ("--null", f"{m}={folder / f'{m}.json.gz'}")]
    args += [a for k, v in PROVIDERS.items() if k in lineage["teachers"] or k in unknown for a in ("--provider", f"{k}={v}")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "DISTILLGUARD_CACHE": cache, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"fingerprint CLI failed: {proc.stderr.strip()[-300:]}")
    out = json.loads(proc.stdout)
    return {"suspect": suspect, "references": sum(len(v) for v in lineage["teachers"].values()), "null_models": len(unknown),
            "prompts": out["n_prompts"], "embeddings": embeddings, "wall_seconds": round(wall, 1),
            "cpu_seconds": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
            "closest": out["closest"], "p_value": out["p_value"], "load_average_1min": round(os.getloadavg()[0], 1)}


def cold_markdown(c: dict) -> str:
    return (f"One suspect ({c['suspect']}) against {c['references']} reference models in 4 families plus {c['null_models']} "
            f"null models, {c['prompts']} prompts, {'with' if c['embeddings'] else 'without'} the MiniLM signal, empty cache, fresh "
            f"process: **{c['wall_seconds']} s wall, {c['cpu_seconds']} s CPU** (load average {c['load_average_1min']} on "
            f"{os.cpu_count()} cores at the end). Result: closest {c['closest']}, p = {c['p_value']:.3g}.")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def markdown(res: dict) -> str:
    lines = [
        f"{res['n_models']} models × {res['n_prompts']} shared AlpacaEval prompts; signals: {', '.join(res['signals'])}. "
        f"Background and null pool: {res['background_models']} teacher and unknown models (never a student or a control). "
        f"Students with a single teacher family: {sum(1 for v in res['students'].values() if v != 'mixed')}; "
        f"controls: {len(res['controls'])}. Attributed = closest family with Holm-adjusted p < {res['alpha']}. "
        "No weights are fitted; probes are chosen from teachers and unknown models only. "
        "Each family's null leaves out models of its own provider (OpenAI: chatgpt, gpt4, davinci-003, text-davinci-001; "
        "Anthropic: claude-2 and the Claude 3 models).",
        "",
        "| prompts | selection | closest-family accuracy (students) | attributed correctly (students) | students attributed to a wrong family | false attribution (controls, p<0.05) | controls at p<0.01 | repeats |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in res["curve"]:
        sd = f" ± {100 * c['closest_accuracy_sd']:.0f}" if c["repeats"] > 1 else ""
        lines.append(
            f"| {c['prompts']} | {c['selection']} | {_pct(c['closest_accuracy'])}{sd} | {_pct(c['attributed_accuracy'])} | "
            f"{_pct(c['student_misattributed'])} | {_pct(c['control_false_attribution'])} | {_pct(c['control_p_below_0.01'])} | {c['repeats']} |"
        )
    split = {m: "tuning" for m in res.get("tuning_students", [])}
    split.update({m: "measured" for m in res.get("measured_students", [])})
    lines += ["", "![accuracy vs prompts](plots/fingerprint_prompts.png)", "",
              f"Per model (students split by name hash: tuning = {', '.join(res.get('tuning_students', []))}; "
              "rates above are over the 8 measured students only). p = Holm-adjusted over the 4 families.", "",
              "| model | split | truth | closest (all prompts) | p (all) | closest (200 selected) | p (200 selected) | closest, null + controls | p, null + controls |",
              "|---|---|---|---|---|---|---|---|---|"]
    sel = {r["model"]: r for r in res.get("per_model_200_selected") or []}
    wc = {r["model"]: r for r in res.get("per_model_null_with_controls") or []}
    for r in res["per_model"] or []:
        q = sel.get(r["model"], r)
        c = wc.get(r["model"])
        kind = split.get(r["model"], "control" if r["truth"] == "none" else r["truth"])
        lines.append(f"| {r['model']} | {kind} | {r['truth']} | {r['closest']} | {r['p_value']:.3g} | {q['closest']} | {q['p_value']:.3g} | "
                     + (f"{c['closest']} | {c['p_value']:.3g} |" if c else "— | — |"))
    if wc:
        lines += ["", "'null + controls': the four human-data controls join every family's null (a control scored is left out of it): "
                  "the only known-independent models of the students' era and size."]
    for label, key in (("All prompts", "per_model"), ("200 probe-selected prompts", "per_model_200_selected"),
                       ("All prompts, null + controls", "per_model_null_with_controls")):
        rows = res.get(key) or []
        meas = [r for r in rows if r["model"] in set(res.get("measured_students", []))]
        ctrl = [r for r in rows if r["truth"] == "none"]
        if not meas:
            continue
        fam_ok = sum(r["attributed"] == r["truth"] for r in meas)
        prov_ok = sum(r["attributed"] is not None and PROVIDERS.get(r["attributed"]) == PROVIDERS.get(r["truth"]) for r in meas)
        lines += ["", f"{label}, measured students: **{fam_ok} of {len(meas)}** attributed to their teacher family at p < {res['alpha']}, "
                  f"**{prov_ok} of {len(meas)}** to a family of their teacher's provider; controls at p < {STRICT}: "
                  f"**{sum(r['p_value'] < STRICT for r in ctrl)} of {len(ctrl)}**, at p < {res['alpha']}: {sum(r['p_value'] < res['alpha'] for r in ctrl)} of {len(ctrl)}."]
    cal = res.get("calibration")
    if cal:
        lines += ["", "Calibration of the null: each background model outside the families (the 'unknown' models) left out "
                  "and scored as a suspect; with a calibrated null about 5% / 1% fall below 0.05 / 0.01 (undeclared "
                  "students among them can only raise these shares).", "",
                  "| prompts | models | p < 0.05 | p < 0.01 | median p |", "|---|---|---|---|---|"]
        for k, c in cal.items():
            lines.append(f"| {k} | {c['models']} | {_pct(c['share_p_below_0.05'])} | {_pct(c['share_p_below_0.01'])} | {c['median_p']:.2f} |")
    lines += ["", "Signal ablation (all prompts, measured students): closest-family accuracy / attributed correctly at p<0.05 / "
              "false attribution on controls. Opt-in signals (`--paired-signals`): 'all but this' is 'the default plus this'.", "",
              "| signal | only this signal | all but this signal (opt-in: default plus this) |", "|---|---|---|"]

    def trio(x):
        return f"{_pct(x['closest_accuracy'])} / {_pct(x['attributed_accuracy'])} / {_pct(x['control_false_attribution'])}"

    for a in res["ablation"]:
        lines.append(f"| {a['signal']}{' (opt-in)' if a.get('opt_in') else ''} | {trio(a['only'])} | {trio(a['with'] if a.get('opt_in') else a['without'])} |")

    q = res["queries_needed"]
    lines += ["", "How many queries suffice (top-k selected probes). Teachers: each teacher left out of its own family and "
              "attributed, on probes ranked without it. Students: closest-family accuracy (held out throughout).", "",
              "| probes | teachers (left out of own family) | students |", "|---|---|---|"]
    for c in q["curve"]:
        lines.append(f"| {c['probes']} | {_pct(c['teacher_loo_accuracy'])} | {_pct(c['student_closest_accuracy'])} |")
    lines.append(f"\nSelected probes needed to come within 5 points of the all-prompt student accuracy: **{q['enough_for_students']}**.")
    per = ", ".join(f"{k} {v:.0f} s" for k, v in res.get("signal_seconds", {}).items())
    note = (
        " Sentence embeddings are cached per answer under ~/.cache/distillguard; a first run on a fresh machine "
        "also embeds the ~46k answers (about 15 min on 2 busy cores)."
        if "embedding" in res["signals"] else ""
    )
    lines.append(f"\nRuntime: {res['seconds']} s ({res['prepare_seconds']} s loading and computing signals: {per}).{note}")
    return "\n".join(lines)


def plot(res: dict, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for sel, style in (("random", "-o"), ("probe-selected", "--s")):
        pts = [c for c in res["curve"] if c["selection"] in (sel, "all")]
        xs = [c["prompts"] for c in pts]
        ax.plot(xs, [c["closest_accuracy"] for c in pts], style, color="tab:blue", label=f"students: closest family ({sel})")
        ax.plot(xs, [c["attributed_accuracy"] for c in pts], style, color="tab:green", label=f"students: attributed correctly, p<0.05 ({sel})")
        ax.plot(xs, [c["control_false_attribution"] for c in pts], style, color="tab:red", label=f"controls: false attribution ({sel})")
    ax.set_xscale("log")
    ax.set_xlabel("prompts")
    ax.set_ylabel("rate")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("Fingerprint attribution vs number of prompts (AlpacaEval)")
    ax.legend(fontsize=6.5)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="120 prompts, no embeddings, few repeats (< 1 min)")
    ap.add_argument("--data-dir", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--no-embeddings", action="store_true", help="leave the MiniLM signal out (it adds nothing in the ablation)")
    ap.add_argument("--provenance", action="store_true", help="write bench/results/provenance.md instead of RESULTS.md")
    ap.add_argument("--cold-only", action="store_true", help="only time one cold CLI run (200 prompts) and record it")
    ap.add_argument("--render", action="store_true", help="rewrite the provenance.md section from provenance.json (no measuring)")
    args = ap.parse_args()
    if args.render:
        from bench.provenance_results import JSON, write_section

        res = json.loads(JSON.read_text())["fingerprint"]
        md = markdown(res).replace("![accuracy vs prompts](plots/fingerprint_prompts.png)", "(no plot in this run)")
        write_section("fingerprint", res, md, command=".venv/bin/python -m bench.fingerprint_bench --no-embeddings --provenance --data-dir ../shared/data")
        print(md)
        return
    if not (args.data_dir / "multimodel" / "alpaca_eval").is_dir():
        sys.exit(f"error: {args.data_dir}/multimodel/alpaca_eval not found (use --data-dir)")
    if args.cold_only:
        c = cold_suspect_time(args.data_dir, embeddings=not args.no_embeddings)
        cmd = ".venv/bin/python -m bench.fingerprint_bench --cold-only" + (" --no-embeddings" if args.no_embeddings else "") + " --data-dir ../shared/data"
        from bench.provenance_results import write_section

        write_section("fingerprint_cold_suspect", c, cold_markdown(c), command=cmd)
        print(cold_markdown(c))
        return
    run(args.data_dir, quick=args.quick, embeddings=not args.no_embeddings, provenance=args.provenance, echo=True)


def run(data_dir: pathlib.Path, quick: bool = False, embeddings: bool = True, provenance: bool = False, echo: bool = False) -> dict:
    """Measure and record: RESULTS.md (and the plot), or bench/results/provenance.md with `provenance`."""
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("fingerprint bench", total=None)
        res = measure(data_dir, quick=quick, embeddings=embeddings,
                      progress=lambda msg, i, n: bar.update(task, description=msg, completed=i, total=n or None))
    from bench.results_io import update_section

    name = "fingerprint_quick" if quick else "fingerprint"
    if not quick and not provenance:
        plot(res, ROOT / "bench" / "plots" / "fingerprint_prompts.png")
    if not quick:
        res["cold_suspect"] = cold_suspect_time(data_dir)
    md = markdown(res) + ("\n\nCold time per suspect: " + cold_markdown(res["cold_suspect"]) if "cold_suspect" in res else "")
    if quick or provenance:
        md = md.replace("![accuracy vs prompts](plots/fingerprint_prompts.png)", "(no plot in this run)")
    cmd = (".venv/bin/python -m bench.fingerprint_bench" + (" --quick" if quick else "")
           + ("" if embeddings else " --no-embeddings") + (" --provenance" if provenance else "") + " --data-dir ../shared/data")
    if provenance:
        from bench.provenance_results import write_section

        write_section(name, res, md, command=cmd)
    else:
        update_section(name, res, md, command=cmd)
    if echo:
        print(md)
    return res


if __name__ == "__main__":
    main()
