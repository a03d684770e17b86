"""Run one scan in this process and kill -9 it at a chosen stage (fault injection for the kill matrix).

python -m tests.robust.killer STAGE LOG DB OUT [WORKERS]

Stages: after-flush (the first event batch is in the store), in-finalize, in-write-verdicts
(half the verdict lines written), in-commit (offsets written, not yet committed),
in-worker (a parallel worker dies; the parent must abort and commit nothing).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("after-flush", "in-finalize", "in-write-verdicts", "in-commit")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(stage: str) -> None:
    from distillguard import pipeline
    from distillguard.scoring.engine import DetectionEngine
    from distillguard.store.duckdb_store import Store

    pipeline.FLUSH_EVENTS = 100  # flush every 100 events, so a kill can follow a flush
    if stage == "after-flush":
        original = Store.append_events

        def append_then_die(self, columns):
            original(self, columns)
            _die()

        Store.append_events = append_then_die
    elif stage == "in-finalize":
        DetectionEngine.finalize = lambda self, *args, **kwargs: _die()
    elif stage == "in-write-verdicts":
        import orjson

        class HalfThenDie:
            calls = 0

            def __getattr__(self, name):
                return getattr(orjson, name)

            def dumps(self, *args, **kwargs):
                HalfThenDie.calls += 1
                if HalfThenDie.calls > 3:
                    _die()
                return orjson.dumps(*args, **kwargs)

        pipeline.orjson = HalfThenDie()
    elif stage == "in-commit":
        Store.record_scan = lambda self, *args, **kwargs: _die()
    elif stage == "in-worker":
        from distillguard import parallel

        def work_then_die(config, inbox, outbox):
            inbox.get()  # take one batch, then die with the rest unprocessed
            _die()

        parallel.BATCH_LINES = 50  # many batches queue up for the dead worker (more than a pipe buffer holds)
        parallel._work = work_then_die
    else:
        raise SystemExit(f"unknown stage {stage!r}")


def kill_scan(stage: str, log: Path, db: Path, out: Path, workers: int = 1) -> subprocess.CompletedProcess:
    """Run the scan in a child process armed to kill itself at `stage`."""
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH") or os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    return subprocess.run([sys.executable, "-m", "tests.robust.killer", stage, str(log), str(db), str(out), str(workers)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def store_counts(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows, ids = con.execute("SELECT count(*), count(DISTINCT request_id) FROM events").fetchone()
        accounts, requests = con.execute("SELECT count(*), sum(requests) FROM verdicts").fetchone()
        return {"rows": rows, "ids": ids, "verdict_accounts": accounts, "verdict_requests": requests}
    finally:
        con.close()


def verdict_risks(path: Path) -> dict[str, float]:
    return {v["account_id"]: round(v["risk"], 6) for v in map(json.loads, Path(path).read_text().splitlines())}


if __name__ == "__main__":
    stage, log, db, out = sys.argv[1:5]
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    arm(stage)
    from distillguard.pipeline import scan

    scan(log, db=db, out=out, rejects=out + ".rejects", workers=workers)
    print("scan finished without being killed", file=sys.stderr)
    sys.exit(3)
