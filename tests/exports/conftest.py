import pytest


@pytest.fixture(autouse=True)
def _run_in_tmp(tmp_path, monkeypatch):
    """CLI defaults land in the test's folder, not the checkout."""
    monkeypatch.chdir(tmp_path)
