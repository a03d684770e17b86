"""Shared fixtures: a consortium keyring and A/B/C traffic (helpers live in _helpers.py)."""

from __future__ import annotations

import pytest

from tests.intel._helpers import build, campaign_tasks, legit_prompts
from distillguard.intel.keys import Keyring


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring.generate("k1")


@pytest.fixture(scope="session")
def traffic():
    return build(campaign_tasks(), legit_prompts(), campaign_accounts=5, campaign_requests=24, legit_accounts=20, legit_requests=6)
