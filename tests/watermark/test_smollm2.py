"""A few short generations from the real bundled model (SmolLM2-135M, GGUF, CPU)."""

import pytest

from distillguard.watermark.detect import score_tokens
from distillguard.watermark.keys import derive_cohort_key
from distillguard.watermark.processors import make_processor
from distillguard.watermark.schemes import make_scheme

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2():
    from distillguard.watermark.model import load_smollm2

    return load_smollm2()


@pytest.mark.parametrize("name", ["kgw", "tournament"])
def test_real_generations_are_detected(smollm2, master, name):
    from distillguard.watermark.model import generate

    model, tok = smollm2
    scheme = make_scheme(name, derive_cohort_key(master, "acme"), len(tok))
    prompts = ["Write a short story about a lighthouse keeper."]
    marked = generate(model, tok, prompts, 50, processor=make_processor(scheme), min_new_tokens=50)
    plain = generate(model, tok, prompts, 50, min_new_tokens=50, seed=1)
    assert marked.processor_seconds > 0
    for ids in marked.token_ids:
        # re-tokenising the decoded text is what `detect` does
        text_ids = tok(tok.decode(ids, skip_special_tokens=True), add_special_tokens=False)["input_ids"]
        assert score_tokens(scheme, text_ids).p_value < 1e-3
    assert min(score_tokens(scheme, ids).p_value for ids in plain.token_ids) > 1e-4
