"""distillguard: detect and stop model extraction and distillation of LLM APIs.

The pipeline reads naturally: events -> features -> detectors -> findings -> verdicts
-> actions and shared intel. `distillguard.scan(...)` runs it on a log file.
"""

__version__ = "0.1.0"


def scan(*args, **kwargs):
    """Scan an API event log; see `distillguard.pipeline.scan` for the arguments."""
    from distillguard.pipeline import scan as _scan

    return _scan(*args, **kwargs)


__all__ = ["scan", "__version__"]
