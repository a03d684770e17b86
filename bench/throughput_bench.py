"""Scan throughput, CPU time and peak memory on a simulated log (1,000,000 events by default).

    .venv/bin/python -m bench.throughput_bench [--events 1000000] [--workers 1 2]
        [--verdicts-before FILE] [--no-record]

Runs `scan(LOG, out=…, db=…, workers=W)` in a subprocess (the full default path: ingest,
validation, DuckDB store, features, detectors, linking, verdicts) and samples the resident
memory of it and its worker processes every 100 ms. CPU seconds are user + system time of
the scan and its workers (getrusage of the waited-for children), so events per CPU-second
stays comparable on a machine other jobs load; the load average is printed beside each run.

`--verdicts-before FILE`: verdicts (JSONL) an earlier version wrote for the same log; every
account's flag, risk (to 1e-9) and campaign id must be the same, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(log: Path, workers: int) -> dict:
    db = WORK / f"throughput-w{workers}.duckdb"
    db.unlink(missing_ok=True)
    verdicts = WORK / f"tp-verdicts-w{workers}.jsonl"
    command = [sys.executable, "-c", "from distillguard.pipeline import scan; import sys; "
               f"r = scan({str(log)!r}, out={str(verdicts)!r}, db={str(db)!r}, workers={workers}); "
               "print(r.stats['events'], r.stats['accounts'])"]
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if process.returncode != 0:
        raise SystemExit(f"scan of {log} exited with code {process.returncode}")
    events, accounts = map(int, process.stdout.read().split()[-2:])  # the last line (DuckDB may draw progress above it)
    db.unlink(missing_ok=True)
    return {"workers": workers, "events": events, "accounts": accounts, "seconds": round(seconds, 1),
            "events_per_second": round(events / seconds), "cpu_seconds": round(cpu, 1),
            "events_per_cpu_second": round(events / cpu), "peak_rss_mib": round(peak / 1024),
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)], "verdicts": str(verdicts)}


def _verdict_table(path: Path) -> dict[str, tuple]:
    table = {}
    for line in path.read_text().splitlines():
        verdict = json.loads(line)
        table[verdict["account_id"]] = (bool(verdict["flagged"]), float(verdict["risk"]), verdict.get("campaign_id"))
    return table


def same_verdicts(before: Path, after: Path) -> list[str]:
    """Accounts whose flag, risk (beyond 1e-9) or campaign id differ between two verdict files."""
    old, new = _verdict_table(before), _verdict_table(after)
    differ = sorted(set(old) ^ set(new))
    for account_id in set(old) & set(new):
        (flag_a, risk_a, camp_a), (flag_b, risk_b, camp_b) = old[account_id], new[account_id]
        if flag_a != flag_b or abs(risk_a - risk_b) > 1e-9 or camp_a != camp_b:
            differ.append(account_id)
    return differ


def markdown_table(rows: list[dict]) -> str:
    lines = ["| workers | events | accounts | wall s | events/s (wall) | CPU s | events per CPU-s | peak RSS (MiB) | load avg (start, end) |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['workers']} | {r['events']:,} | {r['accounts']:,} | {r['seconds']} | {r['events_per_second']:,} | {r['cpu_seconds']} | "
              f"{r['events_per_cpu_second']:,} | {r['peak_rss_mib']:,} | {r['load_average'][0]}, {r['load_average'][1]} |" for r in rows]
    return "\n".join(lines)


def run(data_dir: Path | None = None, quick: bool = False, events: int = 1_000_000, workers=(1, 2),
        verdicts_before: Path | None = None, record: bool = True) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    log = make_log(20_000 if quick else events)
    rows = [measure(log, w) for w in workers]
    if verdicts_before is not None:
        for row in rows:
            differ = same_verdicts(verdicts_before, Path(row["verdicts"]))
            if differ:
                raise SystemExit(f"workers={row['workers']}: {len(differ)} account(s) differ from {verdicts_before}, e.g. {differ[:3]}")
            row["verdicts_equal_before"] = True
    data = {"log_bytes": log.stat().st_size, "runs": rows, "cpu_count": os.cpu_count()}
    if record and not quick:
        md = (f"End-to-end `scan` (read + validate + DuckDB store + features + detectors + linking + verdicts) of a simulated log of "
              f"{rows[0]['events']:,} events ({log.stat().st_size / 1e9:.2f} GB JSONL) on a {os.cpu_count()}-core machine. CPU s: user + "
              "system time of the scan and its workers. Peak memory is the resident set of the scan and its workers, sampled every "
              "100 ms.\n\n" + markdown_table(rows))
        update_section("throughput", data, md, command=".venv/bin/python -m bench.throughput_bench")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--quick", action="store_true", help="a 20,000-event log; RESULTS.md is left alone")
    parser.add_argument("--verdicts-before", type=Path, help="verdicts JSONL an earlier version wrote for the same log")
    parser.add_argument("--no-record", action="store_true", help="print the table only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    data = run(quick=args.quick, events=args.events, workers=tuple(args.workers), verdicts_before=args.verdicts_before,
               record=not args.no_record)
    print(markdown_table(data["runs"]))
    print(json.dumps(data))


if __name__ == "__main__":
    main()
