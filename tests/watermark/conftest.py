import numpy as np
import pytest
import torch

# the test machine is shared and small: one intra-op thread avoids thread-pool thrashing
torch.set_num_threads(1)

from distillguard.watermark.keys import derive_cohort_key

@pytest.fixture
def master() -> bytes:
    return bytes(range(32))


@pytest.fixture
def key(master) -> bytes:
    return derive_cohort_key(master, "acme")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
