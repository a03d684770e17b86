"""Radioactivity: did a suspect model learn from watermarked text?

* Black-box: score the suspect's own generations (all together; only the first token seen
  after each context, which keeps the test exact even when the suspect copies in context).
* White-box reading mode: feed text (typically the provider's own watermarked
  outputs, which the suspect may have trained on) and score the suspect's top-1
  next-token prediction at every position against the actual preceding context.
  A model that never saw the watermark predicts green with probability p_null, so
  de-duplicated (context, predicted token) pairs give the same exact binomial test.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

from distillguard.watermark.detect import Detection, score_many, score_pairs
from distillguard.watermark.hashing import windows

Predictor = Callable[[Sequence[Sequence[int]]], list[np.ndarray]]


def black_box(scheme, suspect_generations: Iterable[Iterable[int]], first_context: bool = True) -> Detection:
    """Score the suspect's generations; by default only the first continuation of each context
    counts, so copying from its own context cannot inflate the evidence."""
    return score_many(scheme, suspect_generations, first_context=first_context)


def reading_mode(scheme, texts: Sequence[Sequence[int]], predict_top1: Predictor) -> Detection:
    """`predict_top1(texts)[i][j]` is the suspect's most likely token after texts[i][: j + 1]."""
    width = scheme.context_width
    ctxs, preds = [], []
    for seq, top1 in zip(texts, predict_top1(texts)):
        seq = np.asarray(seq, dtype=np.int64)
        if len(seq) < width:
            continue
        # the prediction made after position j continues the context seq[j-width+1 : j+1]
        c, _ = windows(np.append(seq, 0), width)
        p = np.asarray(top1, dtype=np.int64)[width - 1 : len(seq)]
        ctxs.append(c[: len(p)])
        preds.append(p)
    if not preds:
        return score_pairs(scheme, np.zeros((0, width), dtype=np.int64), np.zeros(0, dtype=np.int64))
    contexts, tokens = np.concatenate(ctxs), np.concatenate(preds)
    ok = (tokens >= 0) & (tokens < scheme.vocab_size) & (contexts < scheme.vocab_size).all(axis=1)
    return score_pairs(scheme, contexts[ok], tokens[ok])


def hf_top1_predictor(model, batch_size: int = 8, max_len: int = 1024, id_map: np.ndarray | None = None) -> Predictor:
    """Top-1 predictor from a causal LM; `id_map` maps the model's ids to tokenizer ids (compact students)."""
    import torch

    def predict(texts):
        out = []
        for i in range(0, len(texts), batch_size):
            chunk = [list(t)[:max_len] for t in texts[i : i + batch_size]]
            width = max(len(t) for t in chunk)
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for r, t in enumerate(chunk):
                ids[r, : len(t)] = torch.tensor(t)
                mask[r, : len(t)] = 1
            with torch.no_grad():
                top = model(input_ids=ids, attention_mask=mask).logits.argmax(-1).numpy()
            for r, t in enumerate(chunk):
                pred = top[r, : len(t)]
                out.append(id_map[pred] if id_map is not None else pred)
        return out

    return predict
