"""Fixtures of the scale-out tests: real redis-server / nats-server on free ports, small traffic."""

from __future__ import annotations

import shutil

import pytest

from distillguard.simulate.simulator import SimConfig, default_campaigns, generate


@pytest.fixture(scope="session")
def small_traffic() -> list[dict]:
    """~5k events of legit users and six extraction campaigns over two days, in time order."""
    events, _labels = generate(SimConfig(seed=11, legit_accounts=40, days=2, campaigns=default_campaigns(), volume_scale=0.3))
    return events


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server binary not installed (apt-get install redis-server; scripts/test-services.sh does it)")
    from distillguard.engines.servers import start_redis

    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def nats_url(tmp_path_factory):
    if shutil.which("nats-server") is None:
        pytest.skip("nats-server binary not installed (apt-get install nats-server; scripts/test-services.sh does it)")
    from distillguard.engines.servers import start_nats

    server = start_nats(tmp_path_factory.mktemp("nats"))
    yield server.url
    server.stop()


@pytest.fixture(params=["redis", "nats"])
def bus_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")
