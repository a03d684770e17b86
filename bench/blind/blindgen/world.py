"""Accounts, network infrastructure, user agents, and event serialisation."""
import datetime as _dt
import json
from . import text as T

EPOCH0 = _dt.datetime(2026, 11, 2, tzinfo=_dt.timezone.utc).timestamp()  # a Monday
DAY = 86400.0

COUNTRIES = [  # code, weight, tz offsets (hours), residential v4 /16 prefixes, residential v6 /32-ish prefixes
    ("US", 30, [-5, -6, -7, -8], ["73.", "98.", "24.", "71.", "68.", "174."], ["2601:", "2600:1700:", "2603:8000:"]),
    ("CN", 10, [8], ["36.", "113.", "183.", "117.", "223."], ["240e:", "2409:8a", "2408:8"]),
    ("IN", 8, [5.5], ["49.", "117.2", "106.", "157."], ["2401:4900:", "2409:40"]),
    ("GB", 6, [0], ["86.", "81.", "92.", "2."], ["2a00:23c", "2a02:c7"]),
    ("DE", 6, [1], ["87.", "91.", "93.", "79."], ["2003:", "2a02:8108:"]),
    ("FR", 4, [1], ["90.", "86.2", "109."], ["2a01:cb", "2a01:e0a:"]),
    ("JP", 4, [9], ["126.", "153.", "60."], ["240b:", "2400:40"]),
    ("BR", 4, [-3], ["177.", "189.", "179."], ["2804:", "2804:14"]),
    ("CA", 3, [-5, -8], ["99.", "142.", "70."], ["2607:fea8:", "2605:8d80:"]),
    ("KR", 3, [9], ["121.", "211.", "175."], ["2001:2d8:", "2001:e60:"]),
    ("ES", 2, [1], ["83.", "88.", "95."], ["2a0c:5a80:", "2a01:c50"]),
    ("SG", 2, [8], ["116.", "118."], ["2406:3003:"]),
    ("AU", 2, [10], ["101.", "120.", "124."], ["2001:8003:"]),
    ("NG", 1, [1], ["102.", "105."], ["2c0f:f"]),
    ("MX", 2, [-6], ["187.", "201."], ["2806:"]),
]
CC = {c[0]: c for c in COUNTRIES}
DATACENTERS = {  # provider: (v4 prefixes, v6 prefixes)
    "aws": (["3.", "18.", "52.", "54.", "13."], ["2600:1f18:", "2600:1f14:"]),
    "gcp": (["34.", "35."], ["2600:1900:"]),
    "azure": (["20.", "40.", "52.1"], ["2603:1030:"]),
    "digitalocean": (["159.89.", "165.227.", "134.209."], ["2a03:b0c0:"]),
    "hetzner": (["65.108.", "88.198.", "5.9."], ["2a01:4f8:", "2a01:4f9:"]),
    "ovh": (["51.", "145.239."], ["2001:41d0:"]),
    "alibaba": (["47.", "8.21"], ["2408:4000:"]),
    "tencent": (["43.1", "49.51."], ["240d:c000:"]),
    "vultr": (["45.76.", "149.28."], ["2001:19f0:"]),
}
FREEMAIL = ["gmail.com"] * 8 + ["outlook.com"] * 3 + ["yahoo.com", "icloud.com", "proton.me", "hotmail.com"]
FREEMAIL_CC = {"CN": ["qq.com", "163.com", "126.com", "gmail.com", "foxmail.com"], "JP": ["gmail.com", "yahoo.co.jp", "docomo.ne.jp"],
               "DE": ["gmail.com", "web.de", "gmx.de"], "FR": ["gmail.com", "orange.fr", "free.fr"], "KR": ["naver.com", "gmail.com"],
               "BR": ["gmail.com", "uol.com.br"], "IN": ["gmail.com", "rediffmail.com", "yahoo.in"]}
TEMPMAIL = ["mailinator-alt.net", "tmpbox.io", "quickinbox.cc", "burnermail.xyz", "10minmail.org"]

PY_SDK = ["1.35.10", "1.40.6", "1.45.0", "1.51.2", "1.54.3", "1.57.0", "1.59.7"]
JS_SDK = ["4.52.7", "4.67.1", "4.73.0", "4.77.3"]
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
]

def ua_python(rng):
    return f"OpenAI/Python {rng.choice(PY_SDK)}"

def ua_random(rng, kind=None):
    kind = kind or rng.choices(["py", "js", "req", "curl", "browser", "go", "httpx", "langchain", "aiohttp"],
                               [40, 18, 8, 3, 12, 4, 6, 6, 3])[0]
    if kind == "py":
        return ua_python(rng)
    if kind == "js":
        return f"OpenAI/JS {rng.choice(JS_SDK)}"
    if kind == "req":
        return f"python-requests/{rng.choice(['2.28.2', '2.31.0', '2.32.3'])}"
    if kind == "curl":
        return f"curl/{rng.choice(['7.81.0', '8.4.0', '8.7.1'])}"
    if kind == "go":
        return "Go-http-client/2.0"
    if kind == "httpx":
        return f"python-httpx/{rng.choice(['0.25.2', '0.27.0', '0.27.2'])}"
    if kind == "langchain":
        return f"OpenAI/Python {rng.choice(PY_SDK)} langchain-openai/{rng.choice(['0.1.8', '0.2.3', '0.2.9'])}"
    if kind == "aiohttp":
        return f"Python/3.{rng.choice([10, 11, 12])} aiohttp/{rng.choice(['3.9.1', '3.9.5', '3.10.5'])}"
    return rng.choice(BROWSERS).format(v=rng.randint(118, 131), m=rng.randint(0, 6))


def host_v4(rng, prefix):
    parts = prefix.rstrip(".").split(".")
    while len(parts) < 4:
        parts.append(str(rng.randint(1, 254)))
    return ".".join(parts[:4])

def host_v6(rng, prefix):
    p = prefix.rstrip(":")
    groups = [g for g in p.split(":") if g]
    head = groups[0]
    if len(groups) == 1 and len(head) < 4:
        head = head + "".join(rng.choice("0123456789abcdef") for _ in range(4 - len(head)))
    gs = [head] + groups[1:]
    while len(gs) < 4:
        gs.append("%x" % rng.randint(0, 0xffff))
    tail = ["%x" % rng.randint(0, 0xffff) for _ in range(4)]
    return ":".join(gs[:4] + tail)

def resi_ip(rng, cc, v6p=0.25):
    c = CC[cc]
    if rng.random() < v6p:
        return host_v6(rng, rng.choice(c[4]))
    return host_v4(rng, rng.choice(c[3]))

def dc_ip(rng, provider=None, v6p=0.1):
    provider = provider or rng.choice(list(DATACENTERS))
    v4, v6 = DATACENTERS[provider]
    if rng.random() < v6p:
        return host_v6(rng, rng.choice(v6))
    return host_v4(rng, rng.choice(v4))

def dc_block(rng, provider=None):
    """A /24 of one provider, returned as a prefix 'a.b.c.'"""
    ip = dc_ip(rng, provider, v6p=0)
    return ".".join(ip.split(".")[:3]) + "."


def pick_country(rng, restrict=None):
    cs = [c for c in COUNTRIES if not restrict or c[0] in restrict]
    return rng.choices([c[0] for c in cs], [c[1] for c in cs])[0]

def tz_of(rng, cc):
    return rng.choice(CC[cc][2])

def iso(ts):
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

def hexid(rng, n=16):
    return "%0*x" % (n, rng.getrandbits(4 * n))

def email_for(rng, cc, kind="free", domain=None):
    if domain:
        return domain
    if kind == "temp":
        return rng.choice(TEMPMAIL)
    return rng.choice(FREEMAIL_CC.get(cc, FREEMAIL))


class Network:
    """Per-account source-IP model. kinds: home, office, dc, mixed-dev, nat, pool, sticky-pool."""
    def __init__(self, rng, kind, cc, ips=None, pool=None, mobile_p=0.0, sticky=False):
        self.kind, self.cc, self.pool, self.mobile_p, self.sticky = kind, cc, pool, mobile_p, sticky
        self.ips = ips or []
        self.switch_day = rng.uniform(0, 14) if kind == "home" and rng.random() < 0.3 else None
        self.alt = resi_ip(rng, cc) if self.switch_day is not None else None
        self.mobile = resi_ip(rng, cc, v6p=0.6) if cc else None
        self._sess = None
        self._sess_ip = None

    def ip(self, rng, ts, session_id=None):
        if self.pool is not None:
            if self.sticky and session_id is not None:
                if session_id != self._sess:
                    self._sess, self._sess_ip = session_id, rng.choice(self.pool)
                return self._sess_ip
            return rng.choice(self.pool)
        if self.mobile_p and self.mobile and rng.random() < self.mobile_p:
            return self.mobile
        if self.switch_day is not None and (ts - EPOCH0) / DAY > self.switch_day:
            return self.alt
        return rng.choice(self.ips)


class Account:
    __slots__ = ("id", "idx", "persona", "label", "campaign", "org_id", "keys", "created_at", "payment", "email",
                 "country", "tier", "tz", "net", "uas", "ua_upgrade", "models", "start", "end", "n_target", "params", "rng")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def account_obj(self):
        return {"created_at": iso(self.created_at), "payment_fingerprint": self.payment, "email_domain": self.email,
                "country": self.country, "tier": self.tier}


PRICES = {"nova-pro": (3.0, 15.0), "nova-mini": (0.15, 0.6), "nova-reason": (5.0, 25.0), "nova-pro-long": (6.0, 22.5),
          "nova-instruct-legacy": (1.5, 2.0)}


def make_event(acct, rng, ts, body, text=None, *, model, endpoint="/v1/chat/completions", ip=None, ua=None, key=None,
               status=200, tool_calls=None, finish=None, logprob_tokens=None, n_choices=1, batch=False):
    """Serialise one event. `text` is the assistant output (string)."""
    rid = "req_" + hexid(rng, 20)
    out = {"request_id": rid, "ts": iso(ts), "account_id": acct.id, "org_id": acct.org_id,
           "api_key_id": key or acct.keys[0], "ip": ip, "user_agent": ua, "endpoint": endpoint, "model": model,
           "request": body, "account": acct.account_obj()}
    if endpoint == "/v1/completions":
        ptoks = T.ntok(body.get("prompt") or "") + 1
    else:
        ptoks = T.msgs_tokens(body.get("messages", []), body.get("tools"))
    if status != 200:
        out["status"] = status
        out["response"] = {"error": {"type": {429: "rate_limit_exceeded", 400: "invalid_request_error",
                                              500: "server_error", 503: "overloaded", 408: "timeout"}.get(status, "error"),
                                     "message": "request failed"}}
        out["latency_ms"] = round(rng.uniform(20, 200) if status in (429, 400) else rng.uniform(1000, 30000), 1)
        out["cost_usd"] = 0.0
        return ts, json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    text = text or ""
    maxt = body.get("max_tokens") or body.get("max_completion_tokens")
    ctoks = T.ntok(text) if text else 0
    if tool_calls:
        ctoks += T.ntok(json.dumps(tool_calls)) + 6
    if finish is None:
        finish = "tool_calls" if tool_calls else "stop"
        if maxt and ctoks >= maxt:
            finish, ctoks = "length", maxt
    choices = []
    for i in range(n_choices):
        if endpoint == "/v1/completions":
            ch = {"index": i, "text": text, "finish_reason": finish}
        else:
            msg = {"role": "assistant", "content": text if text or not tool_calls else None}
            if tool_calls:
                msg["tool_calls"] = tool_calls
            ch = {"index": i, "message": msg, "finish_reason": finish}
        if logprob_tokens:
            if endpoint == "/v1/completions":
                ch["logprobs"] = {"tokens": [t for t, _, _ in logprob_tokens],
                                  "token_logprobs": [lp for _, lp, _ in logprob_tokens],
                                  "top_logprobs": [dict(tops) for _, _, tops in logprob_tokens]}
            else:
                ch["logprobs"] = {"content": [{"token": t, "logprob": lp,
                                               "top_logprobs": [{"token": a, "logprob": b} for a, b in tops]}
                                              for t, lp, tops in logprob_tokens]}
        choices.append(ch)
    ctoks_all = ctoks * n_choices
    out["response"] = {"id": "chatcmpl-" + hexid(rng, 24), "object": "text_completion" if endpoint == "/v1/completions" else "chat.completion",
                       "created": int(ts), "model": model, "choices": choices,
                       "usage": {"prompt_tokens": ptoks, "completion_tokens": ctoks_all, "total_tokens": ptoks + ctoks_all}}
    out["status"] = 200
    tok_ms = {"nova-mini": 7, "nova-pro": 18, "nova-reason": 25, "nova-pro-long": 20}.get(model, 12)
    out["latency_ms"] = round(rng.uniform(180, 900) + ptoks * 0.04 + ctoks * tok_ms * rng.uniform(0.7, 1.4)
                              + (rng.uniform(2000, 9000) if model == "nova-reason" else 0), 1)
    pin, pout = PRICES.get(model, (1.0, 3.0))
    cost = (ptoks * pin + ctoks_all * pout) / 1e6
    if batch:
        cost *= 0.5
    out["cost_usd"] = round(cost, 6)
    return ts, json.dumps(out, ensure_ascii=False, separators=(",", ":"))
