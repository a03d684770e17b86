"""Probe selection: which prompts best tell the reference families apart?

In the spirit of LLMmap's active fingerprinting, a prompt is a good probe when, on it,
members of the same reference family answer alike and members of different families do not.
Each prompt is scored by that separation on the per-prompt signals (paired wording and
embeddings); the best ones are asked first. `queries_needed` then replays attribution of each
reference model (left out of its own family) on the top-k probes, to say how many queries
are enough.
"""

from __future__ import annotations

import numpy as np

from distillguard.fingerprint.engine import Workspace, similarities
from distillguard.fingerprint.stats import score_suspect

PER_PROMPT = ("paired_lexical", "embedding")


def prompt_scores(ws: Workspace, models: list[int] | None = None) -> np.ndarray:
    """Separation score per prompt (higher = more discriminating), from reference models only."""
    fam_of = {m: f for f, ms in ws.families.items() for m in ms}
    models = [m for m in (models if models is not None else ws.background)]
    members = [m for m in models if m in fam_of]
    same = np.array([[fam_of[a] == fam_of.get(b) for b in models] for a in members])
    self_pair = np.array([[a == b for b in models] for a in members])
    within = same & ~self_pair
    between = ~same
    if not within.any() or not between.any():
        raise ValueError("probe selection needs at least one family with two members and two families")
    score = np.zeros(ws.corpus.n_prompts)
    used = 0
    for name in PER_PROMPT:
        prep = ws.prepared.get(name)
        if prep is None or not hasattr(prep, "per_prompt"):
            continue
        sims = prep.per_prompt[:, members][:, :, models]  # prompts x members x models
        w = sims[:, within].mean(1)
        b = sims[:, between].mean(1)
        sd = sims[:, within | between].std(1) + 1e-6
        score += (w - b) / sd
        used += 1
    if used == 0:
        raise ValueError("no per-prompt signal available to rank probes")
    return score / used


def select_probes(ws: Workspace, k: int, models: list[int] | None = None) -> np.ndarray:
    """Indices of the k most discriminating prompts."""
    return np.argsort(-prompt_scores(ws, models))[: min(k, ws.corpus.n_prompts)]


def _attribute(ws: Workspace, sims: dict[str, np.ndarray], suspect: int) -> str:
    fams = {f: [m for m in ms if m != suspect] for f, ms in ws.families.items()}
    fams = {f: ms for f, ms in fams.items() if ms}
    return score_suspect(sims, fams, suspect, [m for m in ws.background if m != suspect])[0].family


def attribution_accuracy(ws: Workspace, prompts: np.ndarray | None, suspects: list[int], truth: dict[int, str]) -> float:
    """Share of `suspects` whose closest family is `truth[suspect]` on these prompts."""
    sims = similarities(ws, prompts)
    return sum(_attribute(ws, sims, s) == truth[s] for s in suspects) / max(len(suspects), 1)


def queries_needed(ws: Workspace, ladder: tuple[int, ...] = (5, 10, 20, 50, 100, 200), tolerance: float = 0.05) -> dict:
    """Leave-one-reference-out accuracy on the top-k probes, and the smallest k that gets
    within `tolerance` of the accuracy on all prompts.

    Cross-fitted: the probes used to attribute a left-out reference are ranked without it,
    so the curve is not flattered by choosing probes on the model being tested. (The
    left-out model still takes part in the background that centres the signals.)"""
    fam_of = {m: f for f, ms in ws.families.items() for m in ms}
    suspects = [m for m, f in fam_of.items() if len(ws.families[f]) >= 2]
    if not suspects:
        return {"curve": [], "enough": None, "note": "no family has two members to leave one out"}
    orders = {}
    for s in suspects:
        try:
            orders[s] = np.argsort(-prompt_scores(ws, [m for m in ws.background if m != s]))
        except ValueError:  # without s no family has two members: fall back to the full ranking
            orders[s] = np.argsort(-prompt_scores(ws))
    ks = [k for k in ladder if k < ws.corpus.n_prompts] + [ws.corpus.n_prompts]
    full_sims = similarities(ws)
    full = sum(_attribute(ws, full_sims, s) == fam_of[s] for s in suspects) / len(suspects)
    curve = []
    enough = None
    for k in ks:
        if k == ws.corpus.n_prompts:
            acc = full
        else:
            acc = sum(_attribute(ws, similarities(ws, orders[s][:k]), s) == fam_of[s] for s in suspects) / len(suspects)
        curve.append({"probes": int(k), "accuracy": round(acc, 4)})
        if enough is None and acc >= full - tolerance:
            enough = int(k)
    return {"curve": curve, "enough": enough, "full_accuracy": round(full, 4), "left_out_models": len(suspects)}
