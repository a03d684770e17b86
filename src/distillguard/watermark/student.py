"""A small student language model trained on teacher outputs, on CPU, in seconds.

This is the distiller's side, used to measure radioactivity: a Llama-architecture
model (transformers) with a compact vocabulary (the token ids that occur in its
training text, plus one id for everything else), trained by next-token prediction
on the teacher's responses. Its sizes are parameters; `StudentConfig` defaults fit
a few thousand teacher tokens in well under a minute on two cores.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class StudentConfig:
    hidden: int = 128
    layers: int = 2
    heads: int = 4
    block: int = 128
    batch: int = 16
    epochs: int = 4
    lr: float = 3e-3
    seed: int = 0


@dataclass
class Student:
    model: object
    id_map: np.ndarray  # compact id -> tokenizer id (last compact id = "other token")
    config: StudentConfig
    train_tokens: int
    steps: int
    seconds: float
    final_loss: float

    def to_compact(self, ids: Sequence[int]) -> np.ndarray:
        lookup = {int(t): i for i, t in enumerate(self.id_map[:-1])}
        other = len(self.id_map) - 1
        return np.asarray([lookup.get(int(t), other) for t in ids], dtype=np.int64)

    def describe(self) -> dict:
        n_params = sum(p.numel() for p in self.model.parameters())
        return {**asdict(self.config), "vocab": len(self.id_map), "params": n_params, "train_tokens": self.train_tokens,
                "steps": self.steps, "seconds": round(self.seconds, 1), "final_loss": round(self.final_loss, 3)}

    def save(self, folder) -> None:
        """A Hugging Face model folder plus `id_map.npy`; `distillguard watermark radioactivity --suspect-model` reads it."""
        from pathlib import Path

        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        folder = Path(folder)
        self.model.save_pretrained(folder)
        np.save(folder / "id_map.npy", self.id_map)

    def top1_predictor(self):
        from distillguard.watermark.radioactivity import hf_top1_predictor

        inner = hf_top1_predictor(self.model, batch_size=16, max_len=self.config.block * 8)
        return lambda texts: [self.id_map[p] for p in inner([self.to_compact(t) for t in texts])]

    def generate(self, prefixes: Sequence[Sequence[int]], new_tokens: int, seed: int = 0) -> list[list[int]]:
        """Sample continuations (temperature 1) of each prefix; returns tokenizer ids of the new tokens."""
        import torch

        torch.manual_seed(seed)
        out = []
        for prefix in prefixes:
            ids = torch.from_numpy(self.to_compact(prefix))[None]
            with torch.no_grad():
                gen = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                                          do_sample=True, top_k=0, top_p=1.0, temperature=1.0,
                                          pad_token_id=len(self.id_map) - 1)
            out.append(self.id_map[gen[0, ids.shape[1]:].numpy()].tolist())
        return out


def train_student(texts: Sequence[Sequence[int]], eos_id: int, config: StudentConfig = StudentConfig()) -> Student:
    """Train a fresh student on token-id texts (each followed by `eos_id`)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    stream = np.concatenate([np.append(np.asarray(t, dtype=np.int64), eos_id) for t in texts])
    vocab = np.unique(stream)
    id_map = np.append(vocab, eos_id)  # last slot: any token the student never saw
    compact = np.searchsorted(vocab, stream)
    torch.manual_seed(config.seed)
    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=len(id_map), hidden_size=config.hidden, intermediate_size=2 * config.hidden,
        num_hidden_layers=config.layers, num_attention_heads=config.heads, num_key_value_heads=config.heads,
        max_position_embeddings=config.block * 8, tie_word_embeddings=True,
    ))
    n_blocks = max(1, (len(compact) - 1) // config.block)
    blocks = torch.from_numpy(compact[: n_blocks * config.block + 1].copy())
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    gen = torch.Generator().manual_seed(config.seed)
    total = config.epochs * max(1, n_blocks // config.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=total, pct_start=0.1)
    model.train()
    start, steps, loss_value = time.perf_counter(), 0, float("nan")
    for _ in range(config.epochs):
        order = torch.randperm(n_blocks, generator=gen)
        for b in range(0, n_blocks - config.batch + 1 if n_blocks >= config.batch else 1, config.batch):
            if steps >= total:
                break
            idx = order[b : b + config.batch]
            x = torch.stack([blocks[i * config.block : (i + 1) * config.block + 1] for i in idx])
            loss = model(input_ids=x[:, :-1], labels=x[:, :-1].clone()).loss
            # labels are shifted inside the model: predicting x[t+1] from x[:t+1]
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            steps += 1
            loss_value = float(loss.detach())
    model.eval()
    return Student(model, id_map, config, int(len(stream)), steps, time.perf_counter() - start, loss_value)
