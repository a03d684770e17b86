"""python -m devgen.generate --seed N --scale {small,standard,large} --out DIR"""
import argparse
import calendar
import json
import os
import random
import sys
import time

from . import vocab as V
from . import text as T
from . import infra as I
from . import accounts as A
from . import legit as L
from . import attacks as X
from .world import World

SCALES = {  # accounts, events, days
    "tiny": (80, 4000, 2),  # for tests only
    "small": (300, 30000, 3),
    "standard": (1500, 300000, 14),
    "large": (4000, 1400000, 14),
}
ATTACK_VOL = 1.8  # global multiplier on campaign volumes
START = calendar.timegm((2026, 10, 5, 0, 0, 0))  # a Monday

# legit persona: share of legit accounts, mean events per account at standard scale (relative volume)
LEGIT = [
    ("casual-chat", 0.20, 25), ("step-by-step-enthusiast", 0.05, 45), ("student", 0.09, 45), ("power-user", 0.05, 320),
    ("developer", 0.11, 260), ("eval-researcher", 0.025, 0), ("enterprise-batch", 0.02, 2600), ("writing-relay-app", 0.012, 2600),
    ("support-bot", 0.02, 1300), ("translation-service", 0.012, 1300), ("data-labelling", 0.012, 1400), ("rag-app", 0.02, 900),
    ("edtech-quiz-generator", 0.01, 1200), ("game-npc", 0.01, 1600), ("legal-medical-summarizer", 0.015, 500),
    ("prompt-agency-ab", 0.01, 700), ("ci-test-suite", 0.015, 350), ("zh-office-worker", 0.07, 60), ("intl-user", 0.03, 35),
    ("campus-nat-user", 0.07, 40), ("calibration-researcher", 0.008, 700), ("tutoring-app", 0.01, 1500), ("agent-platform", 0.008, 1500),
    ("localization-pipeline", 0.006, 600), ("course-cohort-student", 0.04, 30), ("mobile-app-direct", 0.006, 2500),
]
B2B = {"enterprise-batch", "writing-relay-app", "support-bot", "translation-service", "data-labelling", "rag-app", "edtech-quiz-generator",
       "game-npc", "legal-medical-summarizer", "ci-test-suite", "tutoring-app", "agent-platform", "localization-pipeline"}


def public_benchmarks(seed):
    """Public benchmark-like sets: fixed, so every researcher running one sends the same questions."""
    out = {}
    for bi, (name, kind, size) in enumerate([("gsm-like", "math", 600), ("mmlu-like", "mcq", 1200), ("logic-like", "logic", 300), ("cmath-like", "math-zh", 400)]):
        r = random.Random(1000 + bi)  # independent of the run seed: a public benchmark is the same for everyone
        items = []
        for _ in range(size):
            if kind == "math":
                items.append(T.math_word(r))
            elif kind == "math-zh":
                items.append(T.math_word(r, "zh"))
            elif kind == "mcq":
                items.append(T.mcq(r))
            else:
                items.append(T.logic_puzzle(r))
        out[name] = items
    return out


class Planner:
    def __init__(self, seed, scale):
        self.seed = seed
        self.scale = scale
        self.n_acc, self.n_ev, self.days = SCALES[scale]
        self.rng = random.Random(seed * 7919 + len(scale))
        self.accts = []  # (account dict, raw volume, runner, label dict)
        self.k = 0
        self.bench = public_benchmarks(seed)
        self.vol_scale = self.days / 14.0
        # commercial VPN providers: exit IPs in datacenters, shared by all their (mostly legit) users
        self.vpn = [A.dc_pool(self.rng, 40) for _ in range(3)]

    def aid(self):
        self.k += 1
        return "acct_%s" % I.hexid(self.rng, 12)

    def add(self, a, raw, runner, label, campaign_id=None):
        self.accts.append((a, raw, runner, {"account_id": a["id"], "label": label, "persona": a["persona"], "campaign_id": campaign_id}))

    # ---------------- legit ----------------
    def plan_legit(self, w, n_legit):
        rng = self.rng
        tot = sum(s for _, s, _ in LEGIT)
        counts = {p: max(1, int(round(n_legit * s / tot))) for p, s, _ in LEGIT}
        diff = n_legit - sum(counts.values())
        counts["casual-chat"] += diff
        means = {p: m for p, _, m in LEGIT}
        for persona, cnt in counts.items():
            made = 0
            while made < cnt:
                made += self.make_legit(w, persona, min(cnt - made, 10 ** 9), means[persona])

    def group_enterprises(self):
        """Put ~30% of B2B accounts into multi-account enterprises: one org, one corporate card, one egress NAT."""
        rng = self.rng
        b2b = [x[0] for x in self.accts if x[3]["label"] == "legit" and x[0]["persona"] in B2B]
        rng.shuffle(b2b)
        b2b = b2b[:int(len(b2b) * 0.3)]
        while len(b2b) >= 2:
            k = min(len(b2b), rng.randint(2, 6))
            grp, b2b = b2b[:k], b2b[k:]
            org = "org-" + I.hexid(rng, 12)
            pf = "pf_" + I.hexid(rng, 16)
            dom = A.company_domain(rng)
            egress = A.dc_pool(rng, rng.randint(1, 3))
            for a in grp:
                a["org"] = org
                a["acct_obj"] = dict(a["acct_obj"], payment_fingerprint=pf, email_domain=dom, tier="enterprise")
                A.net_fixed(a, egress)

    def _lv(self, mean, sigma=0.8):
        return max(1.0, self.rng.lognormvariate(0, sigma) * mean * self.vol_scale)

    def make_legit(self, w, persona, remaining, mean):
        rng = self.rng
        row = A.country_row(rng)
        run = L.PERSONAS[persona]
        if persona in ("casual-chat", "step-by-step-enthusiast", "intl-user", "zh-office-worker", "power-user"):
            if persona == "zh-office-worker":
                row = A.country_row(rng, rng.choice(["CN", "CN", "CN", "TW", "HK", "SG", "US"]))
            a = A.new_account(w, rng, self.aid(), persona, row, tier=rng.choice(["free", "free", "tier-1", "tier-2"]) if persona != "power-user" else rng.choice(["tier-2", "tier-3", "tier-4"]))
            A.net_consumer(a, rng, row)
            if rng.random() < 0.12:  # privacy VPN user: datacenter exits shared with thousands of others, sticky per hour
                home_fn = a["ip_fn"]
                vp = rng.choice(self.vpn)
                always = rng.random() < 0.5
                salt = a["id"]
                a["ip_fn"] = (lambda vp, home_fn, always, salt: (lambda r, ts: vp[int(I.stable_hex("%s%d" % (salt, int(ts // 3600)), 6), 16) % len(vp)]
                                                                  if (always or r.random() < 0.6) else home_fn(r, ts)))(vp, home_fn, always, salt)
            if persona == "power-user" and rng.random() < 0.3:
                A.ua_mix(a, [I.sdk_ua(rng, "py"), I.browser_ua(rng)])  # scripts + playground
            else:
                A.ua_fixed(a, rng.choice([I.browser_ua(rng), "ChatBox/1.%d.%d" % (rng.randint(3, 9), rng.randint(0, 9)), "NextChat/2.%d" % rng.randint(10, 15), I.sdk_ua(rng, "py")]))
            a["lang"] = {"zh-office-worker": "zh", "intl-user": rng.choice(["es", "de", "ja", "fr"])}.get(persona, "zh" if row[0] in ("CN", "TW") and rng.random() < 0.7 else "en")
            a["steps_p"] = 0.85 if persona == "step-by-step-enthusiast" else 0.05
            if persona == "power-user":
                a["steps_p"] = rng.choice([0.1, 0.4, 0.8])
                A.set_models(a, rng, ["aurora-4-large", "aurora-4-reason", "aurora-4-mini"])
            self.add(a, self._lv(mean), run, "legit")
            if persona == "casual-chat" and rng.random() < 0.06 and remaining > 2:  # family: shared card and home network
                for _ in range(rng.randint(1, 2)):
                    b = A.new_account(w, rng, self.aid(), persona, row, tier=rng.choice(["free", "tier-1"]), pf=a["acct_obj"]["payment_fingerprint"])
                    b["ip_fn"] = a["ip_fn"]
                    A.ua_fixed(b, rng.choice([I.browser_ua(rng), "ChatBox/1.6.0"]))
                    b["lang"], b["steps_p"] = a["lang"], 0.05
                    self.add(b, self._lv(mean), run, "legit")
                    remaining -= 1
                return 1 + sum(1 for x in self.accts[-2:] if x[0]["acct_obj"]["payment_fingerprint"] == a["acct_obj"]["payment_fingerprint"] and x[0] is not a)
            return 1
        if persona == "course-cohort-student":
            size = min(remaining, rng.randint(10, 40))
            row = A.country_row(rng, rng.choice(["US", "GB", "IN", "CN", "DE", "BR", "KR"]))
            dom = A.edu_domain(rng)
            nat = [I.dc_ip(rng)[0] for _ in range(rng.randint(1, 2))]
            day0 = w.start + rng.uniform(0, 0.5) * w.days * 86400  # accounts created for the class, within a day or two
            ua = I.sdk_ua(rng, "py")
            task = rng.choice(["sentiment", "summary", "ner"])
            items = [T.fill(rng, rng.choice(V.CASUAL_EN)) for _ in range(rng.randint(20, 60))]
            ctx = {"system": {"sentiment": "Classify the sentiment as positive or negative.", "summary": "Summarize the text in one sentence.",
                              "ner": "List the named entities in the text as JSON."}[task],
                   "shots": [{"role": "user", "content": "I love this!"}, {"role": "assistant", "content": "positive"}] if task == "sentiment" else [],
                   "items": items, "labels": [" positive", " negative"] if task == "sentiment" else None, "max_tokens": 5 if task == "sentiment" else 200}
            for _ in range(size):
                a = A.new_account(w, rng, self.aid(), persona, row, tier="free", email=dom, created_at=day0 + rng.uniform(0, 2) * 86400)
                home = I.residential_ip(rng, row)[0]
                a["ip_fn"] = (lambda nat, home: (lambda r, ts: r.choice(nat) if r.random() < 0.6 else home))(nat, home)
                A.ua_fixed(a, ua)
                a["ctx"] = ctx
                self.add(a, self._lv(mean, 0.5), run, "legit")
            return size
        if persona == "campus-nat-user":
            size = min(remaining, rng.randint(8, 40))
            row = A.country_row(rng, rng.choice(["US", "GB", "DE", "CN", "IN", "KR", "AU", "CA"]))
            nat = [I.residential_ip(rng, row, 0)[0] if rng.random() < 0.3 else I.dc_ip(rng)[0] for _ in range(rng.randint(1, 3))]
            dom = A.edu_domain(rng)
            for _ in range(size):
                a = A.new_account(w, rng, self.aid(), persona, row, tier=rng.choice(["free", "tier-1"]), email=dom, age_days=rng.uniform(3, 600))
                home = [I.residential_ip(rng, row)[0]]
                a["ip_fn"] = (lambda nat, home: (lambda r, ts: r.choice(nat) if r.random() < 0.8 else home[0]))(nat, home)
                A.ua_fixed(a, rng.choice([I.browser_ua(rng), I.sdk_ua(rng, "py"), "ChatBox/1.5.1"]))
                a["lang"] = "zh" if row[0] == "CN" else "en"
                self.add(a, self._lv(mean), run if rng.random() < 0.6 else L.casual_chat, "legit")
            return size
        if persona == "developer":
            size = min(remaining, rng.choice([1, 1, 2, 3, 4, 6, 8]))
            row = A.country_row(rng)
            org = "org-" + I.hexid(rng, 12)
            corp_pf = "pf_" + I.hexid(rng, 16) if rng.random() < 0.6 else None
            dom = A.company_domain(rng) if size > 1 or rng.random() < 0.5 else None
            office = I.residential_ip(rng, row, 0.2)[0]
            cloud = A.dc_pool(rng, rng.randint(1, 4))
            bias = None
            if rng.random() < 0.35:  # static ban list shared by the team
                bias = {str(t): -100 for t in rng.sample(range(100, 100000), rng.randint(1, 6))}
            tools = rng.sample(["read_file", "write_file", "run_shell", "run_tests", "grep", "list_dir", "apply_patch", "python_exec"], rng.randint(3, 7))
            sysmsg = rng.choice(V.SYSTEM_CODING)
            agent_ua = rng.choice([I.sdk_ua(rng, "py"), I.sdk_ua(rng, "node"), "CodePilotCLI/0.%d.%d" % (rng.randint(5, 30), rng.randint(0, 9)), I.sdk_ua(rng, "litellm")])
            for _ in range(size):
                a = A.new_account(w, rng, self.aid(), persona, row, org=org, pf=corp_pf, email=dom, tier=rng.choice(["tier-2", "tier-3", "tier-4", "tier-5"]))
                a["ctx"] = {"tools": tools, "system": sysmsg, "bias": bias, "json": rng.random() < 0.5, "max_tokens": rng.choice([4096, 8192, 16384])}
                a["ip_fn"] = (lambda office, cloud: (lambda r, ts: office if r.random() < 0.5 else r.choice(cloud)))(office, cloud)
                A.ua_mix(a, [agent_ua, I.sdk_ua(rng, "py")], [0.85, 0.15])
                A.set_keys(a, rng, rng.randint(1, 4))
                A.set_models(a, rng, ["aurora-4-large", "aurora-4-mini", "aurora-4-reason"], [5, 3, 2])
                a["retries"] = True
                a["err429"] = rng.choice([0.004, 0.01, 0.03])
                self.add(a, self._lv(mean), run, "legit")
            return size
        # server-side / B2B personas
        org = "org-" + I.hexid(rng, 12)
        a = A.new_account(w, rng, self.aid(), persona, row, org=org, email=A.company_domain(rng) if rng.random() < 0.8 else None,
                          tier=rng.choice(["tier-3", "tier-4", "tier-5", "enterprise"]), age_days=rng.uniform(20, 900))
        A.net_servers(a, rng, rng.randint(1, 6))
        app = rng.choice(V.APP_NAMES + V.COMPANIES)
        A.ua_fixed(a, rng.choice([I.sdk_ua(rng), I.sdk_ua(rng), A.I.app_ua(rng, app)]))
        A.set_keys(a, rng, rng.randint(1, 3))
        a["retries"] = rng.random() < 0.7
        raw = self._lv(mean, 0.7)
        co = rng.choice(V.COMPANIES)
        if persona == "eval-researcher":
            names = rng.sample(["gsm-like", "mmlu-like", "logic-like", "cmath-like"], 1 if rng.random() < 0.8 else 2)
            bench = [x for nm in names for x in self.bench[nm]]
            if rng.random() < 0.6:  # a published subset (the first k items), as many papers do
                bench = bench[:rng.choice([100, 200, 250, 500])]
            if self.scale in ("small", "tiny"):
                bench = bench[:rng.randint(60, 150) if self.scale == "small" else 20]
            mode = rng.choice(["steps", "steps", "steps", "passk"]) if "mmlu-like" not in names else rng.choice(["logprobs", "logprobs", "steps"])
            a["ctx"] = {"bench": bench, "models": rng.sample(["aurora-4-large", "aurora-4-mini", "aurora-4-reason", "aurora-3.5-turbo"], rng.choice([1, 1, 1, 2, 3])),
                        "suffix": rng.choice(["\nLet's think step by step.", "\nThink step by step and end with 'The answer is X'.", "", "\nAnswer:"]), "mode": mode}
            a["acct_obj"]["email_domain"] = rng.choice([A.edu_domain(rng), "gmail.com", A.company_domain(rng)])
            raw = len(bench) * len(a["ctx"]["models"])
            self._add_raw_fixed(a, raw, run)
            return 1
        if persona == "enterprise-batch":
            doc = rng.choice(["Invoice", "Expense report", "Shipping manifest", "Insurance claim", "Purchase order", "Resume"])
            a["ctx"] = {"doc": doc, "templates": ["Extract vendor, total, date and category from this %s. Respond in JSON." % doc.lower(),
                                                  "You are a document parser for %s. Return JSON with fields vendor,total,date,category,confidence." % co][:rng.randint(1, 2)],
                        "pattern": rng.choice(["flat", "burst", "night"])}
            a["ctx"]["batch"] = a["ctx"]["pattern"] in ("burst", "night") and rng.random() < 0.7
            a["err429"] = 0.02
        elif persona == "writing-relay-app":
            app = rng.choice(V.APP_NAMES)
            a["ctx"] = {"system": rng.choice(V.SYSTEM_WRITING).format(app=app), "max_tokens": rng.choice([2048, 4096, 4096, 8192]), "temp": rng.choice([0.7, 0.8, 1.0]), "zh": rng.choice([0, 0.05, 0.3])}
            A.ua_fixed(a, I.app_ua(rng, app))
            a["err429"] = 0.015
        elif persona == "support-bot":
            a["ctx"] = {"system": rng.choice(V.SYSTEM_SUPPORT).format(company=co), "product": rng.choice(V.PRODUCTS)}
            a["lang"] = "zh" if row[0] in ("CN", "TW", "HK") else "en"
        elif persona == "translation-service":
            pairs = [("en", x) for x in rng.sample(["zh", "es", "de", "ja", "fr", "pt", "ko", "it"], rng.randint(2, 6))] + ([("zh", "en")] if rng.random() < 0.5 else [])
            a["ctx"] = {"pairs": pairs, "fixed_sys": rng.choice([None, V.SYSTEM_TRANSLATE[0]]), "pattern": rng.choice(["work", "flat"])}
        elif persona == "data-labelling":
            sysm = rng.choice(V.SYSTEM_CLASSIFY)
            labels = [" positive", " negative", " neutral"] if "sentiment" in sysm else [" SAFE", " SPAM", " ABUSE", " ADULT"] if "moderation" in sysm else [" billing", " shipping", " technical", " account", " other"] if "ticket" in sysm else [" quality", " price", " delivery", " service"]
            bias = {str(t): 100 for t in rng.sample(range(1000, 60000), len(labels))} if rng.random() < 0.6 else None
            a["ctx"] = {"system": sysm, "labels": labels, "bias": bias, "top": rng.choice([5, 5, 10, 20]), "pattern": rng.choice(["burst", "flat", "work"])}
        elif persona == "rag-app":
            a["ctx"] = {"system": rng.choice(V.SYSTEM_RAG).format(company=co), "domain": rng.choice([None] + V.DOMAINS)}
            a["lang"] = "zh" if row[0] in ("CN", "TW") else "en"
        elif persona == "edtech-quiz-generator":
            a["ctx"] = {"system": "You are %s's curriculum assistant. Generate accurate, age-appropriate educational content." % rng.choice(["Juniper Education", "QuizLeaf", "StudyNest", "Flashly"]),
                        "templates": rng.sample(V.QUIZ_TEMPLATES, rng.randint(1, 3)), "subjects": rng.sample(V.DOMAINS, rng.randint(4, 15)), "pattern": rng.choice(["flat", "work", "burst"])}
        elif persona == "game-npc":
            a["ctx"] = {"game": rng.choice(["Emberfall Online", "Starhaven", "Legends of Oakhollow", "Neon Drift"])}
        elif persona == "legal-medical-summarizer":
            kind = rng.choice(["legal", "medical"])
            a["ctx"] = {"kind": kind, "system": "Summarize the %s document: key parties, obligations, dates, risks. Use headings." % kind if kind == "legal" else
                        "Summarize this clinical document for a physician: diagnosis, medications, follow-up. Be accurate; do not invent facts."}
        elif persona == "prompt-agency-ab":
            a["ctx"] = {"tasks": [T.fill(rng, rng.choice(V.WRITING_TASKS)) for _ in range(rng.randint(3, 12))]}
            A.ua_mix(a, [I.sdk_ua(rng, "py"), I.browser_ua(rng), "PromptLab/2.1"])
            a["ip_fn"] = (lambda ips: (lambda r, ts: r.choice(ips)))([I.residential_ip(rng, row)[0], I.dc_ip(rng)[0]])
        elif persona == "ci-test-suite":
            prompts = []
            for _ in range(rng.randint(5, 40)):
                p = {"temperature": 0, "seed": 7, "max_tokens": rng.choice([16, 64, 256])}
                if rng.random() < 0.2:
                    p["logit_bias"] = {str(rng.randrange(100, 50000)): rng.choice([-100, 100])}
                if rng.random() < 0.2:
                    p["logprobs"] = True
                    p["top_logprobs"] = rng.choice([1, 5, 20])
                prompts.append((rng.choice(["Say 'pong'.", "Return the JSON {\"ok\": true}.", "What is 2+2? Answer with a number.", "Translate 'hello' to French.",
                                            "Summarize: " + T.paragraph(rng, 2), "Classify: 'great product' -> positive/negative", "List three colors.",
                                            "Extract the email from: contact jane@%s today" % A.company_domain(rng)]), p))
            a["ctx"] = {"prompts": prompts}
            if rng.random() < 0.4:  # ephemeral per-run keys minted by the CI secret manager
                A.set_keys(a, rng, rotate_hours=rng.choice([6, 12, 24]), start=w.start - rng.uniform(0, 86400))
            A.ua_fixed(a, rng.choice(["GitHub-Actions python-requests/2.31.0", I.sdk_ua(rng, "py"), "pytest-llm/0.4 " + I.sdk_ua(rng, "py")]))
        elif persona == "calibration-researcher":
            a["acct_obj"]["email_domain"] = A.edu_domain(rng)
        elif persona == "tutoring-app":
            app = rng.choice(["MathMentor", "TutorLoop", "Brainy Owl", "StudyBuddy Pro", "学霸辅导"])
            a["ctx"] = {"system": "You are %s, a patient tutor for students. Always explain your reasoning step by step, show every intermediate step, check the answer, then state the final answer clearly." % app,
                        "subjects": rng.sample(V.DOMAINS, rng.randint(3, 10)), "zh": 0.8 if app == "学霸辅导" else rng.choice([0, 0.05])}
            A.ua_fixed(a, I.app_ua(rng, app))
        elif persona == "agent-platform":
            A.ua_fixed(a, I.app_ua(rng, rng.choice(["AgentForge", "FlowPilot", "Relay Agents", "TaskWeaver"])))
            A.set_keys(a, rng, rng.randint(10, 60))  # one key per customer workspace
        elif persona == "mobile-app-direct":
            app = rng.choice(["KeyGenie", "HomeworkSnap", "TextPal", "ReplyAI", "作业帮手"])
            a["ctx"] = {"system": "You are %s, a helpful assistant inside a mobile app. Keep answers short and friendly." % app,
                        "ips": A.resi_pool(rng, rng.randint(800, 4000)), "max_tokens": rng.choice([512, 1024]), "zh": 0.9 if app == "作业帮手" else 0.03,
                        "uas": ["%s/%d.%d (iPhone; iOS 17.%d)" % (app, rng.randint(2, 4), rng.randint(0, 9), rng.randint(0, 6)) for _ in range(4)] +
                               ["%s/%d.%d (Android %d)" % (app, rng.randint(2, 4), rng.randint(0, 9), rng.randint(11, 15)) for _ in range(4)]}
            a["acct_obj"]["tier"] = rng.choice(["tier-3", "tier-4", "tier-5"])
            a["err429"] = 0.02
        elif persona == "localization-pipeline":
            a["ctx"] = {"langs": rng.sample(["zh", "es", "de", "ja", "fr", "pt", "ko", "it", "ru", "ar", "vi"], rng.randint(5, 11))}
        self.add(a, raw, run, "legit")
        return 1

    def _add_raw_fixed(self, a, raw, run):
        a["fixed_n"] = raw
        self.add(a, raw, run, "legit")

    # ---------------- attacks ----------------
    def campaigns(self):
        """(persona, size, knobs) per scale."""
        S = self.scale
        base = [
            ("capability-sweep", 1, dict(net="dc", ua="sdk", pay="own", pacing="uniform", vol=3000, name="loud-sweeper")),
            ("synthetic-instruction-harvest", 50 if S not in ("small", "tiny") else 10, dict(net="dc_shared", ua="shared", pay="few", pacing="burst", vol=90, completions=True, email="disposable")),
            ("capability-sweep", 200 if S not in ("small", "tiny") else 30, dict(net="resi_pool", pool=4000, ua="per_account", tz="per_account", pay="distinct", aged=True, wrap=0.35,
                                                                   paraphrase=True, cover=0.2, pacing="casual", vol=45, typo=0.2, fake_history=0.4, sticky="static")),
            ("benchmark-harvest", 50 if S not in ("small", "tiny") else 10, dict(net="resi_pool", pool=1500, ua="per_account", pay="distinct", lang="zh", cover=0.1, pacing="work", vol=70, public=True, n=2, fake_history=0.2)),
            ("cot-elicitation", 10, dict(net="own_resi", ua="per_account", tz="per_account", pay="distinct", aged=True, paraphrase=True, pacing="casual", vol=80, wrap=0.2, cover=0.15, lang="mix")),
            ("logprob-extraction", 3, dict(net="dc", ua="sdk", pay="few", pacing="uniform", vol=900, rotate_h=6, completions=True)),
            ("logprob-extraction", 1, dict(net="own_resi", ua="sdk", pay="own", pacing="casual", vol=250, aged=True, bias_mode="sweep", bias_k=2)),
            ("identity-probing", 3, dict(net="resi_pool", pool=200, ua="per_account", pay="distinct", pacing="casual", vol=25, cover=0.4)),
            ("agentic-trajectory-harvest", 10, dict(net="dc_pool", pool=60, ua="shared", pay="few", pacing="uniform", vol=400, reasoning=True)),
            ("multiturn-distillation", 10, dict(net="resi_pool", pool=800, ua="per_account", pay="distinct", lang="zh", pacing="casual", vol=150, cover=0.1, wrap=0.2)),
            ("code-solution-harvest", 10, dict(net="dc_shared", ua="shared", pay="shared", pacing="work", vol=180, org_shared=True)),
            ("code-solution-harvest", 1, dict(net="own_resi", ua="sdk", pay="own", pacing="window", vol=120, aged=True, wrap=0.5, typo=0.3)),
            ("preference-harvest", 3, dict(net="dc", ua="sdk", pay="few", pacing="burst", vol=600)),
            ("translation-pair-harvest", 3, dict(net="resi_pool", pool=300, ua="per_account", pay="distinct", pacing="work", vol=500, multi=True)),
            ("refusal-boundary-probe", 1, dict(net="own_resi", ua="sdk", pay="own", pacing="casual", vol=150)),
            ("refusal-boundary-probe", 3, dict(net="resi_pool", pool=100, ua="per_account", pay="distinct", pacing="casual", vol=60, cover=0.3)),
            ("reseller-harvest", 1, dict(net="dc", ua="app", pay="own", pacing="flat", vol=2500, harvest_share=0.3, tier="tier-4", aged=True)),
            ("synthetic-instruction-harvest", 1, dict(net="own_resi", ua="sdk", pay="own", pacing="night", vol=1200, rotate_h=2, lang="zh")),
            ("synthetic-instruction-harvest", 3, dict(net="dc", ua="sdk", pay="few", pacing="burst", vol=1000, batch=True, aged=True, tier="tier-4", name="batch-api-harvest")),
            ("cot-elicitation", 10, dict(net="own_resi", ua="per_account", tz="per_account", pay="distinct", aged=True, pacing="window", vol=35, cover=0.4,
                                         paraphrase=True, wrap=0.5, name="low-slow-aged", infra="none", fake_history=0.5)),
            ("benchmark-harvest", 1, dict(net="dc", ua="curl", pay="own", pacing="burst", vol=1500, public=True, email="disposable")),
            ("benchmark-harvest", 50 if S not in ("small", "tiny") else 10, dict(net="resi_pool", pool=2000, ua="per_account", pay="distinct", pacing="uniform", vol=60,
                                                                  waves=True, wrap=0.2, name="burn-and-replace")),
            ("hybrid-distill", 10, dict(net="own_resi", ua="per_account", tz="per_account", pay="distinct", pacing="casual", vol=120, cover=0.2, wrap=0.3,
                                         mix=["cot-elicitation", "synthetic-instruction-harvest", "benchmark-harvest", "translation-pair-harvest", "agentic-trajectory-harvest"],
                                         mix_mode="per_account", paraphrase=True, fake_history=0.5)),
            ("app-camouflaged-harvest", 1, dict(net="dc", ua="app", pay="own", pacing="flat", vol=2500, aged=True, tier="tier-4",
                                                 sys="You are TutorLoop, a patient tutor for students. Always explain your reasoning step by step, show every intermediate step, check the answer, then state the final answer clearly.",
                                                 mix=["cot-elicitation", "benchmark-harvest"], mix_mode="blend", paraphrase=True, max_tokens=2048)),
            ("identity-probing", 1, dict(net="vpn", ua="per_account", pay="own", pacing="casual", vol=40, cover=0.3)),
        ]
        if S in ("small", "tiny"):  # keep every strategy but shrink the sybil counts
            base = [(p, min(s, 3) if (s == 10 or S == "tiny") else s, k) for p, s, k in base]
        if S == "large":
            base += [
                ("synthetic-instruction-harvest", 500, dict(net="resi_pool", pool=6000, ua="per_account", tz="per_account", pay="distinct", aged=True, pacing="casual", vol=35,
                                                           wrap=0.4, cover=0.25, lang="mix", typo=0.2, fake_history=0.3)),
                ("code-solution-harvest", 200, dict(net="resi_pool", pool=3000, ua="per_account", pay="distinct", pacing="work", vol=40, wrap=0.3, cover=0.15)),
                ("agentic-trajectory-harvest", 50, dict(net="resi_pool", pool=1000, ua="per_account", pay="distinct", pacing="casual", vol=80, cover=0.2)),
                ("multiturn-distillation", 3, dict(net="dc", ua="sdk", pay="few", pacing="uniform", vol=900)),
                ("capability-sweep", 10, dict(net="dc_shared", ua="shared", pay="few", pacing="burst", vol=300, lang="zh")),
            ]
        return base

    def plan_attacks(self, w):
        rng = self.rng
        n_att = 0
        for ci, (persona, size, kn) in enumerate(self.campaigns()):
            cid = "camp-%03d-%s" % (ci, I.hexid(rng, 6))
            c = dict(kn)
            c["size"] = size
            c["persona"] = persona
            c["id"] = cid
            if persona == "capability-sweep" or persona == "multiturn-distillation":
                items = [(ti, si) for ti in range(len(V.TOPICS)) for si in range(len(V.SKILLS))]
            elif persona == "code-solution-harvest":
                items = [(pi, li, vi) for pi in range(len(V.CODE_PROBLEMS)) for li in range(len(V.CODE_LANGS)) for vi in range(5)]
            elif persona == "logprob-extraction":
                items = ["The capital of France is", "Q: Is the sky blue? A:", "My favourite colour is", "def add(a, b):\n    return",
                         "Translate to German: cat ->", "The next number in 1, 2, 4, 8 is", "Rate this review 1-5: 'pretty good'. Rating:"]
            else:
                items = []
            crng = random.Random(rng.random())
            crng.shuffle(items)
            c["items"] = items
            if c.get("public"):
                c["public"] = self.bench["gsm-like"] + self.bench["mmlu-like"]
            # shared infrastructure
            row = A.country_row(rng, rng.choice(["US", "CN", "HK", "SG", "RU", "VN", "DE", "IN", "BR"]))
            pool = None
            if c["net"] == "resi_pool":
                pool = A.resi_pool(rng, c.get("pool", 1000))
            elif c["net"] == "dc_pool":
                pool = A.dc_pool(rng, c.get("pool", 50))
            elif c["net"] == "dc_shared":
                pool = A.dc_pool(rng, 3, [rng.choice(I.DATACENTERS)[2]])
            elif c["net"] == "vpn":
                pool = rng.choice(self.vpn)
            shared_ua = I.sdk_ua(rng, rng.choice(["py", "requests", "httpx", "node"]))
            pfs = ["pf_" + I.hexid(rng, 16) for _ in range({"shared": 1, "few": max(1, size // 4)}.get(c["pay"], 1))]
            org = "org-" + I.hexid(rng, 12) if c.get("org_shared") else None
            disp = rng.choice(A.DISPOSABLE)
            vm = c["vol"] * self.vol_scale
            for si in range(size):
                cc = dict(c)
                cc["i"] = si
                if "sys" not in c and rng.random() < 0.4:  # many harvest scripts set a generic system prompt
                    cc["sys"] = rng.choice(V.SYSTEM_GENERIC + ["You are an expert assistant. Give thorough, well-structured, accurate answers.",
                                                              "You are a knowledgeable assistant. Answer in detail.", "你是一个知识渊博的助手，请详细回答。"])
                if "max_tokens" not in c:  # client configs differ per sybil: unset, or a common ceiling
                    cc["max_tokens"] = rng.choice([None, None, 1024, 2048, 4096, 4096, 8192])
                arow = A.country_row(rng) if c.get("tz") == "per_account" or c["net"] == "resi_pool" else row
                if c.get("aged"):
                    created = w.start - rng.uniform(90, 1000) * 86400
                else:
                    created = w.start - rng.uniform(0, 20) * 86400 if rng.random() < 0.7 else w.start + rng.uniform(0, 0.3) * self.days * 86400
                if c.get("waves"):  # burn-and-replace: each sybil lives 1-4 days, fresh accounts keep arriving
                    created = w.start + rng.uniform(0, 0.8) * self.days * 86400
                    a_until = created + rng.uniform(1, 4) * 86400
                else:
                    a_until = None
                pf = rng.choice(pfs) if c["pay"] in ("shared", "few") else None
                email = disp if c.get("email") == "disposable" else (rng.choice(arow[5]) if rng.random() < 0.8 else A.company_domain(rng))
                tier = c.get("tier") or (rng.choice(["tier-1", "tier-2", "tier-3"]) if c.get("aged") else rng.choice(["free", "tier-1", "tier-1", "tier-2"]))
                a = A.new_account(w, rng, self.aid(), persona if "name" not in c else c["name"], arow, created_at=created, tier=tier, pf=pf, email=email, org=org)
                created = a["created_at"]
                if c.get("waves"):
                    a["active_until"] = min(w.end, a_until)
                if c["net"] in ("resi_pool", "vpn"):
                    st = c.get("sticky", "mixed")
                    A.net_pool(a, pool, sticky_s=rng.choice([0, 600, 3600, 86400, "static"]) if st == "mixed" else st, rng=rng)
                elif c["net"] in ("dc_pool", "dc_shared"):
                    A.net_pool(a, pool)
                elif c["net"] == "dc":
                    A.net_servers(a, rng, rng.randint(1, 3))
                else:
                    A.net_consumer(a, rng, arow)
                u = c.get("ua")
                if u == "shared":
                    A.ua_fixed(a, shared_ua)
                elif u == "per_account":
                    A.ua_fixed(a, rng.choice([I.browser_ua(rng), I.sdk_ua(rng), "ChatBox/1.%d.%d" % (rng.randint(3, 9), rng.randint(0, 9)), I.sdk_ua(rng, "node")]))
                elif u == "curl":
                    A.ua_fixed(a, I.sdk_ua(rng, "curl"))
                elif u == "app":
                    A.ua_fixed(a, I.app_ua(rng, rng.choice(V.APP_NAMES)))
                else:
                    A.ua_fixed(a, I.sdk_ua(rng))
                if c.get("rotate_h"):
                    A.set_keys(a, rng, rotate_hours=c["rotate_h"] * rng.uniform(0.5, 1.5), start=w.start)
                A.set_models(a, rng, ["aurora-4-large", "aurora-4-reason"] if persona in ("cot-elicitation",) else ["aurora-4-large"])
                a["err429"] = 0.03 if c["pacing"] in ("burst", "uniform") else 0.004
                if persona == "reseller-harvest":
                    a["ctx"] = {"system": V.SYSTEM_WRITING[0].format(app="InkFlow Pro"), "max_tokens": 4096, "temp": 0.8, "zh": 0.1}
                    cc["sub"] = X.capability_sweep
                    cc["items"] = [(ti, si2) for ti in range(len(V.TOPICS)) for si2 in range(len(V.SKILLS))]
                    crng.shuffle(cc["items"])
                    cc["size"], cc["i"] = 1, 0
                raw = max(3.0, rng.lognormvariate(0, 0.5) * vm * ATTACK_VOL)
                if c.get("mix"):
                    fns = [X.ATTACKS[m] for m in c["mix"]]
                    fn = X.mixed(fns, c["mix_mode"], si)
                else:
                    fn = X.ATTACKS[persona]
                self.add(a, raw, _attack_runner(fn, cc), "attack", cid)
                n_att += 1
        return n_att


def _attack_runner(fn, c):
    cover = c.get("cover", 0.0)

    def run(w, a, rng, n):
        nc = int(round(n * cover))
        if nc:
            a.setdefault("lang", "zh" if c.get("lang") == "zh" else "en")
            a["steps_p"] = 0.1
            L.casual_chat(w, a, rng, nc)
        fn(w, a, rng, max(1, n - nc), c)
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    P = Planner(args.seed, args.scale)
    w = World(START, P.days, args.out, args.seed)
    n_att = P.plan_attacks(w)
    P.plan_legit(w, max(1, P.n_acc - n_att))
    P.group_enterprises()
    # volumes: scale raw volumes to the target event count (fixed-size runs, like benchmarks, stay as they are)
    fixed = sum(raw for a, raw, _, _ in P.accts if "fixed_n" in a)
    flex = sum(raw for a, raw, _, _ in P.accts if "fixed_n" not in a)
    f = max(0.05, (P.n_ev * 1.0 - fixed) / max(flex, 1.0))
    labels = []
    for idx, (a, raw, run, lab) in enumerate(P.accts):
        n = int(a["fixed_n"]) if "fixed_n" in a else max(1, int(round(raw * f)))
        rng = random.Random("%d-%d-%s" % (args.seed, idx, a["id"]))
        run(w, a, rng, n)
        labels.append(lab)
    w.finish(os.path.join(args.out, "events.jsonl"))
    r = random.Random(args.seed)
    r.shuffle(labels)
    with open(os.path.join(args.out, "labels.jsonl"), "w") as fo:
        for lab in labels:
            fo.write(json.dumps(lab) + "\n")
    na = sum(1 for l in labels if l["label"] == "attack")
    print("wrote %d events, %d accounts (%d attack in %d campaigns) to %s in %.1fs" % (
        w.n_events, len(labels), na, len({l["campaign_id"] for l in labels if l["campaign_id"]}), args.out, time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
