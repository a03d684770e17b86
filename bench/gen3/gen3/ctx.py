"""Shared generation context and account factory."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import world as W
from .world import Account, Net


@dataclass
class Ctx:
    seed: int
    start: datetime
    days: int
    vol: float            # global volume multiplier (per-scale)
    pools: object         # Corpus
    history_clip: int = 2000
    n_accounts: int = 0
    _ids: set = field(default_factory=set)
    shared: dict = field(default_factory=dict)  # per-campaign shared infrastructure (sloppy campaigns)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def day(self, i: int) -> datetime:
        return self.start + timedelta(days=i)

    def rng(self, *parts) -> random.Random:
        return random.Random(W.stable_seed(self.seed, *parts))

    def new_id(self, rng: random.Random, prefix: str, n: int = 16) -> str:
        while True:
            x = prefix + W.hexid(rng, n)
            if x not in self._ids:
                self._ids.add(x)
                return x


LANG_COUNTRIES = {"zh": ["CN", "CN", "TW", "HK", "SG"], "ja": ["JP"], "de": ["DE", "DE", "NL"], "fr": ["FR", "FR", "CA"],
                  "es": ["ES", "MX", "AR", "ES"], "en": ["US", "US", "US-W", "GB", "CA", "AU", "IN", "SG", "NL", "NG"],
                  "ko": ["KR"]}


def make_account(ctx: Ctx, rng: random.Random, persona: str, label: str = "legit", campaign: str | None = None, *,
                 country: str | None = None, lang: str = "en", tier: str | None = None, age_days: float | None = None,
                 email_domain: str | None = None, payment_fp: str | None = "new", org_id: str | None = "new",
                 net: Net | None = None, net_kind: str = "home", cloud: str | None = None, uas: list | None = None,
                 n_keys: int = 1, churn: float = 0.02) -> Account:
    country = country or rng.choice(LANG_COUNTRIES.get(lang, LANG_COUNTRIES["en"]))
    tz = W.COUNTRIES[country][0]
    if age_days is None:  # median ~90 days; a few sign up during the window
        age_days = -rng.uniform(0.05, ctx.days * 0.8) if rng.random() < 0.06 else rng.lognormvariate(4.5, 1.1)
    if age_days < 0:  # created inside the window
        created = ctx.start + timedelta(seconds=rng.uniform(0, max(1.0, -age_days) * 86400))
    else:
        created = ctx.start - timedelta(days=age_days, seconds=rng.uniform(0, 86400))
    acct_id = ctx.new_id(rng, "acct_", 16)
    if email_domain is None:
        email_domain = rng.choice(W.FREEMAIL_BY_LANG.get(lang, W.FREEMAIL[:7]))
    if payment_fp == "new":
        payment_fp = W.card_fp(rng) if (tier or "free") != "free" or rng.random() < 0.4 else None
    if tier is None:
        tier = rng.choices(["free", "tier-1", "tier-2", "tier-3", "tier-4"], [30, 35, 20, 10, 5])[0]
    if net is None:
        net = Net(rng, net_kind, country, cloud=cloud, churn=churn)
    keys = [ctx.new_id(rng, "key_", 12) for _ in range(max(1, n_keys))]
    if org_id == "new":  # every account gets a personal org unless it belongs to a shared one
        org_id = "org-" + W.b62(rng, 24)
    return Account(account_id=acct_id, persona=persona, label=label, campaign_id=campaign, created_at=created,
                   country=country, tz=tz, tier=tier, email_domain=email_domain, payment_fp=payment_fp,
                   org_id=org_id, api_keys=keys, net=net, uas=uas or [W.ua_sdk(rng)], rng=rng, lang=lang)
