"""Accounts, networks, clients, clocks and the event emitter (all deterministic per rng)."""
from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

EPOCH = datetime(2026, 3, 2, 0, 0, 0, tzinfo=timezone.utc)  # a Monday

# ---------------------------------------------------------------- countries / time zones
# country -> (utc offset hours, residential first-octet blocks, mobile blocks, language)
COUNTRIES = {
    "US": (-5, [(73,), (98,), (24,), (67,), (71,), (108,), (174,)], [(172, 56), (166, 205), (107, 77)], "en"),
    "US-W": (-8, [(76,), (99,), (68,), (50,), (47,)], [(172, 58), (174, 204)], "en"),
    "CA": (-5, [(142,), (99, 228), (184, 144)], [(70, 52), (204, 40)], "en"),
    "GB": (0, [(86,), (81,), (92,), (109,), (2, 24)], [(31, 94), (82, 132)], "en"),
    "DE": (1, [(84,), (91,), (93,), (79,), (87,)], [(176, 0), (109, 40)], "de"),
    "FR": (1, [(90,), (86, 200), (82, 64), (109, 190)], [(37, 160), (176, 128)], "fr"),
    "ES": (1, [(83,), (88,), (95,), (79, 148)], [(37, 132), (176, 80)], "es"),
    "MX": (-6, [(187,), (189,), (201,)], [(200, 68), (177, 224)], "es"),
    "AR": (-3, [(181,), (190,), (186,)], [(200, 5)], "es"),
    "BR": (-3, [(177,), (179,), (187, 10), (191,)], [(189, 40), (200, 140)], "pt"),
    "IN": (5.5, [(49,), (103,), (106,), (117,), (122,)], [(27, 56), (106, 192)], "en"),
    "CN": (8, [(36,), (58,), (61,), (114,), (117,), (183,)], [(39, 144), (112, 96), (223, 104)], "zh"),
    "TW": (8, [(1, 160), (36, 224), (114, 32)], [(27, 240)], "zh"),
    "HK": (8, [(58, 152), (112, 118), (219, 76)], [(223, 16)], "zh"),
    "SG": (8, [(116, 86), (118, 200), (175, 156)], [(111, 65)], "en"),
    "JP": (9, [(126,), (133,), (153,), (219,), (220,)], [(49, 96), (106, 128)], "ja"),
    "KR": (9, [(121,), (175,), (211,)], [(39, 7), (223, 38)], "ko"),
    "AU": (10, [(101,), (110,), (120, 16), (124,)], [(1, 128), (49, 180)], "en"),
    "NL": (1, [(77,), (84, 80), (145,)], [(31, 20)], "en"),
    "PL": (1, [(83, 0), (89,), (95, 40)], [(37, 47)], "en"),
    "VN": (7, [(14,), (27, 64), (113,)], [(171, 224)], "en"),
    "NG": (1, [(102, 89), (105, 112), (197, 210)], [(129, 205)], "en"),
}
# cloud providers' blocks (address space that datacentres commonly announce)
CLOUD = {
    "aws": [(3,), (18,), (34, 192), (44,), (52,), (54,), (35, 160)],
    "gcp": [(34, 64), (35, 184), (35, 230), (104, 196), (130, 211)],
    "azure": [(20,), (40,), (52, 160), (104, 40), (13, 64)],
    "hetzner": [(5, 9), (88, 198), (116, 202), (138, 201), (95, 216)],
    "ovh": [(51, 38), (54, 36), (137, 74), (146, 59), (51, 68)],
    "alicloud": [(47, 88), (47, 100), (39, 96), (8, 130), (101, 132)],
    "tencent": [(43, 128), (49, 232), (119, 28), (129, 204)],
    "do": [(159, 65), (167, 99), (164, 90), (138, 68), (143, 198)],
}
CLOUD_COUNTRY = {"aws": "US", "gcp": "US", "azure": "US", "hetzner": "DE", "ovh": "FR", "alicloud": "SG",
                 "tencent": "HK", "do": "US"}


def ip_from_block(rng: random.Random, block: tuple) -> str:
    parts = list(block)
    while len(parts) < 4:
        parts.append(rng.randint(1, 254) if len(parts) == 3 else rng.randint(0, 255))
    return ".".join(str(p) for p in parts)


def ipv6(rng: random.Random, prefix: str) -> str:
    return prefix + ":" + ":".join(f"{rng.getrandbits(16):x}" for _ in range(4))


class Net:
    """Where an account's requests come from."""

    def __init__(self, rng: random.Random, kind: str, country: str, cloud: str | None = None,
                 fixed: list[str] | None = None, churn: float = 0.0):
        self.rng, self.kind, self.country, self.churn = rng, kind, country, churn
        self.rotate, self.foreign = 0.15, 0.3
        self.cloud = cloud
        info = COUNTRIES.get(country, COUNTRIES["US"])
        if fixed:
            self.pool = list(fixed)
        elif kind == "home":
            self.pool = [ip_from_block(rng, rng.choice(info[1]))]
        elif kind == "mobile":
            if rng.random() < 0.3:
                self.pool = [ipv6(rng, rng.choice(["2600:1012", "2607:fb90", "2a02:810d", "2409:8a1e", "2001:ee0"]))]
            else:
                self.pool = [ip_from_block(rng, rng.choice(info[2])) for _ in range(3)]
        elif kind == "cloud":
            cloud = cloud or rng.choice(list(CLOUD))
            self.cloud = cloud
            self.pool = [ip_from_block(rng, rng.choice(CLOUD[cloud])) for _ in range(rng.randint(1, 2))]
        elif kind == "residential-proxy":
            self.pool = []
        else:  # office / campus NAT: a couple of egress addresses
            blk = rng.choice(info[1])
            base = ip_from_block(rng, blk).rsplit(".", 1)[0]
            self.pool = [f"{base}.{rng.randint(2, 250)}" for _ in range(rng.randint(1, 3))]

    def ip(self) -> str:
        r = self.rng
        if self.kind == "residential-proxy":
            # sticky sessions: most proxy pools keep an exit for a while, then rotate
            if not self.pool or r.random() < self.rotate:
                c = r.choice(list(COUNTRIES)) if r.random() < self.foreign else self.country
                info = COUNTRIES[c]
                self.pool = [ip_from_block(r, r.choice(info[1] + info[2]))]
            return self.pool[0]
        if self.churn and r.random() < self.churn:
            # DHCP lease change / travelling / tethering
            info = COUNTRIES.get(self.country, COUNTRIES["US"])
            new = ip_from_block(r, r.choice(info[1] if self.kind == "home" else info[2]))
            self.pool[0] = new
        if self.kind == "mobile" and r.random() < 0.5:
            info = COUNTRIES.get(self.country, COUNTRIES["US"])
            return ip_from_block(r, r.choice(info[2]))
        return r.choice(self.pool)


# ---------------------------------------------------------------- user agents
def ua_sdk(rng: random.Random, lang: str | None = None) -> str:
    lang = lang or rng.choice(["py", "py", "py", "js", "js", "go", "java", "curl", "requests", "httpx", "dotnet"])
    if lang == "py":
        return f"OpenAI/Python 1.{rng.randint(12, 58)}.{rng.randint(0, 9)}"
    if lang == "js":
        return f"OpenAI/JS 4.{rng.randint(20, 77)}.{rng.randint(0, 9)}"
    if lang == "go":
        return "Go-http-client/2.0" if rng.random() < 0.5 else "Go-http-client/1.1"
    if lang == "java":
        return f"okhttp/4.{rng.randint(9, 12)}.{rng.randint(0, 3)}"
    if lang == "curl":
        return f"curl/8.{rng.randint(0, 11)}.{rng.randint(0, 1)}"
    if lang == "requests":
        return f"python-requests/2.{rng.randint(28, 32)}.{rng.randint(0, 3)}"
    if lang == "httpx":
        return f"python-httpx/0.{rng.randint(24, 28)}.{rng.randint(0, 2)}"
    if lang == "dotnet":
        return f"OpenAI/.NET 2.{rng.randint(0, 2)}.{rng.randint(0, 9)}"
    if lang == "langchain":
        return f"langchain-openai/0.{rng.randint(1, 3)}.{rng.randint(0, 30)} OpenAI/Python 1.{rng.randint(30, 58)}.0"
    if lang == "litellm":
        return f"litellm/1.{rng.randint(30, 60)}.{rng.randint(0, 20)}"
    return f"OpenAI/Python 1.{rng.randint(12, 58)}.0"


def ua_browser(rng: random.Random) -> str:
    k = rng.random()
    v = rng.randint(118, 131)
    if k < 0.45:
        os_ = rng.choice(["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"])
        return f"Mozilla/5.0 ({os_}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
    if k < 0.65:
        return (f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                f"Version/17.{rng.randint(0, 6)} Safari/605.1.15")
    if k < 0.8:
        fv = rng.randint(115, 133)
        os_ = rng.choice(["Windows NT 10.0; Win64; x64; rv:%d.0" % fv, "X11; Ubuntu; Linux x86_64; rv:%d.0" % fv])
        return f"Mozilla/5.0 ({os_}) Gecko/20100101 Firefox/{fv}.0"
    if k < 0.92:
        return (f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{rng.randint(0, 6)} like Mac OS X) AppleWebKit/605.1.15 "
                f"(KHTML, like Gecko) Version/17.{rng.randint(0, 6)} Mobile/15E148 Safari/604.1")
    return (f"Mozilla/5.0 (Linux; Android 14; {rng.choice(['Pixel 8', 'SM-S918B', 'SM-A546B', '2311DRK48G'])}) "
            f"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36")


def ua_chat_app(rng: random.Random) -> str:
    return rng.choice([
        f"ChatBox/1.{rng.randint(3, 9)}.{rng.randint(0, 9)}", f"NextChat/2.{rng.randint(10, 15)}.{rng.randint(0, 9)}",
        f"LobeChat/1.{rng.randint(0, 40)}.0", f"BoltAI/1.{rng.randint(20, 30)}.0 (macOS)",
        f"TypingMind/{rng.randint(2024, 2026)}.{rng.randint(1, 12)}", f"OpenCat/{rng.randint(2, 3)}.{rng.randint(0, 9)}",
    ]) if rng.random() < 0.6 else ua_browser(rng)


def ua_agent(rng: random.Random) -> str:
    return rng.choice([
        f"aider/0.{rng.randint(50, 86)}.{rng.randint(0, 3)}", f"Cline/3.{rng.randint(0, 17)}.{rng.randint(0, 9)}",
        f"continue/0.{rng.randint(8, 9)}.{rng.randint(0, 60)}", f"OpenHands/0.{rng.randint(10, 40)}",
        f"langgraph/0.{rng.randint(1, 3)}.{rng.randint(0, 60)} OpenAI/Python 1.{rng.randint(40, 58)}.0",
        f"crewai/0.{rng.randint(60, 120)}.0 litellm/1.{rng.randint(40, 60)}.0",
        f"OpenAI/Python 1.{rng.randint(40, 58)}.{rng.randint(0, 9)}",
    ])


# ---------------------------------------------------------------- tokens / prices
def ntok(text) -> int:
    if text is None:
        return 0
    if not isinstance(text, str):
        text = str(text)
    cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
    return max(1, int((len(text) - cjk) / 3.9 + cjk * 0.75))


MODELS = {  # name: ($/1M in, $/1M out, tokens/s)
    "gpt-4o": (2.5, 10.0, 80), "gpt-4o-mini": (0.15, 0.6, 110), "gpt-4.1": (2.0, 8.0, 75),
    "gpt-4.1-mini": (0.4, 1.6, 100), "gpt-4.1-nano": (0.1, 0.4, 150), "o3-mini": (1.1, 4.4, 90),
    "o4-mini": (1.1, 4.4, 95), "gpt-3.5-turbo-instruct": (1.5, 2.0, 120), "gpt-3.5-turbo": (0.5, 1.5, 120),
}


# ---------------------------------------------------------------- accounts
@dataclass
class Account:
    account_id: str
    persona: str
    label: str
    campaign_id: str | None
    created_at: datetime
    country: str
    tz: float
    tier: str
    email_domain: str
    payment_fp: str | None
    org_id: str | None
    api_keys: list
    net: Net
    uas: list
    rng: random.Random
    lang: str = "en"
    extra: dict = field(default_factory=dict)


def hexid(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def b62(rng: random.Random, n: int) -> str:
    al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(al) for _ in range(n))


FREEMAIL = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com",
            "proton.me", "qq.com", "163.com", "gmx.de", "web.de", "orange.fr", "yahoo.co.jp", "naver.com"]
FREEMAIL_BY_LANG = {"zh": ["qq.com", "163.com", "126.com", "foxmail.com", "gmail.com"],
                    "ja": ["yahoo.co.jp", "gmail.com", "docomo.ne.jp"], "de": ["gmx.de", "web.de", "gmail.com", "t-online.de"],
                    "fr": ["orange.fr", "free.fr", "gmail.com", "laposte.net"], "es": ["gmail.com", "hotmail.es", "yahoo.es", "outlook.es"],
                    "ko": ["naver.com", "daum.net", "gmail.com"]}


def company_domain(rng: random.Random) -> str:
    a = rng.choice(["acme", "nova", "blue", "orbit", "pixel", "tandem", "lumen", "harbor", "quill", "vertex", "cobalt",
                    "maple", "sable", "fathom", "kite", "ember", "north", "summit", "delta", "juniper", "atlas", "beacon"])
    b = rng.choice(["labs", "soft", "ai", "works", "data", "hq", "io", "tech", "systems", "health", "legal", "learn"])
    tld = rng.choice([".com", ".com", ".io", ".ai", ".co", ".de", ".fr", ".co.uk", ".jp", ".cn", ".es"])
    return f"{a}{b}{tld}"


def uni_domain(rng: random.Random, country: str) -> str:
    stem = rng.choice(["stateu", "techuni", "polytech", "cityuni", "riverside", "northfield", "lakeshore", "hillcrest"])
    return {"US": f"{stem}.edu", "US-W": f"{stem}.edu", "GB": f"{stem}.ac.uk", "DE": f"uni-{stem}.de",
            "FR": f"univ-{stem}.fr", "JP": f"{stem}.ac.jp", "CN": f"{stem}.edu.cn", "ES": f"{stem}.es",
            "IN": f"{stem}.ac.in", "CA": f"{stem}.ca", "AU": f"{stem}.edu.au", "KR": f"{stem}.ac.kr"}.get(country, f"{stem}.edu")


def card_fp(rng: random.Random) -> str:
    return "card_" + b62(rng, 16)


# ---------------------------------------------------------------- clocks
def local_hour_weight(h: float, profile: str, weekday: int) -> float:
    """Relative activity at local hour h (0-24)."""
    weekend = weekday >= 5
    if profile == "human":  # evenings heavy, little at night
        w = 0.08 + math.exp(-((h - 13.5) / 3.5) ** 2) * 0.8 + math.exp(-((h - 21.0) / 2.2) ** 2) * 1.0
        return w * (1.1 if weekend else 1.0)
    if profile == "office":
        if h < 7 or h > 20:
            w = 0.03
        else:
            w = 0.15 + math.exp(-((h - 11.0) / 2.0) ** 2) + 0.9 * math.exp(-((h - 15.5) / 2.2) ** 2)
        return w * (0.12 if weekend else 1.0)
    if profile == "student":
        w = 0.05 + math.exp(-((h - 15.0) / 3.0) ** 2) * 0.7 + math.exp(-((h - 23.0) / 2.0) ** 2) * 1.0 \
            + math.exp(-((h + 1.0) / 2.0) ** 2) * 0.8
        return w
    if profile == "consumer-app":  # aggregated end users: broad diurnal
        return 0.35 + math.exp(-((h - 14.0) / 5.0) ** 2)
    return 1.0  # flat


def sample_time_in_day(rng: random.Random, day_start_utc: datetime, tz: float, profile: str) -> datetime:
    """Sample a time during a UTC day following the local-hour profile (rejection sampling)."""
    for _ in range(60):
        u = rng.random() * 86400.0
        t = day_start_utc + timedelta(seconds=u)
        lh = (t.hour + t.minute / 60 + tz) % 24
        wd = (t + timedelta(hours=tz)).weekday()
        if rng.random() * 2.2 < local_hour_weight(lh, profile, wd):
            return t
    return day_start_utc + timedelta(seconds=rng.random() * 86400.0)


def day_weight(profile: str, t: datetime, tz: float) -> float:
    wd = (t + timedelta(hours=tz)).weekday()
    if profile in ("office",):
        return 0.15 if wd >= 5 else 1.0
    if profile == "student":
        return 0.7 if wd >= 5 else 1.0
    return 1.0


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < L:
            return k
        k += 1


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def stable_seed(*parts) -> int:
    h = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")
