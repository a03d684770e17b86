"""Scan throughput and peak memory on a 1,000,000-event simulated log.

    .venv/bin/python -m bench.throughput_bench [--events 1000000] [--workers 1 2]

Runs `distillguard scan LOG --out … --db …` as a subprocess (the full default path:
ingest, validation, DuckDB store, features, detectors, linking, verdicts) and samples
the resident memory of it and its worker processes every 100 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.results_io import BENCH_DIR, update_section

WORK = BENCH_DIR / "_work"


def make_log(target_events: int) -> Path:
    from distillguard.simulate.simulator import SimConfig, default_campaigns, simulate

    out = WORK / f"throughput-{target_events}"
    if (out / "events.jsonl").exists():
        return out / "events.jsonl"
    legit = max(50, int(3300 * target_events / 1_000_000))
    simulate(SimConfig(seed=5, legit_accounts=legit, volume_scale=1.0, campaigns=default_campaigns(scale=3)), out)
    return out / "events.jsonl"


def _tree_rss_kib(pid: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


def measure(log: Path, workers: int) -> dict:
    db = WORK / f"throughput-w{workers}.duckdb"
    db.unlink(missing_ok=True)
    command = [sys.executable, "-c", "from distillguard.pipeline import scan; import sys; "
               f"r = scan({str(log)!r}, out={str(WORK / 'tp-verdicts.jsonl')!r}, db={str(db)!r}, workers={workers}); "
               "print(r.stats['events'], r.stats['accounts'])"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    events, accounts = map(int, process.stdout.read().split())
    db.unlink(missing_ok=True)
    return {"workers": workers, "events": events, "accounts": accounts, "seconds": round(seconds, 1),
            "events_per_second": round(events / seconds), "peak_rss_mib": round(peak / 1024)}


def run(data_dir: Path | None = None, quick: bool = False, events: int = 1_000_000, workers=(1, 2)) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    log = make_log(20_000 if quick else events)
    rows = [measure(log, w) for w in workers]
    data = {"log_bytes": log.stat().st_size, "runs": rows, "cpu_count": os.cpu_count()}
    if not quick:
        table = ["| workers | events | accounts | seconds | events/s | peak RSS (MiB) |", "|---|---|---|---|---|---|"]
        table += [f"| {r['workers']} | {r['events']:,} | {r['accounts']:,} | {r['seconds']} | {r['events_per_second']:,} | {r['peak_rss_mib']:,} |" for r in rows]
        md = (f"End-to-end `scan` (read + validate + DuckDB store + features + detectors + linking + verdicts) of a simulated log of "
              f"{rows[0]['events']:,} events ({log.stat().st_size / 1e9:.2f} GB JSONL) on a {os.cpu_count()}-core machine. Peak memory is the "
              "resident set of the scan and its workers, sampled every 100 ms.\n\n" + "\n".join(table))
        update_section("throughput", data, md, command=".venv/bin/python -m bench.throughput_bench")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(quick=args.quick, events=args.events, workers=tuple(args.workers)))


if __name__ == "__main__":
    main()
