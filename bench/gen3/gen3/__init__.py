"""gen3: deterministic synthetic gateway-log generator for LLM-API extraction benchmarks."""
__version__ = "0.1.0"
