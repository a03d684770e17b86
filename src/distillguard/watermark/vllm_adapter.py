"""Watermarking inside vLLM.

vLLM (V1 engine) applies logits processors per batch; its `AdapterLogitsProcessor`
wraps a per-request callable `(output_token_ids, logits_row) -> logits_row`. This
module provides that callable (`RequestWatermark`, usable with any engine that calls
per-request processors) and `build_vllm_processor_class`, which creates the vLLM
class lazily so vLLM stays an optional dependency. Requests opt in and choose a
cohort through `SamplingParams(extra_args={"distillguard_cohort": "<name>"})`.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from distillguard.watermark.keys import derive_cohort_key, load_master_key
from distillguard.watermark.processors import make_processor
from distillguard.watermark.schemes import make_scheme

EXTRA_ARG = "distillguard_cohort"
ENV_SCHEME = "DISTILLGUARD_WM_SCHEME"


class RequestWatermark:
    """Watermark one request's rows; context comes from the prompt tail then the output so far."""

    def __init__(self, scheme, prompt_token_ids: list[int] | None = None):
        self.scheme = scheme
        self.processor = make_processor(scheme)
        self.prompt_tail = list(prompt_token_ids or [])[-scheme.context_width :]

    def __call__(self, output_token_ids: list[int], logits: torch.Tensor) -> torch.Tensor:
        ids = (self.prompt_tail + list(output_token_ids))[-self.scheme.context_width :]
        if len(ids) < self.scheme.context_width:
            return logits
        row = logits.unsqueeze(0) if logits.dim() == 1 else logits
        out = self.processor.apply(np.asarray([ids], dtype=np.int64), row)
        return out.squeeze(0) if logits.dim() == 1 else out


def scheme_for_cohort(cohort: str, vocab_size: int, scheme_name: str | None = None):
    """Cohort scheme from the master key in the environment (never from request data)."""
    key = derive_cohort_key(load_master_key(), cohort)
    return make_scheme(scheme_name or os.environ.get(ENV_SCHEME, "kgw"), key, vocab_size)


def build_vllm_processor_class():
    """Return a vLLM `AdapterLogitsProcessor` subclass; import it lazily (vLLM must be installed)."""
    from vllm.v1.sample.logits_processor import AdapterLogitsProcessor  # optional dependency

    class DistillguardWatermark(AdapterLogitsProcessor):
        def __init__(self, vllm_config, device, is_pin_memory):
            super().__init__(vllm_config, device, is_pin_memory)
            self._vocab = vllm_config.model_config.get_vocab_size()
            self._schemes: dict[str, object] = {}

        @classmethod
        def validate_params(cls, params):
            cohort = (params.extra_args or {}).get(EXTRA_ARG)
            if cohort is not None and not isinstance(cohort, str):
                raise ValueError(f"{EXTRA_ARG} must be a string")

        def is_argmax_invariant(self) -> bool:
            return False  # the watermark changes which token is most likely

        def new_req_logits_processor(self, params):
            cohort = (params.extra_args or {}).get(EXTRA_ARG)
            if cohort is None:
                return None
            if cohort not in self._schemes:
                self._schemes[cohort] = scheme_for_cohort(cohort, self._vocab)
            return RequestWatermark(self._schemes[cohort])

    return DistillguardWatermark
