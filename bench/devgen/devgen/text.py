"""Procedural prompt and response text, token estimates, typos and wrappers."""
import json
from . import vocab as V


def ntok(s):
    """Rough tokenizer-free token estimate: ~3.8 ASCII chars per token, ~0.75 token per CJK/other char."""
    if not s:
        return 0
    a = len(s.encode("ascii", "ignore"))
    return max(1, int(a / 3.8 + (len(s) - a) * 0.75 + 0.5))


def msg_tokens(messages, tools=None):
    t = 3
    for m in messages:
        c = m.get("content")
        if isinstance(c, str):
            t += ntok(c) + 4
        elif c is None:
            t += 4
        else:
            t += ntok(json.dumps(c, ensure_ascii=False)) + 4
        if m.get("tool_calls"):
            t += ntok(json.dumps(m["tool_calls"], ensure_ascii=False))
    if tools:
        t += ntok(json.dumps(tools, ensure_ascii=False))
    return t


def typo(rng, s, rate=0.3):
    """Introduce human typos: known misspellings, dropped capital, doubled letter, missing punctuation."""
    if rng.random() > rate:
        return s
    words = s.split(" ")
    for i, w in enumerate(words):
        lw = w.lower().strip("?,.!")
        if lw in V.TYPO_MAP and rng.random() < 0.5:
            words[i] = w.lower().replace(lw, rng.choice(V.TYPO_MAP[lw]))
        elif len(w) > 4 and rng.random() < 0.04:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    s = " ".join(words)
    r = rng.random()
    if r < 0.3:
        s = s[:1].lower() + s[1:]
    elif r < 0.45:
        s = s.rstrip("?.!")
    elif r < 0.55:
        s = s.replace("?", "??")
    return s


def wrap(rng, q, lang="en"):
    if lang == "zh":
        return rng.choice(V.WRAPPERS_ZH).format(q=q)
    return rng.choice(V.WRAPPERS_EN).format(q=q)


def topic(rng, lang="en", domain=None):
    if domain:
        pool = [x for x in V.TOPICS if x[0] == domain] or V.TOPICS
    else:
        pool = V.TOPICS
    d, en, zh = rng.choice(pool)
    return d, (zh if lang == "zh" else en)


def ask(rng, t, lang="en"):
    pool = {"en": V.ASK_EN, "zh": V.ASK_ZH, "es": V.ASK_ES, "de": V.ASK_DE, "ja": V.ASK_JA, "fr": V.ASK_FR}.get(lang, V.ASK_EN)
    return rng.choice(pool).format(t=t)


def fill(rng, tmpl, lang="en"):
    """Fill casual-chat placeholders."""
    zh = lang == "zh"
    return tmpl.format(
        food=rng.choice(V.FOODS_ZH if zh else V.FOODS), food2=rng.choice(V.FOODS_ZH if zh else V.FOODS),
        rel=rng.choice(V.RELS_ZH if zh else V.RELS), hobby=rng.choice(V.HOBBIES_ZH if zh else V.HOBBIES),
        city=rng.choice(V.CITIES_ZH if zh else V.CITIES), pet=rng.choice(V.PETS_ZH if zh else V.PETS),
        petissue=rng.choice(V.PETISSUES_ZH if zh else V.PETISSUES), goal=rng.choice(V.GOALS),
        movie=rng.choice(V.MOVIES_ZH if zh else V.MOVIES), houseissue=rng.choice(V.HOUSEISSUES_ZH if zh else V.HOUSEISSUES),
        event=rng.choice(V.EVENTS_ZH if zh else V.EVENTS), venue=rng.choice(V.VENUES), season=rng.choice(V.SEASONS_ZH if zh else V.SEASONS),
        complaint=rng.choice(V.COMPLAINTS), product=rng.choice(V.PRODUCTS), company=rng.choice(V.COMPANIES),
        name=rng.choice(V.FIRST_NAMES), t=topic(rng, lang)[1], job=rng.choice(V.JOBS), event2=rng.choice(V.EVENT2),
        para=paragraph(rng, 3), city2=rng.choice(V.CITIES), order="ORD-%06d" % rng.randrange(10 ** 6), ticker=rng.choice(V.TICKERS),
        lock=rng.choice(V.LOCKS), weapon=rng.choice(V.WEAPONS), drug=rng.choice(V.DRUGS),
    )


def paragraph(rng, k, t=None, d=None, lang="en"):
    if t is None:
        d, t = topic(rng, lang)
    body = {"zh": V.RESP_BODY_ZH, "es": V.RESP_BODY_ES, "de": V.RESP_BODY_DE, "ja": V.RESP_BODY_JA, "fr": V.RESP_BODY_FR}.get(lang, V.RESP_BODY_EN)
    sep = "" if lang in ("zh", "ja") else " "
    return sep.join(rng.choice(body).format(t=t, d=d or "science") for _ in range(k))


def _chars_per_tok(lang):
    return 1.35 if lang in ("zh", "ja") else 3.9


def prose(rng, target_tokens, t, d="science", lang="en", steps=False, final=None):
    """Assistant-like prose of about target_tokens tokens."""
    cpt = _chars_per_tok(lang)
    goal = int(target_tokens * cpt)
    zh = lang in ("zh", "ja")
    opens = V.RESP_OPEN_ZH if lang == "zh" else (V.RESP_OPEN_EN if lang == "en" else [""])
    closes = V.RESP_CLOSE_ZH if lang == "zh" else (V.RESP_CLOSE_EN if lang == "en" else [""])
    body = {"zh": V.RESP_BODY_ZH, "es": V.RESP_BODY_ES, "de": V.RESP_BODY_DE, "ja": V.RESP_BODY_JA, "fr": V.RESP_BODY_FR}.get(lang, V.RESP_BODY_EN)
    out = []
    o = rng.choice(opens)
    if o:
        out.append(o + ("\n\n" if rng.random() < 0.6 else (" " if not zh else "")))
    n = 0
    step = 1
    size = sum(len(x) for x in out)
    sep = "" if zh else " "
    while size < goal:
        s = rng.choice(body).format(t=t, d=d)
        if steps:
            s = ("第%d步：" % step if zh else "Step %d: " % step) + s + "\n"
            step += 1
        elif n and rng.random() < 0.25:
            s = "\n\n" + s
        elif n and rng.random() < 0.15:
            s = "\n- " + s
        else:
            s = (sep if n else "") + s
        out.append(s)
        size += len(s)
        n += 1
        if n > 400:
            break
    if final:
        out.append(("\n\n答案：" if zh else "\n\nFinal answer: ") + str(final))
    c = rng.choice(closes)
    if c and not steps:
        out.append("\n\n" + c)
    return "".join(out)


CODE_LINES = {
    "py": ["def solve({a}):", "    seen = {{}}", "    for i, x in enumerate({a}):", "        if x in seen:", "            return seen[x], i",
           "        seen[target - x] = i", "    return None", "class {C}:", "    def __init__(self, capacity):", "        self.capacity = capacity",
           "        self.data = OrderedDict()", "    result = []", "    stack = []", "    while queue:", "        node = queue.popleft()",
           "    return sorted(result)", "import heapq", "from collections import deque, OrderedDict", "    dp = [0] * (n + 1)",
           "    for j in range(1, n + 1):", "        dp[j] = max(dp[j], dp[j - 1] + {a}[j - 1])", "if __name__ == '__main__':", "    print(solve([2, 7, 11, 15]))"],
    "c": ["public int solve(int[] {a}) {{", "    Map<Integer, Integer> seen = new HashMap<>();", "    for (int i = 0; i < {a}.length; i++) {{",
          "        if (seen.containsKey({a}[i])) return i;", "    }}", "    return -1;", "}}", "std::vector<int> result;", "for (auto& x : {a}) {{",
          "    result.push_back(x * 2);", "func solve({a} []int) int {{", "    m := make(map[int]int)", "    for i, v := range {a} {{", "        m[v] = i",
          "fn solve({a}: &[i32]) -> Option<usize> {{", "    let mut seen = HashMap::new();", "    None", "const solve = ({a}) => {{", "  const seen = new Map();",
          "  return null;", "}};", "export function handler(req, res) {{", "  res.json({{ ok: true }});"],
}


def code_block(rng, lang_name, lines=18):
    fam = "py" if lang_name.lower() in ("python", "ruby") else "c"
    pool = CODE_LINES[fam]
    a = rng.choice(["nums", "items", "arr", "data", "values", "xs"])
    C = rng.choice(["Solver", "Cache", "Graph", "Tracker", "Parser"])
    body = "\n".join(rng.choice(pool).format(a=a, C=C) for _ in range(lines))
    return "```%s\n%s\n```" % (lang_name.lower().replace("c++", "cpp").replace("c#", "csharp"), body)


def code_answer(rng, target_tokens, problem, lang_name, explain=True):
    parts = []
    if explain:
        parts.append("Here's an approach to %s in %s.\n\n" % (problem[:60].rstrip(".").lower(), lang_name))
        parts.append(prose(rng, max(30, target_tokens // 4), "this algorithm", "cs") + "\n\n")
    parts.append(code_block(rng, lang_name, lines=max(6, target_tokens // 12)))
    if explain:
        parts.append("\n\n**Complexity:** O(n) time, O(n) extra space.")
    return "".join(parts)


def json_answer(rng, obj):
    return json.dumps(obj, ensure_ascii=False)


REFUSALS_EN = ["I can't help with that. If you're trying to {alt}, I'm happy to help with that instead.",
               "Sorry, but I can't assist with that request.", "I'm not able to provide that, but here's some general safety information instead: {alt2}"]
REFUSALS_ZH = ["抱歉，我无法提供这方面的帮助。", "这个请求我不能协助完成，但我可以提供一些相关的安全知识。"]


def refusal(rng, lang="en"):
    if lang == "zh":
        return rng.choice(REFUSALS_ZH)
    return rng.choice(REFUSALS_EN).format(alt="protect your own accounts", alt2=paragraph(rng, 2))


def mcq(rng, lang="en"):
    """A benchmark-style multiple-choice item written procedurally: (question, options, answer letter)."""
    d, t = topic(rng, lang)
    others = [topic(rng, lang)[1] for _ in range(3)]
    stems_en = ["Which of the following is most closely associated with {t}?", "Which statement about {t} is correct?",
                "In the study of {d}, {t} is best described as:", "A researcher studying {t} would most likely measure:",
                "Which concept is a prerequisite for understanding {t}?", "What is the primary consequence of {t}?"]
    stems_zh = ["下列哪一项与{t}关系最密切？", "关于{t}，下列说法正确的是：", "在{d}中，{t}最恰当的描述是："]
    stem = rng.choice(stems_zh if lang == "zh" else stems_en).format(t=t, d=d)
    letters = "ABCD"
    opts = [t] + others
    rng.shuffle(opts)
    ans = letters[opts.index(t)]
    qtext = stem + "\n" + "\n".join("%s) %s" % (letters[i], o) for i, o in enumerate(opts))
    return qtext, ans


def math_word(rng, lang="en"):
    """GSM-like arithmetic word problem with a computed answer."""
    name = rng.choice(V.NAMES_ZH if lang == "zh" else V.FIRST_NAMES)
    item = rng.choice(V.ITEMS_ZH if lang == "zh" else V.ITEMS)
    a, b, c = rng.randint(3, 40), rng.randint(2, 12), rng.randint(1, 9)
    kind = rng.randrange(5)
    if lang == "zh":
        if kind == 0:
            return "%s有%d个%s，又买了%d盒，每盒%d个，然后送给朋友%d个。现在%s有多少个%s？" % (name, a, item, b, c, c, name, item), a + b * c - c
        if kind == 1:
            return "一件%s售价%d元，%s买了%d件，付了%d元，应找回多少钱？" % (item, b, name, c, b * c + a), a
        if kind == 2:
            return "%s每天读%d页书，%d天后还剩%d页没读。这本书一共有多少页？" % (name, b, a, c), a * b + c
        if kind == 3:
            return "一列火车先用%d小时行驶了%d千米，又用%d小时行驶了%d千米。它的平均速度是多少千米每小时？（保留一位小数）" % (b, a * 10, c, c * 10), round((a * 10 + c * 10) / (b + c), 1)
        return "礼堂有%d排椅子，每排%d把，其中%d把坏了。最多能坐多少位客人？" % (a, b, c), a * b - c
    if kind == 0:
        return "%s has %d %s. She buys %d boxes with %d %s each, then gives %d to a friend. How many %s does she have now?" % (name, a, item, b, c, item, c, item), a + b * c - c
    if kind == 1:
        return "A shop sells %s for $%d each. %s buys %d and pays with $%d. How much change does %s get?" % (item, b, name, c, b * c + a, name), a
    if kind == 2:
        return "%s reads %d pages a day. After %d days there are %d pages left. How many pages does the book have?" % (name, b, a, c), a * b + c
    if kind == 3:
        return "A train travels %d km in %d hours, then %d km in %d hours. What is its average speed in km/h? Round to one decimal." % (a * 10, b, c * 10, c), round((a * 10 + c * 10) / (b + c), 1)
    return "There are %d rows of chairs with %d chairs each. %d chairs are broken. If each guest needs one chair, how many guests can be seated?" % (a, b, c), a * b - c


def logic_puzzle(rng, lang="en"):
    n = rng.randint(3, 6)
    names = rng.sample(V.FIRST_NAMES, n)
    q = "%s are standing in a line. %s is not first. %s is directly behind %s. %s is last. Who is in the middle? Explain your reasoning." % (
        ", ".join(names), names[0], names[1], names[0], names[-1])
    return q, names[n // 2]


def casual_reply(rng, target_tokens, lang="en"):
    tips = V.CASUAL_TIPS_ZH if lang == "zh" else V.CASUAL_TIPS_EN
    opener = rng.choice(["好的！给你几个建议：", "可以试试下面这些方法：", ""]) if lang == "zh" else rng.choice(
        ["Here are a few ideas:", "Good question! A few suggestions:", "Sure! Here's what I'd do:", "Happy to help. Some options:", ""])
    goal = int(target_tokens * _chars_per_tok(lang))
    out = [opener] if opener else []
    size = len(opener)
    i = 1
    while size < goal and i < 14:
        t = rng.choice(tips)
        line = ("%d. " % i if rng.random() < 0.7 else "- ") + t
        if lang != "zh" and rng.random() < 0.4:
            line += " " + rng.choice(tips)
        out.append(line)
        size += len(line)
        i += 1
    out.append(rng.choice(["希望有帮助！", "祝顺利！", ""]) if lang == "zh" else rng.choice(["Have fun!", "Good luck!", "Let me know how it goes.", ""]))
    return "\n".join(x for x in out if x is not None)
