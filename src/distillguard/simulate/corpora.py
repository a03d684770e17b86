"""Real prompt sources from the shared corpora (../shared/data), split by source.

The benchmark tunes on the `tune` sources and reports on the `heldout` ones, which no
threshold ever saw. Nothing here is copied into the project: files are read from the
data folder the user names.

| role                         | tune                                   | heldout                          |
|------------------------------|----------------------------------------|----------------------------------|
| human prompts (legit)        | oasst-prompts, chatbot-arena-sample    | arena-hard-v2.0                  |
| red-team prompts (legit)     | (procedural casual)                    | hh-rlhf-harmless-test            |
| distillation instructions    | codealpaca, self-instruct-seeds        | gpteacher (codegen + roleplay)   |
| benchmark questions          | gsm8k, humaneval                       | mbpp, bbh                        |
| T0/P3 templates              | first half of the template files       | second half                      |
| answers (response text)      | alpaca_eval outputs, all splits        |                                  |
"""

from __future__ import annotations

import gzip
import json
import random
import zipfile
from pathlib import Path
from typing import Any, Iterator

from distillguard.simulate import prompts as P
from distillguard.simulate.simulator import SimConfig

SPLITS = ("tune", "heldout", "all")


def _read_json_any(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    if ".jsonl" in path.name:
        return [json.loads(line) for line in text.split("\n") if line.strip()]
    return json.loads(text)


def _first_human_turn(dialogue: str) -> str:
    part = dialogue.split("\n\nHuman: ", 1)[-1]
    return part.split("\n\nAssistant:", 1)[0].strip()


def _texts(rows: Any, *fields: str) -> Iterator[str]:
    for row in rows if isinstance(rows, list) else rows.values():
        if isinstance(row, str):
            yield row
            continue
        for field in fields:
            value = row.get(field) if isinstance(row, dict) else None
            if isinstance(value, str) and value.strip():
                yield value
                break


def _instruction_with_input(rows: list[dict]) -> Iterator[str]:
    for row in rows:
        instruction, extra = row.get("instruction", ""), row.get("input", "")
        if isinstance(instruction, str) and instruction.strip():
            yield f"{instruction}\n\n{extra}" if isinstance(extra, str) and extra.strip() else instruction


def _limit(items: Iterator[str], cap: int = 20_000, max_chars: int = 6000) -> list[str]:
    out = []
    for item in items:
        if item and len(item) <= max_chars:
            out.append(item)
        if len(out) >= cap:
            break
    return out


def human_prompts(data: Path, split: str) -> list[str]:
    out: list[str] = []
    if split in ("tune", "all"):
        for name in ("en_100_text.jsonl", "prompt_lottery_en_250_text.jsonl"):
            out += _limit(_texts(_read_json_any(data / "legit/oasst-prompts" / name)))
        for row in _read_json_any(data / "legit/chatbot-arena-sample/labeled.jsonl"):
            turns = row.get("conversation_a") or []
            if turns and isinstance(turns[0].get("content"), str):
                out.append(turns[0]["content"])
    if split in ("heldout", "all"):
        out += _limit(_texts(_read_json_any(data / "legit/arena-hard-v2.0/question.jsonl"), "prompt"))
    return out


def redteam_prompts(data: Path) -> list[str]:
    rows = _read_json_any(data / "legit/hh-rlhf-harmless-test/test.jsonl.gz")
    return _limit(_first_human_turn(row["chosen"]) for row in rows if isinstance(row.get("chosen"), str))


def distill_instructions(data: Path, split: str) -> list[str]:
    out: list[str] = []
    if split in ("tune", "all"):
        out += _limit(_instruction_with_input(_read_json_any(data / "distill/codealpaca/code_alpaca_2k.json")))
        out += _limit(_instruction_with_input(_read_json_any(data / "distill/codealpaca/seed_tasks.jsonl")))
        seeds = _read_json_any(data / "distill/self-instruct-seeds/seed_tasks.jsonl")
        out += [f"{r['instruction']}\n\n{r['instances'][0]['input']}".strip() if r.get("instances") else r["instruction"] for r in seeds]
    if split in ("heldout", "all"):
        out += _limit(_instruction_with_input(_read_json_any(data / "distill/gpteacher/codegen-instruct.json")))
        out += _limit(_instruction_with_input(_read_json_any(data / "distill/gpteacher/roleplay-simple-deduped-roleplay-instruct.json")))
    return out


def benchmark_questions(data: Path, split: str) -> list[str]:
    out: list[str] = []
    bench = data / "benchmark"
    if split in ("tune", "all"):
        for name in ("train.jsonl", "test.jsonl"):
            out += _limit(_texts(_read_json_any(bench / "gsm8k" / name), "question"))
        out += _limit(_texts(_read_json_any(bench / "humaneval/HumanEval.jsonl.gz"), "prompt"))
    if split in ("heldout", "all"):
        with zipfile.ZipFile(bench / "mbpp/mbpp.test.zip") as archive:
            for member in archive.namelist():
                if member.endswith(".jsonl"):
                    rows = [json.loads(line) for line in archive.read(member).decode().split("\n") if line.strip()]
                    out += _limit(_texts(rows, "text", "prompt"))
        out += _limit(_texts(_read_json_any(bench / "mbpp/mbppplus.json")))
        for path in sorted((bench / "bbh/bbh").glob("*.json")):
            out += _limit(_texts(_read_json_any(path).get("examples", []), "input"))
    return out


def template_files(data: Path, split: str) -> list[Path]:
    files = sorted((data / "templated/t0-templates").glob("*.jsonl*"))
    half = len(files) // 2
    return {"tune": files[:half], "heldout": files[half:], "all": files}[split]


def template_prompts(path: Path, cap: int = 400) -> list[str]:
    return _limit(_texts(_read_json_any(path), "prompt", "inputs"), cap=cap)


def answers(data: Path, cap_models: int = 6) -> list[str]:
    out: list[str] = []
    for path in sorted((data / "multimodel/alpaca_eval").glob("*.json.gz"))[:cap_models]:
        out += _limit(_texts(_read_json_any(path), "output"), max_chars=4000)
    return out


class TemplateSweep:
    """Orca/FLAN-style harvest: each request picks a template, then a document under it."""

    name = "t0-sweep"

    def __init__(self, per_template: list[list[str]]) -> None:
        self.per_template = [t for t in per_template if t]

    def sample(self, rng: random.Random) -> str:
        bucket = self.per_template[rng.randrange(len(self.per_template))]
        return bucket[rng.randrange(len(bucket))]


def apply_corpora(config: SimConfig, data_dir: Path, split: str = "all") -> SimConfig:
    """Swap the simulator's procedural sources for real corpora of the given split."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    data = Path(data_dir)
    if not (data / "MANIFEST.md").exists():
        raise FileNotFoundError(f"{data} does not look like the corpora folder (no MANIFEST.md)")
    rng = random.Random(f"corpora-{split}")
    humans = human_prompts(data, split)
    files = template_files(data, split)
    per_template = [template_prompts(path) for path in files]
    enterprise_template = per_template[rng.randrange(len(per_template))]
    sources = dict(config.sources)
    sources["casual"] = P.Listed(f"human-{split}", humans)
    sources["developer"] = P.Listed(f"human-dev-{split}", [h for h in humans if P.CODE_HINT.search(h)] or humans)
    sources["synthetic"] = P.Listed(f"distill-{split}", distill_instructions(data, split))
    sources["benchmark"] = P.Listed(f"benchmark-{split}", benchmark_questions(data, split))
    sources["templates"] = TemplateSweep(per_template)
    sources["enterprise"] = P.Listed(f"t0-one-template-{split}", enterprise_template)
    if split in ("heldout", "all"):
        sources["redteam"] = P.Listed("hh-rlhf", redteam_prompts(data))
    config.sources = sources
    config.responses = P.Listed("alpaca-eval-answers", answers(data))
    # An app relaying its users' requests is only realistic with real people's prompts behind it.
    config.persona_mix.setdefault("writing-app", 0.03)
    return config


def benchmark_paths(data_dir: Path) -> list[Path]:
    """All public benchmark files: the index a provider would build from them."""
    return [Path(data_dir) / "benchmark"]
