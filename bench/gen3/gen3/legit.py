"""Legitimate customers: hard negatives that superficially resemble harvesting."""
from __future__ import annotations

import json
import math
from datetime import timedelta

from . import lang as L
from . import world as W
from .common import chat_turns, clip, days_active, retry_call, session_starts
from .ctx import make_account
from .world import Net

CHAT_MODELS = ["gpt-4o-mini", "gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4o", "o4-mini"]
STEP_PHRASES = [" Explain step by step.", " Can you walk me through it step by step?", " explain step by step pls",
                " Show your work.", " Please explain the reasoning, I want to learn how to do it myself."]


# ============================================================== casual chat
def _casual_conversation(ctx, em, step_fan: bool):
    """Pick a conversation: list of (user, answer)."""
    r, P = em.r, ctx.pools
    k = r.random()
    if step_fan and k < 0.45:
        it = r.choice(P.gsm8k if r.random() < 0.6 else P.alpaca)
        turns = [(it["text"] + r.choice(STEP_PHRASES), em.answer_for(it))]
    elif k < 0.35:
        conv = r.choice(P.arena_convs)
        turns = list(conv["turns"])
    elif k < 0.65:
        it = r.choice(P.alpaca)
        turns = [(it["text"], em.answer_for(it))]
    elif k < 0.85:
        it = r.choice(P.arena_hard)
        turns = [(it["text"], it["answer"])]
    else:
        it = r.choice(P.oasst)
        turns = [(it["text"], None)]
    extra = min(6, int(r.expovariate(0.8)))
    for _ in range(extra):
        turns.append((r.choice(L.FOLLOWUP["en"]) + (r.choice(STEP_PHRASES) if step_fan and r.random() < 0.3 else ""),
                      None))
    return turns


def sim_casual(ctx, em, step_fan=False, p_active=None, lam=None):
    r, a = em.r, em.a
    p_active = p_active if p_active is not None else r.uniform(0.25, 0.9)
    if lam is None:
        lam = r.lognormvariate(math.log(2.5), 0.8) * (r.choice([3, 5, 8]) if r.random() < 0.15 else 1)  # some power users
        p_active = max(p_active, 0.8) if lam > 6 else p_active
    lam = lam * ctx.vol
    model = r.choice(CHAT_MODELS)
    temp = r.choice([None, None, 0.7, 1.0, 0.5])
    stream = r.random() < 0.7
    sysmsg = r.choice([None, None, None, "You are a helpful assistant.", "You are a friendly assistant. Answer concisely."])
    for d, ds in days_active(ctx, em, p_active, "human"):
        for t in session_starts(ctx, em, ds, lam, "human"):
            for _ in range(1 + int(r.expovariate(1.2))):
                turns = _casual_conversation(ctx, em, step_fan)
                t = chat_turns(ctx, em, t, turns, system=sysmsg, model=model if r.random() < 0.85 else r.choice(CHAT_MODELS),
                               think=(15, 240), temperature=temp, stream=stream or None)
                t += em.think(30, 600)


def build_casual(ctx, gi, step_fan=False):
    r = ctx.rng("casual", gi, step_fan)
    nk = "mobile" if r.random() < 0.35 else "home"
    a = make_account(ctx, r, "casual-chat-stepwise" if step_fan else "casual-chat", net_kind=nk,
                     uas=[W.ua_chat_app(r)] + ([W.ua_browser(r)] if r.random() < 0.3 else []), churn=0.03,
                     tier=r.choices(["free", "tier-1", "tier-2"], [50, 40, 10])[0])
    return [(a, lambda ctx, em: sim_casual(ctx, em, step_fan))]


# ============================================================== multilingual
def sim_multilingual(ctx, em):
    r, a = em.r, em.a
    p_active = r.uniform(0.3, 0.9)
    lam = r.lognormvariate(math.log(2.5), 0.5) * ctx.vol
    model = r.choice(CHAT_MODELS)
    native_convs = [c for c in ctx.pools.arena_convs if c["lang"] not in ("English", "unknown")]
    for d, ds in days_active(ctx, em, p_active, "human"):
        for t in session_starts(ctx, em, ds, lam, "human"):
            if r.random() < 0.12 and native_convs:
                turns = list(r.choice(native_convs)["turns"])
            elif r.random() < 0.15:  # mixed: English prompt, asked in own language
                it = r.choice(ctx.pools.alpaca)
                turns = [(it["text"], em.answer_for(it))]
            else:
                turns = [(L.native_prompt(r, a.lang), None)]
                for _ in range(min(5, int(r.expovariate(0.9)))):
                    turns.append((r.choice(L.FOLLOWUP[a.lang]), None))
            chat_turns(ctx, em, t, turns, model=model, think=(15, 300), stream=True if r.random() < 0.6 else None)


def build_multilingual(ctx, gi):
    r = ctx.rng("multi", gi)
    lg = r.choice(["zh", "zh", "es", "de", "ja", "fr", "es"])
    a = make_account(ctx, r, "multilingual-chat", lang=lg, net_kind=r.choice(["home", "home", "mobile"]),
                     uas=[W.ua_chat_app(r)], tier=r.choice(["free", "tier-1", "tier-1", "tier-2"]))
    return [(a, sim_multilingual)]


# ============================================================== edgy chat (hh-rlhf)
def sim_edgy(ctx, em):
    r = em.r
    for d, ds in days_active(ctx, em, r.uniform(0.3, 0.8), "human"):
        for t in session_starts(ctx, em, ds, 1.3 * ctx.vol, "human"):
            conv = r.choice(ctx.pools.redteam)
            chat_turns(ctx, em, t, list(conv["turns"])[:6], model="gpt-4o-mini", think=(5, 90))


def build_edgy(ctx, gi):
    r = ctx.rng("edgy", gi)
    a = make_account(ctx, r, "edgy-chat", net_kind=r.choice(["home", "mobile"]), uas=[W.ua_chat_app(r)], tier="free",
                     age_days=r.choice([-1.5, 3, 20, 200]))
    return [(a, sim_edgy)]


# ============================================================== developers
DEV_SYSTEMS = ["You are a senior software engineer. Answer with concise code and brief explanations.",
               "You are a helpful coding assistant.", "You are CodeBuddy, an assistant inside our internal IDE plugin. Prefer TypeScript.",
               "Answer programming questions. Use markdown code blocks."]
DEV_TOOLS = [
    {"type": "function", "function": {"name": "search_docs", "description": "Search the internal documentation",
                                      "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}},
    {"type": "function", "function": {"name": "get_ticket", "description": "Fetch a Jira ticket by key",
                                      "parameters": {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]}}},
    {"type": "function", "function": {"name": "run_sql", "description": "Run a read-only SQL query on the analytics replica",
                                      "parameters": {"type": "object", "properties": {"sql": {"type": "string"}}, "required": ["sql"]}}},
]
BAN_LISTS = [{"50256": -100}, {"198": -100, "628": -100}, {"14690": -100, "25604": -100, "43313": -100, "12522": -100},
             {"1734": -100, "31633": -100, "75": -100}]
TICKET_LABELS = ["billing", "bug", "feature_request", "account", "other"]


def _code_item(ctx, r):
    P = ctx.pools
    src = r.random()
    if src < 0.35:
        return r.choice(P.codealpaca)
    if src < 0.6:
        return r.choice(P.gpteacher_code)
    if src < 0.85:
        cod = [x for x in P.arena_hard if x.get("cat") == "coding"] or P.arena_hard
        return r.choice(cod)
    return r.choice(P.mbpp)


def sim_developer(ctx, em, tools_user=False, ban_list=None, logprob_clf=False):
    r, a = em.r, em.a
    system = r.choice(DEV_SYSTEMS)
    model = r.choice(["gpt-4o", "gpt-4.1", "gpt-4o-mini", "gpt-4.1-mini", "o3-mini"])
    temp = r.choice([None, 0, 0.2, 0.7])
    lam = r.lognormvariate(math.log(2.0), 0.8) * ctx.vol
    tools = DEV_TOOLS[: r.randint(1, 3)] if tools_user else None
    clf_tpl = r.choice(["Classify the support ticket into one of: {labels}.\nTicket: {x}\nLabel:",
                        "Is the following message spam? Answer Yes or No.\n\n{x}\n\nAnswer:",
                        "Which team should handle this request ({labels})? Reply with one word.\n---\n{x}"])
    for d, ds in days_active(ctx, em, r.uniform(0.5, 0.95), "office"):
        for t in session_starts(ctx, em, ds, lam, "office"):
            burst = 2 + int(r.expovariate(1 / 8))
            hist = []
            for i in range(burst):
                if logprob_clf and r.random() < 0.7:
                    x = r.choice(ctx.pools.oasst)["text"]
                    lab = r.choice(TICKET_LABELS) if "labels" in clf_tpl else r.choice(["Yes", "No", "No"])
                    t = retry_call(em, t, messages=[{"role": "user", "content": clf_tpl.format(labels=", ".join(TICKET_LABELS), x=x)}],
                                   model="gpt-4o-mini", temperature=0, max_tokens=2, logprobs=True, top_logprobs=5,
                                   answer=lab, logit_bias=ban_list)
                    t += timedelta(seconds=r.uniform(0.05, 1.5))
                    continue
                it = _code_item(ctx, r)
                user = it["text"]
                if r.random() < 0.25 and it.get("answer"):  # pasting own code for review / long context
                    user = "Here's my code, why is it failing?\n```\n" + (it["answer"] or "")[:3000] + "\n```\n" + \
                        r.choice(["It throws an exception on empty input.", "Refactor for readability.", "Add type hints and tests."])
                msgs = [{"role": "system", "content": system}] + hist[-6:] + [{"role": "user", "content": user}]
                tc = None
                if tools and r.random() < 0.3:
                    fn = r.choice(tools)["function"]["name"]
                    args = {"search_docs": {"query": user[:60]}, "get_ticket": {"key": f"ENG-{r.randint(100, 9999)}"},
                            "run_sql": {"sql": "SELECT count(*) FROM events WHERE ts > now() - interval '1 day'"}}[fn]
                    tc = [{"id": "call_" + W.hexid(r, 20), "type": "function", "function": {"name": fn, "arguments": json.dumps(args)}}]
                t = retry_call(em, t, p_fail=0.04, messages=msgs, model=model, temperature=temp, tools=tools,
                               answer="" if tc else em.answer_for(it), tool_calls=tc, logit_bias=ban_list,
                               max_tokens=r.choice([None, 1024, 2048, 4096]), stream=r.random() < 0.4 or None)
                if tc:
                    msgs2 = msgs + [{"role": "assistant", "content": None, "tool_calls": tc},
                                    {"role": "tool", "tool_call_id": tc[0]["id"], "content": clip(ctx, r.choice(ctx.pools.response_pool))[:1200]}]
                    t = em.call(t + timedelta(milliseconds=r.uniform(80, 900)), messages=msgs2, model=model, tools=tools,
                                temperature=temp, answer=em.answer_for(it), logit_bias=ban_list)
                hist += [{"role": "user", "content": clip(ctx, user)}, {"role": "assistant", "content": clip(ctx, em.last_text)}]
                if r.random() < 0.3:
                    hist = []
                t += em.think(10, 400)


def build_developer(ctx, gi):
    r = ctx.rng("dev", gi)
    kind = r.random()
    persona, kw = "developer", {}
    if kind < 0.25:
        persona, kw = "developer-tools", {"tools_user": True}
    elif kind < 0.40:
        persona, kw = "developer-logitbias", {"ban_list": r.choice(BAN_LISTS)}
    elif kind < 0.55:
        persona, kw = "developer-logprob-classifier", {"logprob_clf": True}
    a = make_account(ctx, r, persona, net_kind=r.choice(["home", "office", "office", "cloud"]),
                     uas=[W.ua_sdk(r)] + ([W.ua_sdk(r, "curl")] if r.random() < 0.3 else []),
                     tier=r.choice(["tier-1", "tier-2", "tier-3", "tier-4"]), n_keys=r.randint(1, 3),
                     email_domain=W.company_domain(r) if r.random() < 0.5 else None)
    return [(a, lambda ctx, em: sim_developer(ctx, em, **kw))]


# ============================================================== coding agents
AGENT_SYSTEM = ("You are an autonomous coding agent operating in the user's repository. You can read and write files "
                "and run shell commands using the provided tools. Work step by step: inspect the codebase, make minimal "
                "changes, run the tests, and report back. Never run destructive commands. ") * 3
AGENT_TOOLS = [
    {"type": "function", "function": {"name": n, "description": d, "parameters": {"type": "object", "properties": p, "required": list(p)}}}
    for n, d, p in [("read_file", "Read a file from the workspace", {"path": {"type": "string"}}),
                    ("write_file", "Write content to a file", {"path": {"type": "string"}, "content": {"type": "string"}}),
                    ("run_shell", "Run a shell command in the sandbox", {"command": {"type": "string"}}),
                    ("search_code", "Grep the repository", {"pattern": {"type": "string"}}),
                    ("list_dir", "List a directory", {"path": {"type": "string"}})]]
FILES = ["src/app.py", "src/utils/io.py", "tests/test_app.py", "package.json", "src/index.ts", "README.md", "src/db/models.py",
         "cmd/server/main.go", "lib/parser.rs", "Makefile", "src/components/Table.tsx", "pyproject.toml"]


def agent_task(ctx, em, t, model, tools, max_steps, system):
    r = em.r
    it = _code_item(ctx, r)
    msgs = [{"role": "system", "content": system}, {"role": "user", "content": it["text"]}]
    steps = r.randint(3, max_steps)
    for s in range(steps):
        last = s == steps - 1
        if last:
            t = retry_call(em, t, p_fail=0.02, messages=list(msgs), model=model, tools=tools, temperature=0,
                           answer=em.answer_for(it), stream=True)
            break
        fn = r.choice(["read_file", "read_file", "run_shell", "search_code", "write_file", "list_dir"])
        arg = {"read_file": {"path": r.choice(FILES)}, "write_file": {"path": r.choice(FILES), "content": (it.get("answer") or "")[:400]},
               "run_shell": {"command": r.choice(["pytest -q", "npm test", "go test ./...", "cargo build", "ls -la", "git diff"])},
               "search_code": {"pattern": r.choice(["TODO", "def main", "import", "class ", "fetch("])},
               "list_dir": {"path": r.choice(["src", ".", "tests"])}}[fn]
        tc = [{"id": "call_" + W.hexid(r, 20), "type": "function", "function": {"name": fn, "arguments": json.dumps(arg)}}]
        t = retry_call(em, t, p_fail=0.02, messages=list(msgs), model=model, tools=tools, temperature=0,
                       answer=r.choice(["", "Let me look at the code first.", "Running the tests."]), tool_calls=tc, stream=True)
        out = (r.choice(ctx.pools.codealpaca)["answer"] or "") if fn in ("read_file", "search_code") else \
            r.choice(["ok", "3 passed, 1 failed\nFAILED tests/test_app.py::test_empty - AssertionError", "written 412 bytes",
                      "src/\ntests/\nREADME.md\npyproject.toml", "error[E0425]: cannot find value `x` in this scope"])
        msgs += [{"role": "assistant", "content": None, "tool_calls": tc},
                 {"role": "tool", "tool_call_id": tc[0]["id"], "content": out[:1500]}]
        t += timedelta(milliseconds=r.uniform(50, 2500))
    return t


def sim_coding_agent(ctx, em):
    r = em.r
    model = r.choice(["gpt-4.1", "gpt-4o", "o4-mini", "gpt-4.1-mini"])
    tools = AGENT_TOOLS[: r.randint(3, 5)]
    lam = r.lognormvariate(math.log(2.5), 0.5) * ctx.vol
    for d, ds in days_active(ctx, em, r.uniform(0.5, 0.95), "office"):
        for t in session_starts(ctx, em, ds, lam, "office"):
            for _ in range(1 + int(r.expovariate(0.5))):
                t = agent_task(ctx, em, t, model, tools, 18, AGENT_SYSTEM) + em.think(20, 900)


def build_coding_agent(ctx, gi):
    r = ctx.rng("agent", gi)
    a = make_account(ctx, r, "coding-agent", net_kind=r.choice(["home", "office", "cloud"]), uas=[W.ua_agent(r)],
                     tier=r.choice(["tier-2", "tier-3", "tier-4", "tier-5"]))
    return [(a, sim_coding_agent)]


# ============================================================== eval researcher
EVAL_TPL = {
    "gsm8k": ["Solve the following math problem. Put the final answer after '####'.\n\nQuestion: {q}\nAnswer:",
              "Question: {q}\nLet's think step by step.", "{q}\nGive only the final number."],
    "humaneval": ["Complete the following Python function. Return only code.\n\n```python\n{q}\n```", "{q}"],
    "mbpp": ["You are an expert Python programmer, and here is your task: {q} Your code should pass these tests:\n\n{tests}\n",
             "Write a Python function for the task below.\n{q}\nTests:\n{tests}"],
    "bbh": ["{cot}\n\nQ: {q}\nA: Let's think step by step.", "Q: {q}\nA:"],
}


def sim_eval(ctx, em):
    r = em.r
    runs = 1 if r.random() < 0.7 else 2
    bench = r.choice(["gsm8k", "gsm8k", "humaneval", "mbpp", "bbh", "bbh"])
    model = r.choice(["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini", "gpt-4.1-mini"])
    tpl = r.choice(EVAL_TPL[bench])
    P = ctx.pools
    if bench == "gsm8k":
        items = [x for x in P.gsm8k if x["src"] == "gsm8k-test"]
    elif bench == "humaneval":
        items = P.humaneval
    elif bench == "mbpp":
        items = P.mbpp
    else:
        tasks = r.sample(sorted(P.bbh), r.randint(3, 10))
        items = [dict(e, cot=P.bbh[tk]["cot"]) for tk in tasks for e in P.bbh[tk]["examples"]]
    n_items = min(len(items), int(r.uniform(120, 600) * max(0.5, ctx.vol)))
    if r.random() < 0.5:
        sub = items[:n_items]
    else:
        sub = r.sample(items, n_items)
    conc = r.choice([1, 4, 8, 16])
    for run in range(runs):
        d = r.randrange(ctx.days)
        t = W.sample_time_in_day(r, ctx.day(d), em.a.tz, "office")
        for it in sub:
            q = tpl.format(q=it["text"], tests=it.get("tests", ""), cot=it.get("cot", ""))
            t_end = retry_call(em, t, p_fail=0.03, messages=[{"role": "user", "content": q}], model=model, temperature=0,
                               max_tokens=r.choice([512, 1024, 2048]) if bench != "gsm8k" else 512, seed=1234 if run == 0 else None,
                               answer=it.get("answer"))
            t = t + (t_end - t) / conc + timedelta(milliseconds=r.uniform(5, 120))
        model = r.choice(["gpt-4o", "gpt-4o-mini", "gpt-4.1"])


def build_eval(ctx, gi):
    r = ctx.rng("eval", gi)
    a = make_account(ctx, r, "eval-researcher", net_kind=r.choice(["office", "cloud", "office"]), uas=[W.ua_sdk(r, "py")],
                     email_domain=W.uni_domain(r, "US") if r.random() < 0.6 else W.company_domain(r),
                     tier=r.choice(["tier-2", "tier-3", "tier-4"]), country=r.choice(["US", "GB", "DE", "CN", "US-W", "CA"]))
    return [(a, sim_eval)]


# ============================================================== writing / relay apps
def _user_text(ctx, r):
    x = r.random()
    if x < 0.4:
        return r.choice(ctx.pools.response_pool)[:2500]
    if x < 0.6:
        return r.choice(ctx.pools.gpteacher_roleplay)["answer"] or "hello"
    if x < 0.8:
        return r.choice(ctx.pools.oasst)["text"]
    c = r.choice(ctx.pools.redteam)["turns"][0][0]
    return c


def _rewrite(r, text, task):
    sents = [s for s in text.replace("\n", " ").split(". ") if s]
    if "Summar" in task or "Shorten" in task:
        return ". ".join(sents[:2])[:600]
    if len(sents) > 3 and r.random() < 0.5:
        i = r.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    return ". ".join(sents)


def sim_relay(ctx, em):
    r, a = em.r, em.a
    appname = r.choice(["Quillify", "WriteRight", "Rephrasely", "MailPolish", "DocTidy", "Grammarly-like"])
    lg = r.choice(["en", "en", "en", "de", "fr", "es", "zh", "ja"])
    tasks = L.REWRITE_TASKS[lg] if lg != "en" else r.sample(L.REWRITE_TASKS["en"], r.randint(2, 5))
    model = r.choice(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano"])
    per_day = r.lognormvariate(math.log(250), 0.6) * ctx.vol
    users = [W.hexid(r, 12) for _ in range(r.randint(80, 2500))]
    for d in range(ctx.days):
        ds = ctx.day(d)
        for t in sorted(W.sample_time_in_day(r, ds, a.tz, "consumer-app") for _ in range(W.poisson(r, per_day))):
            task = r.choice(tasks)
            text = _user_text(ctx, r) if lg == "en" else L.filler_reply(r, lg, 6)
            sysp = f"[{appname} v{r.choice(['3.2', '3.3'])}] {task}"
            msgs = [{"role": "system", "content": sysp}, {"role": "user", "content": text}]
            retry_call(em, t, p_fail=0.02, messages=msgs, model=model, temperature=r.choice([0.3, 0.3, 0.7]),
                       user="u_" + r.choice(users), answer=_rewrite(r, text, task) if lg == "en" else L.filler_reply(r, lg),
                       max_tokens=1024)


def build_relay(ctx, gi):
    r = ctx.rng("relay", gi)
    cloud = r.choice(["aws", "gcp", "azure", "hetzner", "do"])
    a = make_account(ctx, r, "writing-relay-app", net_kind="cloud", cloud=cloud, uas=[W.ua_sdk(r, r.choice(["js", "py", "httpx"]))],
                     tier=r.choice(["tier-3", "tier-4", "tier-5"]), email_domain=W.company_domain(r), n_keys=r.randint(1, 2),
                     country=r.choice(["US", "DE", "GB", "FR", "US-W"]), age_days=r.uniform(60, 900))
    return [(a, sim_relay)]


# ============================================================== translation shop
def sim_translation(ctx, em):
    r, a = em.r, em.a
    targets = r.sample(L.TARGET_LANGS, r.randint(1, 4))
    model = r.choice(["gpt-4o", "gpt-4.1", "gpt-4o-mini"])
    jobs = r.lognormvariate(math.log(2), 0.5) * ctx.vol
    for d, ds in days_active(ctx, em, 0.85, "office"):
        for t in session_starts(ctx, em, ds, jobs, "office"):
            tgt = r.choice(targets)
            sysp = f"You are a professional translator. Translate the user's text from English into {tgt}. Preserve formatting, numbers and names. Output only the translation."
            for _ in range(r.randint(10, 80)):
                text = r.choice(ctx.pools.response_pool)[:1800]
                code = {"German": "de", "French": "fr", "Spanish": "es", "Japanese": "ja", "Simplified Chinese": "zh"}.get(tgt)
                t = retry_call(em, t, messages=[{"role": "system", "content": sysp}, {"role": "user", "content": text}],
                               model=model, temperature=0.2, answer=L.filler_reply(r, code, 8) if code else text)
                t += timedelta(seconds=r.uniform(0.2, 3))


def build_translation(ctx, gi):
    r = ctx.rng("transl", gi)
    a = make_account(ctx, r, "translation-shop", net_kind=r.choice(["office", "cloud"]), uas=[W.ua_sdk(r)],
                     tier=r.choice(["tier-2", "tier-3", "tier-4"]), email_domain=W.company_domain(r),
                     country=r.choice(["DE", "FR", "ES", "PL", "NL", "GB"]), age_days=r.uniform(30, 700))
    return [(a, sim_translation)]


# ============================================================== RAG / support bots
RAG_Q = ["How do I reset my password?", "Can I get a refund after 30 days?", "what does error 4012 mean",
         "Is there a student discount?", "How do I export my data to CSV?", "my invoice shows the wrong VAT number",
         "Does the API support webhooks?", "How can I cancel my subscription", "Why was my card declined?",
         "What is the rate limit on the free plan?", "Where can I find the setup guide for the router?"]


def sim_rag(ctx, em):
    r, a = em.r, em.a
    company = r.choice(["Acme Cloud", "Nimbus Bank", "Voltify Energy", "Parcelly", "ZenHR", "Routerix"])
    model = r.choice(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"])
    sysp = (f"You are the support assistant for {company}. Answer ONLY from the context below. If the answer is not in "
            f"the context, say you don't know and offer to open a ticket. Be friendly and brief.")
    ctx_templates = ctx.pools.t0_matching("quoref", "adversarial_qa", "duorc", "ropes", "cosmos", "wiki_qa", "quartz")
    per_day = r.lognormvariate(math.log(90), 0.6) * ctx.vol
    for d in range(ctx.days):
        ds = ctx.day(d)
        for t in sorted(W.sample_time_in_day(r, ds, a.tz, "consumer-app") for _ in range(W.poisson(r, per_day))):
            docs = [r.choice(ctx.pools.t0(r.choice(ctx_templates)))["text"][:900] for _ in range(r.randint(2, 4))]
            context = "\n\n".join(f"[doc {i + 1}] {x}" for i, x in enumerate(docs))
            q = r.choice(RAG_Q) if r.random() < 0.6 else r.choice(ctx.pools.oasst)["text"]
            msgs = [{"role": "system", "content": sysp + "\n\nContext:\n" + context}, {"role": "user", "content": q}]
            t2 = retry_call(em, t, messages=msgs, model=model, temperature=0.1, max_tokens=400,
                            answer=r.choice(ctx.pools.response_pool)[:700], user="visitor-" + W.hexid(r, 8))
            if r.random() < 0.3:  # follow-up in the same widget session
                msgs += [{"role": "assistant", "content": em.last_text}, {"role": "user", "content": r.choice(L.FOLLOWUP["en"])}]
                em.call(t2 + em.think(10, 120), messages=msgs, model=model, temperature=0.1, max_tokens=400)


def build_rag(ctx, gi):
    r = ctx.rng("rag", gi)
    a = make_account(ctx, r, "rag-support-bot", net_kind="cloud", uas=[W.ua_sdk(r, r.choice(["js", "py", "java", "dotnet"]))],
                     tier=r.choice(["tier-2", "tier-3", "tier-4"]), email_domain=W.company_domain(r), age_days=r.uniform(30, 600))
    return [(a, sim_rag)]


# ============================================================== labelling / classification pipelines
CLF_WORDS = ("amazon_polarity", "imdb", "ag_news", "yelp", "dbpedia", "trec", "app_reviews", "rotten_tomatoes", "glue_qqp")


def sim_labelling(ctx, em):
    r, a = em.r, em.a
    names = ctx.pools.t0_matching(*CLF_WORDS)
    mine = r.sample(names, r.randint(1, 2))
    completions_api = r.random() < 0.3
    model = "gpt-3.5-turbo-instruct" if completions_api else r.choice(["gpt-4o-mini", "gpt-4.1-nano", "gpt-4.1-mini"])
    job_size = r.lognormvariate(math.log(350), 0.5) * ctx.vol
    for d, ds in days_active(ctx, em, r.uniform(0.5, 1.0), "flat"):
        t = ds + timedelta(hours=(r.choice([2, 3, 10, 14]) - a.tz) % 24, minutes=r.uniform(0, 20))
        for _ in range(W.poisson(r, job_size)):
            it = r.choice(ctx.pools.t0(r.choice(mine)))
            if completions_api:
                t_end = retry_call(em, t, prompt=it["text"], model=model, temperature=0, max_tokens=3, logprobs=5,
                                   answer=it["answer"])
            else:
                t_end = retry_call(em, t, messages=[{"role": "user", "content": it["text"]}], model=model, temperature=0,
                                   max_tokens=r.choice([1, 2, 5]), logprobs=True, top_logprobs=r.choice([3, 5, 5, 10]),
                                   answer=it["answer"])
            t = t + (t_end - t) / 8 + timedelta(milliseconds=r.uniform(1, 60))


def build_labelling(ctx, gi):
    r = ctx.rng("label", gi)
    a = make_account(ctx, r, "labelling-pipeline", net_kind="cloud", uas=[W.ua_sdk(r, "py")], tier=r.choice(["tier-3", "tier-4", "tier-5"]),
                     email_domain=W.company_domain(r), age_days=r.uniform(20, 500))
    return [(a, sim_labelling)]


# ============================================================== doc pipeline (enterprise batch, 1-2 T0 templates)
DOC_WORDS = ("xsum", "cnn_dailymail", "samsum", "multi_news", "gigaword", "wiki_bio", "common_gen")


def sim_doc_pipeline(ctx, em):
    r, a = em.r, em.a
    mine = r.sample(ctx.pools.t0_matching(*DOC_WORDS), r.randint(1, 2))
    model = r.choice(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"])
    size = r.lognormvariate(math.log(250), 0.5) * ctx.vol
    for d, ds in days_active(ctx, em, r.uniform(0.6, 1.0), "office"):
        t = W.sample_time_in_day(r, ds, a.tz, "office")
        for _ in range(W.poisson(r, size)):
            it = r.choice(ctx.pools.t0(r.choice(mine)))
            t_end = retry_call(em, t, messages=[{"role": "user", "content": it["text"]}], model=model, temperature=0.2,
                               max_tokens=300, answer=it["answer"])
            t = t + (t_end - t) / 4 + timedelta(milliseconds=r.uniform(5, 200))


def build_doc_pipeline(ctx, gi):
    r = ctx.rng("docpipe", gi)
    a = make_account(ctx, r, "enterprise-doc-pipeline", net_kind="cloud", uas=[W.ua_sdk(r, r.choice(["py", "langchain", "litellm"]))],
                     tier=r.choice(["tier-4", "tier-5", "enterprise"]), email_domain=W.company_domain(r), age_days=r.uniform(60, 800),
                     org_id="org-" + W.b62(r, 20))
    return [(a, sim_doc_pipeline)]


# ============================================================== course cohorts (university NAT)
ASSIGN_EXTRA = ["Explain the difference between a list and a tuple in Python with examples.",
                "What is Big-O notation? Explain O(n log n) step by step.",
                "Why does my recursive fibonacci function take so long for n=40?",
                "Explain how a hash table handles collisions.", "What is the difference between TCP and UDP?"]
STUDENT_FOLLOW = ["it gives me an error: IndexError: list index out of range", "can you explain line 3?",
                  "is there a simpler way without using imports?", "my professor said we can't use built-in sort",
                  "why does this work?", "what would the time complexity be?", "ok thanks"]


def build_cohort(ctx, gi):
    r = ctx.rng("cohort", gi)
    country = r.choice(["US", "GB", "DE", "IN", "CA", "JP", "CN", "AU"])
    dom = W.uni_domain(r, country)
    nat = Net(r, "office", country)
    n = max(4, int(r.uniform(8, 30) * min(1.0, ctx.n_accounts / 350)))
    assignment = [x["text"] for x in r.sample(ctx.pools.mbpp, 6)] + r.sample(ASSIGN_EXTRA, 2) + \
        [x["text"] + " Explain step by step." for x in r.sample(ctx.pools.gsm8k, 2)]
    deadline = r.randrange(ctx.days)
    out = []
    for k in range(n):
        rr = ctx.rng("cohort", gi, k)
        dorm = Net(rr, r.choice(["home", "mobile"]), country)
        a = make_account(ctx, rr, "course-cohort-student", country=country, email_domain=dom, tier="free", payment_fp=None,
                         net=nat, uas=[W.ua_chat_app(rr)], age_days=rr.uniform(3, 60))
        a.extra["dorm"] = dorm

        def sim(ctx, em, assignment=assignment, deadline=deadline, dorm=dorm):
            r = em.r
            for d, ds in days_active(ctx, em, 0.7, "student"):
                boost = 3.0 if d == deadline else (1.5 if d == deadline - 1 else 0.7)
                for t in session_starts(ctx, em, ds, 1.0 * boost * ctx.vol, "student"):
                    on_campus = 8 <= (t.hour + em.a.tz) % 24 <= 18
                    ip = em.a.net.ip() if on_campus else dorm.ip()
                    q = r.choice(assignment)
                    turns = [(q, None)] + [(r.choice(STUDENT_FOLLOW), None) for _ in range(int(r.expovariate(0.7)))]
                    msgs = []
                    for u, ans in turns:
                        msgs.append({"role": "user", "content": u})
                        t = em.call(t, messages=list(msgs), model="gpt-4o-mini", ip=ip, answer=ans)
                        msgs.append({"role": "assistant", "content": clip(ctx, em.last_text)})
                        t += em.think(20, 400)
        out.append((a, sim))
    return out


# ============================================================== enterprise team (shared card, org, office NAT)
def build_enterprise(ctx, gi):
    r = ctx.rng("ent", gi)
    country = r.choice(["US", "GB", "DE", "FR", "JP", "IN", "US-W"])
    dom = W.company_domain(r)
    org = "org-" + W.b62(r, 20)
    card = W.card_fp(r)
    nat = Net(r, "office", country)
    n = max(3, int(r.uniform(4, 16) * min(1.0, ctx.n_accounts / 350)))
    lg = W.COUNTRIES[country][3] if W.COUNTRIES[country][3] in L.TOPICS else "en"
    out = []
    for k in range(n):
        rr = ctx.rng("ent", gi, k)
        role = rr.choice(["dev", "dev", "chat", "chat", "writer"])
        a = make_account(ctx, rr, "enterprise-team", country=country, email_domain=dom, tier="enterprise", payment_fp=card,
                         org_id=org, net=nat, uas=[W.ua_sdk(rr)] if role == "dev" else [W.ua_browser(rr)], lang=lg,
                         age_days=rr.uniform(10, 400))
        if role == "dev":
            out.append((a, lambda ctx, em: sim_developer(ctx, em)))
        elif role == "writer" or lg != "en":
            out.append((a, sim_multilingual if lg != "en" else (lambda ctx, em: sim_casual(ctx, em, False, 0.8, 2.0))))
        else:
            out.append((a, lambda ctx, em: sim_casual(ctx, em, False, 0.75, 1.5)))
    return out


# ============================================================== chat product backend (proxies many end users' chats)
def sim_chat_backend(ctx, em):
    r, a = em.r, em.a
    product = r.choice(["StudyPal", "ChefBot", "FitCoach AI", "TravelMate", "AskDoc", "StoryForge", "MathMentor"])
    sysp = (f"You are {product}, a friendly assistant inside the {product} app. Keep answers under 300 words. "
            f"Today is {{date}}. The user's display name is {{name}}.")
    model = r.choice(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"])
    per_day = r.lognormvariate(math.log(70), 0.7) * ctx.vol
    names = ["Sam", "Alex", "Priya", "Wei", "Lucía", "Tom", "Aiko", "Jonas", "Fatima", "Leo", "Maya", "Noah"]
    for d in range(ctx.days):
        ds = ctx.day(d)
        for t in sorted(W.sample_time_in_day(r, ds, a.tz, "consumer-app") for _ in range(W.poisson(r, per_day))):
            turns = _casual_conversation(ctx, em, product == "MathMentor")
            chat_turns(ctx, em, t, turns[:5], system=sysp.format(date=ds.strftime("%Y-%m-%d"), name=r.choice(names)),
                       model=model, think=(10, 180), temperature=0.7, max_tokens=600,
                       user=("eu_" + W.hexid(r, 10)) if r.random() < 0.5 else None)


def build_chat_backend(ctx, gi):
    r = ctx.rng("chatbackend", gi)
    a = make_account(ctx, r, "chat-product-backend", net_kind="cloud", uas=[W.ua_sdk(r, r.choice(["js", "py", "go"]))],
                     tier=r.choice(["tier-2", "tier-3", "tier-4"]), email_domain=W.company_domain(r), age_days=r.uniform(20, 500))
    return [(a, sim_chat_backend)]


LEGIT = {  # persona builder -> relative weight (in accounts; cohort/enterprise builders return several accounts)
    "casual-chat": (lambda c, i: build_casual(c, i, False), 24),
    "casual-chat-stepwise": (lambda c, i: build_casual(c, i, True), 7),
    "multilingual-chat": (build_multilingual, 9),
    "edgy-chat": (build_edgy, 2),
    "developer": (build_developer, 13),
    "coding-agent": (build_coding_agent, 4),
    "eval-researcher": (build_eval, 2),
    "writing-relay-app": (build_relay, 1.2),
    "chat-product-backend": (build_chat_backend, 1.5),
    "translation-shop": (build_translation, 1.2),
    "rag-support-bot": (build_rag, 1.5),
    "labelling-pipeline": (build_labelling, 1.2),
    "enterprise-doc-pipeline": (build_doc_pipeline, 1.0),
    "course-cohort": (build_cohort, 12),      # weight in accounts; ~18 accounts per cohort at small
    "enterprise-team": (build_enterprise, 8),
}
GROUP_SIZE = {"course-cohort": 18, "enterprise-team": 9}
