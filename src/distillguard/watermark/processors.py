"""Generation-time watermarking as Hugging Face `LogitsProcessor`s.

Both processors read the last `context_width` token ids of each row (prompt included)
and change that row's next-token distribution. `seconds` accumulates the time spent
inside the processor so benchmarks can report the watermark's own overhead.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from transformers import LogitsProcessor

from distillguard.watermark.schemes import KGWScheme, TournamentScheme


class _Timed(LogitsProcessor):
    def __init__(self):
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        start = time.perf_counter()
        width = self.scheme.context_width
        if input_ids.shape[1] < width:
            out = scores
        else:
            out = self.apply(input_ids[:, -width:].cpu().numpy(), scores)
        self.seconds += time.perf_counter() - start
        self.calls += 1
        return out


class KGWLogitsProcessor(_Timed):
    """Add `delta` to the logits of the green list of each row's context."""

    def __init__(self, scheme: KGWScheme):
        super().__init__()
        self.scheme = scheme

    def apply(self, contexts: np.ndarray, scores: torch.Tensor) -> torch.Tensor:
        vocab = min(scores.shape[-1], self.scheme.vocab_size)
        green = self.scheme.green_mask(contexts)[:, :vocab]
        if scores.device.type == "cpu" and scores.dtype == torch.float32:
            # numpy arithmetic: small torch CPU ops pay thread-pool overhead on every generation step
            out = scores.numpy().copy()
            out[:, :vocab] += np.float32(self.scheme.config.delta) * green
            return torch.from_numpy(out)
        out = scores.clone()
        out[:, :vocab] += self.scheme.config.delta * torch.from_numpy(green).to(scores.device, scores.dtype)
        return out


def tournament_distribution(probs: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Exact distribution of a knockout tournament over candidates drawn from `probs`.

    One layer with two i.i.d. candidates and a binary g picks x with probability
    p(x) * (1 + g(x) - G), G = sum_y p(y) g(y); layers compose, so applying the update
    once per layer equals running the full tournament with 2**layers candidates.
    probs: (n, k); g: (n, k, layers) in {0, 1}.
    """
    p = probs
    for layer in range(g.shape[-1]):
        gl = g[..., layer].to(p.dtype)
        mass = (p * gl).sum(dim=-1, keepdim=True)
        p = p * (1.0 + gl - mass)
    return p / p.sum(dim=-1, keepdim=True)


class TournamentLogitsProcessor(_Timed):
    """Replace each row's distribution with the tournament-sampling distribution over its top-k tokens.

    Tokens outside the top-k get probability 0 (as in top-k sampling); sample with
    `do_sample=True, top_k=0` so nothing else truncates the distribution again.
    """

    def __init__(self, scheme: TournamentScheme):
        super().__init__()
        self.scheme = scheme

    def apply(self, contexts: np.ndarray, scores: torch.Tensor) -> torch.Tensor:
        k = min(self.scheme.config.top_k, scores.shape[-1])
        top, idx = torch.topk(scores.float(), k, dim=-1)
        idx_np = idx.cpu().numpy()
        seeds = self.scheme.hasher.seeds(contexts)
        valid = idx_np < self.scheme.vocab_size
        g = self.scheme.g_values(seeds, np.where(valid, idx_np, 0)) * valid[..., None]
        probs = torch.softmax(top, dim=-1)
        new = tournament_distribution(probs, torch.from_numpy(g).to(scores.device))
        out = torch.full_like(scores, float("-inf"))
        out.scatter_(-1, idx, torch.log(new.clamp_min(1e-30)).to(scores.dtype))
        return out


def make_processor(scheme):
    if isinstance(scheme, KGWScheme):
        return KGWLogitsProcessor(scheme)
    if isinstance(scheme, TournamentScheme):
        return TournamentLogitsProcessor(scheme)
    raise TypeError(f"no processor for {type(scheme).__name__}")
