"""`make bench`: every benchmark, one after another, on the real corpora.

Each part's benchmark module exposes `run(data_dir, quick)` and writes its own section
of bench/RESULTS.md and bench/results.json; a part whose module is absent is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import time
import traceback
from pathlib import Path

BENCHES = ("detection_bench", "throughput_bench", "watermark_bench", "fingerprint_bench", "fingerprint_lineage_bench", "intel_bench",
           "gateway_bench", "engines_bench", "dashboard_bench", "analyst_loop_bench", "labrai_bench", "finetune_radioactivity_bench",
           "provenance_robustness_bench", "semantic_cli_smoke", "adapters_bench", "robust_bench", "train_behaviour_model", "dev_bench",
           "cross_generator_bench", "blind_bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--quick", action="store_true", help="small configurations (minutes, figures not recorded)")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks (module names)")
    args = parser.parse_args()
    failed = []
    for name in args.only or BENCHES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            print(f"[skip] {name}: {exc}")
            continue
        started = time.perf_counter()
        print(f"[run ] {name} …", flush=True)
        try:
            module.run(args.data_dir, quick=args.quick)
            print(f"[done] {name} in {time.perf_counter() - started:.0f} s", flush=True)
        except Exception:  # keep going: one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    if failed:
        raise SystemExit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
