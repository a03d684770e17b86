"""Behavioural fingerprinting: was a suspect model distilled from one of our models?

Watermarks only answer for text that was watermarked; a fingerprint answers from how a model
writes and behaves. Given the suspect's answers and those of reference model families to the
same prompts (files, or live OpenAI-compatible endpoints queried with a probe set), we measure
several signals relative to a background of the references and independent models:

- `signals.style`      formatting and stylistic habits (lengths, markdown, openings, closings)
- `signals.lexical`    characteristic phrases, and wording of paired answers prompt by prompt
- `signals.patterns`   identity claims ("As an AI language model developed by ...") and refusal style
- `signals.embedding`  sentence-embedding similarity of paired answers (optional model package)
- `signals.watermark`  watermark radioactivity under a reference's key (optional, pluggable)

`stats` turns them into one score per family, z-scored against a null of models not in that
family, with an empirical p-value (t tail beyond the null's range) and Holm correction;
`probes` picks the prompts that best separate references and estimates how many suffice;
`client` queries endpoints with concurrency, retries and an on-disk cache; `engine.fingerprint`
ties it together and `cli` exposes it as `distillguard fingerprint`.
"""

__all__ = ["fingerprint"]


def fingerprint(*args, **kwargs):
    """See `distillguard.fingerprint.engine.fingerprint`."""
    from distillguard.fingerprint.engine import fingerprint as _fingerprint

    return _fingerprint(*args, **kwargs)
