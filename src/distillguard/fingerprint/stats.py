"""The null model: how close would an *independent* model be to this reference family?

For family F, the null pool is every model that is neither in F nor the suspect (other
reference families and any `--null` models), less the models known to share F's lineage
(same provider): those are not independent of F. Each signal's similarity to F is z-scored against
that pool, signals are averaged into one score, and the suspect's score is compared with the
pool's own scores (each computed leaving itself out). The p-value is empirical with the
(k+1)/(n+1) correction; when the suspect beats every null model, the empirical value cannot go
below 1/(n+1), so a Student-t predictive tail fitted to the pool takes over. Holm's method
corrects for having looked at several families.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sst


def family_similarity(sim: np.ndarray, members: list[int], model: int) -> float:
    """Mean similarity of `model` to the family's members (itself excluded)."""
    others = [m for m in members if m != model]
    if not others:
        return float("nan")
    return float(np.mean(sim[model, others]))


def tail_p_value(x: float, null: np.ndarray) -> tuple[float, float, int]:
    """(p, empirical p, exceedances) for 'an independent model scores at least x'."""
    null = np.asarray(null, dtype=float)
    null = null[np.isfinite(null)]
    n = null.size
    if n == 0 or not np.isfinite(x):
        return 1.0, 1.0, 0
    k = int(np.sum(null >= x))
    p_emp = (k + 1) / (n + 1)
    if k > 0 or n < 3:
        return p_emp, p_emp, k
    sd = null.std(ddof=1)
    if sd <= 0:
        return p_emp, p_emp, k
    t = (x - null.mean()) / (sd * np.sqrt(1 + 1 / n))
    p_t = float(sst.t.sf(t, df=n - 1))
    return min(p_emp, p_t), p_emp, k


def holm(p: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (same order as given)."""
    m = len(p)
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj.tolist()


@dataclass
class FamilyScore:
    family: str
    score: float  # combined z-score vs the null pool
    p_value: float  # one family, unadjusted
    p_adjusted: float  # Holm over families
    p_empirical: float
    exceedances: int
    n_null: int
    per_signal: dict[str, float]  # z-score per signal
    raw: dict[str, float]  # raw similarity per signal


def _z(value: float, pool: np.ndarray) -> float:
    pool = pool[np.isfinite(pool)]
    if pool.size < 2:
        return 0.0
    sd = pool.std(ddof=1)
    return float((value - pool.mean()) / sd) if sd > 0 else 0.0


def score_suspect(
    sims: dict[str, np.ndarray],
    families: dict[str, list[int]],
    suspect: int,
    null_pool: list[int],
    weights: dict[str, float] | None = None,
    related: dict[str, set[int]] | None = None,
) -> list[FamilyScore]:
    """Score one suspect against every family; sorted most-significant first.

    sims: signal -> models x models similarity; null_pool: candidate independent models
    (family members and the suspect are removed per family). related: per family, models
    that share its lineage (same provider, e.g. gpt-4 for a gpt-3.5 family); they are not
    independent of it, so they are left out of that family's null. Without this a sibling
    model sets the bar and a real student of the family cannot clear it.
    """
    related = related or {}
    names = list(sims)
    w = np.array([1.0 if weights is None else float(weights.get(s, 0.0)) for s in names])
    if w.sum() <= 0:
        raise ValueError("all signal weights are zero")
    w = w / w.sum()
    results = []
    for fam, members in families.items():
        pool = [j for j in null_pool if j not in members and j != suspect and j not in related.get(fam, ())]
        raw_pool = np.array([[family_similarity(sims[s], members, j) for s in names] for j in pool]).reshape(len(pool), len(names))
        raw_x = np.array([family_similarity(sims[s], members, suspect) for s in names])
        # A signal that says nothing about this family (NaN, e.g. no watermark key) is left out.
        usable = np.isfinite(raw_x) & (np.isfinite(raw_pool).sum(0) >= 2)
        wf = np.where(usable, w, 0.0)
        if wf.sum() <= 0:
            continue
        wf = wf / wf.sum()
        z_x = np.array([_z(raw_x[k], raw_pool[:, k]) if usable[k] else 0.0 for k in range(len(names))])
        combined_x = float(wf @ z_x)
        # Each null model's own score, z-scored against the rest of the pool (leave-one-out).
        combined_pool = np.empty(len(pool))
        for i in range(len(pool)):
            rest = np.delete(raw_pool, i, axis=0)
            zs = [_z(raw_pool[i, k], rest[:, k]) if usable[k] and np.isfinite(raw_pool[i, k]) else 0.0 for k in range(len(names))]
            combined_pool[i] = wf @ np.array(zs)
        p, p_emp, k = tail_p_value(combined_x, combined_pool)
        results.append(FamilyScore(
            fam, combined_x, p, p, p_emp, k, len(pool),
            {s: round(float(z), 3) for s, z, u in zip(names, z_x, usable) if u},
            {s: round(float(r), 4) for s, r, u in zip(names, raw_x, usable) if u},
        ))
    adjusted = holm([r.p_value for r in results])
    for r, a in zip(results, adjusted):
        r.p_adjusted = a
    results.sort(key=lambda r: (r.p_value, -r.score))
    return results
