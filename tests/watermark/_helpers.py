"""Helpers shared by the watermark tests."""

VOCAB = 5000


def sample_watermarked(processor, vocab: int, n: int, seed: int, temperature: float = 2.0) -> list[int]:
    """Sample n tokens from random logits passed through a watermark processor (a stand-in model)."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    seq = [int(seed % vocab)] * processor.scheme.context_width
    for _ in range(n):
        logits = torch.randn(1, vocab, generator=gen) * temperature
        probs = torch.softmax(processor(torch.tensor([seq]), logits), dim=-1)
        seq.append(int(torch.multinomial(probs, 1, generator=gen)))
    return seq
