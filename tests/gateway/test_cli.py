"""`distillguard gateway`: help for a newcomer, one clear line and exit 2 on bad input."""

from __future__ import annotations

from typer.testing import CliRunner

from distillguard.cli import app

from .conftest import write_keys


def _run(*args):
    return CliRunner().invoke(app, ["gateway", *args])


def test_help_explains_the_command():
    result = _run("--help")
    assert result.exit_code == 0
    for word in ("--upstream", "--policy", "--keys", "--state-dir", "--redis", "--events-log", "DISTILLGUARD_ADMIN_TOKEN",
                 "--bus", "--log-retain", "--redis-timeout-ms", "--workers", "--durability"):
        assert word in result.output


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    keys = write_keys(tmp_path / "keys.yaml")
    bad_policy = tmp_path / "policy.yaml"
    bad_policy.write_text("bands: [{min_risk: 0.1, action: obliterate}]\n")
    cases = [
        (["--upstream", "localhost:8000"], "--upstream must be an http"),
        (["--upstream", "http://127.0.0.1:1/v1"], "--keys is required"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(tmp_path / "missing.yaml")], "file not found"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--policy", str(bad_policy)], "unknown action 'obliterate'"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--port", "70000"], "--port"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--redis", "localhost"], "--redis must be"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(bad_policy)], "keys"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--bus", "kafka://x:9092"], "--bus must be"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--redis-timeout-ms", "0"], "--redis-timeout-ms"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--log-rotate-mb", "-1"], "--log-rotate-mb"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--snapshot-every", "0"], "needs --snapshot-every"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--workers", "2"], "needs --redis and --bus"),
        (["--upstream", "http://127.0.0.1:1/v1", "--keys", str(keys), "--durability", "maybe"], "--durability"),
    ]
    for args, fragment in cases:
        result = _run(*args, "--state-dir", str(tmp_path / "state"))
        assert result.exit_code == 2, (args, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], (args, result.output)


def test_a_second_gateway_on_the_same_state_folder_is_refused(tmp_path):
    import fcntl

    state = tmp_path / "state"
    state.mkdir()
    held = open(state / "gateway.lock", "a")
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running gateway holds it
    try:
        result = _run("--upstream", "http://127.0.0.1:1/v1", "--keys", str(write_keys(tmp_path / "keys.yaml")),
                      "--state-dir", str(state))
    finally:
        held.close()
    assert result.exit_code == 2 and "another gateway is running on it" in result.output


def test_the_served_gateway_collects_young_objects_less_often():
    import gc

    from distillguard.gateway.server import GC_THRESHOLDS, tune_gc

    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS and GC_THRESHOLDS[0] > before[0]
    finally:
        gc.set_threshold(*before)
