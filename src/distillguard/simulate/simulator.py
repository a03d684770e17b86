"""Simulated API traffic with known ground truth: legit personas and extraction campaigns.

`simulate(config, out_dir)` writes `events.jsonl` (the api-event format) and
`labels.jsonl` (the labels format). Prompt sources are pluggable (procedural by
default, real corpora for the benchmark), and so are the attack knobs.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from distillguard.simulate import hard_cases as H
from distillguard.simulate import prompts as P
from distillguard.simulate import timing

START = datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp()
PRICE_IN, PRICE_OUT = 2.5e-6, 10e-6  # USD per token

ATTACK_STRATEGIES = (
    "synthetic-instruction-harvest",
    "cot-coercion",
    "benchmark-harvest",
    "capability-sweep",
    "logprob-extraction",
    "orca-template-harvest",
)


@dataclass
class CampaignSpec:
    """One extraction campaign and its knobs."""

    strategy: str
    sybils: int = 10
    requests_per_account: int = 60
    proxy_pool: int = 20  # distinct egress IPs shared by the campaign; 0 = one datacenter IP
    pacing: str = "bursty"  # or "diurnal" (human-like)
    cover_share: float = 0.0  # share of ordinary prompts mixed in
    paraphrase: bool = False  # vary the wrappers so no two prompts share a template
    spread_days: int | None = None
    randomise_sampling: bool = False
    rotate_user_agents: bool = False
    # evasion (issue 14): each sybil its own residential IPs, browser, time zone and card; accounts
    # created long before use; people's phrasing around every task; the harvest's language
    isolated: bool = False
    aged: bool = False
    humanising: bool = False
    language: str = "en"


@dataclass
class SimConfig:
    seed: int = 7
    days: int = 7
    legit_accounts: int = 300
    campaigns: list[CampaignSpec] = field(default_factory=list)
    sources: dict[str, P.PromptSource] = field(default_factory=lambda: dict(P.SOURCES))
    # legit persona mix: name -> share of legit accounts
    persona_mix: dict[str, float] = field(default_factory=lambda: {
        "casual-chat": 0.42, "developer": 0.18, "enterprise-batch": 0.04, "eval-researcher": 0.04,
        "university-nat": 0.16, "logprob-developer": 0.04, "shared-payment-org": 0.08, "red-teamer": 0.04,
        # "writing-app" needs real people's prompts (the procedural ones are templates): apply_corpora adds it.
    })
    volume_scale: float = 1.0
    responses: P.PromptSource | None = None  # real answers to give responses real text and lengths
    campaign_start_offset: int = 0


def default_campaigns(scale: int = 1) -> list[CampaignSpec]:
    return [
        CampaignSpec("synthetic-instruction-harvest", sybils=40 * scale, pacing="diurnal", cover_share=0.2, proxy_pool=30),
        CampaignSpec("cot-coercion", sybils=10 * scale, pacing="bursty", proxy_pool=5),
        CampaignSpec("benchmark-harvest", sybils=20 * scale, pacing="diurnal", cover_share=0.1, proxy_pool=20),
        CampaignSpec("capability-sweep", sybils=5 * scale, pacing="bursty", proxy_pool=3),
        CampaignSpec("logprob-extraction", sybils=3 * scale, pacing="bursty", proxy_pool=0),
        CampaignSpec("orca-template-harvest", sybils=15 * scale, pacing="diurnal", cover_share=0.15, proxy_pool=15),
    ]


# --------------------------------------------------------------------------- identities
def _digest(*parts: Any) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=6).hexdigest()


def _residential_ip(rng: random.Random) -> str:
    return f"{rng.choice([24, 67, 71, 73, 76, 82, 86, 90, 98, 109, 151, 174, 187, 189, 201])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


_BROWSERS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1",
             "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Mobile/15E148"]
_SDKS = ["openai-python/1.54.3", "openai-node/4.71.1", "langchain/0.3.7", "litellm/1.52.0"]
_MAILS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com"]


@dataclass
class Identity:
    account_id: str
    api_key_id: str
    ips: list[str]
    user_agents: list[str]
    payment: str
    email_domain: str
    created_at: float
    country: str
    tier: str
    org_id: str | None = None


# --------------------------------------------------------------------------- request shapes
@dataclass
class Shape:
    """Sampling parameters a persona sends."""

    max_tokens: Callable[[random.Random], int | None] = lambda r: r.choice([None, 512, 1024])
    temperature: Callable[[random.Random], float | None] = lambda r: r.choice([None, 0.7, 1.0])
    n: Callable[[random.Random], int] = lambda r: 1
    logprobs: bool = False
    top_logprobs: int | None = None
    logit_bias: Callable[[random.Random], dict | None] = lambda r: None
    system: str | None = None
    multi_turn: float = 0.0
    endpoint: str = "/v1/chat/completions"


def _request(rng: random.Random, prompt: str, shape: Shape) -> dict[str, Any]:
    messages = []
    if shape.system:
        messages.append({"role": "system", "content": shape.system})
    if shape.multi_turn and rng.random() < shape.multi_turn:
        messages.append({"role": "user", "content": P.casual(rng)})
        messages.append({"role": "assistant", "content": "Sure — here is what I would suggest."})
    messages.append({"role": "user", "content": prompt})
    body: dict[str, Any] = {"model": "dg-large", "messages": messages}
    for key, value in (("max_tokens", shape.max_tokens(rng)), ("temperature", shape.temperature(rng)), ("n", shape.n(rng))):
        if value is not None and not (key == "n" and value == 1):
            body[key] = value
    if shape.logprobs:
        body["logprobs"] = True
        if shape.top_logprobs:
            body["top_logprobs"] = shape.top_logprobs
    bias = shape.logit_bias(rng)
    if bias:
        body["logit_bias"] = bias
    return body


class _Writer:
    """Builds events and labels; keeps ids deterministic for a seed."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.counter = 0
        self.events: list[tuple[float, dict]] = []
        self.labels: list[dict] = []
        self.progress: Callable[[int, int], None] | None = None  # (accounts done, accounts expected)
        self.expected_accounts = 0

    def response_text(self, rng: random.Random, completion_tokens: int) -> str:
        if self.config.responses is not None:
            text = self.config.responses.sample(rng)
        else:
            text = "Here is a clear answer. " + " ".join(rng.choice(P._TOPICS).split()[0] for _ in range(24))
        return text[: max(40, completion_tokens * 4)][:1200]

    def add(self, rng: random.Random, who: Identity, ts: float, prompt: str, shape: Shape, long_answers: bool) -> None:
        self.counter += 1
        body = _request(rng, prompt, shape)
        cap = body.get("max_tokens") or 1024
        if cap <= 2:
            completion = cap
        elif long_answers:
            completion = int(min(cap, rng.uniform(0.5, 1.0) * cap))
        else:
            completion = int(min(cap, rng.lognormvariate(5.2, 0.6)))
        completion *= body.get("n", 1)
        prompt_tokens = max(1, sum(len(str(m["content"])) for m in body["messages"]) // 4)
        choices = [{"index": i, "message": {"role": "assistant", "content": self.response_text(rng, completion)}, "finish_reason": "stop"}
                   for i in range(body.get("n", 1))]
        event = {
            "request_id": f"req-{self.config.seed}-{self.counter:08d}",
            "ts": datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "latency_ms": round(rng.uniform(200, 400) + completion * rng.uniform(8, 15), 1),
            "account_id": who.account_id,
            "org_id": who.org_id,
            "api_key_id": who.api_key_id,
            "ip": rng.choice(who.ips),
            "user_agent": rng.choice(who.user_agents),
            "endpoint": shape.endpoint,
            "model": "dg-large",
            "request": body,
            "response": {"choices": choices, "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion}},
            "status": 200,
            "cost_usd": round(prompt_tokens * PRICE_IN + completion * PRICE_OUT, 6),
            "account": {
                "created_at": datetime.fromtimestamp(who.created_at, tz=timezone.utc).isoformat().replace("+00:00", "Z"),
                "payment_fingerprint": who.payment, "email_domain": who.email_domain, "country": who.country, "tier": who.tier,
            },
        }
        self.events.append((ts, event))

    def label(self, who: Identity, label: str, persona: str, campaign_id: str | None) -> None:
        self.labels.append({"account_id": who.account_id, "label": label, "persona": persona, "campaign_id": campaign_id})
        if self.progress is not None:
            self.progress(len(self.labels), max(self.expected_accounts, len(self.labels)))


# --------------------------------------------------------------------------- legit personas
def _legit_identity(rng: random.Random, seed: int, index: int, **over: Any) -> Identity:
    account = f"acct-{_digest(seed, 'legit', index)}"
    values = dict(
        account_id=account, api_key_id=f"key-{_digest(account)}", ips=[_residential_ip(rng) for _ in range(rng.randint(1, 3))],
        user_agents=[rng.choice(_BROWSERS + _SDKS)], payment=f"pm-{_digest(account, 'pay')}", email_domain=rng.choice(_MAILS),
        created_at=START - rng.uniform(2, 700) * 86400, country=rng.choice(["US", "GB", "DE", "IN", "BR", "JP", "FR", "CA"]),
        tier=rng.choice(["free", "tier-1", "tier-2", "tier-3"]),
    )
    values.update(over)
    return Identity(**values)


def _volume(rng: random.Random, low: int, high: int, scale: float) -> int:
    return max(1, int(rng.randint(low, high) * scale))


def _legit(config: SimConfig, writer: _Writer, rng: random.Random) -> None:
    src = config.sources
    seed, days, scale = config.seed, config.days, config.volume_scale
    counts = {name: max(1, round(share * config.legit_accounts)) for name, share in config.persona_mix.items() if share > 0}
    index = 0
    nat_ips = [_residential_ip(rng) for _ in range(2)]
    org_payment, org_domain = f"pm-org-{_digest(seed, 'org')}", "acme-research.com"
    for persona, count in counts.items():
        for _ in range(count):
            index += 1
            if persona == "university-nat":
                who = _legit_identity(rng, seed, index, ips=nat_ips, email_domain="uni.edu", user_agents=[rng.choice(_BROWSERS)])
            elif persona == "shared-payment-org":
                who = _legit_identity(rng, seed, index, payment=org_payment, email_domain=org_domain, org_id="org-acme",
                                      user_agents=[_SDKS[0]])
            else:
                who = _legit_identity(rng, seed, index)
            tz = rng.choice([-8, -5, 0, 1, 5, 9])
            if persona in ("casual-chat", "university-nat"):
                n = _volume(rng, 3, 60, scale)
                times = timing.diurnal(rng, START, days, n, tz)
                shape = Shape(multi_turn=0.3)
                sources = [src["casual"]]
            elif persona in ("developer", "shared-payment-org"):
                n = _volume(rng, 40, 400, scale)
                times = timing.diurnal(rng, START, days, n, tz, work_hours=True)
                shape = Shape(max_tokens=lambda r: r.choice([None, 2048, 4096]), temperature=lambda r: r.choice([0, 0.2, None]), multi_turn=0.4,
                              system=rng.choice([None, "You are a senior software engineer."]))
                who.user_agents = [rng.choice(_SDKS)]
                sources = [src["developer"], src["casual"]]
            elif persona == "enterprise-batch":
                n = _volume(rng, 1500, 5000, scale)
                times = timing.batch(rng, START, days, n)
                template = rng.randrange(3)
                who.ips, who.user_agents = [f"52.{rng.randint(0, 255)}.{rng.randint(0, 255)}.10"], ["acme-pipeline/2.1 openai-python/1.54.3"]
                shape = Shape(max_tokens=lambda r: 256, temperature=lambda r: 0.0, system="You label support tickets for ACME Corp.")
                sources = [P.Procedural("proc-enterprise", lambda r, t=template: P.enterprise_template(r, t))]
                if "enterprise" in src:
                    sources = [src["enterprise"]]
            elif persona == "eval-researcher":
                n = _volume(rng, 300, 1200, scale)
                times = timing.single_run(rng, START, days, n)
                who.user_agents = ["lm-eval-harness/0.4.5 openai-python/1.54.3"]
                cot = rng.random() < 0.5
                shape = Shape(max_tokens=lambda r: 512, temperature=lambda r: 0.0)
                bench = src["benchmark"]
                sources = [P.Procedural("eval-cot" if cot else "eval", lambda r, b=bench, c=cot: P.cot_wrap(b.sample(r), r) if c else b.sample(r))]
            elif persona == "logprob-developer":
                n = _volume(rng, 300, 2500, scale)
                times = timing.diurnal(rng, START, days, n, tz, work_hours=True)
                who.user_agents = [rng.choice(_SDKS)]
                shape = Shape(max_tokens=lambda r: 1, temperature=lambda r: 0.0, logprobs=True, top_logprobs=5,
                              logit_bias=lambda r: {"9642": 5, "2822": 5})
                sources = [src["classification"]]
            elif persona == "red-teamer":
                n = _volume(rng, 30, 300, scale)
                times = timing.diurnal(rng, START, days, n, tz, work_hours=True)
                shape = Shape(multi_turn=0.5)
                sources = [src.get("redteam", src["casual"])]
            elif persona == "dev-team":
                # A developer team: one organisation (shared card and domain), each member with its own
                # static logit_bias ban list sent on every request.
                team = (index % 6)
                who = _legit_identity(rng, seed, index, payment=f"pm-team-{_digest(seed, 'team', team)}", org_id=f"org-team-{team}",
                                      email_domain=f"team{team}-{_digest(seed, team)}.dev", user_agents=[rng.choice(_SDKS)])
                n = _volume(rng, 60, 500, scale)
                times = timing.diurnal(rng, START, days, n, tz, work_hours=True)
                bans = H.static_ban_list(rng)
                shape = Shape(max_tokens=lambda r: r.choice([None, 1024, 2048]), temperature=lambda r: r.choice([0, 0.2, None]), multi_turn=0.4,
                              logit_bias=lambda r, b=bans: b)
                sources = [src["developer"], src["casual"]]
            elif persona == "eval-cot-long":
                # An evaluation run of a reasoning model: each benchmark item once, greedily, with a step-by-step
                # suffix and room for the reasoning (long answers).
                n = _volume(rng, 300, 1500, scale)
                times = timing.single_run(rng, START, days, n)
                who.user_agents = [rng.choice(["lm-eval-harness/0.4.5 openai-python/1.54.3", "openai-python/1.54.3", "inspect-ai/0.3.40"])]
                shape = Shape(max_tokens=lambda r: r.choice([2048, 4096]), temperature=lambda r: 0.0)
                bench = src["benchmark"]
                sources = [P.Procedural("eval-cot-long", lambda r, b=bench: H.eval_cot(b.sample(r), r))]
            elif persona == "stepwise-casual":
                n = _volume(rng, 5, 80, scale)
                times = timing.diurnal(rng, START, days, n, tz)
                shape = Shape(multi_turn=0.2)
                casual = src["casual"]
                sources = [P.Procedural("stepwise", lambda r, c=casual: H.stepwise(c.sample(r), r) if r.random() < 0.7 else c.sample(r))]
            elif persona == "agentic":
                n = _volume(rng, 300, 2500, scale)
                times = timing.diurnal(rng, START, days, n, tz, work_hours=True)
                who.user_agents = [rng.choice(["langchain/0.3.7", "openai-agents/0.4.1", "litellm/1.52.0"])]
                shape = Shape(max_tokens=lambda r: r.choice([1024, 4096]), temperature=lambda r: 0.0, multi_turn=0.8, system=H.agent_system())
                sources = [P.Procedural("agent-steps", H.agent_step)]
            elif persona == "chinese-casual":
                n = _volume(rng, 3, 60, scale)
                times = timing.diurnal(rng, START, days, n, 8)
                who.country = rng.choice(["CN", "TW", "SG"])
                shape = Shape(multi_turn=0.3)
                sources = [P.Procedural("zh-casual", H.chinese_casual)]
            elif persona == "writing-app":
                # A product on the API relaying its own users' one-shot requests and asking for long answers:
                # single-turn, diverse, long outputs, high volume. The hardest legitimate look-alike of a harvest.
                n = _volume(rng, 600, 3000, scale)
                times = timing.diurnal(rng, START, days, n, tz)
                app = _digest(seed, "app", index)
                who.ips = [f"34.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(2)]
                who.user_agents, who.email_domain = [rng.choice(_SDKS)], f"app-{app}.io"
                shape = Shape(max_tokens=lambda r: r.choice([2048, 4096]), temperature=lambda r: 0.7, multi_turn=0.05,
                              system=f"You are the writing assistant of app-{app}. Answer the user's request in full.")
                sources = [src["casual"]]
            else:
                raise ValueError(f"unknown persona {persona}")
            long_answers = persona in ("writing-app", "eval-cot-long", "agentic")
            for ts in times:
                writer.add(rng, who, ts, rng.choice(sources).sample(rng), shape, long_answers=long_answers)
            writer.label(who, "legit", persona, None)


# --------------------------------------------------------------------------- campaigns
_PARAPHRASE_COT = ["Explain every step of your reasoning.", "Reason it out carefully, showing each step, then answer.",
                   "Give the full derivation before the result.", "Think it through step by step and show your work."]


def _campaign_prompt(spec: CampaignSpec, src: dict[str, P.PromptSource], rng: random.Random) -> str:
    strategy = spec.strategy
    if strategy == "synthetic-instruction-harvest":
        text = src["synthetic"].sample(rng)
    elif strategy == "cot-coercion":
        question = rng.choice([src["benchmark"], src["casual"], src["synthetic"]]).sample(rng)
        text = f"{question}\n{rng.choice(_PARAPHRASE_COT)}" if spec.paraphrase else P.cot_wrap(question, rng)
    elif strategy == "benchmark-harvest":
        question = src["benchmark"].sample(rng)
        text = P.cot_wrap(question, rng) if rng.random() < 0.5 else question
    elif strategy == "capability-sweep":
        text = src["identity"].sample(rng) if rng.random() < 0.08 else src["capability"].sample(rng)
    elif strategy == "logprob-extraction":
        text = src["extraction"].sample(rng)
    elif strategy == "orca-template-harvest":
        text = src.get("templates", src["synthetic"]).sample(rng)
    else:
        raise ValueError(f"unknown attack strategy {strategy!r}; choose from {', '.join(ATTACK_STRATEGIES)}")
    if spec.language == "zh" and strategy != "logprob-extraction":
        text = H.chinese_instruction(rng)
    if spec.humanising and strategy != "logprob-extraction":
        return H.wrap_prompt(text, rng, True, spec.language)
    if spec.paraphrase and strategy != "logprob-extraction":
        text = rng.choice(["", "Quick one: ", "Hey, ", "Please help: ", "For my notes - "]) + text
    return text


def _campaign_shape(spec: CampaignSpec, rng: random.Random) -> Shape:
    if spec.strategy == "logprob-extraction":
        def bias(r: random.Random) -> dict:
            return {str(r.randrange(100_000)): 100 for _ in range(r.randint(4, 12))}
        return Shape(max_tokens=lambda r: 1, temperature=lambda r: 0.0, logprobs=True, top_logprobs=20, logit_bias=bias,
                     endpoint=rng.choice(["/v1/chat/completions", "/v1/completions"]))
    if spec.randomise_sampling:
        return Shape(max_tokens=lambda r: r.choice([None, 1024, 2048, 4096]), temperature=lambda r: r.choice([None, 0.3, 0.7, 1.0]),
                     n=lambda r: r.choice([1, 1, 1, 2]))
    n_choices = 4 if spec.strategy == "benchmark-harvest" else 1
    return Shape(max_tokens=lambda r: rng.choice([4096, 8192]) if False else 4096, temperature=lambda r: 0.7,
                 n=lambda r, k=n_choices: k, system=rng.choice([None, "You are a helpful assistant."]))


def _campaign(config: SimConfig, writer: _Writer, rng: random.Random, spec: CampaignSpec, number: int) -> None:
    seed = config.seed
    campaign_id = f"camp-{_digest(seed, 'campaign', number)}"
    days = min(spec.spread_days or config.days, config.days)
    start = START + rng.uniform(0, max(0, config.days - days)) * 86400 + config.campaign_start_offset
    pool = [f"203.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"] if spec.proxy_pool <= 0 else [_residential_ip(rng) for _ in range(spec.proxy_pool)]
    attacker_ua = rng.choice(["python-requests/2.32.3", "openai-python/1.54.3", "aiohttp/3.10.5", "httpx/0.27.2"])
    cards = [f"pm-{_digest(campaign_id, 'card', i)}" for i in range(max(1, spec.sybils // 25))]
    domains = [rng.choice(_MAILS), f"mail{rng.randint(10, 99)}.{rng.choice(['xyz', 'top', 'site'])}"]
    burst = start - rng.uniform(0.5, 3) * 86400
    shape = _campaign_shape(spec, rng)
    src = config.sources
    for i in range(spec.sybils):
        account = f"acct-{_digest(seed, campaign_id, i)}"
        who = Identity(
            account_id=account, api_key_id=f"key-{_digest(account)}", ips=rng.sample(pool, min(len(pool), rng.randint(1, 4))),
            user_agents=[rng.choice(_BROWSERS + _SDKS) if spec.rotate_user_agents else attacker_ua],
            payment=rng.choice(cards) if rng.random() < 0.7 else f"pm-{_digest(account, 'pay')}", email_domain=rng.choice(domains),
            created_at=burst + rng.uniform(0, 3600 * 6), country=rng.choice(["US", "SG", "NL", "HK"]), tier="tier-1",
        )
        if spec.isolated:  # nothing shared: own residential IPs, browser build, card, webmail, tier
            who.ips = [_residential_ip(rng) for _ in range(rng.randint(1, 4))]
            who.user_agents = [f"{rng.choice(_BROWSERS)}.{rng.randint(0, 9999)}"]
            who.payment, who.email_domain = f"pm-{_digest(account, 'own-card')}", rng.choice(_MAILS)
            who.tier, who.country = rng.choice(["free", "tier-1", "tier-2"]), rng.choice(["US", "GB", "DE", "IN", "BR", "CA"])
        if spec.aged:
            who.created_at = START - rng.uniform(60, 900) * 86400
        n = max(1, int(spec.requests_per_account * rng.uniform(0.8, 1.2) * config.volume_scale))
        if spec.pacing == "diurnal":
            times = timing.diurnal(rng, start, days, n, rng.choice([-8, -5, 0, 1, 5, 8, 9]) if spec.isolated else rng.choice([-5, 0, 8]))
        else:
            times = timing.bursty(rng, start, days, n)
        for ts in times:
            if rng.random() < spec.cover_share:
                writer.add(rng, who, ts, src["casual"].sample(rng), Shape(multi_turn=0.2), long_answers=False)
            else:
                writer.add(rng, who, ts, _campaign_prompt(spec, src, rng), shape, long_answers=True)
        writer.label(who, "attack", spec.strategy, campaign_id)


# --------------------------------------------------------------------------- entry point
def generate(config: SimConfig, progress: Callable[[int, int], None] | None = None) -> tuple[list[dict], list[dict]]:
    """Return (events sorted by time, labels). `progress(accounts done, accounts expected)` after each account."""
    rng = random.Random(config.seed)
    writer = _Writer(config)
    writer.progress = progress
    writer.expected_accounts = (sum(max(1, round(share * config.legit_accounts)) for share in config.persona_mix.values() if share > 0)
                                + sum(spec.sybils for spec in config.campaigns))
    _legit(config, writer, rng)
    for number, spec in enumerate(config.campaigns):
        _campaign(config, writer, random.Random(f"{config.seed}-{number}"), spec, number)
    writer.events.sort(key=lambda pair: pair[0])
    return [event for _, event in writer.events], writer.labels


def simulate(config: SimConfig, out_dir: Path, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    events, labels = generate(config, progress)
    with open(out_dir / "events.jsonl", "wb") as handle:
        for event in events:
            handle.write(orjson.dumps(event) + b"\n")
    with open(out_dir / "labels.jsonl", "wb") as handle:
        for label in labels:
            handle.write(orjson.dumps(label) + b"\n")
    attack = sum(1 for label in labels if label["label"] == "attack")
    return {"events": len(events), "accounts": len(labels), "attack_accounts": attack, "campaigns": len(config.campaigns),
            "events_path": str(out_dir / "events.jsonl"), "labels_path": str(out_dir / "labels.jsonl")}


def iter_labels(path: Path) -> Iterator[dict]:
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)
