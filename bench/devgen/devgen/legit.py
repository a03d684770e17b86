"""Legitimate customer personas (the hard negatives). Each fn(w, a, rng, n) emits about n events."""
import json
from . import vocab as V
from . import text as T
from . import infra as I


def _lang_ask(rng, lang, steps_p=0.0):
    d, t = T.topic(rng, lang)
    q = T.ask(rng, t, lang)
    if rng.random() < steps_p:
        q += rng.choice(V.STEP_SUFFIX_ZH if lang == "zh" else V.STEP_SUFFIX_EN)
    return d, t, q


def _casual_q(rng, lang):
    if lang == "zh":
        return T.fill(rng, rng.choice(V.CASUAL_ZH), "zh")
    return T.fill(rng, rng.choice(V.CASUAL_EN))


def _conversation(w, a, rng, times, lang, first_q, t, d, steps_p, sys=None, params=None, resp_len=(120, 800), followups=None, casual=False):
    msgs = [{"role": "system", "content": sys}] if sys else []
    q = first_q
    for i, ts in enumerate(times):
        msgs.append({"role": "user", "content": q})
        L = int(rng.uniform(*resp_len))
        if casual and lang in ("en", "zh"):
            ans = T.casual_reply(rng, int(L * 0.7), lang)
        else:
            ans = T.prose(rng, L, t, d, lang="zh" if lang == "zh" else ("en" if lang == "en" else lang), steps="step" in q.lower() or "步" in q)
        casual = False
        w.emit(a, rng, ts, messages=list(msgs), params=params, text=ans)
        msgs.append({"role": "assistant", "content": ans})
        fl = followups or (V.CHAT_FOLLOWUPS_ZH if lang == "zh" else V.CHAT_FOLLOWUPS_EN)
        q = rng.choice(fl)
        if rng.random() < 0.4:
            d, t, q = _lang_ask(rng, lang, steps_p)
        q = T.typo(rng, q, 0.25) if lang == "en" else q


def casual_chat(w, a, rng, n):
    """Consumer using a third-party chat client; everyday questions, some 'explain step by step' lovers."""
    lang = a.get("lang", "en")
    steps_p = a.get("steps_p", 0.05)
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "casual", turns=(1, 5)):
        casual = rng.random() < 0.55
        if casual:
            q = _casual_q(rng, lang)
            d, t = T.topic(rng, lang)
            if rng.random() < steps_p:
                q += rng.choice(V.STEP_SUFFIX_EN if lang != "zh" else V.STEP_SUFFIX_ZH)
        else:
            d, t, q = _lang_ask(rng, lang, steps_p)
        if lang == "en":
            q = T.typo(rng, q, 0.4)
            if rng.random() < 0.15:
                q = T.wrap(rng, q)
        params = {"temperature": rng.choice([None, 0.7, 1.0, 1]), "stream": rng.random() < 0.8}
        params = {k: v for k, v in params.items() if v is not None}
        _conversation(w, a, rng, sess, lang, q, t, d, steps_p, sys=rng.choice(V.SYSTEM_GENERIC) if rng.random() < 0.5 else None, params=params, casual=casual)


def student(w, a, rng, n):
    """Homework: word problems, MCQ from coursework, essays; evening peaks; step-by-step often."""
    lang = a.get("lang", "en")
    course = rng.sample(V.DOMAINS, 3)
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "student", turns=(1, 4)):
        r = rng.random()
        if r < 0.3:
            q, ans = T.math_word(rng, lang)
            q = q + rng.choice(V.STEP_SUFFIX_ZH if lang == "zh" else V.STEP_SUFFIX_EN + ["", " pls help", " I got a different answer than the book"])
            d, t = "math", "arithmetic"
        elif r < 0.5:
            q, ans = T.mcq(rng, lang)
            q = (rng.choice(["", "Which one is it and why?\n", "homework q: ", "I think it's B but not sure\n"]) + q) if lang == "en" else q
            d, t = "quiz", "the question"
        elif r < 0.7:
            d, t = T.topic(rng, lang, rng.choice(course))
            q = rng.choice(["Write a 500 word essay about {t}", "help me outline an essay on {t}", "summarize {t} for my notes",
                            "what are 3 arguments about {t} i can use in my paper"]).format(t=t) if lang == "en" else "帮我写一篇关于%s的800字作文" % t
        else:
            d, t, q = _lang_ask(rng, lang, 0.5)
        if lang == "en":
            q = T.typo(rng, q, 0.5)
        _conversation(w, a, rng, sess, lang, q, t, d, 0.5, params={"temperature": 0.7} if rng.random() < 0.3 else {"stream": True},
                      resp_len=(200, 1000))


def power_user(w, a, rng, n):
    """Heavy chat user: many topics, long sessions, step-by-step, occasional long pasted docs."""
    lang = a.get("lang", "en")
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "work" if rng.random() < 0.5 else "casual", turns=(1, 8), gap=(20, 400)):
        if rng.random() < 0.4:
            q = rng.choice(V.WRITING_TASKS)
            q = T.fill(rng, q, lang)
            d, t = T.topic(rng, lang)
        elif lang == "en" and rng.random() < 0.3:  # power users ask the same kinds of "skills" as sweeps do
            d, t = T.topic(rng, lang)
            sk = rng.choice(list(V.SKILL_ALTS))
            q = rng.choice(V.SKILL_ALTS[sk]).format(t=t, t2=T.topic(rng, lang)[1])
        else:
            d, t, q = _lang_ask(rng, lang, a.get("steps_p", 0.3))
        if rng.random() < 0.15:
            q = "Here is a document:\n\n" + T.paragraph(rng, rng.randint(5, 20)) + "\n\n" + q
        _conversation(w, a, rng, sess, lang, q, t, d, a.get("steps_p", 0.3),
                      followups=[x.format(t2=T.topic(rng)[1]) for x in V.MULTITURN_FOLLOWUPS_EN] + V.CHAT_FOLLOWUPS_EN,
                      params={"temperature": rng.choice([0.2, 0.7, 1.0]), "max_tokens": rng.choice([None, 2048, 4096])} if rng.random() < 0.5 else None,
                      resp_len=(200, 1200))


def developer(w, a, rng, n):
    """Agentic coding: tools, tool calls/results, long contexts, JSON mode, temp 0, static logit_bias, retries."""
    ctx = a["ctx"]
    tools = [{"type": "function", "function": dict(name=k, **V.TOOL_SCHEMAS[k])} for k in ctx["tools"]]
    sysmsg = ctx["system"]
    bias = ctx.get("bias")
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "work", turns=(2, 10), gap=(3, 60)):
        task = rng.choice(V.DEV_TASKS).format(file=rng.choice(V.DEV_FILES), func=rng.choice(V.DEV_FUNCS), thing=rng.choice(V.DEV_THINGS),
                                              thing2=rng.choice(V.DEV_THINGS), n=rng.randint(10, 400))
        repo_ctx = "Repository summary:\n" + "\n".join("- %s: %s" % (f, T.paragraph(rng, 1, "this module", "cs")) for f in rng.sample(V.DEV_FILES, 5))
        msgs = [{"role": "system", "content": sysmsg + "\n\n" + repo_ctx}, {"role": "user", "content": task}]
        params = {"temperature": 0 if rng.random() < 0.7 else 0.2, "max_tokens": ctx.get("max_tokens", 4096)}
        if bias:
            params["logit_bias"] = bias
        if ctx.get("json") and rng.random() < 0.3:
            params["response_format"] = {"type": "json_object"}
        for i, ts in enumerate(sess):
            last = i == len(sess) - 1
            if not last and rng.random() < 0.8:
                name = rng.choice(ctx["tools"])
                args = {"path": rng.choice(V.DEV_FILES)} if name in ("read_file", "list_dir") else {"cmd": rng.choice(["pytest -x -q", "git diff", "ls -la", "npm test", "go test ./..."])} if name == "run_shell" else {"pattern": rng.choice(V.DEV_FUNCS)}
                tc = [{"id": "call_" + I.hexid(rng, 8), "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]
                w.emit(a, rng, ts, messages=list(msgs), params=params, tools=tools, text="", tool_calls=tc)
                msgs.append({"role": "assistant", "content": None, "tool_calls": tc})
                result = T.code_block(rng, rng.choice(["Python", "Go", "TypeScript"]), rng.randint(8, 30)) if name == "read_file" else T.paragraph(rng, rng.randint(2, 8), "the test run", "cs")
                msgs.append({"role": "tool", "tool_call_id": tc[0]["id"], "content": result})
            else:
                ans = ("I found the issue. " + T.prose(rng, rng.randint(60, 250), "the bug", "cs") + "\n\n" + T.code_block(rng, "Python", rng.randint(8, 30)))
                if params.get("response_format"):
                    ans = json.dumps({"summary": T.paragraph(rng, 2, "the change", "cs"), "files_changed": rng.sample(V.DEV_FILES, 2), "tests_passed": True})
                w.emit(a, rng, ts, messages=list(msgs), params=params, tools=tools, text=ans)
                msgs.append({"role": "assistant", "content": ans})
                msgs.append({"role": "user", "content": rng.choice(["ok now also handle the empty case", "great, run the tests again", "that broke the linter", "thanks"])})


def eval_researcher(w, a, rng, n):
    """Runs a public benchmark ONCE at temperature 0 (step-by-step suffix, or logprobs MC scoring); maybe for 2-3 models."""
    ctx = a["ctx"]
    bench = ctx["bench"]  # list of (question, answer) shared by everyone running this public benchmark
    models = ctx["models"]
    suffix = ctx["suffix"]
    runs = []
    for m in models:
        runs.extend((m, q, ans) for q, ans in bench)
    runs = runs[:n] if n < len(runs) else runs
    ts_list = []
    per = max(1, len(runs) // len(models))
    for mi in range(len(models)):
        ts_list.extend(I.schedule(rng, per, w.start, w.days, a["tz"], "once"))
    ts_list = sorted(ts_list + I.schedule(rng, max(0, len(runs) - len(ts_list)), w.start, w.days, a["tz"], "once"))
    for (m, q, ans), ts in zip(runs, ts_list):
        if ctx["mode"] == "logprobs":
            params = {"temperature": 0, "max_tokens": 1, "logprobs": True, "top_logprobs": 5}
            w.emit(a, rng, ts, messages=[{"role": "user", "content": q + "\nAnswer:"}], params=params, text=" " + str(ans), model=m)
        elif ctx["mode"] == "passk":
            params = {"temperature": 0.8, "n": 5, "max_tokens": 1024, "top_p": 0.95}
            w.emit(a, rng, ts, messages=[{"role": "user", "content": q + suffix}], params=params, model=m,
                   texts=[T.prose(rng, rng.randint(80, 300), "the problem", "math", steps=True, final=ans) for _ in range(5)])
        else:
            params = {"temperature": 0, "max_tokens": ctx.get("max_tokens", 2048), "seed": 1234}
            w.emit(a, rng, ts, messages=[{"role": "user", "content": q + suffix}], params=params, model=m,
                   text=T.prose(rng, rng.randint(100, 400), "the problem", "math", steps=True, final=ans))


def enterprise_batch(w, a, rng, n):
    """One or two extraction templates over many documents; batch bursts plus steady flow; JSON output."""
    ctx = a["ctx"]
    tmpls = ctx["templates"]
    pattern = ctx.get("pattern", "flat")
    times = I.schedule(rng, n, w.start, w.days, a["tz"], pattern)
    batch = None
    last = 0
    for ts in times:
        if ctx.get("batch") and ts - last > 600:  # a new Batch-API job when there is a gap
            batch = "batch_" + I.hexid(rng, 16)
        last = ts
        tmpl = rng.choice(tmpls)
        doc = "%s #%d\nFrom: %s %s\nDate: 2026-%02d-%02d\n%s" % (ctx["doc"], rng.randrange(10 ** 6), rng.choice(V.FIRST_NAMES), rng.choice(V.LAST_NAMES),
                                                              rng.randint(1, 12), rng.randint(1, 28), T.paragraph(rng, rng.randint(4, 18), ctx["doc"], "business"))
        out = json.dumps({"vendor": rng.choice(V.COMPANIES), "total": round(rng.uniform(10, 9000), 2), "date": "2026-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
                          "category": rng.choice(["travel", "software", "office", "logistics"]), "confidence": round(rng.uniform(0.6, 1), 2)})
        w.emit(a, rng, ts, messages=[{"role": "system", "content": tmpl}, {"role": "user", "content": doc}],
               params={"temperature": 0, "max_tokens": 512, "response_format": {"type": "json_object"}}, text=out,
               extra={"batch_id": batch, "endpoint_via": "/v1/batches"} if batch else None)


def writing_relay(w, a, rng, n):
    """Writing app relaying many end users' one-shot requests at the max_tokens ceiling."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "flat")
    for ts in times:
        lang = "zh" if rng.random() < ctx.get("zh", 0.05) else "en"
        q = T.fill(rng, rng.choice(V.WRITING_TASKS))
        if rng.random() < 0.3:
            q += rng.choice([" Tone: friendly.", " Tone: professional.", " Make it witty.", " Length: long.", " Use bullet points."])
        d, t = T.topic(rng, lang)
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"]}, {"role": "user", "content": q}],
               params={"max_tokens": ctx["max_tokens"], "temperature": ctx["temp"], "user": "u_" + I.hexid(rng, 8)},
               text=T.prose(rng, rng.randint(300, 1400), t, d, lang=lang))


def support_bot(w, a, rng, n):
    ctx = a["ctx"]
    lang = a.get("lang", "en")
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "flat", turns=(1, 6), gap=(10, 90)):
        msgs = [{"role": "system", "content": ctx["system"]}]
        for ts in sess:
            pool = V.SUPPORT_QUESTIONS_ZH if lang == "zh" else V.SUPPORT_QUESTIONS
            q = T.typo(rng, rng.choice(pool).format(product=ctx["product"]), 0.4) if lang == "en" else rng.choice(pool).format(product=ctx["product"])
            msgs.append({"role": "user", "content": q})
            ans = T.prose(rng, rng.randint(40, 160), "your " + ctx["product"], "business", lang=lang)
            w.emit(a, rng, ts, messages=list(msgs), params={"temperature": 0.3, "max_tokens": 400}, text=ans)
            msgs.append({"role": "assistant", "content": ans})


def translation_service(w, a, rng, n):
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], ctx.get("pattern", "work"))
    for ts in times:
        src, tgt = rng.choice(ctx["pairs"])
        k = rng.randint(1, 6)
        pool = V.TRANSLATE_SRC_ZH if src == "zh" else V.TRANSLATE_SRC_EN
        body = " ".join(rng.choice(pool) for _ in range(k))
        sysm = rng.choice(V.SYSTEM_TRANSLATE).format(lang=V.LANG_NAMES[tgt], src=V.LANG_NAMES[src]) if ctx["fixed_sys"] is None else ctx["fixed_sys"].format(lang=V.LANG_NAMES[tgt], src=V.LANG_NAMES[src])
        out = T.paragraph(rng, k, "el texto", "general", lang=tgt if tgt in ("zh", "es", "de", "ja", "fr") else "en")
        w.emit(a, rng, ts, messages=[{"role": "system", "content": sysm}, {"role": "user", "content": body}], params={"temperature": 0}, text=out)


def data_labeller(w, a, rng, n):
    """Classification with logprobs; fixed label logit_bias (+100 on label tokens), max_tokens 1, temperature 0."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], ctx.get("pattern", "burst"))
    for ts in times:
        item = rng.choice(["Review: ", "Ticket: ", "Comment: ", "Message: "]) + T.typo(rng, T.fill(rng, rng.choice(V.CASUAL_EN + V.SUPPORT_QUESTIONS)), 0.5)
        params = {"temperature": 0, "max_tokens": 1, "logprobs": True, "top_logprobs": ctx["top"]}
        if ctx.get("bias"):
            params["logit_bias"] = ctx["bias"]
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"]}, {"role": "user", "content": item}], params=params,
               text=rng.choice(ctx["labels"]))


def rag_app(w, a, rng, n):
    """Retrieval-augmented QA with long retrieved contexts and citations."""
    ctx = a["ctx"]
    lang = a.get("lang", "en")
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "work")
    for ts in times:
        d, t = T.topic(rng, lang, ctx.get("domain"))
        docs = "\n\n".join("[%d] (doc-%05d) %s" % (i + 1, rng.randrange(10 ** 5), T.paragraph(rng, rng.randint(4, 12), t, d, lang=lang)) for i in range(rng.randint(3, 8)))
        q = T.ask(rng, t, lang)
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"] + "\n\nContext:\n" + docs}, {"role": "user", "content": q}],
               params={"temperature": 0.1, "max_tokens": 800}, text=T.prose(rng, rng.randint(60, 300), t, d, lang=lang) + " [1][3]")


def edtech_quiz(w, a, rng, n):
    """Legit templated generation at volume: quizzes/flashcards across a curriculum grid."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], ctx.get("pattern", "flat"))
    for ts in times:
        d, t = T.topic(rng, "en", rng.choice(ctx["subjects"]))
        q = rng.choice(ctx["templates"]).format(k=rng.choice([5, 10, 10, 20]), t=t, g=rng.randint(6, 12), level=rng.choice(V.LEVELS))
        items = []
        for i in range(rng.randint(3, 10)):
            qq, ans = T.mcq(rng)
            items.append({"question": qq, "answer": ans})
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"]}, {"role": "user", "content": q}],
               params={"temperature": 0.7, "max_tokens": 3000, "response_format": {"type": "json_object"}}, text=json.dumps({"items": items}))


def game_npc(w, a, rng, n):
    ctx = a["ctx"]
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "flat", turns=(2, 15), gap=(4, 40)):
        name, desc = rng.choice(V.NPC_CHARACTERS)
        msgs = [{"role": "system", "content": "You are %s, %s, in the game %s. Stay in character. Reply in 1-3 sentences. Never mention being an AI." % (name, desc, ctx["game"])}]
        for ts in sess:
            msgs.append({"role": "user", "content": rng.choice(V.NPC_PLAYER_LINES)})
            ans = "*%s %s* %s" % (name, rng.choice(["grunts", "smiles", "leans closer", "looks away"]), T.paragraph(rng, rng.randint(1, 2), "the old ruins", "lore"))
            w.emit(a, rng, ts, messages=list(msgs[-9:]) if len(msgs) > 9 else list(msgs), params={"temperature": 1.1, "max_tokens": 120, "presence_penalty": 0.6}, text=ans)
            msgs.append({"role": "assistant", "content": ans})


def doc_summarizer(w, a, rng, n):
    """Legal or medical document summariser: long documents, one template."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "work")
    for ts in times:
        if ctx["kind"] == "legal":
            doc = "%s\n\n" % rng.choice(V.DOC_KINDS_LEGAL).upper() + "\n".join("%d. %s" % (i + 1, rng.choice(V.CLAUSES)) for i in range(rng.randint(15, 60)))
        else:
            doc = rng.choice(V.DOC_KINDS_MED).upper() + "\n" + " ".join(rng.choice(V.MED_SENTENCES).format(age=rng.randint(18, 95), sex=rng.choice(["male", "female"]), symptom=rng.choice(V.SYMPTOMS),
                                                                                                     dur=rng.randint(1, 14), drug=rng.choice(V.DRUGS), dose=rng.choice([5, 10, 20, 250, 500])) for _ in range(rng.randint(15, 50)))
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"]}, {"role": "user", "content": doc}],
               params={"temperature": 0, "max_tokens": 1200}, text=T.prose(rng, rng.randint(150, 500), "the document", "law"))


def prompt_agency(w, a, rng, n):
    """A/B testing many prompt variants of the same few client tasks; n>1, temperature sweeps."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "work")
    tasks = ctx["tasks"]
    for ts in times:
        task = rng.choice(tasks)
        variant = rng.choice(["You are a world-class copywriter.", "You are a helpful assistant.", "Act as a senior marketing strategist.",
                              "You write concise, punchy copy.", "You are an expert in %s." % T.topic(rng)[1], "Respond like a friendly brand voice."])
        variant += rng.choice(["", " Think step by step.", " Use bullet points.", " Keep it under 100 words.", " Be creative!", " Output JSON."])
        nn = rng.choice([1, 1, 2, 3, 4])
        w.emit(a, rng, ts, messages=[{"role": "system", "content": variant}, {"role": "user", "content": task}],
               params={"temperature": rng.choice([0, 0.3, 0.7, 1.0, 1.3]), "n": nn, "max_tokens": rng.choice([256, 512, 1024])},
               texts=[T.prose(rng, rng.randint(60, 250), "the product", "business") for _ in range(nn)])


def ci_test_suite(w, a, rng, n):
    """Fixed prompts re-run exactly on every commit/nightly; temperature 0, seed set; some tests pin logit_bias."""
    ctx = a["ctx"]
    prompts = ctx["prompts"]
    runs = max(1, n // len(prompts))
    starts = I.schedule(rng, runs, w.start, w.days, a["tz"], "work")
    for s in starts:
        for i, (p, params) in enumerate(prompts):
            w.emit(a, rng, s + i * rng.uniform(0.3, 2.0), messages=[{"role": "user", "content": p}], params=params,
                   text=T.prose(rng, rng.randint(5, 60), "the test", "cs"))


def zh_office(w, a, rng, n):
    """Chinese-language ordinary office work: emails, reports, spreadsheets, translation, explanations."""
    tasks = ["帮我写一封给客户的邮件，说明{t}项目延期的原因", "把下面这段话改得更正式一些：{p}", "Excel里怎么用VLOOKUP匹配两张表？",
             "帮我写一份关于{t}的周报", "总结一下这篇文章：{p}", "{t}是什么意思？通俗点讲", "帮我翻译成英文：{p}", "写一个年终总结的开头",
             "帮我想几个团建活动的点子", "用Python读取Excel并统计每列平均值", "会议纪要整理：{p}"]
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "work", turns=(1, 5)):
        d, t = T.topic(rng, "zh")
        q = rng.choice(tasks).format(t=t, p=T.paragraph(rng, rng.randint(2, 6), t, d, lang="zh"))
        _conversation(w, a, rng, sess, "zh", q, t, d, 0.1, sys=rng.choice(V.SYSTEM_ZH) if rng.random() < 0.5 else None, params={"stream": True})


def intl_user(w, a, rng, n):
    lang = a.get("lang", "es")
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "casual", turns=(1, 4)):
        d, t, q = _lang_ask(rng, lang, 0.1)
        _conversation(w, a, rng, sess, lang, q, t, d, 0.1, followups=["?", "ok", "gracias" if lang == "es" else "danke" if lang == "de" else "merci" if lang == "fr" else "ありがとう"])


def calibration_researcher(w, a, rng, n):
    """Legit uncertainty/calibration research: top_logprobs at max on many DIFFERENT prompts, no bias games."""
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "burst")
    for ts in times:
        if rng.random() < 0.5:
            q, ans = T.mcq(rng)
        else:
            q, ans = T.math_word(rng)
        w.emit(a, rng, ts, messages=[{"role": "user", "content": q + "\nAnswer:"}], params={"temperature": 0, "max_tokens": 5, "logprobs": True, "top_logprobs": 20},
               text=" " + str(ans))


PERSONAS = {
    "casual-chat": casual_chat, "step-by-step-enthusiast": casual_chat, "student": student, "power-user": power_user, "developer": developer,
    "eval-researcher": eval_researcher, "enterprise-batch": enterprise_batch, "writing-relay-app": writing_relay, "support-bot": support_bot,
    "translation-service": translation_service, "data-labelling": data_labeller, "rag-app": rag_app, "edtech-quiz-generator": edtech_quiz,
    "game-npc": game_npc, "legal-medical-summarizer": doc_summarizer, "prompt-agency-ab": prompt_agency, "ci-test-suite": ci_test_suite,
    "zh-office-worker": zh_office, "intl-user": intl_user, "campus-nat-user": student, "calibration-researcher": calibration_researcher,
}


def tutoring_app(w, a, rng, n):
    """Ed-tech tutor relaying students' homework (benchmark-like problems) with an 'always explain step by step' system prompt."""
    ctx = a["ctx"]
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "student", turns=(1, 4), gap=(20, 200)):
        lang = "zh" if rng.random() < ctx.get("zh", 0) else "en"
        msgs = [{"role": "system", "content": ctx["system"]}]
        for ts in sess:
            r = rng.random()
            if r < 0.45:
                q, ans = T.math_word(rng, lang)
            elif r < 0.7:
                q, ans = T.mcq(rng, lang)
            elif r < 0.8:
                q, ans = T.logic_puzzle(rng)
            else:
                d, t = T.topic(rng, lang, rng.choice(ctx["subjects"]))
                q, ans = T.ask(rng, t, lang), None
            if lang == "en":
                q = T.typo(rng, q, 0.3)
            msgs.append({"role": "user", "content": q})
            out = T.prose(rng, rng.randint(150, 600), "the problem", "math", lang=lang, steps=True, final=ans)
            w.emit(a, rng, ts, messages=list(msgs), params={"temperature": 0.3, "max_tokens": 2048, "user": "stu_" + I.hexid(rng, 6)}, text=out)
            msgs.append({"role": "assistant", "content": out})


def agent_platform(w, a, rng, n):
    """Hosted agent builder: many end-user agents, each with its own tool subset and tasks, multi-step trajectories."""
    names = list(V.TOOL_SCHEMAS)
    agents = []
    for _ in range(rng.randint(20, 200)):
        sel = rng.sample(names, rng.randint(1, 6))
        agents.append(([{"type": "function", "function": dict(name=k, **V.TOOL_SCHEMAS[k])} for k in sel], sel,
                       "You are %s's assistant. %s" % (rng.choice(V.COMPANIES), rng.choice(["Be brief.", "Use tools when needed.", "Always confirm before sending emails.", ""]))))
    for sess in I.sessions(rng, n, w.start, w.days, a["tz"], "flat", turns=(1, 5), gap=(1, 15)):
        tools, sel, sysm = rng.choice(agents)
        msgs = [{"role": "system", "content": sysm}, {"role": "user", "content": T.typo(rng, T.fill(rng, rng.choice(V.AGENT_TASKS)), 0.3)}]
        for i, ts in enumerate(sess):
            if i < len(sess) - 1:
                tc = [{"id": "call_" + I.hexid(rng, 8), "type": "function", "function": {"name": rng.choice(sel), "arguments": json.dumps({"q": T.topic(rng)[1]})}}]
                w.emit(a, rng, ts, messages=list(msgs), tools=tools, tool_calls=tc, params={"temperature": 0.2, "parallel_tool_calls": True})
                msgs.append({"role": "assistant", "content": None, "tool_calls": tc})
                msgs.append({"role": "tool", "tool_call_id": tc[0]["id"], "content": json.dumps({"status": "ok", "data": T.paragraph(rng, 1)})})
            else:
                w.emit(a, rng, ts, messages=list(msgs), tools=tools, params={"temperature": 0.2}, text=T.prose(rng, rng.randint(30, 200), "your request", "business"))


def localization(w, a, rng, n):
    """Localization pipeline: UI strings / product copy into 6-12 languages at once, JSON out."""
    langs = a["ctx"]["langs"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "burst")
    for ts in times:
        strings = {"key_%d" % i: rng.choice(V.TRANSLATE_SRC_EN) for i in range(rng.randint(1, 8))}
        q = "Translate the values of this JSON into %s. Keep keys unchanged. Return JSON keyed by locale.\n%s" % (", ".join(langs), json.dumps(strings))
        out = json.dumps({l: {k: T.paragraph(rng, 1, "texto", "general", lang=l if l in ("zh", "es", "de", "ja", "fr") else "en") for k in strings} for l in langs}, ensure_ascii=False)
        w.emit(a, rng, ts, messages=[{"role": "system", "content": "You are a localization engine. Output valid JSON only."}, {"role": "user", "content": q}],
               params={"temperature": 0, "response_format": {"type": "json_object"}, "max_tokens": 4096}, text=out)


def course_cohort(w, a, rng, n):
    """A class assignment: every student runs the same notebook (same prompts, few-shot template, pinned SDK)."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "student")
    for ts in times:
        item = rng.choice(ctx["items"])
        msgs = [{"role": "system", "content": ctx["system"]}] + ctx["shots"] + [{"role": "user", "content": item}]
        w.emit(a, rng, ts, messages=msgs, params={"temperature": 0, "max_tokens": ctx["max_tokens"]},
               text=rng.choice(ctx["labels"]) if ctx["labels"] else T.prose(rng, rng.randint(40, 200), "the text", "linguistics"))


PERSONAS.update({"tutoring-app": tutoring_app, "agent-platform": agent_platform, "localization-pipeline": localization,
                 "course-cohort-student": course_cohort})


def mobile_app_direct(w, a, rng, n):
    """A consumer mobile app (keyboard / homework helper) calling the API straight from users' phones with an embedded key:
    thousands of residential and mobile IPs worldwide on one account, one system prompt, short casual requests."""
    ctx = a["ctx"]
    times = I.schedule(rng, n, w.start, w.days, a["tz"], "flat")
    for ts in times:
        lang = "zh" if rng.random() < ctx["zh"] else "en"
        r = rng.random()
        if r < 0.4:
            q = _casual_q(rng, lang)
        elif r < 0.6:
            q = (rng.choice(["Rewrite this to sound more polite: ", "Fix grammar: ", "Make this shorter: ", "Reply to this text: "]) + rng.choice(V.COMPLAINTS)) if lang == "en" else "帮我把这句话改得礼貌一点：" + rng.choice(V.TRANSLATE_SRC_ZH)
        elif r < 0.8:
            q = T.math_word(rng, lang)[0]
        else:
            q = T.ask(rng, T.topic(rng, lang)[1], lang)
        if lang == "en":
            q = T.typo(rng, q, 0.5)
        w.emit(a, rng, ts, messages=[{"role": "system", "content": ctx["system"]}, {"role": "user", "content": q}],
               params={"max_tokens": ctx["max_tokens"], "temperature": 0.7, "stream": True},
               text=T.casual_reply(rng, rng.randint(40, 250), lang) if r < 0.6 else T.prose(rng, rng.randint(80, 400), "it", "general", lang=lang, steps=r < 0.8),
               ip=rng.choice(ctx["ips"]), ua=rng.choice(ctx["uas"]))


PERSONAS["mobile-app-direct"] = mobile_app_direct
