"""Robustness figures for scan, store and hub (issue 17): fuzzing, the kill matrix, parallel = single.

    python -m bench.robust_bench --data ../shared/data [--fuzz 10000] [--parallel-mb 21] [--workers 2]

1. Hypothesis mutations of real events (simulated traffic whose prompts and answers are the real
   corpora): every mutated line must be accepted (and survive features, store columns, intel
   identifiers and scoring) or rejected with a field and reason. Counts crashes, accepted, rejected.
2. Kill matrix: a scan of a log, growth, a rescan killed -9 at each stage, another rescan; checks
   stored rows = distinct ids = events, verdicts for every account, risks equal to a clean scan.
3. Parallel vs single on a > 20 MB log with decoy account ids, escaped keys, duplicates,
   request ids reused by another account and a half-written last line: counts, verdicts, time.
Writes bench/results/robust.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work" / "robust"
OUT = ROOT / "bench" / "results" / "robust.md"


def real_traffic(data: Path, seed: int = 11) -> Path:
    """A simulated week whose prompts and answers are the real corpora (cached under bench/_work)."""
    from distillguard.simulate.corpora import apply_corpora
    from distillguard.simulate.simulator import SimConfig, default_campaigns, simulate

    out = WORK / f"corpora-{seed}"
    if not (out / "events.jsonl").exists():
        simulate(apply_corpora(SimConfig(seed=seed, legit_accounts=120, volume_scale=0.5, campaigns=default_campaigns()), data), out)
    return out


def fuzz(traffic: Path, cases: int) -> dict:
    from hypothesis import HealthCheck, given, seed, settings

    from tests.robust.mutations import Consumers, mutated_lines

    lines = (traffic / "events.jsonl").read_bytes().splitlines()
    events = [orjson.loads(line) for line in lines[:: max(1, len(lines) // 2000)]]
    consumers = Consumers()
    crashes: list[str] = []

    def once(round_seed: int, budget: int) -> None:
        @seed(round_seed)
        @settings(max_examples=budget, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(mutated_lines(events))
        def run(line: bytes) -> None:
            try:
                consumers.check(line)
            except Exception as exc:  # counted, not raised: the figure is how many
                crashes.append(f"{type(exc).__name__}: {str(exc)[:100]}")

        run()

    executed = lambda: consumers.accepted + consumers.rejected + consumers.blank + len(crashes)  # noqa: E731
    started = time.perf_counter()
    round_seed = 0
    while executed() < cases:  # hypothesis skips examples it already ran: top up with new seeds
        once(round_seed, cases - executed())
        round_seed += 1
    consumers.finish()
    return {"cases": executed(), "accepted": consumers.accepted, "rejected": consumers.rejected, "blank": consumers.blank,
            "crashes": len(crashes), "first_crashes": crashes[:5],
            "seconds": round(time.perf_counter() - started, 1), "source_events": len(events)}


def kill_matrix(traffic: Path, first: int = 2000, total: int = 6000) -> list[dict]:
    from distillguard.pipeline import scan
    from tests.robust.killer import STAGES, kill_scan, store_counts, verdict_risks

    lines = (traffic / "events.jsonl").read_bytes().splitlines(keepends=True)[:total]
    folder = WORK / "kill"
    folder.mkdir(parents=True, exist_ok=True)
    full = folder / "full.jsonl"
    full.write_bytes(b"".join(lines))
    for stale in folder.glob("ref.duckdb*"):
        stale.unlink()
    reference = scan(full, out=folder / "ref.jsonl", db=folder / "ref.duckdb")
    ref_risks = verdict_risks(folder / "ref.jsonl")
    rows = []
    for stage in STAGES + ("in-worker",):
        for stale in folder.glob(f"{stage}*"):
            stale.unlink()
        log, db, out = folder / f"{stage}.jsonl", folder / f"{stage}.duckdb", folder / f"{stage}.verdicts.jsonl"
        workers = 2 if stage == "in-worker" else 1
        if stage == "in-worker":  # a fresh parallel scan whose worker dies
            log.write_bytes(b"".join(lines))
        else:
            log.write_bytes(b"".join(lines[:first]))
            scan(log, db=db, out=out)
            with open(log, "ab") as handle:
                handle.write(b"".join(lines[first:]))
        killed = kill_scan(stage, log, db, out, workers)
        again = scan(log, db=db, out=out, workers=workers)
        counts = store_counts(db)
        rows.append({"stage": stage, "killed_rc": killed.returncode, "rescan_events": again.stats["events"], **counts,
                     "expected": reference.stats["events"], "accounts_expected": reference.stats["accounts"],
                     "risks_equal": verdict_risks(out) == ref_risks})
    return rows


def parallel_vs_single(traffic: Path, megabytes: int, workers: int) -> dict:
    from distillguard.pipeline import scan
    from tests.robust.test_parallel_equals_single import build_tricky_log

    log = WORK / "tricky.jsonl"
    kinds = build_tricky_log(traffic, log, target_bytes=megabytes * 1_000_000)
    out = {"bytes": log.stat().st_size, "constructs": kinds}
    results = {}
    for n in (1, workers):
        db = WORK / f"tricky-w{n}.duckdb"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        result = scan(log, workers=n, db=db, rejects=WORK / f"tricky-w{n}.rejects.jsonl")
        results[n] = (result, round(time.perf_counter() - started, 1))
    (one, t1), (many, tn) = results[1], results[workers]
    verdicts = lambda r: {v["account_id"]: (round(v["risk"], 6), v["requests"], v["flagged"], v.get("campaign_id")) for v in r.verdicts}  # noqa: E731
    out.update(workers=workers, seconds_single=t1, seconds_parallel=tn,
               **{f"{k}_single": one.stats[k] for k in ("events", "rejects", "duplicates", "accounts", "flagged")},
               **{f"{k}_parallel": many.stats[k] for k in ("events", "rejects", "duplicates", "accounts", "flagged")},
               verdicts_identical=verdicts(one) == verdicts(many),
               requests_sum_parallel=sum(v["requests"] for v in many.verdicts))
    return out


def write_markdown(command: str, fz: dict, kills: list[dict], par: dict) -> str:
    load = os.getloadavg()
    lines = [
        "# Robustness: scan, store and hub (issue 17)", "",
        f"Command: `{command}`  ",
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the end (shared with other jobs: times are indicative).", "",
        "Events: the simulator's week with the real corpora (`apply_corpora`, ../shared/data) as prompts and answers.", "",
        "## Fuzzing: hypothesis mutations of real events", "",
        f"{fz['cases']:,} cases from {fz['source_events']:,} real events (1-3 fields set to boundary values, wrong types, "
        "deep nesting; some lines also truncated or with bytes inserted), in "
        f"{fz['seconds']} s: **{fz['crashes']} crashes**, {fz['accepted']:,} accepted (and passed through features, store "
        f"columns, intel identifiers and scoring), {fz['rejected']:,} rejected with a field and reason, {fz['blank']:,} blank "
        "(truncated to nothing: no record, nothing to reject).", "",
    ]
    if fz["first_crashes"]:
        lines += ["First crashes: " + "; ".join(fz["first_crashes"]), ""]
    lines += ["## Kill matrix (kill -9, then rescan)", "",
              "| stage | killed (rc) | events read by the rescan | stored rows | distinct ids | expected | verdict accounts | Σ verdict requests | risks = clean scan |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in kills:
        lines.append(f"| {r['stage']} | {r['killed_rc']} | {r['rescan_events']:,} | {r['rows']:,} | {r['ids']:,} | {r['expected']:,} | "
                     f"{r['verdict_accounts']:,} / {r['accounts_expected']:,} | {r['verdict_requests']:,} | {r['risks_equal']} |")
    lines += ["", "Stages: the first event batch flushed; inside `finalize`; after 3 verdict lines written; inside the commit "
              "(offsets written, not committed); a parallel worker killed (the parent aborts, commits nothing, leaves no files).", "",
              "## Parallel vs single process", "",
              f"A {par['bytes'] / 1e6:.1f} MB log with {par['constructs']} (and a half-written last line).", "",
              "| | single | parallel |", "|---|---|---|"]
    for key in ("events", "rejects", "duplicates", "accounts", "flagged"):
        lines.append(f"| {key} | {par[key + '_single']:,} | {par[key + '_parallel']:,} |")
    lines += [f"| seconds | {par['seconds_single']} | {par['seconds_parallel']} ({par['workers']} workers) |", "",
              f"Verdicts identical (risk, requests, flagged, campaign per account): **{par['verdicts_identical']}**; "
              f"Σ requests over parallel verdicts = {par['requests_sum_parallel']:,} (= events).", ""]
    return "\n".join(lines)


def run(data_dir: Path, quick: bool = False) -> None:
    """`make bench` entry point (bench/run_all.py); quick: 500 fuzz cases."""
    main(["--data", str(data_dir)] + (["--fuzz", "500"] if quick else []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("DISTILLGUARD_DATA", "../shared/data"), help="corpora folder")
    parser.add_argument("--fuzz", type=int, default=10_000, help="hypothesis cases")
    parser.add_argument("--parallel-mb", type=int, default=21, help="size of the parallel-vs-single log")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fuzz-only", action="store_true",
                        help="print the fuzz figures only (e.g. against an older checkout on PYTHONPATH) and write nothing")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / "MANIFEST.md").exists():
        sys.exit(f"--data {data}: not the corpora folder (no MANIFEST.md)")
    WORK.mkdir(parents=True, exist_ok=True)
    traffic = real_traffic(data)
    fz = fuzz(traffic, args.fuzz)
    print(f"fuzz: {fz}", file=sys.stderr)
    if args.fuzz_only:
        return
    kills = kill_matrix(traffic)
    print(f"kills: {kills}", file=sys.stderr)
    par = parallel_vs_single(traffic, args.parallel_mb, args.workers)
    print(f"parallel: {par}", file=sys.stderr)
    command = "python -m bench.robust_bench " + " ".join(argv if argv is not None else sys.argv[1:])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(write_markdown(command, fz, kills, par))
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
