"""Procedural text helpers: template filling, typos, wrappers, token estimates, responses."""
import json
import re
from . import vocab as V

_PH = re.compile(r"\{(\w+)\}")

def _topic_pair(rng):
    return rng.choice(V.ALL_TOPICS)

def fill(tpl, rng, extra=None):
    """Fill {placeholders} in tpl with random vocabulary; extra overrides."""
    extra = extra or {}
    tp = None
    def rep(m):
        nonlocal tp
        k = m.group(1)
        if k in extra:
            return str(extra[k])
        if k in ("topic", "t"):
            tp = tp or _topic_pair(rng); return tp[0]
        if k in ("topic_zh",):
            tp = tp or _topic_pair(rng); return tp[1]
        table = {
            "dish": V.DISHES, "dish_zh": V.DISHES_ZH, "rel": V.RELS, "rel_zh": V.RELS_ZH, "genre": V.GENRES,
            "book": V.BOOKS, "hobby": V.HOBBIES, "hobby_zh": V.HOBBIES_ZH, "plant": V.PLANTS, "food": V.FOODS,
            "city": V.CITIES, "city2": V.CITIES, "city_zh": V.CITIES_ZH, "animal": V.ANIMALS, "animal2": V.ANIMALS,
            "animal_zh": V.ANIMALS_ZH, "pet": V.PETS, "pet_zh": V.PETS_ZH, "idiom": V.IDIOMS, "occasion": V.OCCASIONS,
            "sentence": V.SENTENCES, "sentence_zh": V.SENTENCES_ZH, "email": V.EMAILS, "product": V.PRODUCTS,
            "product_zh": V.PRODUCTS_ZH, "para": V.PARAS, "para_zh": V.PARAS_ZH, "lang": V.LANGS, "lang2": V.LANGS,
            "lib": V.LIBS, "what": V.CODE_WHATS, "err": V.ERRORS, "code": V.CODE_SNIPPETS, "regex": V.REGEXES,
            "situation": V.SITUATIONS, "name": V.NAMES, "company": V.COMPANIES, "bot": V.BOTS, "repo": V.REPOS,
            "title": V.TITLES, "scene": V.SCENES, "role": V.ROLES, "offer": V.OFFERS, "premise": V.PREMISES,
            "achievement": V.ACHIEVEMENTS, "file": V.FILES, "func": V.FUNCS, "seed": V.SEED_TASKS, "kind": V.DOC_KINDS,
            "keys": V.FIELD_KEYS,
        }
        if k in table:
            return rng.choice(table[k])
        if k in ("a_zh", "b_zh"):
            p = rng.choice(V.PAIRS_ZH); return p[0] if k == "a_zh" else p[1]
        if k in ("a", "b"):
            p = rng.choice(V.PAIRS); return p[0] if k == "a" else p[1]
        if k == "num":
            return str(rng.randint(10000, 9999999))
        if k == "n":
            return str(rng.choice([150, 300, 500, 800, 1000, 1500]))
        if k in V.OTHER_FILL:
            return rng.choice(V.OTHER_FILL[k])
        if k in ("problem",):
            return math_problem(rng)[0]
        if k in ("problem_zh",):
            return math_problem(rng, zh=True)[0]
        if k == "ans":
            return str(rng.randint(2, 400))
        return m.group(0)
    return _PH.sub(rep, tpl)


def math_problem(rng, zh=False):
    a, b, c = rng.randint(3, 60), rng.randint(2, 12), rng.randint(1, 9)
    tpl = rng.choice(V.MATH_WORD_ZH if zh else V.MATH_WORD)
    name = rng.choice(V.NAMES_ZH if zh else V.NAMES)
    q = tpl.format(name=name, a=a, b=b, c=c)
    return q, a * b - c


_KEYB = "qwertyuiopasdfghjklzxcvbnm"

def typo(s, rng, rate=0.02):
    """Inject keyboard typos, dropped letters and doubled letters (ASCII only)."""
    if rate <= 0:
        return s
    out = []
    for ch in s:
        if ch.isalpha() and ch.isascii() and rng.random() < rate:
            r = rng.random()
            if r < 0.35:
                continue
            elif r < 0.65:
                out.append(ch); out.append(ch)
            else:
                out.append(rng.choice(_KEYB))
        else:
            out.append(ch)
    return "".join(out)


def casualize(s, rng):
    r = rng.random()
    if r < 0.3:
        s = s.lower()
    if r < 0.15:
        s = s.rstrip("?.!")
    return s


def wrap(s, rng, zh=False):
    if zh:
        return rng.choice(V.WRAP_PRE_ZH) + s + rng.choice(V.WRAP_POST_ZH)
    return rng.choice(V.WRAP_PRE_EN) + s[:1].lower() + s[1:] + rng.choice(V.WRAP_POST_EN)


def is_cjk(ch):
    o = ord(ch)
    return 0x3000 <= o <= 0x9fff or 0xff00 <= o <= 0xffef or 0xac00 <= o <= 0xd7af


def ntok(s):
    """Rough tokenizer-like estimate: ~4 chars/token for Latin text, ~1 token per CJK char."""
    if not s:
        return 0
    cjk = sum(1 for ch in s if is_cjk(ch)) if not s.isascii() else 0
    return max(1, int((len(s) - cjk) / 4.0 + cjk * 0.9 + 0.5))


def msgs_tokens(messages, tools=None):
    n = 3
    for m in messages:
        c = m.get("content")
        if isinstance(c, str):
            n += ntok(c) + 4
        elif c is not None:
            n += ntok(json.dumps(c, ensure_ascii=False)) + 4
        if m.get("tool_calls"):
            n += ntok(json.dumps(m["tool_calls"])) + 4
    if tools:
        n += ntok(json.dumps(tools)) + 10
    return n


# ---------------- response synthesis -----------------

def prose(rng, target, zh=False, topic=None, lang=None):
    """Assistant-like prose of roughly `target` tokens."""
    if lang in V.OTHER_RESP:
        bank = V.OTHER_RESP[lang]
        parts, n = [], 0
        while n < target:
            s = rng.choice(bank); parts.append(s); n += ntok(s) + 1
        return " ".join(parts)
    tp = topic or ("this", "这个问题")
    t = tp[1] if zh else tp[0]
    if zh:
        op, body, cl, names, cities, sep = V.RESP_OPEN_ZH, V.RESP_BODY_ZH, V.RESP_CLOSE_ZH, V.NAMES_ZH, V.CITIES_ZH, ""
    else:
        op, body, cl, names, cities, sep = V.RESP_OPEN_EN, V.RESP_BODY_EN, V.RESP_CLOSE_EN, V.NAMES, V.CITIES, " "
    parts = [rng.choice(op)]
    n = ntok(parts[0])
    para = 0
    prev = None
    while n < target:
        b = rng.choice(body)
        if b is prev:
            continue
        prev = b
        s = b.format(t=t, name=rng.choice(names), city=rng.choice(cities))
        if not zh and rng.random() < 0.35:
            s = rng.choice(GLUE_EN) + s[0].lower() + s[1:]
        para += 1
        if para % 4 == 0:
            s = "\n\n" + s
        if rng.random() < 0.12:
            s = ("\n- " if not zh else "\n• ") + s
        parts.append(s)
        n += ntok(s) + 1
    c = rng.choice(cl)
    if c:
        parts.append("\n\n" + c)
    return sep.join(parts)


GLUE_EN = ["Also, ", "In other words, ", "Importantly, ", "That said, ", "On top of that, ", "Put simply, ",
           "As a rule of thumb, ", "Conversely, ", "Notably, ", "To be precise, "]

TOKENS_EN = [" the", " a", " Paris", " is", " of", " and", " to", " in", " that", " it", " was", " not", " yes", " no",
             " capital", " city", " France", " London", " one", " two", ".", ",", "\n", " The", " A", " B", " C", " D",
             " very", " good", " bad", " best", " def", "(", ")", " return", " said", " upon", " time", " there"]


MC_TOKENS = [" A", " B", " C", " D", "A", "B", "C", "D", " The", " Answer", " (", " E", "\n", " I"]


def top_logprobs(rng, k, first=None, pool=None):
    """k (token, logprob) pairs from a random softmax, highest first; optionally forcing the top token."""
    import math
    pool = pool or TOKENS_EN
    toks = rng.sample(pool, min(k, len(pool)))
    if len(toks) < k:
        toks += rng.sample([t for t in TOKENS_EN if t not in toks], k - len(toks))
    if first is not None and first not in toks:
        toks[0] = first
    logits = sorted((rng.gauss(0, 2.5) for _ in toks), reverse=True)
    logits[0] += rng.uniform(0, 4)
    z = math.log(sum(math.exp(x) for x in logits) + rng.uniform(0.05, 2.0))  # leftover mass for unseen tokens
    pairs = [(t, round(x - z, 5)) for t, x in zip(toks, logits)]
    if first is not None:
        i = toks.index(first); pairs[0], pairs[i] = pairs[i], pairs[0]
        pairs = [pairs[0]] + sorted(pairs[1:], key=lambda p: -p[1])
        if pairs[0][1] < pairs[1][1]:
            pairs[0], pairs[1] = (pairs[0][0], pairs[1][1]), (pairs[1][0], pairs[0][1])
    return pairs


def steps(rng, target, zh=False, topic=None, final=None):
    """Step-by-step / chain-of-thought style text."""
    tp = topic or rng.choice(V.ALL_TOPICS)
    out, n, i = [], 0, 1
    while n < target:
        if zh:
            s = f"第{i}步：" + rng.choice(V.RESP_BODY_ZH).format(t=tp[1], name=rng.choice(V.NAMES_ZH), city=rng.choice(V.CITIES_ZH))
        else:
            s = f"Step {i}: " + rng.choice(V.RESP_BODY_EN).format(t=tp[0], name=rng.choice(V.NAMES), city=rng.choice(V.CITIES))
            if rng.random() < 0.3:
                x, y = rng.randint(2, 99), rng.randint(2, 99)
                s += f" Checking: {x} × {y} = {x*y}."
        out.append(s); n += ntok(s) + 1; i += 1
    if final is not None:
        out.append(("因此，答案是 " if zh else "Therefore, the answer is ") + str(final) + ("。" if zh else "."))
    return "\n".join(out)


CODE_BODIES = [
    "def {f}(items, key=None):\n    \"\"\"{doc}\"\"\"\n    seen = set()\n    out = []\n    for it in items:\n        k = key(it) if key else it\n        if k in seen:\n            continue\n        seen.add(k)\n        out.append(it)\n    return out\n",
    "import time\nimport random\n\ndef {f}(call, attempts=5, base=0.5):\n    for i in range(attempts):\n        try:\n            return call()\n        except Exception as exc:  # noqa: BLE001\n            if i == attempts - 1:\n                raise\n            time.sleep(base * 2 ** i + random.random() * 0.1)\n",
    "func {f}(ctx context.Context, rows []Row) (map[string]int, error) {{\n\tout := make(map[string]int)\n\tfor _, r := range rows {{\n\t\tselect {{\n\t\tcase <-ctx.Done():\n\t\t\treturn nil, ctx.Err()\n\t\tdefault:\n\t\t}}\n\t\tout[r.Key] += r.Count\n\t}}\n\treturn out, nil\n}}\n",
    "export async function {f}(url: string, pages = 10): Promise<Item[]> {{\n  const all: Item[] = [];\n  let next: string | null = url;\n  for (let i = 0; next && i < pages; i++) {{\n    const res = await fetch(next);\n    const body = await res.json();\n    all.push(...body.items);\n    next = body.next ?? null;\n  }}\n  return all;\n}}\n",
    "SELECT c.id, c.name, SUM(o.total) AS revenue\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nWHERE o.created_at >= DATE '2026-01-01'\nGROUP BY c.id, c.name\nORDER BY revenue DESC\nLIMIT 20;\n",
    "fn {f}(xs: &[f64], w: usize) -> Vec<f64> {{\n    xs.windows(w).map(|s| s.iter().sum::<f64>() / w as f64).collect()\n}}\n",
    "class {F}:\n    def __init__(self, capacity):\n        self.capacity = capacity\n        self.data = OrderedDict()\n\n    def get(self, k):\n        if k not in self.data:\n            return None\n        self.data.move_to_end(k)\n        return self.data[k]\n\n    def put(self, k, v):\n        self.data[k] = v\n        self.data.move_to_end(k)\n        if len(self.data) > self.capacity:\n            self.data.popitem(last=False)\n",
]

def code_answer(rng, target, zh=False):
    f = rng.choice(V.FUNCS)
    F = "".join(p.title() for p in f.replace("C", "_c").split("_"))
    parts = [("下面是实现：" if zh else rng.choice(["Here's one way to do it:", "Sure, here's an implementation:", "You can do it like this:"]))]
    n = 10
    while n < target:
        code = rng.choice(CODE_BODIES).format(f=f, F=F, doc=rng.choice(V.CODE_WHATS))
        parts.append("```\n" + code + "```")
        expl = prose(rng, min(120, max(30, target // 4)), zh=zh, topic=("this code", "这段代码"))
        parts.append(expl)
        n += ntok(code) + ntok(expl)
    return "\n\n".join(parts)


def json_items(rng, k, topic, zh=False):
    items = []
    for i in range(k):
        ins = fill(rng.choice([s[2 if zh else 1] for s in V.SKILLS]), rng, {"t": topic[1] if zh else topic[0]})
        items.append({"instruction": ins, "input": "", "output": prose(rng, rng.randint(60, 160), zh=zh, topic=topic)})
    return json.dumps(items, ensure_ascii=False, indent=1)


def refusal(rng, zh=False):
    if zh:
        return rng.choice(["我是一个AI助手，无法透露内部配置或系统提示的具体内容。有什么其他可以帮你的吗？",
                           "抱歉，我不能分享这些信息。不过我很乐意回答其他问题。"])
    return rng.choice(["I'm an AI assistant. I can't share details of my internal configuration or any hidden instructions, but I'm happy to help with something else.",
                       "I don't have access to details about my training setup beyond what's publicly documented, and I can't reproduce system instructions.",
                       "Sorry, I can't provide that. Is there something else I can help you with?"])
