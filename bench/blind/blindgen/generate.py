"""python -m blindgen.generate --seed N --scale {small,standard,large} --out DIR"""
import argparse
import heapq
import json
import os
import random
import sys

from . import vocab as V
from .behave import ATTACK, LEGIT, public_benchmark
from .world import (DAY, EPOCH0, Account, Network, dc_block, dc_ip, email_for, hexid, pick_country, resi_ip, tz_of,
                    ua_python, ua_random, host_v4)

SCALES = {"small": dict(accounts=300, events=30_000, days=3), "standard": dict(accounts=1500, events=300_000, days=14),
          "large": dict(accounts=4000, events=1_400_000, days=14)}

# legit persona: (share of legit accounts, raw events per 14 days, lognormal sigma)
LEGIT_MIX = {
    "casual-chat": (0.26, 40, 1.0), "casual-stepwise": (0.06, 45, 0.9), "student": (0.08, 60, 0.9),
    "student-nat-campus": (0.07, 50, 0.8), "corp-nat-employee": (0.035, 150, 0.9), "developer": (0.11, 300, 1.0),
    "dev-team-agentic": (0.08, 800, 0.7), "eval-researcher": (0.02, 0, 0.0), "enterprise-batch": (0.025, 5000, 0.6),
    "writing-relay-app": (0.015, 4000, 0.6), "support-bot": (0.02, 2500, 0.6), "translation-service": (0.01, 2000, 0.5),
    "data-labelling": (0.015, 3000, 0.6), "power-user": (0.04, 700, 0.6), "zh-user": (0.06, 60, 0.9),
    "zh-developer": (0.02, 300, 0.8), "other-language-user": (0.04, 40, 0.9),
}

# campaigns: (persona, size, raw events per account per 14 days, knobs)
K_DC = dict(infra="dc-shared", ua="shared", tz="shared", age="fresh", pay="shared", email="temp", profile="burst")
K_RESI = dict(infra="resi-pool", ua="per-account", tz="per-account", age="aged", pay="distinct", email="free",
              paraphrase=True, wrap=0.35, cover=0.2, profile="evening", pool=3000)
K_OWN = dict(infra="own", ua="per-account", tz="per-account", age="aged", pay="distinct", email="free", profile="evening")

def C(persona, size, raw, base, **over):
    k = dict(base); k.update(over); return (persona, size, raw, k)

CAMPAIGNS = {
    "small": [
        C("synthetic-instruction-harvest", 10, 300, K_RESI, pool=400),
        C("capability-sweep", 10, 400, K_DC),
        C("benchmark-harvest", 3, 500, K_DC, infra="resi-sticky", ua="per-account", pool=60, n=5, wrap=0.3),
        C("cot-elicitation", 1, 400, K_DC),
        C("logprob-logit-extraction", 1, 4000, K_DC, completions=True),
        C("identity-probing", 1, 60, K_OWN, cover=0.4),
        C("agentic-trajectory-harvest", 3, 600, K_DC, ua="per-account", pay="few"),
        C("multiturn-distillation", 3, 500, K_DC, infra="resi-sticky", pool=50, profile="evening", wrap=0.3),
        C("zh-synthetic-harvest", 3, 300, K_OWN, lang="zh", countries=["CN"], cover=0.15, profile="office"),
        C("slow-low-sweep", 1, 80, K_OWN, profile="slow", cover=0.3, wrap=0.6, paraphrase=True),
    ],
    "standard": [
        C("capability-sweep", 50, 400, K_DC),
        C("synthetic-instruction-harvest", 200, 300, K_RESI),
        C("benchmark-harvest", 10, 500, K_DC, infra="resi-sticky", ua="per-account", pool=300, n=5, wrap=0.3, pay="few"),
        C("cot-elicitation", 3, 400, K_DC, shared_org=True),
        C("logprob-logit-extraction", 1, 5000, K_DC, completions=True),
        C("identity-probing", 3, 60, K_OWN, cover=0.4),
        C("agentic-trajectory-harvest", 10, 600, K_DC, ua="per-account", pay="few"),
        C("multiturn-distillation", 3, 500, K_DC, infra="resi-sticky", pool=80, profile="evening", wrap=0.3),
        C("zh-synthetic-harvest", 10, 300, K_OWN, lang="zh", countries=["CN"], cover=0.15, profile="office"),
        C("slow-low-sweep", 1, 150, K_OWN, profile="slow", cover=0.3, wrap=0.6, paraphrase=True),
        C("multiturn-distillation", 1, 400, K_OWN, profile="evening", cover=0.1, wrap=0.5),
    ],
    "large": [
        C("synthetic-instruction-harvest", 500, 150, K_RESI, pool=6000),
        C("capability-sweep", 200, 250, K_DC, pay="few"),
        C("zh-synthetic-harvest", 50, 250, K_OWN, lang="zh", countries=["CN"], cover=0.15, profile="office", infra="resi-pool", pool=1500),
        C("agentic-trajectory-harvest", 50, 500, K_DC, ua="per-account", pay="few", age="aged"),
        C("benchmark-harvest", 10, 500, K_DC, infra="resi-sticky", ua="per-account", pool=300, n=5, wrap=0.3, pay="few"),
        C("cot-elicitation", 10, 400, K_RESI, paraphrase=False, cover=0.1, profile="burst"),
        C("multiturn-distillation", 10, 500, K_DC, infra="resi-sticky", pool=200, profile="evening", wrap=0.3),
        C("identity-probing", 3, 60, K_OWN, cover=0.4),
        C("logprob-logit-extraction", 1, 6000, K_DC, completions=True),
        C("logprob-logit-extraction", 3, 2000, K_RESI, cover=0.1, profile="office"),
        C("slow-low-sweep", 1, 150, K_OWN, profile="slow", cover=0.3, wrap=0.6, paraphrase=True),
        C("slow-low-sweep", 1, 120, K_OWN, profile="slow", cover=0.2, lang="zh", countries=["CN"]),
        C("multiturn-distillation", 1, 400, K_OWN, profile="evening", cover=0.1, wrap=0.5),
        C("benchmark-harvest", 1, 600, K_OWN, profile="office", stepwise=0.8),
    ],
}

ORG_BIAS_TOKENS = [50256, 198, 628, 13, 1298, 25, 220, 4210, 30, 5145, 91, 27, 1, 0, 11]
PY_ONLY = ["py", "langchain", "httpx"]


class World:
    def __init__(self, seed, scale):
        self.seed, self.scale = seed, scale
        self.cfg = SCALES[scale]
        self.rng = random.Random(f"world:{seed}:{scale}")
        self.t0 = EPOCH0
        self.t1 = EPOCH0 + self.cfg["days"] * DAY
        self.accounts = []
        self.labels = []

    # -------------------------------------------------------------- helpers
    def new_id(self):
        return "acct_" + hexid(self.rng, 12)

    def add(self, persona, label, campaign, raw, sigma, *, country, tz, net, uas, email, payment, org=None, tier="tier-2",
            created=None, start=None, keys=1, params=None, fixed=False, ua_upgrade=None):
        r = self.rng
        created = created if created is not None else self.t0 - r.uniform(3, 900) * DAY
        a = Account(id=self.new_id(), idx=len(self.accounts), persona=persona, label=label, campaign=campaign,
                    org_id=org or ("org-" + hexid(r, 16)), keys=["key_" + hexid(r, 10) for _ in range(keys)],
                    created_at=created, payment=payment, email=email, country=country, tier=tier, tz=tz, net=net,
                    uas=uas, ua_upgrade=ua_upgrade, models=None, start=max(self.t0, start or created, created),
                    end=self.t1, params=params or {})
        a.params["_raw"] = raw * (r.lognormvariate(0, sigma) if sigma else 1.0) * (self.cfg["days"] / 14.0)
        a.params["_fixed"] = fixed
        a.rng = random.Random(f"acct:{self.seed}:{self.scale}:{a.idx}")
        self.accounts.append(a)
        self.labels.append({"account_id": a.id, "label": label, "persona": persona, "campaign_id": campaign})
        return a

    def home_net(self, cc, mobile=0.1):
        return Network(self.rng, "home", cc, ips=[resi_ip(self.rng, cc)], mobile_p=mobile)

    def dc_net(self, n=2, provider=None):
        provider = provider or self.rng.choice(["aws", "gcp", "azure", "aws", "digitalocean", "hetzner"])
        return Network(self.rng, "dc", None, ips=[dc_ip(self.rng, provider) for _ in range(n)])

    def pay(self, tier):
        return None if tier == "free" else "pmfp_" + hexid(self.rng, 14)

    # -------------------------------------------------------------- legit
    def build_legit(self, n_legit):
        r = self.rng
        counts = {p: max(1, int(round(s * n_legit))) for p, (s, _, _) in LEGIT_MIX.items()}
        diff = n_legit - sum(counts.values())
        counts["casual-chat"] += diff
        for persona, n in counts.items():
            share, raw, sigma = LEGIT_MIX[persona]
            made = 0
            while made < n:
                made += getattr(self, "mk_" + persona.replace("-", "_"), self.mk_single)(persona, raw, sigma, n - made)

    def mk_single(self, persona, raw, sigma, left):
        r = self.rng
        if persona in ("zh-user", "zh-developer"):
            cc = r.choice(["CN"] * 6 + ["SG", "US", "CA"])
        elif persona == "other-language-user":
            lang = r.choice(["es", "de", "ja", "fr"])
            cc = {"es": r.choice(["ES", "MX"]), "de": "DE", "ja": "JP", "fr": "FR"}[lang]
        else:
            cc = pick_country(r)
        tz = tz_of(r, cc)
        tier = r.choices(["free", "tier-1", "tier-2", "tier-3"], [35, 35, 20, 10])[0]
        params = {"profile": r.choice(["evening", "evening", "office", "student"]), "typo": r.choice([0, 0.01, 0.02, 0.04])}
        if persona == "casual-stepwise":
            params["stepwise"] = r.uniform(0.5, 0.95)
        elif persona == "student":
            params.update(student=True, profile="student", stepwise=r.uniform(0.1, 0.6))
        elif persona in ("zh-user", "zh-developer"):
            params["lang"] = "zh"
        elif persona == "other-language-user":
            params["lang"] = lang
        elif persona == "developer" or persona == "zh-developer":
            pass
        if persona in ("developer", "zh-developer"):
            tier = r.choice(["tier-1", "tier-2", "tier-3", "tier-4"])
            params.update(profile="office", temperature=r.choice([0, 0, 0.2, None]), json_mode=r.uniform(0, 0.4),
                          agentic=r.choice([0, 0, 0.2, 0.5]), seed=r.choice([None, None, 42, 1234]))
            if r.random() < 0.2:
                params["logit_bias"] = {str(t): -100 for t in r.sample(ORG_BIAS_TOKENS, r.randint(1, 4))}
            net = Network(r, "mixed", cc, ips=[resi_ip(r, cc), resi_ip(r, cc), dc_ip(r, r.choice(["azure", "aws"]))])
            uas = [ua_random(r, r.choice(PY_ONLY + ["js", "curl"]))]
            uas.append(ua_random(r, "py"))
            upg = self.t0 + r.uniform(0, self.cfg["days"]) * DAY if r.random() < 0.3 else None
        else:
            net = self.home_net(cc, mobile=r.choice([0, 0.1, 0.3]))
            if persona in ("zh-user",) and r.random() < 0.4:  # VPN / VPS egress
                net = Network(r, "dc", None, ips=[dc_ip(r, r.choice(["alibaba", "vultr", "tencent", "hetzner"]))])
            uas = [ua_random(r, r.choice(["browser", "browser", "py", "js", "req"]))]
            upg = None
        if persona == "power-user":
            tier = r.choice(["tier-2", "tier-3", "tier-4"]); params["profile"] = r.choice(["evening", "office", "night"])
        email = email_for(r, cc)
        if persona in ("developer", "zh-developer") and r.random() < 0.4:
            email = r.choice(V.COMPANIES).lower().replace(" ", "") + ".com"
        params.setdefault("model", r.choice(["nova-pro", "nova-pro", "nova-mini", "nova-reason"]))
        created = None
        if r.random() < 0.07:  # signed up during the window
            created = self.t0 + r.uniform(0, 0.8 * self.cfg["days"]) * DAY
            tier = r.choice(["free", "tier-1"])
        self.add(persona, "legit", None, raw, sigma, country=cc, tz=tz, net=net, uas=uas, email=email, payment=self.pay(tier),
                 tier=tier, params=params, ua_upgrade=upg, created=created)
        return 1

    def mk_dev_team_agentic(self, persona, raw, sigma, left):
        r = self.rng
        size = min(left, r.randint(3, 12))
        cc = pick_country(r, ["US", "GB", "DE", "IN", "FR", "CA", "JP", "CN", "KR", "SG"])
        tz = tz_of(r, cc)
        org = "org-" + hexid(r, 16)
        company = r.choice(V.COMPANIES).lower().replace(" ", "-") + r.choice([".com", ".io", ".ai"])
        pay = "pmfp_" + hexid(r, 14)
        office = [resi_ip(r, cc, v6p=0) for _ in range(r.randint(1, 2))]
        ci = [dc_ip(r, "azure") for _ in range(3)]
        bias = {str(t): -100 for t in r.sample(ORG_BIAS_TOKENS, r.randint(2, 6))} if r.random() < 0.6 else None
        repo = r.choice(V.REPOS)
        sysm = r.choice(V.CODING_SYS)
        created = self.t0 - r.uniform(30, 700) * DAY
        for _ in range(size):
            net = Network(r, "mixed", cc, ips=office * 3 + [resi_ip(r, cc)] + ci)
            uas = [ua_random(r, r.choice(PY_ONLY + ["js"]))]
            self.add(persona, "legit", None, raw, sigma, country=cc, tz=tz, net=net, uas=uas, email=company, payment=pay, org=org,
                     tier="tier-4", created=created + r.uniform(0, 200) * DAY if created + 200 * DAY < self.t0 else created,
                     keys=r.randint(1, 3), params={"profile": "office", "agentic": 0.8, "logit_bias": bias, "repo": repo, "sys": sysm,
                                                   "temperature": 0, "lang": "zh" if cc == "CN" else "en",
                                                   "model": r.choice(["nova-pro", "nova-pro-long"])})
        return size

    def mk_eval_researcher(self, persona, raw, sigma, left):
        r = self.rng
        cc = pick_country(r, ["US", "GB", "CN", "DE", "CA", "SG", "JP", "KR", "IN"])
        names = ["mmlu-like", "gsm-like", "arc-like", "truthful-like"] + (["cmmlu-like"] if cc == "CN" else [])
        bl = []
        for name in r.sample(names, r.randint(1, 3)):
            suffix = r.choice([None, None, r.choice(V.STEP_SUFFIX_EN)]) if name != "cmmlu-like" else r.choice([None, V.STEP_SUFFIX_ZH[0]])
            lp = r.choice([None, 5, 20]) if name not in ("gsm-like",) and not suffix else None
            bl.append((name, suffix, lp))
        total = sum(len(public_benchmark(b[0])) for b in bl)
        net = self.dc_net(r.randint(1, 3), r.choice(["aws", "gcp", "azure"])) if r.random() < 0.6 else self.home_net(cc, 0)
        tier = r.choice(["tier-2", "tier-3", "tier-4"])
        self.add(persona, "legit", None, total * 1.1 + 20, 0, country=cc, tz=tz_of(r, cc), net=net,
                 uas=[ua_random(r, r.choice(["py", "httpx", "aiohttp"]))], email=r.choice(["gmail.com", "cs.northbridge.edu", "ai-lab.example.org", "qq.com" if cc == "CN" else "outlook.com"]),
                 payment=self.pay(tier), tier=tier, params={"profile": "office", "benchmarks": bl, "model": r.choice(["nova-pro", "nova-mini", "nova-reason"])},
                 fixed=True)
        return 1

    def _org_service(self, persona, raw, sigma, params, n_acc=1, provider=None, ua_kind="py"):
        r = self.rng
        cc = pick_country(r, ["US", "GB", "DE", "IN", "FR", "CA", "JP", "SG", "BR", "CN"])
        org = "org-" + hexid(r, 16)
        pay = "pmfp_" + hexid(r, 14)
        dom = r.choice(V.COMPANIES).lower().replace(" ", "") + ".com"
        prov = provider or r.choice(["aws", "gcp", "azure", "aws"])
        ips = [dc_ip(r, prov) for _ in range(r.randint(1, 4))]
        for _ in range(n_acc):
            self.add(persona, "legit", None, raw, sigma, country=cc, tz=tz_of(r, cc), net=Network(r, "dc", None, ips=ips),
                     uas=[ua_random(r, ua_kind)], email=dom, payment=pay, org=org, tier=r.choice(["tier-4", "tier-5", "enterprise"]),
                     keys=r.randint(1, 4), params=dict(params))
        return n_acc

    def mk_enterprise_batch(self, persona, raw, sigma, left):
        r = self.rng
        tpls = []
        for _ in range(r.randint(1, 2)):
            tpls.append((r.choice(V.BATCH_TEMPLATES), r.choice(V.DOC_KINDS), r.choice(V.FIELD_KEYS)))
        sysm = f"You are a document-processing service for {r.choice(V.COMPANIES)}. Follow the instructions exactly."
        return self._org_service(persona, raw, sigma, {"templates": tpls, "sys": sysm, "bursty": True,
                                                        "profile": r.choice(["night", "office", "flat"]), "model": r.choice(["nova-mini", "nova-pro"]),
                                                        "r429": 0.02}, n_acc=min(left, r.randint(1, 3)))

    def mk_writing_relay_app(self, persona, raw, sigma, left):
        r = self.rng
        app = r.choice(["WriteWise", "Quillio", "DraftPal", "Copysmith Lite", "InkFlow", "PenPilot"])
        return self._org_service(persona, raw, sigma, {"sys": f"You are {app}, an AI writing assistant. Write in the user's language. Be helpful and creative.",
                                                        "max_tokens": r.choice([2048, 4096, 4096, 8192]), "profile": "global",
                                                        "temperature": r.choice([0.7, 0.8, 1.0]), "model": "nova-pro"}, ua_kind="js")

    def mk_support_bot(self, persona, raw, sigma, left):
        r = self.rng
        return self._org_service(persona, raw, sigma, {"sys": V.SUPPORT_SYS[r.randint(0, 1)].format(bot=r.choice(V.BOTS), company=r.choice(V.COMPANIES)),
                                                        "tools": r.random() < 0.5, "profile": r.choice(["global", "office"])}, ua_kind=r.choice(["py", "js"]))

    def mk_translation_service(self, persona, raw, sigma, left):
        r = self.rng
        langs = ["English", "Chinese", "Spanish", "German", "Japanese", "French"]
        pairs = [(a, b) for a in langs for b in langs if a != b and "English" in (a, b) or (a, b) == ("Chinese", "Japanese")]
        return self._org_service(persona, raw, sigma, {"pairs": r.sample(pairs, r.randint(2, 6)), "profile": "global"})

    def mk_data_labelling(self, persona, raw, sigma, left):
        r = self.rng
        labels = r.choice(V.LABEL_SETS)
        bias = {str(1000 + i * 37): 100 for i in range(len(labels))} if r.random() < 0.4 else None  # static allow-list
        return self._org_service(persona, raw, sigma, {"labels": labels, "top_logprobs": r.choice([3, 5, 10]), "logit_bias": bias,
                                                        "profile": r.choice(["office", "flat"]), "max_tokens": r.choice([1, 2, 5])})

    def mk_student_nat_campus(self, persona, raw, sigma, left):
        r = self.rng
        size = min(left, r.randint(15, 80))
        cc = pick_country(r, ["US", "GB", "CN", "DE", "IN", "JP", "KR", "CA", "FR", "BR"])
        nat = [host_v4(r, r.choice(["128.97.", "171.64.", "130.126.", "166.111.", "202.120.", "141.84.", "129.67."])) for _ in range(r.randint(1, 3))]
        dom = r.choice(["stu.northbridge.edu", "mail.easthill-u.edu.cn", "student.uni-rheinau.de", "ug.kestrel.ac.uk", "alumni.lakeside.edu"])
        sem = self.t0 - r.uniform(-self.cfg["days"] * 0.3, 60) * DAY
        zh = cc == "CN"
        assign = [__import__("blindgen.text", fromlist=["x"]).fill(r.choice(V.STUDENT_ZH if zh else V.STUDENT_EN), r) for _ in range(6)]
        for _ in range(size):
            tier = r.choice(["free", "free", "tier-1"])
            self.add(persona, "legit", None, raw, sigma, country=cc, tz=tz_of(r, cc), net=Network(r, "nat", cc, ips=nat, mobile_p=0.15),
                     uas=[ua_random(r, r.choice(["browser", "py", "py", "js"]))], email=dom, payment=self.pay(tier), tier=tier,
                     created=sem + r.uniform(0, 5) * DAY,
                     params={"student": True, "profile": "student", "stepwise": r.uniform(0, 0.6), "typo": 0.02, "assign": assign,
                             "lang": "zh" if zh else "en", "model": r.choice(["nova-mini", "nova-pro"])})
        return size

    def mk_corp_nat_employee(self, persona, raw, sigma, left):
        r = self.rng
        size = min(left, r.randint(8, 40))
        cc = pick_country(r, ["US", "GB", "DE", "IN", "JP", "SG", "CN"])
        nat = [dc_ip(r, "azure") if r.random() < 0.3 else resi_ip(r, cc, v6p=0) for _ in range(r.randint(1, 2))]
        dom = r.choice(V.COMPANIES).lower().replace(" ", "") + ".com"
        for _ in range(size):
            tier = r.choice(["tier-1", "tier-2", "tier-3"])
            self.add(persona, "legit", None, raw, sigma, country=cc, tz=tz_of(r, cc), net=Network(r, "nat", cc, ips=nat, mobile_p=0.1),
                     uas=[ua_random(r)], email=dom if r.random() < 0.7 else email_for(r, cc), payment=self.pay(tier), tier=tier,
                     params={"profile": "office", "lang": "zh" if cc == "CN" else "en", "model": r.choice(["nova-pro", "nova-mini"])})
        return size

    # -------------------------------------------------------------- attacks
    def build_attacks(self):
        r = self.rng
        n = 0
        for ci, (persona, size, raw, k) in enumerate(CAMPAIGNS[self.scale]):
            cid = "camp-%02d-%s" % (ci + 1, hexid(r, 4))
            countries = k.get("countries")
            shared_cc = r.choice(countries) if countries else pick_country(r, ["US", "SG", "DE", "GB", "CN", "IN", "BR"])
            shared_tz = tz_of(r, shared_cc)
            camp_start = self.t0 + r.uniform(0, 0.25) * (self.t1 - self.t0)
            blocks = [dc_block(r, r.choice(["hetzner", "ovh", "digitalocean", "vultr", "aws", "alibaba"])) for _ in range(r.randint(2, 5))]
            pool = None
            if k["infra"] in ("resi-pool", "resi-sticky"):
                pool = [resi_ip(r, pick_country(r, countries) if countries else pick_country(r), v6p=0.2) for _ in range(k.get("pool", 1000))]
            pay_pool = ["pmfp_" + hexid(r, 14) for _ in range({"shared": r.randint(1, 3), "few": max(1, size // 8)}.get(k["pay"], 1))]
            shared_ua = r.choice(["python-requests/2.31.0", "Python/3.11 aiohttp/3.9.5", ua_python(r), "python-httpx/0.27.0"])
            dom = r.choice(["mailbox-relay.net", "inboxfast.io", "getmails.cc"]) if k["email"] == "custom" else None
            org = "org-" + hexid(r, 16) if k.get("shared_org") else None
            sys_prompt = r.choice([None, "You are a helpful assistant.", "You are a world-class expert. Answer thoroughly."])
            tools = r.sample(V.GENERAL_TOOLS + V.CODING_TOOLS, 6)
            prefixes = [T_fill(r) for _ in range(r.randint(5, 40))]
            for j in range(size):
                cc = shared_cc if (k["tz"] == "shared" or countries) else pick_country(r)
                tz = shared_tz if k["tz"] == "shared" else tz_of(r, cc)
                if k["age"] == "fresh":
                    created = camp_start - r.uniform(0, 2.5) * DAY
                    tier = r.choice(["free", "tier-1", "tier-1"])
                else:
                    created = self.t0 - r.uniform(45, 900) * DAY
                    tier = r.choice(["tier-1", "tier-2", "tier-2", "tier-3"])
                if k["pay"] == "distinct":
                    pay = "pmfp_" + hexid(r, 14)
                else:
                    pay = r.choice(pay_pool)
                if tier == "free" and k["pay"] != "shared":
                    pay = None
                if k["infra"] == "dc-shared":
                    net = Network(r, "dc", None, ips=[host_v4(r, r.choice(blocks)) for _ in range(r.randint(1, 3))])
                elif k["infra"] == "resi-pool":
                    net = Network(r, "pool", cc, pool=pool)
                elif k["infra"] == "resi-sticky":
                    net = Network(r, "pool", cc, pool=pool, sticky=True)
                else:
                    net = self.home_net(cc, mobile=0.1)
                uas = [shared_ua] if k["ua"] == "shared" else [ua_random(r)]
                email = email_for(r, cc, "temp" if k["email"] == "temp" else "free", dom)
                params = {kk: k[kk] for kk in ("paraphrase", "wrap", "cover", "profile", "n", "lang", "completions", "stepwise") if kk in k}
                params.update(shard=(j, size), sys=sys_prompt, tools=tools, prefixes=prefixes,
                              max_tokens=r.choice([2048, 4096, None]), typo=0.01 if k.get("wrap") else 0,
                              gap={"burst": 1.5, "evening": 20.0, "office": 15.0, "slow": 30.0}[k["profile"]],
                              burst_gap=1.0, temperature=r.choice([None, 0.7, 1.0]), r429=0.03 if k["profile"] == "burst" else 0.006)
                if persona == "slow-low-sweep" or (k["profile"] != "burst" and persona == "multiturn-distillation"):
                    params["gap"] = 45.0
                self.add(persona, "attack", cid, raw, 0.35, country=cc, tz=tz, net=net, uas=uas, email=email, payment=pay,
                         org=org, tier=tier, created=created, start=max(camp_start, created + r.uniform(0.01, 1.0) * DAY),
                         params=params)
                n += 1
        return n

    def build(self):
        n_att = sum(c[1] for c in CAMPAIGNS[self.scale])
        self.build_legit(self.cfg["accounts"] - n_att)
        self.build_attacks()
        raw_total = sum(a.params["_raw"] for a in self.accounts if not a.params["_fixed"])
        fixed_total = sum(a.params["_raw"] for a in self.accounts if a.params["_fixed"])
        f = max(0.01, (self.cfg["events"] - fixed_total) / raw_total)
        for a in self.accounts:
            a.n_target = max(1, int(round(a.params["_raw"] * (1 if a.params["_fixed"] else f))))
        return self


def T_fill(r):
    from . import text as T
    return T.fill(r.choice(["The capital of {city} is", "Q: What is {topic}?\nA:", "Translate to French: {sentence}\n",
                            "{name} said that", "def {func}(", "The best {product} is", "Once upon a time, a {animal}"]), r)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", choices=list(SCALES), default="small")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    from .behave import run_account
    w = World(a.seed, a.scale).build()
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for l in w.labels:
            f.write(json.dumps(l) + "\n")
    n = 0
    per = {}
    lab = {acc.id: acc for acc in w.accounts}
    with open(os.path.join(a.out, "events.jsonl"), "w", encoding="utf-8") as f:
        for ts, line in heapq.merge(*(run_account(acc) for acc in w.accounts), key=lambda x: x[0]):
            f.write(line); f.write("\n")
            n += 1
    seen = sum(1 for acc in w.accounts)
    print(json.dumps({"scale": a.scale, "seed": a.seed, "accounts": seen,
                      "attack_accounts": sum(1 for l in w.labels if l["label"] == "attack"),
                      "campaigns": len(CAMPAIGNS[a.scale]), "events": n, "out": a.out}))


if __name__ == "__main__":
    main()
