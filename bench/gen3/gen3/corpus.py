"""Read real prompt/response text from the shared data folder at generation time.

Nothing here is copied into the package: every pool is loaded from DATA_DIR when the
generator runs.  Each item is a dict with at least ``text`` (the user prompt) and
``answer`` (a real response text when the source has one, else None) and ``src``.
"""
from __future__ import annotations

import glob
import gzip
import json
import os
import re
import zipfile
from functools import cached_property
from pathlib import Path


def default_data_dir() -> Path:
    env = os.environ.get("GEN3_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "shared" / "data"
    if here.is_dir():
        return here
    # inside distillguard (bench/gen3/gen3/corpus.py): the corpora sit beside the repository, at ../shared/data
    return Path(__file__).resolve().parents[4] / "shared" / "data"


def _jsonl(path: Path):
    op = gzip.open if str(path).endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


ALPACA_MODELS = [
    "gpt-4o-2024-05-13", "gpt-4-turbo-2024-04-09", "claude-3-5-sonnet-20240620", "Qwen2-72B-Instruct",
]


class Corpus:
    def __init__(self, data_dir: str | Path | None = None):
        self.dir = Path(data_dir) if data_dir else default_data_dir()
        if not (self.dir / "MANIFEST.md").exists():
            raise FileNotFoundError(f"shared data folder not found at {self.dir} (set GEN3_DATA)")
        self._t0_cache: dict[str, list] = {}

    # ---------------- legit chat -----------------
    @cached_property
    def arena_answers(self) -> dict:
        out: dict[str, list[str]] = {}
        for fn in sorted(glob.glob(str(self.dir / "multimodel/arena-hard-v2.0-answers/*.jsonl"))):
            for r in _jsonl(Path(fn)):
                msgs = r.get("messages") or []
                for m in msgs:
                    if m.get("role") == "assistant":
                        c = m.get("content")
                        if isinstance(c, dict):
                            c = c.get("answer") or json.dumps(c)
                        if isinstance(c, str) and c:
                            out.setdefault(r["uid"], []).append(c)
        return out

    @cached_property
    def arena_hard(self) -> list:
        ans = self.arena_answers
        items = []
        for r in _jsonl(self.dir / "legit/arena-hard-v2.0/question.jsonl"):
            a = ans.get(r["uid"])
            items.append({"text": r["prompt"], "answer": a[0] if a else None,
                          "src": "arena-hard", "cat": r.get("subcategory") or r.get("category")})
        return items

    @cached_property
    def oasst(self) -> list:
        items = []
        for fn in ("en_100_text.jsonl", "prompt_lottery_en_250_text.jsonl"):
            for r in _jsonl(self.dir / "legit/oasst-prompts" / fn):
                items.append({"text": r if isinstance(r, str) else str(r), "answer": None, "src": "oasst"})
        return items

    @cached_property
    def arena_convs(self) -> list:
        """Real multi-turn conversations: list of [(user, assistant), ...] plus language."""
        convs = []
        for r in _jsonl(self.dir / "legit/chatbot-arena-sample/labeled.jsonl"):
            for key in ("conversation_a", "conversation_b"):
                turns, cur = [], None
                for m in r.get(key) or []:
                    if m.get("role") == "user":
                        cur = m.get("content") or ""
                    elif m.get("role") == "assistant" and cur is not None:
                        turns.append((cur, m.get("content") or ""))
                        cur = None
                if turns:
                    convs.append({"turns": turns, "lang": r.get("language") or "English",
                                  "src": "chatbot-arena"})
        return convs

    @cached_property
    def alpaca(self) -> list:
        """AlpacaEval instructions with outputs of several models (one chosen per item later)."""
        by_instr: dict[str, dict] = {}
        files = sorted(glob.glob(str(self.dir / "multimodel/alpaca_eval/*.json.gz")))
        wanted = [f for f in files if any(Path(f).name.startswith(m) for m in ALPACA_MODELS)] or files[:4]
        for fn in wanted:
            with gzip.open(fn, "rt", encoding="utf-8") as f:
                for r in json.load(f):
                    d = by_instr.setdefault(r["instruction"], {"text": r["instruction"], "answers": [],
                                                               "src": "alpaca_eval", "answer": None})
                    if r.get("output"):
                        d["answers"].append(r["output"])
        items = list(by_instr.values())
        for d in items:
            d["answer"] = d["answers"][0] if d["answers"] else None
        return items

    @cached_property
    def redteam(self) -> list:
        """hh-rlhf harmless test dialogues: list of turns (human, assistant)."""
        out = []
        pat = re.compile(r"\n\n(Human|Assistant): ")
        for r in _jsonl(self.dir / "legit/hh-rlhf-harmless-test/test.jsonl.gz"):
            parts = pat.split("\n\n" + r["chosen"].lstrip("\n"))
            turns, cur = [], None
            for i in range(1, len(parts) - 1, 2):
                who, txt = parts[i], parts[i + 1].strip()
                if who == "Human":
                    cur = txt
                elif cur is not None:
                    turns.append((cur, txt))
                    cur = None
            if turns:
                out.append({"turns": turns, "src": "hh-rlhf"})
        return out

    # ---------------- code -----------------
    @cached_property
    def codealpaca(self) -> list:
        with open(self.dir / "distill/codealpaca/code_alpaca_2k.json", encoding="utf-8") as f:
            data = json.load(f)
        return [{"text": (r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")),
                 "instruction": r["instruction"], "input": r.get("input") or "",
                 "answer": r.get("output"), "src": "codealpaca"} for r in data]

    @cached_property
    def gpteacher_code(self) -> list:
        with open(self.dir / "distill/gpteacher/codegen-instruct.json", encoding="utf-8") as f:
            data = json.load(f)
        return [{"text": (r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")),
                 "instruction": r["instruction"], "input": r.get("input") or "",
                 "answer": r.get("response"), "src": "gpteacher-code"} for r in data]

    @cached_property
    def gpteacher_roleplay(self) -> list:
        with open(self.dir / "distill/gpteacher/roleplay-simple-deduped-roleplay-instruct.json", encoding="utf-8") as f:
            data = json.load(f)
        return [{"text": (r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")),
                 "instruction": r["instruction"], "input": r.get("input") or "",
                 "answer": r.get("response"), "src": "gpteacher-roleplay"} for r in data]

    @cached_property
    def self_instruct(self) -> list:
        out = []
        for r in _jsonl(self.dir / "distill/self-instruct-seeds/seed_tasks.jsonl"):
            inst = (r.get("instances") or [{}])[0]
            inp = inst.get("input") or ""
            out.append({"text": r["instruction"] + ("\n\n" + inp if inp else ""), "instruction": r["instruction"],
                        "input": inp, "answer": inst.get("output"), "src": "self-instruct"})
        return out

    @cached_property
    def code_seeds(self) -> list:
        out = []
        for r in _jsonl(self.dir / "distill/codealpaca/seed_tasks.jsonl"):
            inst = (r.get("instances") or [{}])[0]
            inp = inst.get("input") or ""
            out.append({"text": r["instruction"] + ("\n\n" + inp if inp else ""), "instruction": r["instruction"],
                        "input": inp, "answer": inst.get("output"), "src": "codealpaca-seed"})
        return out

    # ---------------- benchmarks -----------------
    @cached_property
    def gsm8k(self) -> list:
        out = []
        for split in ("test", "train"):
            for r in _jsonl(self.dir / f"benchmark/gsm8k/{split}.jsonl"):
                out.append({"text": r["question"], "answer": r["answer"], "src": f"gsm8k-{split}"})
        return out

    @cached_property
    def humaneval(self) -> list:
        return [{"text": r["prompt"], "answer": r["prompt"] + r["canonical_solution"], "id": r["task_id"],
                 "src": "humaneval"} for r in _jsonl(self.dir / "benchmark/humaneval/HumanEval.jsonl.gz")]

    @cached_property
    def mbpp(self) -> list:
        out = []
        with zipfile.ZipFile(self.dir / "benchmark/mbpp/mbpp.test.zip") as z:
            for name in z.namelist():
                if name.endswith(".jsonl"):
                    for line in z.read(name).decode("utf-8").splitlines():
                        if line.strip():
                            r = json.loads(line)
                            tests = "\n".join(r.get("test_list") or [])
                            out.append({"text": r["text"], "tests": tests, "answer": r.get("code", "").replace("\r\n", "\n"),
                                        "src": "mbpp"})
        return out

    @cached_property
    def bbh(self) -> dict:
        out = {}
        for fn in sorted(glob.glob(str(self.dir / "benchmark/bbh/bbh/*.json"))):
            task = Path(fn).stem
            with open(fn, encoding="utf-8") as f:
                ex = json.load(f)["examples"]
            cot_path = self.dir / "benchmark/bbh/cot-prompts" / f"{task}.txt"
            cot = cot_path.read_text(encoding="utf-8").split("-----", 1)[-1].strip() if cot_path.exists() else ""
            out[task] = {"examples": [{"text": e["input"], "answer": e["target"], "src": f"bbh-{task}"} for e in ex],
                         "cot": cot}
        return out

    # ---------------- templated -----------------
    @cached_property
    def t0_names(self) -> list:
        return sorted(Path(f).name[: -len(".jsonl.gz")] for f in
                      glob.glob(str(self.dir / "templated/t0-templates/*.jsonl.gz")))

    def t0(self, name: str) -> list:
        if name not in self._t0_cache:
            items = []
            for r in _jsonl(self.dir / "templated/t0-templates" / f"{name}.jsonl.gz"):
                comp = (r.get("completion") or "").replace("<|endoftext|>", "").strip()
                items.append({"text": r.get("prompt") or "", "answer": comp, "src": f"t0-{name}"})
            self._t0_cache[name] = items
        return self._t0_cache[name]

    def t0_matching(self, *words: str) -> list:
        return [n for n in self.t0_names if any(w in n for w in words)]

    # ---------------- generic response pool -----------------
    @cached_property
    def response_pool(self) -> list:
        pool = []
        for d in self.alpaca:
            pool.extend(d["answers"][:2])
        return [p for p in pool if p]
