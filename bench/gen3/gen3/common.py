"""Session helpers shared by personas."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from . import world as W


def clip(ctx, text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= ctx.history_clip else text[: ctx.history_clip]


def days_active(ctx, em, p_active: float, profile: str):
    """Yield (day_index, day_start) for the days this account is active."""
    a = em.a
    days = [d for d in range(ctx.days) if ctx.day(d) + timedelta(days=1) > a.created_at]
    if not days:
        return
    forced = em.r.choice(days)  # every account shows up at least once in the window
    for d in days:
        ds = ctx.day(d)
        if d == forced or em.r.random() < p_active * W.day_weight(profile, ds + timedelta(hours=12), a.tz):
            yield d, ds


def session_starts(ctx, em, ds: datetime, lam: float, profile: str) -> list:
    k = W.poisson(em.r, lam)
    if k == 0 and em.r.random() < 0.6:
        k = 1
    return sorted(W.sample_time_in_day(em.r, ds, em.a.tz, profile) for _ in range(k))


def scaled(ctx, x: float) -> float:
    return x * ctx.vol


def chat_turns(ctx, em, t: datetime, turns, *, system=None, model="gpt-4o-mini", think=(10, 200),
               history_from=None, **params) -> datetime:
    """Run a multi-turn conversation: turns = [(user_text, answer_or_None), ...]."""
    msgs = list(history_from or [])
    if system and not msgs:
        msgs.append({"role": "system", "content": system})
    for i, (u, ans) in enumerate(turns):
        msgs.append({"role": "user", "content": u})
        t_end = em.call(t, messages=list(msgs), model=model, answer=ans, **params)
        got = em.last_text
        msgs.append({"role": "assistant", "content": clip(ctx, got or "")})
        t = t_end + em.think(*think)
        if t >= ctx.end:
            break
    return t


def retry_call(em, t, p_fail=0.03, **kw) -> datetime:
    """A client with retry-on-429/5xx: failed attempt then identical retry after backoff."""
    r = em.r
    tries = 0
    while tries < 3 and r.random() < p_fail:
        status = r.choice([429, 429, 429, 500, 502, 503])
        t = em.call(t, status=status, **{k: v for k, v in kw.items() if k not in ("answer", "tool_calls")})
        t += timedelta(seconds=(2 ** tries) * r.uniform(0.5, 1.5))
        tries += 1
    return em.call(t, **kw)
