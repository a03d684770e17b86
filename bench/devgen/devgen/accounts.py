"""Building account identities and their network/key/UA behaviour."""
from . import infra as I

DISPOSABLE = ["tempmail.dev", "throwmail.net", "maildrop.cc", "inboxkitten.io", "quickmail.top", "10min.email"]
CUSTOM_TLDS = [".io", ".ai", ".com", ".dev", ".co", ".tech", ".cn", ".de", ".app"]
WORDS = ["blue", "quant", "nova", "peak", "lumen", "orbit", "cedar", "pixel", "vector", "delta", "echo", "arbor", "flux", "sage",
         "ember", "atlas", "north", "river", "stack", "byte", "cloud", "iron", "lark", "mint", "onyx", "polar", "spark", "terra"]


def company_domain(rng):
    return rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(CUSTOM_TLDS)


def edu_domain(rng):
    return rng.choice(["mail.", "", "stu.", "cs."]) + rng.choice(WORDS) + rng.choice(["-university.edu", "u.edu", ".ac.uk", ".edu.cn", ".edu.au", "-tech.edu"])


def country_row(rng, cc=None, weights=None):
    if cc:
        return rng.choice(I.BY_CC[cc])
    return rng.choices(I.COUNTRIES, weights=weights or [9, 6, 4, 2, 4, 3, 2, 1.5, 4, 5, 1, 1, 1, 1.5, 1.5, 2, 1, 1, 1, 1, 0.7, 0.7, 0.7, 0.5])[0]


def new_account(w, rng, aid, persona, row, *, created_at=None, age_days=None, tier=None, pf=None, email=None, org=None,
                tz=None, tzname=None):
    if created_at is None and age_days is None and rng.random() < 0.04:  # a new signup during the window
        created_at = w.start + rng.uniform(0, 0.6) * w.days * 86400
    if created_at is None:
        if age_days is None:
            age_days = rng.expovariate(1 / 300.0) + 1
        created_at = w.start - age_days * 86400
    created_at = min(created_at, w.end - 6 * 3600)  # never created after (or just before) the window ends
    a = {"id": aid, "persona": persona, "org": org or ("org-" + I.hexid(rng, 12)), "country": row[0],
         "tz": row[2] if tz is None else tz, "tzname": tzname or row[1]}
    a["acct_obj"] = {"created_at": I.iso(created_at), "payment_fingerprint": pf if pf is not None else ("pf_" + I.hexid(rng, 16)),
                     "email_domain": email or rng.choice(row[5]), "country": row[0],
                     "tier": tier or rng.choices(["free", "tier-1", "tier-2", "tier-3", "tier-4", "tier-5"], weights=[2, 4, 3, 2, 1, 0.5])[0],
                     "timezone": a["tzname"]}
    a["created_at"] = created_at
    a["model_fn"] = lambda r, m=rng.choice(["aurora-4-large", "aurora-4-mini", "aurora-4-mini"]): m
    set_keys(a, rng, 1)
    return a


def set_models(a, rng, pool, weights=None):
    a["model_fn"] = lambda r: r.choices(pool, weights=weights)[0]


def set_keys(a, rng, n=1, rotate_hours=None, start=None):
    """n concurrent keys, or (rotate_hours) a fresh key every so often."""
    pre = "key_" + a["id"][-6:] + "_"
    if rotate_hours:
        base = start or 0
        period = rotate_hours * 3600
        a["key_fn"] = lambda ts, pre=pre, base=base, period=period: pre + I.stable_hex("%s%d" % (pre, int((ts - base) // period)), 10)
    elif n == 1:
        k = pre + I.hexid(rng, 10)
        a["key_fn"] = lambda ts, k=k: k
    else:
        ks = [pre + I.hexid(rng, 10) for _ in range(n)]
        import random as _r
        rr = _r.Random(rng.random())
        a["key_fn"] = lambda ts, ks=ks, rr=rr: rr.choice(ks)


def net_consumer(a, rng, row, mobile_share=0.3, v6_share=0.25):
    """Home broadband (dynamic IP changing every few days) plus mobile carrier NAT."""
    homes = [I.residential_ip(rng, row, v6_share)[0] for _ in range(rng.randint(1, 4))]
    mobiles = [I.mobile_ip(rng, row)[0] for _ in range(rng.randint(1, 3))]
    period = rng.uniform(2, 9) * 86400

    def ip_fn(r, ts):
        if r.random() < mobile_share:
            return r.choice(mobiles)
        return homes[int(ts // period) % len(homes)]
    a["ip_fn"] = ip_fn


def net_fixed(a, ips):
    ips = list(ips)
    a["ip_fn"] = lambda r, ts: ips[0] if len(ips) == 1 else r.choice(ips)


def net_servers(a, rng, k=2, dc=None, v6_share=0.1):
    dc = dc or rng.choice(I.DATACENTERS)
    ips = [I.dc_ip(rng, dc, v6_share)[0] for _ in range(k)]
    net_fixed(a, ips)
    return ips


def net_pool(a, pool, sticky_s=0, rng=None):
    """Proxy pool: per-request rotation, sticky sessions of sticky_s seconds, or 'static' (1-2 ISP proxy IPs per account)."""
    if sticky_s == "static":
        mine = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        a["ip_fn"] = lambda r, ts: mine[0] if len(mine) == 1 or r.random() < 0.8 else mine[1]
    elif sticky_s:
        from . import infra
        salt = a["id"]
        a["ip_fn"] = lambda r, ts: pool[int(infra.stable_hex("%s%d" % (salt, int(ts // sticky_s)), 8), 16) % len(pool)]
    else:
        a["ip_fn"] = lambda r, ts: r.choice(pool)


def ua_fixed(a, ua):
    a["ua_fn"] = lambda r: ua


def ua_mix(a, uas, weights=None):
    a["ua_fn"] = lambda r: r.choices(uas, weights=weights)[0]


def resi_pool(rng, size, countries=None):
    rows = [I.BY_CC[c][0] for c in countries] if countries else I.COUNTRIES
    return [I.residential_ip(rng, rng.choice(rows), 0.2)[0] if rng.random() < 0.85 else I.mobile_ip(rng, rng.choice(rows))[0]
            for _ in range(size)]


def dc_pool(rng, size, providers=None):
    dcs = [d for d in I.DATACENTERS if not providers or d[2] in providers] or I.DATACENTERS
    return [I.dc_ip(rng, rng.choice(dcs), 0.1)[0] for _ in range(size)]
