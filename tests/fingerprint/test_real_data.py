"""On the real AlpacaEval answers (skipped when ../shared/data is absent)."""

import os
from pathlib import Path

import pytest

_DEFAULT = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATA = Path(os.environ.get("DISTILLGUARD_DATA") or _DEFAULT) / "multimodel" / "alpaca_eval"

pytestmark = [
    pytest.mark.needs_data,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"real corpora not found at {DATA} (../shared/data)"),
]


def test_alpaca_is_closest_to_text_davinci_003():
    """Alpaca-7B was trained on text-davinci-003 answers; with 120 prompts and no embeddings
    it should still be closer to davinci-003 than to the chat families."""
    from distillguard.fingerprint.engine import fingerprint
    from distillguard.fingerprint.inputs import Family, load_answers
    from distillguard.fingerprint.signals import default_signals

    def load(n):
        return load_answers(DATA / f"{n}.json.gz")

    fams = [
        Family("davinci-003", [load("text_davinci_003")]),
        Family("chatgpt", [load("gpt-3.5-turbo-0301"), load("gpt-3.5-turbo-0613")]),
        Family("claude-2", [load("claude"), load("claude-2")]),
    ]
    nulls = [load(n) for n in ("gemma-7b-it", "chatglm2-6b", "cohere", "Mistral-7B-Instruct-v0.2", "baichuan-13b-chat")]
    res = fingerprint(load("alpaca-7b"), fams, nulls, signals=default_signals(embeddings=False), max_prompts=120)
    assert res["closest"] == "davinci-003", res["ranking"]
    assert res["n_prompts"] == 120
