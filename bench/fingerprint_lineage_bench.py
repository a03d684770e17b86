"""Benchmark: candidate lineage signals for fingerprint attribution, judged on the tuning split.

The shipped signals (style, phrases, paired_lexical, identity, refusal) find that a 2023 open student
is about as close to its teacher as an open model of its era trained on human data. This bench asks
whether signals aimed at lineage rather than era do better. Each candidate is scored alone and added
to the shipped signals, on what design choices may be judged on: the four tuning students
(`fingerprint_bench.split_students`), each teacher left out of its own family, and the calibration
of the null (each 'unknown' model left out and scored). The measured students and the controls are
reported last, in a separate table, as the one look taken after the choice.

Candidates:
- teacher_markers: per family, the n-grams (1-4 words) its members use more than the human-era
  models (the four human-data controls, the only independent models of the students' era); a model's
  score for the family is its mean log-odds over those n-grams, relative to the human-era models.
- transfer_markers: as teacher_markers, but only n-grams the tuning students of the family also use
  more than the human-era models (what a student is seen to inherit); the scored tuning student is
  left out of the choice.
- paired_rare_phrases: prompt by prompt, overlap of 1-4-gram sets weighted by rarity among the
  background's answers to that prompt (a shared rare phrase on the same prompt is lineage; a shared
  common one is era or topic).
- deera_k: the shipped profile signals with the k leading axes of the background's profiles
  projected out (verbosity and era dominate them), cross-fitted: every model's row uses axes fitted
  without it, so the null models stay exchangeable with a fresh suspect.
- nearest_teacher: share of prompts on which a teacher model's answer is the suspect's nearest
  teacher answer (per-prompt n-gram cosine), a per-probe preference ranking.

Human-era models used as anchors: when a control is scored, it and its sibling (same training data:
the two OASST models, the two Llama-2-chat models) are left out of the anchors, and the null pool is
scored against the same reduced anchors.

    .venv/bin/python -m bench.fingerprint_lineage_bench [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bench.fingerprint_bench import ALPHA, PROVIDERS, STRICT, split_students  # noqa: E402
from distillguard.fingerprint.corpus import Corpus  # noqa: E402
from distillguard.fingerprint.engine import related_models  # noqa: E402
from distillguard.fingerprint.inputs import load_answers  # noqa: E402
from distillguard.fingerprint.signals import default_signals  # noqa: E402
from distillguard.fingerprint.signals.base import cosine_rows, standardize  # noqa: E402
from distillguard.fingerprint.signals.lexical import TOKEN_PATTERN  # noqa: E402
from distillguard.fingerprint.stats import score_suspect  # noqa: E402

# Controls that share training data: one is no independent anchor for the other.
CONTROL_GROUP = {"guanaco-13b": "oasst", "oasst-sft-pythia-12b": "oasst",
                 "llama-2-7b-chat-hf": "llama-2-chat", "llama-2-13b-chat-hf": "llama-2-chat"}
N_MARKERS = 300
MIN_MARKER_RATE = 0.005
PROFILE_SIGNALS = ("style", "phrases", "identity", "refusal")


class Setup:
    """The 57-model corpus with its lineage roles (as in bench.fingerprint_bench)."""

    def __init__(self, data_dir: pathlib.Path) -> None:
        folder = data_dir / "multimodel" / "alpaca_eval"
        lineage = json.loads((data_dir / "multimodel" / "LINEAGE.json").read_text())
        self.corpus = Corpus.from_models([load_answers(f) for f in sorted(folder.glob("*.json.gz"))])
        names = self.names = self.corpus.names
        self.students = {k: v["teacher"] for k, v in lineage["students"].items() if k in names}
        self.controls = [c for c in lineage["controls"] if c in names]
        self.families = {f: [names.index(m) for m in ms if m in names] for f, ms in lineage["teachers"].items()}
        self.background = [i for i, n in enumerate(names) if n not in self.students and n not in self.controls]
        members = {m for ms in self.families.values() for m in ms}
        self.unknown = [i for i in self.background if i not in members]
        self.related = related_models({k: v for k, v in PROVIDERS.items() if k in self.families or (k in names and names.index(k) in self.unknown)},
                                      self.families, names, self.unknown)
        self.tuning, self.measured = split_students(self.students)

    def anchors_for(self, suspect: str) -> list[int]:
        """Human-era anchors for scoring `suspect`: the controls outside its own training-data group."""
        group = CONTROL_GROUP.get(suspect, suspect)
        return [self.names.index(c) for c in self.controls if CONTROL_GROUP.get(c, c) != group]


def ngram_table(setup: Setup):
    """Binary answers x hashed 1-4-grams, columns kept on background answers only."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(n_features=2**21, binary=True, alternate_sign=False, norm=None, ngram_range=(1, 4),
                            token_pattern=TOKEN_PATTERN, lowercase=True, dtype=np.float32)
    c = setup.corpus
    x = vec.transform(t for row in c.texts for t in row).tocsr()
    bg_rows = np.concatenate([np.arange(m * c.n_prompts, (m + 1) * c.n_prompts) for m in setup.background])
    df = np.bincount(x[bg_rows].indices, minlength=2**21)
    return x[:, np.flatnonzero(df >= 8)].tocsr()


def log_odds(x, n_models: int, n_prompts: int) -> tuple[np.ndarray, np.ndarray]:
    rates = np.vstack([np.asarray(x[m * n_prompts:(m + 1) * n_prompts].mean(0)).ravel() for m in range(n_models)])
    return np.log((rates * n_prompts + 0.5) / ((1 - rates) * n_prompts + 0.5)), rates


def marker_sim(setup: Setup, lo: np.ndarray, rates: np.ndarray, anchors: list[int], students_of: dict[str, list[int]] | None) -> np.ndarray:
    """models x models, column m = the model's score on the markers of m's family (only family columns are read)."""
    base = lo[anchors].mean(0)
    sim = np.zeros((lo.shape[0], lo.shape[0]))
    for fam, members in setup.families.items():
        gap = lo[members].mean(0) - base
        studs = (students_of or {}).get(fam)
        if studs:
            gap = np.minimum(gap, lo[studs].mean(0) - base)
        gap[rates[members].mean(0) < MIN_MARKER_RATE] = -np.inf
        top = np.argsort(-gap)[:N_MARKERS]
        sim[:, members] = ((lo[:, top] - base[top]).mean(1))[:, None]
    return sim


def paired_rare(setup: Setup, x) -> tuple[np.ndarray, np.ndarray]:
    """(mean over prompts, per-prompt) rarity-weighted n-gram cosine between models' answers."""
    n, P = setup.corpus.n_models, setup.corpus.n_prompts
    rows = np.arange(n) * P
    per = np.zeros((P, n, n), dtype=np.float32)
    nb = len(setup.background)
    for p in range(P):
        block = x[rows + p]
        cols = np.unique(block.indices)
        if cols.size == 0:
            continue
        dense = block[:, cols].toarray()
        weight = np.log((nb + 1) / (dense[setup.background].sum(0) + 1))
        per[p] = cosine_rows(dense * weight)
    return per.mean(0), per


def nearest_teacher(setup: Setup, per: np.ndarray) -> np.ndarray:
    teachers = sorted(m for ms in setup.families.values() for m in ms)
    n = per.shape[1]
    votes = np.zeros((n, n))
    for p in range(per.shape[0]):
        block = per[p][:, teachers].astype(float)
        for j, t in enumerate(teachers):
            block[t, j] = -np.inf  # a teacher never votes for itself
        votes[np.arange(n), np.array(teachers)[np.argmax(block, 1)]] += 1
    return votes / per.shape[0]


def _axes(v: np.ndarray, rows: list[int], k: int) -> np.ndarray:
    b = v[rows] - v[rows].mean(0)
    w, u = np.linalg.eigh(b @ b.T)
    u, w = u[:, ::-1][:, :k], w[::-1][:k]
    return (u.T @ b) / np.sqrt(np.maximum(w, 1e-12))[:, None]


def deera_sim(v: np.ndarray, background: list[int], k: int) -> np.ndarray:
    """Cosine after projecting out k background axes; a background model's row uses axes fitted without it."""
    def project(comp):
        return cosine_rows(v - (v @ comp.T) @ comp)

    sim = project(_axes(v, background, k))
    for m in background:
        sim[m] = project(_axes(v, [j for j in background if j != m], k))[m]
    return sim


def _score(setup: Setup, sims: dict[str, np.ndarray], x: int, families=None):
    fams = families or setup.families
    rel = {f: r - {x} for f, r in setup.related.items()}
    return score_suspect(sims, fams, x, [j for j in setup.background if j != x], related=rel)[0]


class Candidate:
    """A set of signals; `sims_for(name)` may depend on the model scored (anchors leave its group out)."""

    def __init__(self, label: str, sims_for) -> None:
        self.label, self.sims_for = label, sims_for

    def row(self, setup: Setup, name: str, families=None) -> dict:
        top = _score(setup, self.sims_for(name), setup.names.index(name), families)
        return {"model": name, "closest": top.family, "p_value": top.p_adjusted}


def teacher_loo(setup: Setup, cand: Candidate) -> dict:
    hits = sig = total = 0
    for fam, members in setup.families.items():
        if len(members) < 2:
            continue
        for m in members:
            fams = {f: [j for j in ms if j != m] for f, ms in setup.families.items()}
            r = cand.row(setup, setup.names[m], fams)
            total += 1
            hits += r["closest"] == fam
            sig += r["closest"] == fam and r["p_value"] < ALPHA
    return {"teachers": total, "closest": hits / total, "attributed": sig / total}


def evaluate(setup: Setup, cand: Candidate, loo_teachers: bool = True) -> dict:
    tun = [{**cand.row(setup, s), "truth": setup.students[s]} for s in setup.tuning]
    cal = np.array([cand.row(setup, setup.names[x])["p_value"] for x in setup.unknown])
    meas = [{**cand.row(setup, s), "truth": setup.students[s]} for s in setup.measured]
    ctrl = [cand.row(setup, c) for c in setup.controls]
    return {
        "label": cand.label, "tuning": tun,
        "tuning_attributed": sum(r["closest"] == r["truth"] and r["p_value"] < ALPHA for r in tun),
        "teacher_loo": teacher_loo(setup, cand) if loo_teachers else None,
        "calibration": {"models": len(cal), "below_0.05": float(np.mean(cal < ALPHA)), "below_0.01": float(np.mean(cal < STRICT)),
                        "median": float(np.median(cal))},
        "measured": meas, "controls": ctrl,
        "measured_attributed": sum(r["closest"] == r["truth"] and r["p_value"] < ALPHA for r in meas),
        "controls_below_0.01": sum(r["p_value"] < STRICT for r in ctrl),
        "controls_below_0.05": sum(r["p_value"] < ALPHA for r in ctrl),
    }


def measure(data_dir: pathlib.Path, log=print) -> dict:
    t0, cpu0 = time.perf_counter(), time.process_time()
    setup = Setup(data_dir)
    c, bg = setup.corpus, setup.background
    shipped, profiles = {}, {}
    for sig in default_signals(embeddings=False):
        prep = sig.prepare(c, bg)
        shipped[sig.name] = prep.similarity()
        if sig.name == "style":
            profiles["style"] = standardize(prep.feats.mean(1), bg, min_sd=1e-3)
        elif sig.name in PROFILE_SIGNALS:
            profiles[sig.name] = prep._logodds(None)[0]
        log(f"signal {sig.name}: {time.perf_counter() - t0:.0f}s")
    x = ngram_table(setup)
    lo, rates = log_odds(x, c.n_models, c.n_prompts)
    rare_mean, rare_per = paired_rare(setup, x)
    nearest = nearest_teacher(setup, rare_per)
    del rare_per
    log(f"n-gram candidates: {time.perf_counter() - t0:.0f}s")
    deera = {k: {n: deera_sim(v, bg, k) for n, v in profiles.items()} for k in (2, 4)}
    idx = {s: c.index(s) for s in setup.tuning}
    openai_students = {f: [idx[s] for s in setup.tuning if setup.students[s] == f] for f in ("chatgpt", "gpt4")}

    marker_cache: dict = {}

    def markers(name: str, transfer: bool) -> np.ndarray:
        anchors = setup.anchors_for(name)
        studs = None
        if transfer:
            studs = {f: [j for j in v if c.names[j] != name] for f, v in openai_students.items()}
        key = (tuple(anchors), transfer, tuple((f, tuple(v)) for f, v in sorted((studs or {}).items())))
        if key not in marker_cache:
            marker_cache[key] = marker_sim(setup, lo, rates, anchors, studs)
        return marker_cache[key]

    def fixed(extra: dict):
        return lambda _name: extra

    cands = [Candidate("shipped signals", fixed(shipped))]
    extra_sets = {
        "teacher_markers": lambda n: {"teacher_markers": markers(n, False)},
        "transfer_markers": lambda n: {"transfer_markers": markers(n, True)},
        "paired_rare_phrases": fixed({"paired_rare_phrases": rare_mean}),
        "nearest_teacher": fixed({"nearest_teacher": nearest}),
    }
    for label, get in extra_sets.items():
        cands.append(Candidate(f"{label} alone", get))
        cands.append(Candidate(f"shipped + {label}", (lambda g: lambda n: {**shipped, **g(n)})(get)))
    for k, sims in deera.items():
        cands.append(Candidate(f"deera_{k} (shipped, {k} background axes removed)", fixed({**sims, "paired_lexical": shipped["paired_lexical"]})))
    results = []
    for cand in cands:
        results.append(evaluate(setup, cand, loo_teachers="markers" not in cand.label))
        log(f"{cand.label}: {time.perf_counter() - t0:.0f}s")
    return {"candidates": results, "tuning_students": setup.tuning, "measured_students": setup.measured, "controls": setup.controls,
            "n_markers": N_MARKERS, "seconds": round(time.perf_counter() - t0, 1), "cpu_seconds": round(time.process_time() - cpu0, 1),
            "load_average_1min": round(os.getloadavg()[0], 1)}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def markdown(res: dict) -> str:
    lines = [
        "Candidate lineage signals, judged on the tuning split only: the 4 tuning students "
        f"({', '.join(res['tuning_students'])}), each teacher left out of its own family (16 teachers in families of 2+), "
        "and the null's calibration (22 unknown models, each left out and scored; a calibrated null gives about 5% / 1% "
        "below 0.05 / 0.01). Marker candidates use the human-data controls as human-era anchors, so their teacher "
        "leave-one-out is not run (a teacher left out would still have chosen the markers).", "",
        "| candidate | tuning students attributed (p<0.05, right family) | tuning students: closest, p | teachers left out: closest / attributed | calibration: p<0.05 / p<0.01 / median |",
        "|---|---|---|---|---|",
    ]
    for r in res["candidates"]:
        tun = "; ".join(f"{t['model']}: {t['closest']} {t['p_value']:.2g}" for t in r["tuning"])
        tl = r["teacher_loo"]
        cal = r["calibration"]
        lines.append(f"| {r['label']} | {r['tuning_attributed']} of {len(r['tuning'])} | {tun} | "
                     + (f"{_pct(tl['closest'])} / {_pct(tl['attributed'])}" if tl else "—")
                     + f" | {_pct(cal['below_0.05'])} / {_pct(cal['below_0.01'])} / {cal['median']:.2f} |")
    lines += ["", "The one look at the measured students and the controls (after the choice above):", "",
              "| candidate | measured students attributed to their teacher family (p<0.05) | controls at p<0.01 | controls at p<0.05 | control p-values |",
              "|---|---|---|---|---|"]
    for r in res["candidates"]:
        ctrl = "; ".join(f"{t['model']} {t['p_value']:.2g}" for t in r["controls"])
        lines.append(f"| {r['label']} | {r['measured_attributed']} of {len(r['measured'])} | {r['controls_below_0.01']} of {len(r['controls'])} | "
                     f"{r['controls_below_0.05']} of {len(r['controls'])} | {ctrl} |")
    combined = [r for r in res["candidates"] if not r["label"].endswith(" alone")]
    lines += ["", "Per model (same look): closest family and Holm-adjusted p for the shipped signals and each combination.", "",
              "| model | truth | " + " | ".join(r["label"].split(" (")[0] for r in combined) + " |",
              "|---|---|" + "---|" * len(combined)]
    for i, m in enumerate(res["measured_students"] + res["controls"]):
        cells = []
        for r in combined:
            row = (r["measured"] + r["controls"])[i]
            cells.append(f"{row['closest']} {row['p_value']:.2g}")
        truth = combined[0]["measured"][i]["truth"] if i < len(res["measured_students"]) else "control"
        lines.append(f"| {m} | {truth} | " + " | ".join(cells) + " |")
    lines.append(f"\nRuntime: {res['seconds']} s wall, {res['cpu_seconds']} s CPU (load average {res['load_average_1min']} at the end).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    if not (args.data_dir / "multimodel" / "alpaca_eval").is_dir():
        sys.exit(f"error: {args.data_dir}/multimodel/alpaca_eval not found (use --data-dir)")
    run(args.data_dir, echo=True)


def run(data_dir: pathlib.Path, quick: bool = False, echo: bool = False) -> dict:
    """Measure and record the `fingerprint_lineage` section of provenance.md (`quick`: measure only, ~2 min either way)."""
    res = measure(data_dir, log=lambda m: print(m, file=sys.stderr, flush=True))
    md = markdown(res)
    if not quick:
        from bench.provenance_results import write_section

        write_section("fingerprint_lineage", res, md, command=".venv/bin/python -m bench.fingerprint_lineage_bench --data-dir ../shared/data")
    if echo or quick:
        print(md)
    return res


if __name__ == "__main__":
    main()
