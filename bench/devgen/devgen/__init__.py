"""devgen: an independent traffic generator and scorer for LLM-API extraction detectors."""
__version__ = "0.1.0"
