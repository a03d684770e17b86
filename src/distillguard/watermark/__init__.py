"""Response watermarking: mark generations with a secret key, detect the mark in text,
and test whether a suspect model learned from marked text (radioactivity, traitor tracing).

Pure-numpy parts (keys, hashing, schemes, detection, tracing) import no torch, so
scoring text stays cheap; generation-time processors and model helpers import torch.
"""

from distillguard.watermark.detect import Detection, score_tokens, score_many
from distillguard.watermark.keys import derive_cohort_key, key_id, load_master_key
from distillguard.watermark.schemes import KGWConfig, KGWScheme, TournamentConfig, TournamentScheme, make_scheme

__all__ = [
    "Detection",
    "KGWConfig",
    "KGWScheme",
    "TournamentConfig",
    "TournamentScheme",
    "derive_cohort_key",
    "key_id",
    "load_master_key",
    "make_scheme",
    "score_many",
    "score_tokens",
]
