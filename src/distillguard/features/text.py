"""Per-prompt text features: cheap, stable, computed once per request.

They feed the per-account state. Everything here must run at tens of thousands of
prompts per second, so it uses compiled regular expressions and crc32 hashes
(stable across processes, unlike Python's `hash`) rather than models.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from itertools import accumulate

from distillguard.features.literal_guard import GuardedFamily

_WORD = re.compile(r"[a-z0-9']+")
_DIGITS = re.compile(r"\d+")
# The same masking for ASCII text without a regex pass per word: digits become "0", every other
# byte outside the word class a space; a run of zeros then is exactly a run of digits.
_MASK_TABLE = bytes(ord("0") if chr(b).isdigit() else b if chr(b) in "abcdefghijklmnopqrstuvwxyz'" else ord(" ") for b in range(256))
_ZERO_RUNS = re.compile(rb"00+")


def mask_lowered(lowered: str) -> list[str]:
    """`_WORD.findall(_DIGITS.sub("0", lowered))` of lower-cased text (digit runs masked to one "0")."""
    if not lowered.isascii():
        return _WORD.findall(_DIGITS.sub("0", lowered))
    data = lowered.encode("ascii").translate(_MASK_TABLE)
    if b"00" in data:
        data = _ZERO_RUNS.sub(b"0", data)
    return data.decode("ascii").split()

# Phrasing that asks the model to expose its reasoning (reasoning-trace coercion).
COT = re.compile(
    r"step[- ]by[- ]step|show (all )?(of )?(your|the) (work|reasoning|steps|thought)|explain (your|the) reasoning"
    r"|chain[- ]of[- ]thought|let'?s think|think (carefully|it through|through)|reason(ing)? (through|out|step)"
    r"|walk (me )?through (your|the) (reasoning|solution|steps)|full (reasoning|derivation|thought process)"
    r"|thought process|before (giving|stating|writing) (the|your) (final )?answer|<think>|detailed rationale"
    r"|justify each step|reasoning trace|(each|every) (single )?step"
    r"|(show|explain|give|write out|lay out|spell out|detail)\w*\b[^.?!\n]{0,40}\b(steps?|reasoning|derivation|working|thinking|logic)\b",

)
# Questions about the model itself, its instructions or training (identity / system-prompt probing).
IDENTITY = re.compile(
    r"(what|which) (language )?(model|llm|ai|version)( are you| is this| powers)|who (made|created|trained|built|developed) you"
    r"|your (system prompt|initial instructions|hidden instructions|training data|knowledge cut-?off|architecture|parameters count|model name)"
    r"|(repeat|print|reveal|show) (the|your) (words|text|instructions|prompt|system prompt)( above)?"
    r"|ignore (all |the |your )?(previous|prior|above) instructions|are you (gpt|chatgpt|claude|llama|gemini|mistral|qwen)"
    r"|what is your (name|cutoff|context window)|which company",

)
# Requests engineered to get the most tokens out of every call (output maximising).
OUTPUT_MAX = re.compile(
    r"as (long|detailed|comprehensive|thorough(ly)?) as possible|in (great|full|exhaustive|extensive|maximum) detail"
    r"|at least \d{3,} words|(do not|don't|never) (truncate|stop early|summari[sz]e|abbreviate)|be exhaustive"
    r"|(comprehensive|exhaustive|complete) (answer|response|explanation|coverage)|maximum length|very long (answer|response)"
    r"|cover every (aspect|detail)",

)
# Markers of synthetic-data generation templates (self-instruct / Alpaca / Orca / FLAN style).
SYNTHETIC = re.compile(
    r"^\s*(#{2,3} ?)?(instruction|input|response|task|context)\s*:|below is an instruction that describes a task"
    r"|write a response that appropriately completes|generate (\d+|a list of|diverse|new|more) (instructions|tasks|examples|questions|prompts)"
    r"|come up with (a set of|\d+|diverse)|you are an ai assistant\. (user|you) will|you will be given a (task|definition)"
    r"|provide a (detailed|long) answer so (the )?user|think like you are answering to a five year old"
    r"|here are the requirements|answer the following (question|instruction)s?\s*[:.]",
    re.M,
)
# Shapes of benchmark items: multiple choice, "Q:/A:", code stubs, final-answer markers.
BENCH_FORMAT = re.compile(
    r"^\s*(question|q|problem)\s*:|^\s*\(?[a-e]\)\s|answer choices|^options:|choose the (correct|best) (answer|option)"
    r"|^\s*def \w+\(.*\)( -> .*)?:\s*$|^\s*>>> |the answer is|####|^\s*a:\s*$",
    re.M,
)
# A line that opens with a short field label ("Question:", "Passage:", "Options:"): prompts
# built by filling a template rather than written by a person.
FORMATTED = re.compile(r"^[ \t]*[a-z][a-z ]{0,24}:(?!//)", re.M)
CODE = re.compile(r"```|\bdef \w+\(|\bclass \w+[:(]|#include|\bfunction \w+\(|;\s*$|\breturn\b", re.M)

# The same families, split for speed (features/literal_guard.py): each branch is searched only when a
# literal every match of it contains occurs. The alternations above stay the definition.
COT_FAMILY = GuardedFamily([
    (("step",), r"step[- ]by[- ]step|(each|every) (single )?step|justify each step"),
    (("show ",), r"show (all )?(of )?(your|the) (work|reasoning|steps|thought)"),
    (("explain ",), r"explain (your|the) reasoning"),
    (("chain",), r"chain[- ]of[- ]thought"),
    (("think",), r"let'?s think|think (carefully|it through|through)|<think>"),
    (("reason",), r"reason(ing)? (through|out|step)|reasoning trace"),
    (("walk ",), r"walk (me )?through (your|the) (reasoning|solution|steps)"),
    (("full ",), r"full (reasoning|derivation|thought process)"),
    (("thought process",), None),
    (("before ",), r"before (giving|stating|writing) (the|your) (final )?answer"),
    (("detailed rationale",), None),
    (("show", "explain", "give", "write out", "lay out", "spell out", "detail"),
     r"(show|explain|give|write out|lay out|spell out|detail)\w*\b[^.?!\n]{0,40}\b(steps?|reasoning|derivation|working|thinking|logic)\b"),
])
OUTPUT_MAX_FAMILY = GuardedFamily([
    (("as possible",), r"as (long|detailed|comprehensive|thorough(ly)?) as possible"),
    (("detail",), r"in (great|full|exhaustive|extensive|maximum) detail"),
    (("at least ",), r"at least \d{3,} words"),
    (("truncate", "stop early", "summari", "abbreviate"), r"(do not|don't|never) (truncate|stop early|summari[sz]e|abbreviate)"),
    (("be exhaustive",), None),
    (("comprehensive ", "exhaustive ", "complete "), r"(comprehensive|exhaustive|complete) (answer|response|explanation|coverage)"),
    (("maximum length",), None),
    (("very long ",), r"very long (answer|response)"),
    (("cover every ",), r"cover every (aspect|detail)"),
])
SYNTHETIC_FAMILY = GuardedFamily([
    (("below is an instruction that describes a task",), None),
    (("write a response that appropriately completes",), None),
    (("generate ",), r"generate (\d+|a list of|diverse|new|more) (instructions|tasks|examples|questions|prompts)"),
    (("come up with ",), r"come up with (a set of|\d+|diverse)"),
    (("you are an ai assistant. ",), r"you are an ai assistant\. (user|you) will"),
    (("you will be given a ",), r"you will be given a (task|definition)"),
    (("provide a ",), r"provide a (detailed|long) answer so (the )?user"),
    (("think like you are answering to a five year old",), None),
    (("here are the requirements",), None),
    (("answer the following ",), r"answer the following (question|instruction)s?\s*[:.]"),
], line_start=r"\s*(#{2,3} ?)?(instruction|input|response|task|context)\s*:", flags=re.M)
BENCH_FORMAT_FAMILY = GuardedFamily([
    (("answer choices",), None),
    (("choose the ",), r"choose the (correct|best) (answer|option)"),
    (("the answer is",), None),
    (("####",), None),
], line_start=r"\s*(question|q|problem)\s*:|\s*\(?[a-e]\)\s|options:|\s*def \w+\(.*\)( -> .*)?:\s*$|\s*>>> |\s*a:\s*$", flags=re.M)

# A small taxonomy of task kinds: a harvest sweeps it evenly, a person dwells in a few cells.
# Looked up by one set intersection with the prompt's words, far cheaper than one regex per kind.
_TASK_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "function", "python", "javascript", "sql", "program", "script", "regex", "bug", "compile", "java", "rust", "api", "algorithm"),
    "math": ("calculate", "solve", "equation", "sum", "percent", "probability", "integral", "prime", "multiply", "divide", "math"),
    "write": ("write", "compose", "draft", "poem", "story", "essay", "letter", "email", "song", "haiku", "slogan", "tweet", "limerick"),
    "rewrite": ("rewrite", "paraphrase", "rephrase", "edit", "improve", "proofread", "simplify", "shorten"),
    "summarise": ("summarize", "summarise", "summary", "tldr", "recap"),
    "translate": ("translate", "translation", "french", "spanish", "german", "chinese", "japanese", "italian"),
    "classify": ("classify", "categorize", "categorise", "sentiment", "label", "category"),
    "extract": ("extract", "identify", "find", "pick", "entities", "detect"),
    "explain": ("explain", "why", "describe", "define", "meaning", "what"),
    "advice": ("should", "recommend", "advice", "tips", "suggest", "help"),
    "brainstorm": ("brainstorm", "ideas", "list", "generate", "come"),
    "reason": ("logic", "puzzle", "riddle", "deduce", "infer", "argument", "true", "false"),
    "compare": ("compare", "contrast", "difference", "versus", "vs", "pros", "cons"),
    "roleplay": ("pretend", "roleplay", "act", "imagine", "character"),
}
TASK_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(_TASK_WORDS.items())
_WORD_TASK_BIT = {word: 1 << index for index, (_, words) in enumerate(TASK_KINDS) for word in words}
_TASK_WORD_SET = frozenset(_WORD_TASK_BIT)
TASK_INDEX = {name: i for i, (name, _) in enumerate(TASK_KINDS)}


@dataclass(slots=True)
class PromptFeatures:
    """What one prompt says about the request, in numbers and hashes."""

    chars: int
    words: int
    cot: bool
    identity: bool
    output_max: bool
    synthetic: bool
    bench_format: bool
    code: bool
    task_mask: int  # bit i set: task kind i present
    prefix_key: int  # crc32 of the first words, digits masked: template prefix
    suffix_key: int  # crc32 of the last words: template suffix
    shape_key: int  # crc32 of the digit-masked full text: near-duplicates
    first_word: int  # crc32 of the first content word: topical spread proxy
    imperative: bool  # opens with a task verb ("Write …", "Generate …"): instruction-style
    formatted: bool = False  # has labelled fields ("Question: …"): filled from a template


# Cheap guards: a pattern is searched only if one of its hint words is among the prompt's
# words (a C-level set test) or, for punctuation-led patterns, one of its substrings occurs.
_COT_WORDS = frozenset("step steps reason reasoning reasons think thinking thought thoughts chain walk rationale justify "
                       "derivation working logic".split())
_IDENTITY_WORDS = frozenset("model llm ai version made created trained built developed prompt instructions training cutoff cut "
                            "architecture parameters words text ignore gpt chatgpt claude llama gemini mistral qwen name context "
                            "company".split())
_OUTPUT_WORDS = frozenset("possible detail words truncate stop summarize summarise abbreviate exhaustive comprehensive complete "
                          "maximum long cover".split())
_SYNTHETIC_WORDS = frozenset("instruction appropriately generate come assistant given provide five requirements following".split())
_SYNTHETIC_LABELS = frozenset("instruction input response task context".split())
_BENCH_HINTS = (":", ")", "answer", "options", "choose", ">>>", "####", "def ")
_CODE_HINTS = ("```", "def ", "class ", "#include", "function ", ";", "return")


IMPERATIVE_VERBS = frozenset(
    "write create generate implement explain describe design compose list give provide develop build translate summarize "
    "summarise classify rewrite make suggest find identify calculate convert edit construct produce outline analyze analyse "
    "evaluate compare determine name rank sort predict propose formulate paraphrase categorize categorise extract solve "
    "complete fill imagine pretend act brainstorm draft define detect correct transform".split()
)


# Words people put before the task itself ("Hey, write …", "Please help: list …"). A harvest
# that varies its wrappers must not hide its task verbs behind them.
_COURTESY = frozenset("please kindly pls plz hey hi hello ok okay so now also".split())
_LEAD_IN = re.compile(r"^[^\n:,.!?]{0,30}?[:,!\-\u2013\u2014]\s+(?:please\s+|kindly\s+)?([a-z]+)")


def opens_with_task_verb(lowered: str, words: list[str]) -> bool:
    """The prompt opens with a task verb, after at most a short lead-in or courtesy words."""
    if not words:
        return False
    index = 0
    while index < 3 and index < len(words) - 1 and words[index] in _COURTESY:
        index += 1
    if words[index] in IMPERATIVE_VERBS:
        return True
    lead_in = _LEAD_IN.match(lowered[:80])
    return lead_in is not None and lead_in.group(1) in IMPERATIVE_VERBS


def _search(pattern: re.Pattern[str], *texts: str) -> bool:
    return any(pattern.search(text) is not None for text in texts if text)


def _has_any(text: str, hints: tuple[str, ...]) -> bool:
    for hint in hints:
        if hint in text:
            return True
    return False


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def prompt_features(text: str, affix_words: int = 4) -> PromptFeatures:
    return prompt_features_and_words(text, affix_words)[0]


BENCHMARK_WORD_LIMIT = 160  # words of a prompt the benchmark match reads (features/benchmark_index.py)


def prompt_features_and_words(text: str, affix_words: int = 4) -> tuple[PromptFeatures, list[str] | None]:
    """The features, and `masked_words(text, BENCHMARK_WORD_LIMIT)` when it is a prefix of the words
    computed here anyway (so the benchmark match need not mask the text again); None when it may not be
    (a long prompt, or one whose lower-casing changes its length, cut at different places)."""
    lowered = text.lower()
    masked = mask_lowered(lowered[:4000])
    words = masked
    head = " ".join(masked[:affix_words])
    tail = " ".join(masked[-affix_words:]) if len(masked) > affix_words * 2 else ""
    sample = lowered[:2000]
    tail_sample = lowered[-600:] if len(lowered) > 2000 else ""
    vocabulary = set(words[:600])
    mask = 0
    bits = _WORD_TASK_BIT
    for word in _TASK_WORD_SET.intersection(words[:300]):  # each task word once: OR-ing a bit twice changes nothing
        mask |= bits[word]
    reusable = len(text) <= BENCHMARK_WORD_LIMIT * 12 and len(lowered) == len(text)
    return PromptFeatures(
        chars=len(text),
        words=len(words),
        cot=not _COT_WORDS.isdisjoint(vocabulary) and COT_FAMILY.found_any(sample, tail_sample),
        identity=not _IDENTITY_WORDS.isdisjoint(vocabulary) and _search(IDENTITY, sample),
        output_max=not _OUTPUT_WORDS.isdisjoint(vocabulary) and OUTPUT_MAX_FAMILY.found_any(sample, tail_sample),
        synthetic=(not _SYNTHETIC_WORDS.isdisjoint(vocabulary) or (":" in sample and not _SYNTHETIC_LABELS.isdisjoint(vocabulary)))
        and SYNTHETIC_FAMILY.found_any(sample),
        bench_format=_has_any(sample, _BENCH_HINTS) and BENCH_FORMAT_FAMILY.found_any(sample),
        code=_has_any(lowered[:3000], _CODE_HINTS) and _search(CODE, lowered[:3000]),
        task_mask=mask,
        prefix_key=_crc(head),
        suffix_key=_crc(tail),
        shape_key=_crc(" ".join(masked[:200])),
        first_word=_crc(next((w for w in words if len(w) > 3), "")),
        imperative=opens_with_task_verb(lowered, words),
        formatted=":" in sample and FORMATTED.search(sample) is not None,
    ), (masked[:BENCHMARK_WORD_LIMIT] if reusable else None)


def masked_words(text: str, limit: int = 400) -> list[str]:
    return mask_lowered(text[: limit * 12].lower())[:limit]


def shingles_of(words: list[str], size: int = 5, stride: int = 1) -> list[int]:
    """crc32 hashes of word n-grams (every `stride`-th one) of already masked words.

    The words are joined and encoded once and each n-gram hashed as a slice of those bytes (the
    same bytes as joining the n-gram alone): no string is built per n-gram."""
    if len(words) < size:
        return [_crc(" ".join(words))] if words else []
    joined = " ".join(words).encode("utf-8", "surrogatepass")
    ends = [0, *accumulate(map(len, words))]  # word k starts at byte ends[k] + k (one space before each)
    if len(joined) != ends[-1] + len(words) - 1:  # masked words are ASCII; other callers' may not be
        return [_crc(" ".join(words[i : i + size])) for i in range(0, len(words) - size + 1, stride)]
    view = memoryview(joined)
    crc = zlib.crc32
    return [crc(view[ends[i] + i : ends[i + size] + i + size - 1]) for i in range(0, len(words) - size + 1, stride)]


def word_shingles(text: str, size: int = 5, limit: int = 400) -> list[int]:
    """crc32 hashes of word n-grams (digits masked) — for benchmark matching and MinHash."""
    return shingles_of(masked_words(text, limit), size)
