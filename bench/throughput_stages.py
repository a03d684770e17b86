"""Where a batch scan's CPU goes, per event, stage by stage (a profile without the profiler's distortion).

    .venv/bin/python -m bench.throughput_stages [--events 20000]

Takes the first events of the throughput log (`bench.throughput_bench.make_log(200000)`) and times,
each on its own and as the best of a few repeats, what the parent of a parallel scan does per event
(read, decode + validate, coverage, store columns, request bodies, the batch of lines for a worker) and
what a worker does (decode the lines again, ingest: prompt features with their cache, benchmark match, embedding, account
state). Figures are CPU microseconds per event; on a loaded machine they are inflated alike.
"""

from __future__ import annotations

import argparse
import time

from bench.throughput_bench import make_log


def _best(function, events: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return round(best / events * 1e6, 2)


def run(events: int = 20_000, repeats: int = 3) -> dict[str, float]:
    from distillguard.adapters.evidence import Coverage
    from distillguard.events.readers import LineReader, RejectSink, decode_line
    from distillguard.parallel import pack, unpack
    from distillguard.pipeline import _EventColumns
    from distillguard.scoring.engine import DetectionEngine
    from distillguard.store import requests as request_store

    sink = RejectSink(None)
    lines = []
    for _, raw in LineReader(make_log(200_000), sink):
        lines.append(raw)
        if len(lines) >= events:
            break
    decoded = [decode_line("log", 1, raw, sink) for raw in lines]
    n = len(decoded)

    class _NoStore:
        def append_events(self, columns: dict) -> None:
            pass

    def columns() -> None:
        buffer = _EventColumns(_NoStore(), batch=10**9)
        for event in decoded:
            buffer.add(event, event.prompt_text)

    def bodies() -> None:
        writer = request_store.RequestBodies.__new__(request_store.RequestBodies)
        writer.max_chars, writer.batch = 20_000, 10**9
        writer.rows = {name: [] for name in request_store.ARROW_SCHEMA.names}
        writer._columns = [writer.rows[name] for name in request_store.ARROW_SCHEMA.names]
        for event in decoded:
            writer.add(event)

    batches = [pack(lines[i:i + 2000]) for i in range(0, n, 2000)]

    def decode() -> None:  # streamed, as in a scan: keeping every event alive would time the garbage collector instead
        for raw in lines:
            decode_line("log", 1, raw, sink)

    def worker_unpack() -> None:
        for batch in batches:
            for _event in unpack(batch):
                pass

    def ingest() -> None:
        engine = DetectionEngine()
        for event in decoded:
            engine.ingest(event, event.prompt_text)

    coverage = Coverage()
    return {
        "parent: read lines": _best(lambda: [None for _, _line in zip(range(n), LineReader(make_log(200_000), sink))], n, repeats),
        "parent: decode + validate": _best(decode, n, repeats),
        "parent: evidence coverage": _best(lambda: [coverage.observe(e) for e in decoded], n, repeats),
        "parent: store columns": _best(columns, n, repeats),
        "parent: request bodies": _best(bodies, n, repeats),
        "parent: pack lines for a worker": _best(lambda: [pack(lines[i:i + 2000]) for i in range(0, n, 2000)], n, repeats),
        "worker: unpack (decode the lines again)": _best(worker_unpack, n, repeats),
        "worker: ingest (features, cache, embedding, state)": _best(ingest, n, repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    figures = run(args.events)
    print("| stage | CPU µs per event |\n|---|---|")
    for stage, micros in figures.items():
        print(f"| {stage} | {micros} |")


if __name__ == "__main__":
    main()
