"""Run one scan in this process and kill -9 it at a chosen stage (fault injection for the kill matrix).

python -m tests.robust.killer STAGE LOG DB OUT [WORKERS]

Stages: after-flush (the first event batch is in the store), in-finalize, in-write-verdicts
(half the verdict lines written), in-commit (offsets written, not yet committed),
in-worker (a parallel worker dies; the parent must abort and commit nothing).
"""

from __future__ import annotations

import os
import signal
import sys


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(stage: str) -> None:
    from distillguard import pipeline
    from distillguard.scoring.engine import DetectionEngine
    from distillguard.store.duckdb_store import Store

    pipeline._EventColumns.__init__.__defaults__ = (100,)  # flush every 100 events, so a kill can follow a flush
    if stage == "after-flush":
        original = Store.append_events

        def append_then_die(self, columns):
            original(self, columns)
            _die()

        Store.append_events = append_then_die
    elif stage == "in-finalize":
        DetectionEngine.finalize = lambda self: _die()
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

        original_work = parallel._work

        def work_then_die(config, inbox, outbox):
            inbox.get()  # take one batch, then die with the rest unprocessed
            _die()

        parallel._work = work_then_die
        del original_work
    else:
        raise SystemExit(f"unknown stage {stage!r}")


if __name__ == "__main__":
    stage, log, db, out = sys.argv[1:5]
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    arm(stage)
    from distillguard.pipeline import scan

    scan(log, db=db, out=out, rejects=out + ".rejects", workers=workers)
    print("scan finished without being killed", file=sys.stderr)
    sys.exit(3)
