"""When requests happen: human sessions, bot bursts, batch jobs."""

from __future__ import annotations

import math
import random


def diurnal(rng: random.Random, start: float, days: int, n: int, tz_hours: int = 0, work_hours: bool = False) -> list[float]:
    """Human-like: sessions in waking (or working) hours, lognormal gaps inside a session."""
    out: list[float] = []
    while len(out) < n:
        day = rng.randrange(days)
        if work_hours:
            hour = rng.uniform(9, 18)
            if (int(start // 86400) + day + 3) % 7 >= 5 and rng.random() < 0.8:  # mostly weekdays
                continue
        else:
            hour = rng.choice([rng.uniform(7, 12), rng.uniform(12, 18), rng.uniform(18, 24)])
        t = start + day * 86400 + (hour - tz_hours) * 3600
        for _ in range(min(n - len(out), 1 + int(rng.expovariate(1 / 6)))):
            out.append(t)
            t += math.exp(rng.gauss(math.log(45), 0.9))
    return sorted(out)


def bursty(rng: random.Random, start: float, days: int, n: int) -> list[float]:
    """Scripted: bursts at any hour with sub-second to few-second gaps."""
    out: list[float] = []
    while len(out) < n:
        t = start + rng.uniform(0, days * 86400)
        for _ in range(min(n - len(out), rng.randint(5, 60))):
            out.append(t)
            t += rng.uniform(0.2, 3.0)
    return sorted(out)


def batch(rng: random.Random, start: float, days: int, n: int) -> list[float]:
    """A pipeline: nightly jobs at a fixed hour, requests at a steady rate."""
    runs = max(1, min(days, n // 50 or 1))
    per_run = math.ceil(n / runs)
    out: list[float] = []
    hour = rng.choice([1, 2, 3, 22, 23])
    for day in rng.sample(range(days), runs):
        t = start + day * 86400 + hour * 3600
        for _ in range(per_run):
            if len(out) >= n:
                break
            out.append(t)
            t += rng.uniform(0.8, 1.2)
    return sorted(out)


def single_run(rng: random.Random, start: float, days: int, n: int) -> list[float]:
    """One sitting: an evaluation run over a benchmark, a few seconds apart."""
    t = start + rng.uniform(0, max(days - 1, 1) * 86400)
    out = []
    for _ in range(n):
        out.append(t)
        t += rng.uniform(1.0, 6.0)
    return out


PACINGS = {"diurnal": diurnal, "bursty": bursty}
