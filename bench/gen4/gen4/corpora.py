"""Read the shared corpora at run time (never copied into the repository).

Every loader returns plain lists of dicts with the fields the personas need. All
orders are the files' own orders, so the output is deterministic.
"""
from __future__ import annotations

import gzip
import json
import os
import zipfile
from functools import cached_property

# A handful of AlpacaEval generators give n>1 alternatives and realistic answers.
ALPACA_MODELS = ("gpt4_1106_preview", "claude-3-opus-20240229", "Meta-Llama-3-8B-Instruct",
                 "Qwen1.5-72B-Chat", "mistral-large-2402")


def default_data_dir() -> str:
    env = os.environ.get("GEN4_DATA")
    if env:
        return env
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bench/gen4
    for cand in (os.path.join(here, "..", "..", "shared", "data"),        # <repo>/shared/data
                 os.path.join(here, "..", "..", "..", "shared", "data"),  # shared beside the repo
                 os.path.join(os.getcwd(), "..", "shared", "data")):
        if os.path.isdir(cand):
            return os.path.normpath(cand)
    return os.path.normpath(os.path.join(here, "..", "..", "shared", "data"))


def _jsonl(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _json(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return json.load(f)


class Corpora:
    def __init__(self, data_dir: str):
        self.d = data_dir
        if not os.path.isdir(os.path.join(data_dir, "benchmark")):
            raise FileNotFoundError(f"corpora not found under {data_dir!r} (set --data or $GEN4_DATA)")

    def p(self, *parts):
        return os.path.join(self.d, *parts)

    # ---------------- legit chat ----------------
    @cached_property
    def arena_hard(self):
        qs = _jsonl(self.p("legit", "arena-hard-v2.0", "question.jsonl"))
        ans = {}
        for fn in ("o3-mini-2025-01-31.jsonl", "sky-t1-32b.jsonl"):
            path = self.p("multimodel", "arena-hard-v2.0-answers", fn)
            if os.path.exists(path):
                for r in _jsonl(path):
                    for m in r.get("messages", []):
                        if m.get("role") == "assistant":
                            c = m.get("content")
                            if isinstance(c, dict):
                                c = c.get("answer") or ""
                            ans.setdefault(r["uid"], []).append(str(c))
        out = []
        for q in qs:
            out.append({"prompt": q["prompt"], "answers": ans.get(q["uid"], []),
                        "category": q.get("category"), "sub": q.get("subcategory")})
        return out

    @cached_property
    def oasst(self):
        out = []
        for fn in ("en_100_text.jsonl", "prompt_lottery_en_250_text.jsonl"):
            for r in _jsonl(self.p("legit", "oasst-prompts", fn)):
                out.append(r if isinstance(r, str) else str(r))
        return out

    @cached_property
    def arena_convs(self):
        """Real multi-turn Arena conversations: list of (language, [messages])."""
        out = []
        for r in _jsonl(self.p("legit", "chatbot-arena-sample", "labeled.jsonl")):
            for key in ("conversation_a", "conversation_b"):
                conv = [{"role": m["role"], "content": m["content"]} for m in r[key]
                        if isinstance(m.get("content"), str)]
                if conv and conv[0]["role"] == "user":
                    out.append({"lang": r.get("language") or "unknown", "conv": conv})
        return out

    @cached_property
    def hh(self):
        """First human turn and assistant reply from the red-team dialogues."""
        out = []
        for r in _jsonl(self.p("legit", "hh-rlhf-harmless-test", "test.jsonl.gz")):
            t = r["chosen"]
            parts = t.split("\n\nHuman: ")
            if len(parts) < 2:
                continue
            first = parts[1].split("\n\nAssistant: ")
            if len(first) < 2:
                continue
            out.append({"prompt": first[0].strip(), "answer": first[1].strip()})
        return out

    # ---------------- multi-model answers ----------------
    @cached_property
    def alpaca(self):
        """instruction -> list of outputs from several generators (same order)."""
        by = {}
        order = []
        for m in ALPACA_MODELS:
            path = self.p("multimodel", "alpaca_eval", m + ".json.gz")
            if not os.path.exists(path):
                continue
            for r in _json(path):
                ins = r["instruction"]
                if ins not in by:
                    by[ins] = []
                    order.append(ins)
                by[ins].append(r.get("output") or "")
        return [{"prompt": i, "answers": by[i]} for i in order]

    # ---------------- benchmarks ----------------
    @cached_property
    def gsm8k_test(self):
        return _jsonl(self.p("benchmark", "gsm8k", "test.jsonl"))

    @cached_property
    def gsm8k_train(self):
        return _jsonl(self.p("benchmark", "gsm8k", "train.jsonl"))

    @cached_property
    def bbh(self):
        """task -> {"examples": [...], "cot": few-shot prefix text}"""
        base = self.p("benchmark", "bbh")
        out = {}
        for fn in sorted(os.listdir(os.path.join(base, "bbh"))):
            if not fn.endswith(".json"):
                continue
            task = fn[:-5]
            ex = _json(os.path.join(base, "bbh", fn))["examples"]
            cot = ""
            cp = os.path.join(base, "cot-prompts", task + ".txt")
            if os.path.exists(cp):
                with open(cp, encoding="utf-8") as f:
                    txt = f.read()
                cot = txt.split("-----", 1)[-1].strip()
            out[task] = {"examples": ex, "cot": cot}
        return out

    @cached_property
    def humaneval(self):
        return _jsonl(self.p("benchmark", "humaneval", "HumanEval.jsonl.gz"))

    @cached_property
    def mbpp(self):
        z = zipfile.ZipFile(self.p("benchmark", "mbpp", "mbpp.test.zip"))
        name = [n for n in z.namelist() if n.endswith(".jsonl")][0]
        return [json.loads(l) for l in z.read(name).decode("utf-8").splitlines() if l.strip()]

    @cached_property
    def mbppplus(self):
        d = _json(self.p("benchmark", "mbpp", "mbppplus.json"))
        return [{"task_id": k, "prompt": v} for k, v in d.items()]

    # ---------------- distillation instructions ----------------
    @cached_property
    def codealpaca(self):
        return _json(self.p("distill", "codealpaca", "code_alpaca_2k.json"))

    @cached_property
    def gpteacher_code(self):
        return _json(self.p("distill", "gpteacher", "codegen-instruct.json"))

    @cached_property
    def gpteacher_rp(self):
        return _json(self.p("distill", "gpteacher", "roleplay-simple-deduped-roleplay-instruct.json"))

    @cached_property
    def selfinstruct(self):
        out = []
        for r in _jsonl(self.p("distill", "self-instruct-seeds", "seed_tasks.jsonl")):
            inst = (r.get("instances") or [{}])[0]
            out.append({"instruction": r["instruction"], "input": inst.get("input", ""),
                        "output": inst.get("output", "")})
        return out

    # ---------------- templated ----------------
    @cached_property
    def t0_names(self):
        base = self.p("templated", "t0-templates")
        return sorted(fn[:-len(".jsonl.gz")] for fn in os.listdir(base) if fn.endswith(".jsonl.gz"))

    def t0(self, name):
        cache = self.__dict__.setdefault("_t0", {})
        if name not in cache:
            recs = _jsonl(self.p("templated", "t0-templates", name + ".jsonl.gz"))
            for r in recs:  # T0 targets carry the tokenizer's end marker
                r["completion"] = r.get("completion", "").replace("<|endoftext|>", "").strip()
            cache[name] = recs
        return cache[name]
