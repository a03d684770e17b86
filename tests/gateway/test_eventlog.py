"""Event-log durability modes: what a completed append guarantees, and what it costs."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from distillguard.gateway.eventlog import EventLog, iter_events


def test_disk_mode_completes_only_after_a_data_sync(tmp_path):
    log = EventLog(tmp_path / "e.jsonl", durability="disk")
    try:
        futures = [log.append(b'{"n": %d}\n' % i) for i in range(50)]
        for future in futures:
            future.result(timeout=10)
        assert 1 <= log.fsyncs <= 50  # group commit: concurrent appends may share one sync
        assert log.fsync_seconds > 0
    finally:
        log.close()
    assert [e["n"] for _, e in iter_events(tmp_path / "e.jsonl")] == list(range(50))


def test_process_mode_is_written_before_the_future_and_synced_on_a_timer(tmp_path):
    log = EventLog(tmp_path / "e.jsonl", durability="process", sync_interval_s=0.05)
    try:
        future = log.append(b'{"n": 1}\n')
        assert future.done() and future.exception() is None  # no wait on the disk
        assert (tmp_path / "e.jsonl").read_bytes() == b'{"n": 1}\n'  # already in the OS: another reader sees it
        deadline = time.monotonic() + 5
        while log.fsyncs == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert log.fsyncs >= 1
    finally:
        log.close()


def test_process_mode_survives_kill9_of_the_writer(tmp_path):
    path = tmp_path / "e.jsonl"
    code = (
        "import os, signal, sys\n"
        "from distillguard.gateway.eventlog import EventLog\n"
        f"log = EventLog({str(path)!r}, durability='process', sync_interval_s=60)\n"
        "for i in range(200):\n"
        "    assert log.append(b'{\"n\": %d}\\n' % i).done()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), timeout=60)
    assert proc.returncode == -9
    assert [e["n"] for _, e in iter_events(path)] == list(range(200))


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="durability"):
        EventLog(tmp_path / "e.jsonl", durability="sometimes")
