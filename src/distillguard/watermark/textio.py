"""Reading texts and tokenizers for the command line."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path


def read_text(source: str) -> str:
    """Whole file (or stdin for '-') as one text."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"{source}: no such file")
    return path.read_text(errors="replace")


def read_texts(source: str) -> list[str]:
    """Several texts: JSONL (objects with "text", or JSON strings) if the name ends in .jsonl, else one per line."""
    raw = read_text(source)
    texts = []
    for number, line in enumerate(raw.split("\n") if source.endswith(".jsonl") else raw.splitlines(), 1):
        if not line.strip():
            continue
        if source.endswith(".jsonl"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f"{source}:{number}: not valid JSON") from None
            text = item.get("text") if isinstance(item, dict) else item
            if not isinstance(text, str):
                raise ValueError(f'{source}:{number}: expected a JSON string or an object with a "text" string')
            texts.append(text)
        else:
            texts.append(line)
    return texts


@lru_cache(maxsize=4)
def load_tokenizer(name: str):
    """'smollm2' (the bundled GGUF model's tokenizer) or a local Hugging Face tokenizer folder."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    if name == "smollm2":
        from distillguard.watermark.model import smollm2_path

        path = smollm2_path()
        return AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    if not Path(name).is_dir():
        raise FileNotFoundError(f"tokenizer {name!r}: use 'smollm2' or a local tokenizer folder")
    return AutoTokenizer.from_pretrained(name)


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]
