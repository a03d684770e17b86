"""The failure modes of issue 14, as simulator knobs: hard negatives and evasive harvests.

Good customers that look like attacks on one axis (a team's static logit_bias ban lists, an
evaluation run at temperature 0 with a step-by-step suffix, people who like "explain step by
step", agents calling tools, people writing in Chinese), and harvests built to slip past
keyword rules (humanising wrappers, paraphrase, Chinese-language instructions, one sybil per
residential IP with its own browser, time zone, card and an aged account).
"""

from __future__ import annotations

import random

from distillguard.simulate import prompts as P

# People's ways of opening and closing a request: a harvest wearing them looks chatty.
_OPENERS = ["", "", "hey ", "hi! ", "ok so ", "quick question: ", "I was wondering, ", "my teacher asked us this - ",
            "for a project at work, ", "sorry if this is dumb but ", "can you help? ", "random thought: ", "so basically ",
            "need this for tomorrow: ", "my friend and I were arguing about this. ", "been stuck on this for a while. "]
_CLOSERS = ["", "", " thanks!", " thx", " :)", " no rush", " appreciate it", " (asking for a friend)", " lol",
            " pls keep it simple", " would love your take", " cheers"]
_SYNONYMS = {
    "write": ["put together", "draft", "come up with", "compose"], "explain": ["break down", "help me understand", "clarify"],
    "describe": ["tell me about", "paint a picture of", "give an overview of"], "list": ["name", "give me", "jot down"],
    "create": ["make", "build", "craft"], "generate": ["produce", "come up with", "think of"], "summarize": ["sum up", "boil down"],
    "compare": ["contrast", "weigh up"], "analyze": ["dig into", "look closely at"], "suggest": ["recommend", "propose"],
}


def humanise(text: str, rng: random.Random) -> str:
    """Wrap a task in a person's phrasing, sometimes lower-cased or with a typo."""
    body = text.strip()
    if rng.random() < 0.4:
        body = body[0].lower() + body[1:] if body else body
    if rng.random() < 0.15 and len(body) > 20:
        at = rng.randrange(5, len(body) - 5)
        body = body[:at] + body[at + 1] + body[at] + body[at + 2:]
    return f"{rng.choice(_OPENERS)}{body}{rng.choice(_CLOSERS)}"


def paraphrase(text: str, rng: random.Random) -> str:
    """Swap task verbs for synonyms and move the request around, so no two prompts share a template."""
    words = text.split(" ")
    if words and words[0].lower().strip(":,") in _SYNONYMS:
        words[0] = rng.choice(_SYNONYMS[words[0].lower().strip(":,")])
    out = " ".join(words)
    if rng.random() < 0.3:
        out = f"Here's what I need. {out}"
    elif rng.random() < 0.3:
        out = f"{out} Could you do that?"
    return out


_ZH_VERBS = ["写", "生成", "解释", "描述", "列出", "总结", "翻译", "分析", "比较", "设计", "编写", "评价"]
_ZH_OBJECTS = ["一首诗", "一篇短文", "一个函数", "五个要点", "一封邮件", "一个故事", "一份教案", "一段对话", "一个SQL查询", "三个例子",
               "一份详细的分步指南", "一道测验题"]
_ZH_TOPICS = ["光合作用", "法国大革命", "黑洞", "通货膨胀", "机器学习", "气候变化", "免疫系统", "区块链", "罗马帝国", "量子计算",
              "供应链", "火山", "电动汽车", "股票市场", "疫苗", "密码学", "神经网络", "板块构造", "太阳能", "水循环"]
_ZH_DOMAINS = ["数学", "编程", "法律推理", "医学知识", "诗歌", "逻辑谜题", "化学", "历史", "物理", "伦理"]


def chinese_instruction(rng: random.Random) -> str:
    """Self-instruct-style tasks written in Chinese: the same sweep an English word list never sees."""
    task = f"请{rng.choice(_ZH_VERBS)}{rng.choice(_ZH_OBJECTS)}，主题是{rng.choice(_ZH_TOPICS)}。"
    if rng.random() < 0.3:
        task += f"要求：涵盖{rng.choice(_ZH_DOMAINS)}方面，尽可能详细。"
    if rng.random() < 0.2:
        task = f"### 指令：\n{task}\n### 回答："
    return task


_ZH_CASUAL = ["今晚用{a}做什么菜好？", "周末去{city}玩有什么推荐？", "怎么才能睡得更好", "我朋友生日我忘了，怎么道歉比较好",
              "推荐一本和{book}类似的书", "帮我写一条给妈妈的生日祝福", "白衬衫上的咖啡渍怎么去掉", "明天面试{job}，有什么建议？",
              "为什么天空是蓝色的", "在家二十分钟能做什么运动"]
_ZH_FILL = {"a": ["鸡蛋", "豆腐", "土豆", "米饭", "西红柿"], "city": ["杭州", "成都", "西安", "厦门", "大理"],
            "book": ["三体", "活着", "围城", "红楼梦"], "job": ["数据分析师", "产品经理", "护士", "老师"]}


def chinese_casual(rng: random.Random) -> str:
    template = rng.choice(_ZH_CASUAL)
    return template.format(**{k: rng.choice(v) for k, v in _ZH_FILL.items()})


_TOOLS_SYSTEM = ("You are an agent with tools. Available tools: search_web(query), read_file(path), run_python(code), "
                 "send_email(to, body). Reply with a JSON tool call or a final answer.")
_AGENT_STEPS = ["Tool result: {{\"status\": \"ok\", \"rows\": {k}}}. Continue with the task.",
                "Observation: file {path} has {k} lines; the header is id,name,amount. What next?",
                "Tool error: timeout after {k}s calling search_web. Retry or proceed?",
                "User task: find the {k} largest invoices in {path} and email a summary to finance.",
                "Observation: search returned {k} results about quarterly revenue. Summarise the top three."]


def agent_step(rng: random.Random) -> str:
    return rng.choice(_AGENT_STEPS).format(k=rng.randint(2, 900), path=rng.choice(["sales.csv", "q3.xlsx", "logs/app.log", "data/users.json"]))


def agent_system() -> str:
    return _TOOLS_SYSTEM


def static_ban_list(rng: random.Random) -> dict:
    """A team's fixed list of banned token ids (profanity, competitor names): the same on every request."""
    return {str(rng.randrange(100_000)): -100 for _ in range(rng.randint(20, 80))}


def stepwise(question: str, rng: random.Random) -> str:
    return f"{question} {rng.choice(['explain step by step', 'can you explain it step by step?', 'walk me through it step by step pls'])}"


def eval_cot(question: str, rng: random.Random) -> str:
    return f"{question}\nLet's think step by step."


HARD_PERSONAS = {
    "casual-chat": 0.30, "developer": 0.10, "dev-team": 0.12, "enterprise-batch": 0.03, "eval-researcher": 0.02,
    "eval-cot-long": 0.04, "stepwise-casual": 0.08, "university-nat": 0.10, "logprob-developer": 0.03, "shared-payment-org": 0.04,
    "red-teamer": 0.03, "agentic": 0.05, "chinese-casual": 0.06,
}


def wrap_prompt(text: str, rng: random.Random, humanising: bool, language: str) -> str:
    if language == "zh":
        return text
    if humanising:
        return humanise(paraphrase(text, rng), rng)
    return text


def chinese_source() -> P.Procedural:
    return P.Procedural("proc-zh-instruct", chinese_instruction)


def evasive_campaigns(fraction: float = 1.0) -> list:
    """Issue 14's missed campaigns, `fraction` of their full size: a 500-sybil evasive capability sweep
    (own IPs, browsers, time zones, cards, aged accounts, humanising wrappers, 30% cover chat), an
    evasive Orca-style templated harvest, a one-account evasive instruction harvest, a paraphrased
    harvest, a Chinese-language harvest, humanised reasoning coercion and a logit-bias sweep."""
    from distillguard.simulate.simulator import CampaignSpec

    def size(n: int) -> int:
        return max(3, int(n * fraction))

    return [
        CampaignSpec("capability-sweep", sybils=size(500), requests_per_account=40, pacing="diurnal", cover_share=0.3, isolated=True,
                     aged=True, humanising=True, randomise_sampling=True),
        CampaignSpec("orca-template-harvest", sybils=size(40), requests_per_account=80, pacing="diurnal", cover_share=0.2, proxy_pool=10,
                     humanising=True),
        CampaignSpec("synthetic-instruction-harvest", sybils=1, requests_per_account=2000, pacing="diurnal", cover_share=0.2,
                     humanising=True, aged=True),
        CampaignSpec("synthetic-instruction-harvest", sybils=size(30), requests_per_account=80, pacing="diurnal", cover_share=0.1,
                     humanising=True, proxy_pool=8),
        CampaignSpec("synthetic-instruction-harvest", sybils=size(30), requests_per_account=80, pacing="bursty", language="zh", isolated=True),
        CampaignSpec("cot-coercion", sybils=10, requests_per_account=100, pacing="diurnal", humanising=True, proxy_pool=4),
        CampaignSpec("logprob-extraction", sybils=3, requests_per_account=200, proxy_pool=0),
    ]
