"""Distil a small student from teacher responses, on CPU, to test watermark radioactivity.

This plays the distiller: it trains a fresh small Llama-architecture model (compact
vocabulary of the tokens it sees) on a teacher's responses by next-token prediction.
The saved folder can then be tested by the provider:

    distillguard watermark radioactivity --suspect-model student/ --reference served.jsonl --key-file wm.key --cohort acme

Usage:
    .venv/bin/python recipes/student/train_student.py --teacher-texts served.jsonl --out student/ [--epochs 30]

`--teacher-texts` is JSONL with a "text" field (or one response per line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teacher-texts", required=True, help="teacher responses: JSONL with \"text\", or one per line")
    parser.add_argument("--out", required=True, type=Path, help="folder to write the student to (must not exist)")
    parser.add_argument("--tokenizer", default="smollm2", help="'smollm2' or a local tokenizer folder (the teacher's)")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--block", type=int, default=128, help="training sequence length")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args(argv)

    from distillguard.watermark.textio import encode, load_tokenizer, read_texts

    if args.out.exists():
        print(f"error: {args.out} already exists", file=sys.stderr)
        return 2
    try:
        texts = read_texts(args.teacher_texts)
        tok = load_tokenizer(args.tokenizer)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not texts:
        print("error: no teacher texts", file=sys.stderr)
        return 2

    import torch

    from distillguard.watermark.student import StudentConfig, train_student

    torch.set_num_threads(args.threads)
    cfg = StudentConfig(hidden=args.hidden, layers=args.layers, block=args.block, batch=args.batch, epochs=args.epochs, lr=args.lr)
    student = train_student([encode(tok, t) for t in texts], eos_id=tok.eos_token_id, config=cfg)
    student.save(args.out)
    print(json.dumps(student.describe()))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
