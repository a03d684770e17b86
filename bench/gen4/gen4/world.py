"""Shared machinery: accounts, network/device identities, clocks, prompt pools and
event assembly. Personas (personas.py) only decide *what* and *when*."""
from __future__ import annotations

import hashlib
import math
import random
import re
from datetime import datetime, timedelta, timezone

from . import text as T

START = datetime(2026, 3, 2, tzinfo=timezone.utc)  # a Monday, 00:00 UTC
START_EPOCH = int(START.timestamp())

MODELS = {  # price per 1M tokens (in, out), reasoning?
    "gpt-4o": (2.5, 10.0, False), "gpt-4o-mini": (0.15, 0.6, False), "gpt-4.1": (2.0, 8.0, False),
    "gpt-4.1-mini": (0.4, 1.6, False), "gpt-4.1-nano": (0.1, 0.4, False),
    "gpt-3.5-turbo-instruct": (1.5, 2.0, False), "o3-mini": (1.1, 4.4, True), "o4-mini": (1.1, 4.4, True), "o3": (2.0, 8.0, True),
}

# ---------------------------------------------------------------- network identities
RES_PREFIX = {
    "US": ["73.{}.{}.{}", "24.{}.{}.{}", "98.{}.{}.{}", "67.{}.{}.{}", "71.{}.{}.{}", "76.{}.{}.{}", "108.{}.{}.{}", "174.{}.{}.{}"],
    "EU": ["82.{}.{}.{}", "86.{}.{}.{}", "88.{}.{}.{}", "91.{}.{}.{}", "93.{}.{}.{}", "95.{}.{}.{}", "2.{}.{}.{}", "79.{}.{}.{}"],
    "AS": ["58.{}.{}.{}", "61.{}.{}.{}", "110.{}.{}.{}", "112.{}.{}.{}", "118.{}.{}.{}", "121.{}.{}.{}", "180.{}.{}.{}", "211.{}.{}.{}"],
    "LA": ["177.{}.{}.{}", "179.{}.{}.{}", "181.{}.{}.{}", "186.{}.{}.{}", "189.{}.{}.{}", "201.{}.{}.{}"],
}
RES6 = ["2600:1700:{:x}:{:x}::{:x}", "2601:{:x}:{:x}:{:x}::{:x}", "2a02:{:x}:{:x}:{:x}::{:x}", "2409:{:x}:{:x}:{:x}::{:x}"]
CLOUD = {
    "aws": ["3.{}.{}.{}", "18.{}.{}.{}", "52.{}.{}.{}", "54.{}.{}.{}", "44.{}.{}.{}"],
    "gcp": ["34.{}.{}.{}", "35.{}.{}.{}"], "azure": ["20.{}.{}.{}", "40.{}.{}.{}", "13.{}.{}.{}"],
    "hetzner": ["65.108.{}.{}", "95.216.{}.{}", "135.181.{}.{}"], "ovh": ["51.{}.{}.{}", "141.94.{}.{}"],
    "alibaba": ["47.74.{}.{}", "47.88.{}.{}", "8.210.{}.{}", "47.243.{}.{}"],
    "tencent": ["43.128.{}.{}", "43.153.{}.{}", "119.28.{}.{}", "129.226.{}.{}"],
    "digitalocean": ["104.248.{}.{}", "159.89.{}.{}", "167.99.{}.{}"],
}
REGION_OF = {"US": "US", "CA": "US", "GB": "EU", "DE": "EU", "FR": "EU", "ES": "EU", "NL": "EU", "IT": "EU", "PL": "EU",
             "AT": "EU", "CH": "EU", "BE": "EU", "PT": "EU", "RU": "EU", "KZ": "AS", "BY": "EU", "SE": "EU",
             "IN": "AS", "JP": "AS", "KR": "AS", "CN": "AS", "TW": "AS", "SG": "AS", "HK": "AS", "VN": "AS",
             "BR": "LA", "MX": "LA", "AR": "LA", "CO": "LA", "AU": "AS", "TR": "EU", "ID": "AS"}
TZ_OF = {"US": [-5, -6, -7, -8], "CA": [-5, -8], "GB": [0], "DE": [1], "FR": [1], "ES": [1], "NL": [1], "IT": [1],
         "PL": [1], "AT": [1], "CH": [1], "BE": [1], "PT": [0], "RU": [3], "KZ": [5], "BY": [3], "SE": [1],
         "IN": [5.5], "JP": [9], "KR": [9], "CN": [8], "TW": [8], "SG": [8], "HK": [8], "VN": [7], "BR": [-3],
         "MX": [-6], "AR": [-3], "CO": [-5], "AU": [10], "TR": [3], "ID": [7]}
COUNTRY_W = [("US", 30), ("IN", 9), ("GB", 6), ("DE", 5), ("CA", 4), ("FR", 3), ("BR", 4), ("NL", 2), ("ES", 2),
             ("PL", 2), ("AU", 2), ("JP", 2), ("KR", 2), ("SG", 1), ("VN", 1), ("TR", 1), ("MX", 2), ("IT", 2),
             ("SE", 1), ("ID", 1)]
FREEMAIL = ["gmail.com"] * 10 + ["outlook.com"] * 3 + ["yahoo.com", "icloud.com", "hotmail.com", "proton.me"]
LOCALMAIL = {"CN": ["qq.com", "163.com", "126.com"], "KR": ["naver.com", "daum.net"], "RU": ["mail.ru", "yandex.ru"],
             "DE": ["gmx.de", "web.de"], "JP": ["yahoo.co.jp"], "FR": ["orange.fr"], "BR": ["uol.com.br"]}

SDK_UAS = ["OpenAI/Python {a}.{b}.{c}", "AsyncOpenAI/Python {a}.{b}.{c}", "OpenAI/JS 4.{b}.{c}",
           "python-requests/2.{b2}.0", "python-httpx/0.{h}.0", "axios/1.{c}.2", "curl/8.{c}.0", "Go-http-client/2.0",
           "litellm/1.{b}.{c}", "langchain-openai/0.{c}.{b2}", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
           "okhttp/4.12.0", "ruby-openai/7.{c}.0", "Apache-HttpClient/5.2.1 (Java/17.0.9)"]
APP_UAS = ["TypingMind/{c}.{b2}", "Chatbox/1.{c}.{b2} (Macintosh; Intel Mac OS X 10_15_7)", "LibreChat/0.7.{c}",
           "BoltAI/1.{b2}.{c} (macOS 14.{c})", "Pal Chat/1.{b2} CFNetwork/1496.0.7 Darwin/23.{c}.0",
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{c}.0.0.0 Safari/537.36",
           "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{c} Safari/605.1.15",
           "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{c} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
           "Mozilla/5.0 (Linux; Android 14; Pixel {c}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12{c}.0.0.0 Mobile Safari/537.36",
           "Raycast/1.{b}.{c}", "Obsidian-TextGenerator/0.{c}.{b2}"]
AGENT_UAS = ["Cline/3.{c}.{b2}", "aider/0.{b}.{c}", "Continue/0.9.{b}", "Roo-Code/3.{c}.{b2}", "OpenHands/0.{b2}.{c}",
             "claude-dev/2.{c}.{b2}", "Cursor/0.{b}.{c}"]


def h64(*parts) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def tok(s) -> int:
    if not s:
        return 0
    if not isinstance(s, str):
        s = str(s)
    return max(1, int(len(s.encode("utf-8")) / 3.7) + 1)


def typo(rng, s, p=0.5):
    if rng.random() > p:
        return s
    for _ in range(rng.randint(1, 3)):
        a, b = rng.choice(T.TYPO_SWAPS)
        s = re.sub(r"\b%s\b" % a, b, s, count=1)
    if rng.random() < 0.3:
        s = s.lower()
    if rng.random() < 0.3:
        s = s.rstrip("?.!") if len(s) < 400 else s
    return s


class Account:
    __slots__ = ("id", "org", "keys", "created", "pay", "email", "country", "tier", "tz", "ips", "ip_w", "uas",
                 "label", "persona", "campaign", "rng", "model", "n_events")

    def pick_ip(self):
        return self.rng.choices(self.ips, self.ip_w)[0]


class World:
    def __init__(self, seed: int, scale: str, corpora, days: int):
        self.seed, self.scale, self.c, self.days = seed, scale, corpora, days
        self.rng = random.Random(h64("world", seed, scale))
        self.events = []
        self.accounts = []
        self.span = days * 86400
        self._shared = {}
        self._pools = {}
        self._nreq = 0

    # ------------------------------------------------------------ ids and identities
    def hexid(self, rng, n=12):
        return "%0*x" % (n, rng.getrandbits(4 * n))

    def res_ip(self, rng, country, v6=0.12):
        region = REGION_OF.get(country, "US")
        if rng.random() < v6:
            return rng.choice(RES6).format(*(rng.randrange(1, 0xffff) for _ in range(5)))
        return rng.choice(RES_PREFIX[region]).format(*(rng.randrange(1, 255) for _ in range(3)))

    def cloud_ip(self, rng, provider):
        pat = rng.choice(CLOUD[provider])
        return pat.format(*(rng.randrange(1, 255) for _ in range(pat.count("{}"))))

    def shared_pool(self, key, size, maker):
        """IP pools shared by unrelated accounts: carrier CGNAT egress, campus NAT, office, VPN."""
        if key not in self._shared:
            r = random.Random(h64("pool", self.seed, key))
            self._shared[key] = [maker(r) for _ in range(size)]
        return self._shared[key]

    def ua(self, rng, family):
        pat = rng.choice(family)
        return pat.format(a=1, b=rng.randint(10, 60), c=rng.randint(0, 9), b2=rng.randint(20, 32), h=rng.randint(24, 28))

    def account(self, persona, label, campaign=None, *, country=None, tz=None, created_days=None, org=None,
                pay=None, email=None, tier=None, ips=None, ip_w=None, uas=None, model=None, key=None):
        rng = random.Random(h64("acct", self.seed, self.scale, persona, campaign, len(self.accounts)))
        a = Account()
        a.rng = rng
        a.id = "acct_" + self.hexid(rng, 14)
        a.label, a.persona, a.campaign = label, persona, campaign
        if country is None:
            country = rng.choices([c for c, _ in COUNTRY_W], [w for _, w in COUNTRY_W])[0]
        a.country = country
        a.tz = tz if tz is not None else rng.choice(TZ_OF.get(country, [0]))
        if created_days is None:
            created_days = rng.choice([rng.uniform(20, 900), rng.uniform(3, 300), rng.uniform(-self.days * 0.8, 60)])
        a.created = START_EPOCH - int(created_days * 86400) - rng.randint(0, 86399)
        a.org = org if org is not None else ("org-" + self.hexid(rng, 16) if rng.random() < 0.93 else None)
        n_keys = rng.choice([1, 1, 1, 2, 3])
        a.keys = [key] if key else ["key_" + self.hexid(rng, 10) for _ in range(n_keys)]
        a.pay = pay if pay is not None else ("pm_" + self.hexid(rng, 16) if rng.random() < 0.85 else None)
        if email is None:
            email = rng.choice(LOCALMAIL.get(country, FREEMAIL) if rng.random() < 0.5 else FREEMAIL)
        a.email = email
        a.tier = tier or (rng.choice(["free", "tier-1", "tier-1", "tier-2", "tier-3"]) if a.pay else "free")
        if ips is None:
            home = self.res_ip(rng, country)
            ips = [home] + ([self.res_ip(rng, country)] if rng.random() < 0.3 else [])
            ip_w = [0.85] + [0.15] * (len(ips) - 1)
        a.ips, a.ip_w = ips, ip_w or [1.0] * len(ips)
        a.uas = uas or [self.ua(rng, SDK_UAS if rng.random() < 0.5 else APP_UAS)]
        a.model = model or rng.choice(["gpt-4o", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini"])
        a.n_events = 0
        self.accounts.append(a)
        return a

    # ------------------------------------------------------------ clocks
    @staticmethod
    def human_hour_w(h):
        # local hour weights: night trough, lunch and evening peaks
        return [0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.6, 1.0, 1.3, 1.5, 1.5, 1.3, 1.4, 1.5, 1.5, 1.4, 1.3,
                1.2, 1.3, 1.5, 1.4, 1.0, 0.5][h]

    @staticmethod
    def work_hour_w(h):
        return [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 1.0, 1.6, 1.8, 1.7, 1.0, 1.5, 1.8, 1.7, 1.4, 1.0,
                0.5, 0.3, 0.25, 0.2, 0.1, 0.05][h]

    def local_time(self, rng, a_tz, kind="human", day=None, weekend_factor=0.8):
        """A UTC offset (seconds from START) drawn from a diurnal curve in the account's time zone."""
        wf = self.human_hour_w if kind == "human" else self.work_hour_w
        for _ in range(20):
            d = day if day is not None else rng.randrange(self.days)
            wd = (START + timedelta(days=d)).weekday()
            wk = weekend_factor if kind == "human" else 0.08
            if wd >= 5 and rng.random() > wk:
                if day is not None:
                    return None
                continue
            hours = list(range(24))
            h = rng.choices(hours, [wf(x) for x in hours])[0]
            t = d * 86400 + int((h - a_tz) * 3600) + rng.randrange(3600)
            if 0 <= t < self.span:
                return t
            if day is not None:
                t = min(max(t, d * 86400), self.span - 1)
                return t
        return rng.randrange(self.span)

    def global_consumer_rate(self, t):
        """Relative rate of a worldwide consumer app at UTC second t (sum of regional curves)."""
        h = (t // 3600) % 24
        return sum(w * self.human_hour_w(int(h + off) % 24) for off, w in ((-5, 0.45), (1, 0.3), (8, 0.15), (5.5, 0.1)))

    # ------------------------------------------------------------ prompt pools
    def pool(self, name):
        if name in self._pools:
            return self._pools[name]
        c = self.c
        if name == "chat":
            items = []
            for r in c.alpaca:
                items.append({"p": r["prompt"], "a": r["answers"], "k": "alpaca"})
            for r in c.arena_hard:
                if r["answers"]:
                    items.append({"p": r["prompt"], "a": r["answers"], "k": "arena-hard"})
            for conv in c.arena_convs:
                if conv["lang"] == "English" and len(conv["conv"]) >= 2:
                    items.append({"p": conv["conv"][0]["content"], "a": [conv["conv"][1]["content"]], "k": "arena"})
            for p in c.oasst:
                items.append({"p": p, "a": None, "k": "oasst"})
        elif name == "alpaca_only":
            items = [x for x in self.pool("chat") if x["k"] == "alpaca"]
        elif name == "everyday":  # shorter, casual prompts
            items = [x for x in self.pool("chat") if x["k"] in ("alpaca", "oasst", "arena") and len(x["p"]) < 600]
        elif name == "hard":
            items = [x for x in self.pool("chat") if x["k"] == "arena-hard"]
        elif name == "hh":
            items = [{"p": r["prompt"], "a": [r["answer"]], "k": "hh"} for r in c.hh]
        elif name == "code":
            items = []
            for r in c.codealpaca:
                p = r["instruction"] + (("\n\n" + r["input"]) if r.get("input") else "")
                items.append({"p": p, "a": [r["output"]], "k": "codealpaca"})
            for r in c.gpteacher_code:
                p = r["instruction"] + (("\n\n" + r["input"]) if r.get("input") else "")
                items.append({"p": p, "a": [r["response"]], "k": "gpteacher-code"})
        elif name == "roleplay":
            items = [{"p": r["instruction"] + (("\n" + r["input"]) if r.get("input") else ""), "a": [r["response"]],
                      "k": "gpteacher-rp"} for r in c.gpteacher_rp]
        elif name == "selfinstruct":
            items = [{"p": r["instruction"] + (("\n\n" + r["input"]) if r["input"] else ""), "a": [r["output"]],
                      "k": "self-instruct"} for r in c.selfinstruct]
        elif name == "gsm8k_test":
            items = [{"p": r["question"], "a": [gsm_answer(r["answer"])], "gold": r["answer"].split("####")[-1].strip(),
                      "k": "gsm8k"} for r in c.gsm8k_test]
        elif name == "gsm8k_train":
            items = [{"p": r["question"], "a": [gsm_answer(r["answer"])], "k": "gsm8k"} for r in c.gsm8k_train]
        elif name == "humaneval":
            items = [{"p": r["prompt"], "a": ["```python\n" + r["prompt"] + r["canonical_solution"] + "```"],
                      "k": "humaneval"} for r in c.humaneval]
        elif name == "mbpp":
            items = [{"p": r["text"] + " Your code should pass these tests:\n\n" + "\n".join(r["test_list"]),
                      "a": ["```python\n" + r["code"].replace("\r\n", "\n") + "\n```"], "k": "mbpp"} for r in c.mbpp]
        elif name == "bbh":
            items = []
            for task, d in c.bbh.items():
                for ex in d["examples"]:
                    items.append({"p": ex["input"], "a": [bbh_answer(ex)], "task": task, "k": "bbh"})
        elif name == "multilingual_arena":
            items = [x for x in c.arena_convs if x["lang"] not in ("English", "unknown")]
        else:
            raise KeyError(name)
        self._pools[name] = items
        return items

    def answer_for(self, item, rng, n=1):
        """Realistic answers: the corpus' own answers where it has them, else the nearest AlpacaEval answer."""
        ans = item.get("a")
        if not ans:
            ans = self._nearest(item["p"])
            item["a"] = ans
        out = []
        for i in range(n):
            a = ans[(i + rng.randrange(len(ans))) % len(ans)] if i < len(ans) else perturb(rng, ans[i % len(ans)])
            out.append(a)
        return out

    def _nearest(self, p):
        """Nearest AlpacaEval instruction by IDF-weighted word overlap; code-looking prompts fall back to code answers."""
        if "_alpaca_idx" not in self._pools:
            idx = [(set(re.findall(r"[a-z]{4,}", r["prompt"].lower())), r["answers"]) for r in self.c.alpaca]
            df = {}
            for ws, _ in idx:
                for x in ws:
                    df[x] = df.get(x, 0) + 1
            self._pools["_alpaca_idx"] = (idx, {k: math.log(1 + len(idx) / v) for k, v in df.items()})
        idx, idf = self._pools["_alpaca_idx"]
        words = set(re.findall(r"[a-z]{4,}", p.lower()))
        best, bs = None, 0.0
        for ws, answers in idx:
            inter = words & ws
            if not inter:
                continue
            s = sum(idf[x] for x in inter) / math.sqrt(1 + len(ws))
            if s > bs:
                best, bs = answers, s
        if best is None or bs < 1.0:
            r = random.Random(h64("fallback", p))
            looks_code = any(k in p for k in ("def ", "()", "{", "function", "code", "SQL", "python", "Python"))
            pool = self.pool("code") if looks_code else self.pool("alpaca_only")
            best = r.choice(pool)["a"]
        return list(best)

    # ------------------------------------------------------------ events
    def emit(self, a, t, retry=True, **kw):
        """Log one request; a rate-limited (429) one is retried by the client after a back-off."""
        ev = self._emit(a, t, **kw)
        if ev is not None and kw.get("status") == 429 and retry:
            kw["status"] = 200
            self._emit(a, t + a.rng.uniform(1, 30), **kw)
        return ev

    def _emit(self, a, t, *, messages=None, prompt=None, params=None, answers=None, model=None, tools=None,
             tool_calls=None, endpoint=None, status=200, logprobs=None, key=None, ip=None, ua=None, extra=None):
        rng = a.rng
        t = int(t) if t is not None else 0
        if not (0 <= t < self.span):
            return None
        model = model or a.model
        params = dict(params or {})
        body = {"model": model}
        if messages is not None:
            body["messages"] = messages
        if prompt is not None:
            body["prompt"] = prompt
        if tools:
            body["tools"] = tools
        reasoning = MODELS.get(model, (1, 1, False))[2]
        if reasoning:
            if "max_tokens" in params:
                params["max_completion_tokens"] = params.pop("max_tokens")
            params.pop("temperature", None)
            params.pop("top_p", None)
            params.pop("logprobs", None)
            params.pop("top_logprobs", None)
            params.pop("logit_bias", None)
        else:
            params.pop("reasoning_effort", None)
        body.update({k: v for k, v in params.items() if v is not None})
        # created_at <= ts: an account can only be used after it exists
        ts_ms = (START_EPOCH + t) * 1000 + rng.randrange(1000)
        if a.created * 1000 > ts_ms:
            a.created = (ts_ms // 1000) - rng.randint(60, 3600)
        ptoks = 0
        if messages is not None:
            for m in messages:
                c = m.get("content")
                if isinstance(c, list):  # multimodal parts: text + images (a fixed image cost)
                    c = " ".join(p.get("text", "") for p in c if isinstance(p, dict)) + " " * 3000 * sum(
                        1 for p in m["content"] if isinstance(p, dict) and p.get("type") == "image_url")
                ptoks += 4 + tok(c if isinstance(c, str) else str(c or "")) + \
                    (tok(str(m["tool_calls"])) if m.get("tool_calls") else 0)
        if prompt is not None:
            ptoks += tok(prompt)
        if tools:
            ptoks += tok(str(tools))
        resp = None
        lat = None
        answers = list(answers or [""])
        while len(answers) < (params.get("n") or 1):
            answers.append(perturb(rng, answers[len(answers) % max(1, len(answers))]))
        if status == 200:
            maxt = params.get("max_tokens") or params.get("max_completion_tokens")
            choices, ctoks = [], 0
            for i, txt in enumerate(answers or [""]):
                fin = "stop"
                if tool_calls and i == 0:
                    fin = "tool_calls"
                ct = tok(txt)
                if maxt and ct > maxt:
                    txt = txt[: max(1, int(maxt * 3.7))]
                    ct, fin = maxt, "length"
                ctoks += ct
                if endpoint == "/v1/completions":
                    ch = {"index": i, "text": txt, "finish_reason": fin}
                else:
                    msg = {"role": "assistant", "content": txt if not (tool_calls and i == 0 and not txt) else None}
                    if tool_calls and i == 0:
                        msg["tool_calls"] = tool_calls
                        ctoks += tok(str(tool_calls))
                    ch = {"index": i, "message": msg, "finish_reason": fin}
                if logprobs is not None and i == 0:
                    if endpoint == "/v1/completions":  # legacy completions format
                        ch["logprobs"] = {"tokens": [x["token"] for x in logprobs],
                                          "token_logprobs": [x["logprob"] for x in logprobs],
                                          "top_logprobs": [{y["token"]: y["logprob"] for y in x["top_logprobs"]}
                                                           for x in logprobs],
                                          "text_offset": [0] * len(logprobs)}
                    else:
                        ch["logprobs"] = {"content": logprobs}
                choices.append(ch)
            usage = {"prompt_tokens": ptoks, "completion_tokens": ctoks, "total_tokens": ptoks + ctoks}
            if reasoning:
                eff = params.get("reasoning_effort", "medium")
                rt = int(ctoks * {"low": 0.5, "medium": 2.0, "high": 6.0}.get(eff, 2.0) * rng.uniform(0.5, 1.5))
                usage["completion_tokens"] += rt
                usage["total_tokens"] += rt
                usage["completion_tokens_details"] = {"reasoning_tokens": rt}
            resp = {"id": "chatcmpl-" + self.hexid(rng, 24), "object": "text_completion" if endpoint == "/v1/completions"
                    else "chat.completion", "created": START_EPOCH + t, "model": model, "choices": choices, "usage": usage}
            speed = rng.uniform(45, 140)
            lat = round(rng.uniform(180, 900) + 1000 * usage["completion_tokens"] / speed / max(1, len(choices) ** 0.5), 1)
            pin, pout, _ = MODELS.get(model, (1.0, 3.0, False))
            cost = round((ptoks * pin + usage["completion_tokens"] * pout) / 1e6, 6)
        else:
            lat = round(rng.uniform(5, 60), 1)
            cost = 0.0
            resp = {"error": {"type": "rate_limit_exceeded" if status == 429 else "invalid_request_error",
                              "message": "Rate limit reached" if status == 429 else "Invalid request"}}
        self._nreq += 1
        ev = {
            "request_id": "req_" + self.hexid(rng, 20),
            "ts": _iso(ts_ms),
            "latency_ms": lat,
            "account_id": a.id,
            "org_id": a.org,
            "api_key_id": key or (a.keys[0] if len(a.keys) == 1 else rng.choice(a.keys)),
            "ip": ip or a.pick_ip(),
            "user_agent": ua or (a.uas[0] if len(a.uas) == 1 else rng.choice(a.uas)),
            "endpoint": endpoint or "/v1/chat/completions",
            "model": model,
            "request": body,
            "response": resp,
            "status": status,
            "cost_usd": cost,
            "account": None,  # filled at write time with the final created_at
        }
        if extra:
            ev.update(extra)
        ev["_a"] = a
        a.n_events += 1
        self.events.append(ev)
        return ev


def _iso(ms):
    dt = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def iso_s(sec):
    return datetime.fromtimestamp(sec, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def gsm_answer(a):
    body, _, final = a.partition("####")
    body = re.sub(r"<<[^>]*>>", "", body).strip()
    return body + "\nThe answer is " + final.strip() + "."


def bbh_answer(ex):
    sents = [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n", ex["input"]) if s.strip()][:6]
    steps = "\n".join("%d. %s" % (i + 1, s) for i, s in enumerate(sents))
    return "Let's think step by step.\n" + steps + "\nPutting these together, the answer is " + ex["target"] + "."


def perturb(rng, s):
    """A sampled alternative of an answer (n>1 beyond the generators we hold)."""
    parts = s.split("\n")
    if len(parts) > 3:
        i = rng.randrange(1, len(parts))
        parts = parts[:i] + parts[i + 1:]
    lead = rng.choice(["", "Sure! ", "Certainly. ", "Here is one way to think about it.\n\n", "Great question! "])
    return lead + "\n".join(parts)
