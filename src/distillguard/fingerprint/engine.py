"""Attribute a suspect model to the closest reference family, with a p-value and evidence.

This is the Python API behind `distillguard fingerprint`:

    result = fingerprint(suspect, families, null_models)

The background (for centring signals) and the null pool are the references plus any extra
`null_models`; the suspect is never part of either. For family F the null is every other
model in that pool, so with references only, each family is judged against the *other*
reference families (pass `--null` models that are known to be independent for a sharper null).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.inputs import Family, InputError, ModelAnswers
from distillguard.fingerprint.signals import Prepared, Signal, default_signals
from distillguard.fingerprint.stats import FamilyScore, score_suspect

ALPHA = 0.05


@dataclass
class Workspace:
    corpus: Corpus
    families: dict[str, list[int]]
    background: list[int]
    prepared: dict[str, Prepared]
    seconds: dict[str, float] = field(default_factory=dict)  # time to prepare each signal


def prepare(
    models: list[ModelAnswers],
    families: dict[str, list[int]],
    background: list[int],
    signals: list[Signal] | None = None,
    prompts: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    max_prompts: int | None = None,
) -> Workspace:
    """Align answers and compute every signal's features once (on `prompts`, or the first
    `max_prompts` shared prompts, when given)."""
    corpus = Corpus.from_models(models)
    if prompts is None and max_prompts:
        prompts = corpus.prompts[:max_prompts]
    if prompts is not None:
        keep = set(prompts)
        idx = [i for i, p in enumerate(corpus.prompts) if p in keep]
        if not idx:
            raise InputError("none of the chosen probes is answered by every model")
        corpus = Corpus(corpus.names, [corpus.prompts[i] for i in idx], [[row[i] for i in idx] for row in corpus.texts])
    prepared, seconds = {}, {}
    for sig in signals if signals is not None else default_signals():
        if progress:
            progress(sig.name)
        t0 = time.perf_counter()
        prepared[sig.name] = sig.prepare(corpus, background)
        seconds[sig.name] = round(time.perf_counter() - t0, 1)
    return Workspace(corpus, families, background, prepared, seconds)


def similarities(prep: Workspace, prompts: np.ndarray | None = None) -> dict[str, np.ndarray]:
    return {name: p.similarity(prompts) for name, p in prep.prepared.items()}


def _closest_member(prep: Workspace, sims: dict[str, np.ndarray], suspect: int, family: str) -> int:
    members = [m for m in prep.families[family] if m != suspect]
    total = np.zeros(len(members))
    for s in sims.values():
        vals = s[suspect, members]
        sd = s[np.ix_(prep.background, prep.background)].std() or 1.0
        total += vals / sd
    return members[int(np.argmax(total))]


def evidence(prep: Workspace, suspect: int, family: str, limit: int = 5) -> list[dict]:
    """What the suspect shares with the family's closest member and the background lacks."""
    sims = similarities(prep)
    ref = _closest_member(prep, sims, suspect, family)
    out = []
    first = ("watermark", "identity", "phrases", "refusal", "style")
    for name, p in sorted(prep.prepared.items(), key=lambda kv: first.index(kv[0]) if kv[0] in first else len(first)):
        for item in p.evidence(suspect, ref, limit=limit if name in ("phrases", "style") else 3):
            out.append({"signal": name, "reference_model": prep.corpus.names[ref], **item})
    return out


def result_dict(
    prep: Workspace,
    suspect: int,
    scores: list[FamilyScore],
    alpha: float = ALPHA,
    with_evidence: bool = True,
) -> dict:
    """The JSON answer: closest family, its multiplicity-adjusted p-value, ranking, evidence."""
    top = scores[0]
    attributed = top.p_adjusted < alpha
    return {
        "suspect": prep.corpus.names[suspect],
        "closest": top.family,
        "p_value": top.p_adjusted,
        "attributed": top.family if attributed else None,
        "verdict": (
            f"closer to {top.family} than an independent model would be (p={top.p_adjusted:.3g} < {alpha})"
            if attributed
            else f"no family: closest is {top.family} but p={top.p_adjusted:.3g} >= {alpha}"
        ),
        "alpha": alpha,
        "ranking": [
            {
                "reference": s.family,
                "score": round(s.score, 4),
                "p_value": s.p_adjusted,
                "p_unadjusted": s.p_value,
                "p_empirical": s.p_empirical,
                "null_models_as_close": s.exceedances,
                "null_size": s.n_null,
                "signals_z": s.per_signal,
                "signals_raw": s.raw,
            }
            for s in scores
        ],
        "evidence": evidence(prep, suspect, top.family) if with_evidence else [],
        "n_prompts": prep.corpus.n_prompts,
        "signals": list(prep.prepared),
        "null": (
            "for each reference family, every other reference model and --null model "
            "(suspect, the family's own members and models of the same --provider excluded); "
            "p-values Holm-adjusted over families"
        ),
    }


def _unique_names(models: list[ModelAnswers]) -> list[ModelAnswers]:
    """The same file may be named twice (e.g. suspect 'ours.jsonl' and reference ours=...);
    keep every model but give repeats a suffix so each row is addressable."""
    seen: dict[str, int] = {}
    out = []
    for m in models:
        k = seen.get(m.name, 0)
        seen[m.name] = k + 1
        out.append(m if k == 0 else ModelAnswers(f"{m.name}#{k + 1}", m.answers, m.source))
    return out


def related_models(
    providers: dict[str, str], families: dict[str, list[int]], names: list[str], null: list[int]
) -> dict[str, set[int]]:
    """Per family, the models of the same provider (members of sibling families, null models).

    `providers` maps a family name or a null model's name to its provider; what is not named
    is its own provider. A sibling shares the family's house style, so it is no independent
    model and is kept out of that family's null."""
    unknown = sorted(set(providers) - set(families) - {names[i] for i in null})
    if unknown:
        raise InputError(f"--provider names {unknown[0]!r}, which is neither a --reference family nor a --null model")
    owner = {i: providers.get(f, f"family:{f}") for f, ms in families.items() for i in ms}
    owner.update({i: providers.get(names[i], f"model:{names[i]}") for i in null})
    out: dict[str, set[int]] = {}
    for fam, members in families.items():
        mine = providers.get(fam, f"family:{fam}")
        out[fam] = {i for i, p in owner.items() if p == mine and i not in members}
    return out


def fingerprint(
    suspect: ModelAnswers,
    families: list[Family],
    null_models: list[ModelAnswers] | None = None,
    signals: list[Signal] | None = None,
    alpha: float = ALPHA,
    weights: dict[str, float] | None = None,
    prompts: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    max_prompts: int | None = None,
    providers: dict[str, str] | None = None,
) -> dict:
    """Which reference family is the suspect closest to, and is that closer than chance?

    `providers` (family or null-model name -> provider) keeps a family's siblings out of its null."""
    null_models = list(null_models or [])
    if not families:
        raise InputError("give at least one --reference NAME=FILE")
    members = [m for f in families for m in f.members]
    models = _unique_names([suspect, *members, *null_models])
    fam_idx: dict[str, list[int]] = {}
    i = 1
    for f in families:
        fam_idx[f.name] = list(range(i, i + len(f.members)))
        i += len(f.members)
    background = list(range(1, len(models)))
    null_idx = list(range(i, len(models)))
    related = related_models(providers or {}, fam_idx, [m.name for m in models], null_idx)
    n_independent = {f: len(background) - len(ms) - len(related[f]) for f, ms in fam_idx.items()}
    worst = min(n_independent, key=n_independent.get)
    if n_independent[worst] < 2:
        raise InputError(
            f"reference {worst!r} has {n_independent[worst]} independent model(s) outside it to build a null from; "
            "give another --reference family or --null NAME=FILE models known to be independent"
        )
    prep = prepare(models, fam_idx, background, signals=signals, prompts=prompts, progress=progress, max_prompts=max_prompts)
    sims = similarities(prep)
    scores = score_suspect(sims, fam_idx, 0, background, weights, related=related)
    if not scores:
        raise InputError("no signal could score any reference family (all signals were undefined)")
    out = result_dict(prep, 0, scores, alpha=alpha)
    out["null_check"] = null_check(prep, sims, null_idx, background, related, weights, alpha)
    out["providers"] = dict(providers or {})
    return out


def null_check(prep: Workspace, sims, null_idx: list[int], background: list[int], related, weights, alpha: float) -> dict:
    """This run's own control: each --null model, left out, scored as if it were the suspect.

    Independent models should be attributed at about the rate alpha; many attributions mean the
    null is not independent of the families (or the families are too alike) and the suspect's
    p-value should not be trusted."""
    rows = []
    for x in null_idx:
        rel = {f: r - {x} for f, r in related.items()}
        top = score_suspect(sims, prep.families, x, [j for j in background if j != x], weights, related=rel)
        if top:
            rows.append({"model": prep.corpus.names[x], "closest": top[0].family, "p_value": top[0].p_adjusted})
    return {"models": len(rows), "attributed": sum(r["p_value"] < alpha for r in rows), "alpha": alpha, "rows": rows}
