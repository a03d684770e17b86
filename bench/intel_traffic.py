"""Traffic for the coordinated-response scenario: one campaign spread over providers A, B, C.

The campaign shares infrastructure across providers the way real harvesting
operations do, but imperfectly: some accounts reuse payment instruments, most
come from a few rented /24 ranges, most wrap instructions in the harvest script's
templates, and a minority do none of that (those can only be caught by local
detection). Legit accounts use their own prompts, common email domains and
user agents, and a few sit in the same cloud /24 as the campaign.

Prompt pools are passed in, so tests use small synthetic pools and the benchmark
uses the real corpora under ../shared/data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

WRAPPERS = (
    "You are a world-class expert assistant. Answer the following task thoroughly and step by step, "
    "format the answer in markdown with headings, and include worked examples.\n\nTask: {task}\n\n"
    "Give the complete final answer and explain every step of your reasoning in detail.",
    "Below is an instruction that describes a task. Write a response that appropriately completes the request, "
    "being as detailed and accurate as possible.\n\n### Instruction:\n{task}\n\n### Response (detailed, with reasoning):",
)
LEGIT_UAS = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15", "OpenAI/Python 1.54.3",
             "python-requests/2.31.0", "node-fetch/1.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0")
LEGIT_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "acme-corp.com", "university.edu")


@dataclass
class Traffic:
    events: dict[str, list[dict]] = field(default_factory=dict)  # provider -> events (time-ordered)
    labels: dict[str, dict[str, dict]] = field(default_factory=dict)  # provider -> account -> label
    start: datetime = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _rand_ip(rng: random.Random) -> str:
    return f"{rng.randint(11, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def build(
    campaign_tasks: list[str],
    legit_prompts: list[str],
    providers: tuple[str, ...] = ("A", "B", "C"),
    campaign_accounts: int = 8,
    campaign_requests: int = 60,
    legit_accounts: int = 60,
    legit_requests: int = 12,
    hours: float = 6.0,
    seed: int = 7,
    campaign_id: str = "camp-1",
) -> Traffic:
    rng = random.Random(seed)
    traffic = Traffic()
    span = hours * 3600.0
    prefixes = [f"{rng.randint(23, 200)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}" for _ in range(3)]
    pay_pool = [f"pf_{rng.getrandbits(48):012x}" for _ in range(4)]
    throwaway = f"mailrelay-{rng.getrandbits(24):06x}.top"
    tasks = list(campaign_tasks)
    rng.shuffle(tasks)
    legit = list(legit_prompts)
    per_provider = max(1, len(tasks) // len(providers))
    counter = 0
    for p_index, provider in enumerate(providers):
        events: list[dict] = []
        labels: dict[str, dict] = {}
        own_tasks = tasks[p_index * per_provider : (p_index + 1) * per_provider] or tasks
        for a in range(campaign_accounts):
            account = f"{provider}-c{a:03d}"
            labels[account] = {"account_id": account, "label": "attack", "persona": "synthetic-instruction-harvest", "campaign_id": campaign_id}
            careful = a % 5 == 4  # one in five accounts shares nothing recognisable
            wrapper = None if careful else WRAPPERS[a % len(WRAPPERS)]
            pay = rng.choice(pay_pool) if (not careful and rng.random() < 0.5) else f"pf_{rng.getrandbits(48):012x}"
            domain = throwaway if (not careful and rng.random() < 0.6) else rng.choice(LEGIT_DOMAINS[:3])
            prefix = rng.choice(prefixes) if not careful and rng.random() < 0.8 else None
            ua = "python-requests/2.31.0" if not careful else rng.choice(LEGIT_UAS)
            offset = rng.uniform(0, span * 0.1)
            for r in range(campaign_requests):
                task = own_tasks[(a * campaign_requests + r) % len(own_tasks)]
                ts = traffic.start + timedelta(seconds=offset + (span * 0.9) * r / campaign_requests + rng.uniform(0, 30))
                ip = f"{prefix}.{rng.randint(1, 254)}" if prefix else _rand_ip(rng)
                events.append(_event(f"{provider}-{counter}", ts, account, ip, ua, pay, domain, wrapper.format(task=task) if wrapper else task))
                counter += 1
        for a in range(legit_accounts):
            account = f"{provider}-l{a:03d}"
            labels[account] = {"account_id": account, "label": "legit", "persona": "chat", "campaign_id": None}
            pay = f"pf_{rng.getrandbits(48):012x}"
            domain = rng.choice(LEGIT_DOMAINS)
            ua = rng.choice(LEGIT_UAS)
            # A few legit customers run in the same cloud range as the campaign.
            home = f"{prefixes[0]}.{rng.randint(1, 254)}" if a < 2 else _rand_ip(rng)
            for r in range(legit_requests):
                ts = traffic.start + timedelta(seconds=rng.uniform(0, span))
                text = legit[rng.randrange(len(legit))] if legit else "hello"
                events.append(_event(f"{provider}-{counter}", ts, account, home, ua, pay, domain, text))
                counter += 1
        events.sort(key=lambda e: e["ts"])
        traffic.events[provider] = events
        traffic.labels[provider] = labels
    return traffic


def _event(rid, ts, account, ip, ua, pay, domain, text) -> dict:
    return {
        "request_id": rid,
        "ts": ts.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "account_id": account,
        "ip": ip,
        "user_agent": ua,
        "endpoint": "/v1/chat/completions",
        "model": "m-large",
        "request": {"messages": [{"role": "user", "content": text}], "max_tokens": 512},
        "account": {"payment_fingerprint": pay, "email_domain": domain},
    }
