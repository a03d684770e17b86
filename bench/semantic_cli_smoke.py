"""Smoke benchmark: the sentence-level watermark through `distillguard watermark semantic-*`, end to end.

Each step is a fresh CLI process (what an operator runs): a throwaway master key, calibration on
unmarked answers of one model, a few watermarked answers from the bundled SmolLM2, detection under
the right cohort key and under an unrelated key, and detection on other models' answers that the
calibration never saw (false positives). Records wall and CPU seconds per step.

    .venv/bin/python -m bench.semantic_cli_smoke [--answers 3] [--sentences 12] [--tries 8] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
CALIBRATION_MODEL, CALIBRATION_ROWS = "gpt4_0613", slice(400, 520)
NEGATIVE_MODEL, NEGATIVE_ROWS = "claude-2", slice(600, 620)


def _rows(data_dir: pathlib.Path, model: str) -> list[dict]:
    return json.loads(gzip.decompress((data_dir / "multimodel" / "alpaca_eval" / f"{model}.json.gz").read_bytes()))


def _cli(args: list[str], env: dict) -> tuple[str, float, float]:
    """(stdout, wall s, CPU s) of one `distillguard watermark` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "distillguard.cli", "watermark", *args], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"watermark {args[0]} failed: {proc.stderr.strip()[-300:]}")
    return proc.stdout, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(data_dir: pathlib.Path, answers: int, sentences: int, tries: int, log=print) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", "OMP_NUM_THREADS": "1", "TQDM_DISABLE": "1",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    env.pop("DISTILLGUARD_WM_KEY", None)
    env.pop("DISTILLGUARD_WM_KEY_FILE", None)
    cost: dict[str, list[float]] = {}

    def run(step: str, args: list[str]) -> str:
        out, wall, cpu = _cli(args, env)
        cost.setdefault(step, []).append(wall)
        cost.setdefault(step + "_cpu", []).append(cpu)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        for name in ("ours", "other"):
            run("keygen", ["keygen", "--out", str(d / f"{name}.key")])
        plain = d / "plain.jsonl"
        plain.write_text("".join(json.dumps({"text": r["output"]}) + "\n" for r in _rows(data_dir, CALIBRATION_MODEL)[CALIBRATION_ROWS]))
        for name in ("ours", "other"):
            run("calibrate", ["semantic-calibrate", "--texts", str(plain), "--key-file", str(d / f"{name}.key"), "--cohort", "acme",
                              "--out", str(d / f"{name}.cal.json")])
        log("calibrated")

        def detect(path: pathlib.Path, name: str) -> dict:
            return json.loads(run("detect", ["semantic-detect", str(path), "--calibration", str(d / f"{name}.cal.json"),
                                             "--key-file", str(d / f"{name}.key"), "--cohort", "acme", "--json"]))

        prompts = [r["instruction"] for r in _rows(data_dir, CALIBRATION_MODEL)[:answers]]
        marked = []
        for i, prompt in enumerate(prompts):
            path = d / f"marked{i}.txt"
            path.write_text(run("generate", ["semantic-generate", prompt, "--calibration", str(d / "ours.cal.json"), "--key-file",
                                             str(d / "ours.key"), "--cohort", "acme", "--sentences", str(sentences), "--tries", str(tries),
                                             "--seed", str(i)]))
            marked.append({"right_key": detect(path, "ours"), "other_key": detect(path, "other")})
            log(f"answer {i + 1} of {len(prompts)}: p {marked[-1]['right_key']['p_value']:.3g}")
        negatives = []
        for i, r in enumerate(_rows(data_dir, NEGATIVE_MODEL)[NEGATIVE_ROWS]):
            path = d / f"neg{i}.txt"
            path.write_text(r["output"])
            negatives.append(detect(path, "ours"))
    neg_p = np.array([n["p_value"] for n in negatives])
    return {
        "config": {"answers": answers, "sentences": sentences, "tries": tries, "calibration": f"{CALIBRATION_MODEL} answers {CALIBRATION_ROWS.start}-{CALIBRATION_ROWS.stop - 1}",
                   "negatives": f"{NEGATIVE_MODEL} answers {NEGATIVE_ROWS.start}-{NEGATIVE_ROWS.stop - 1}"},
        "marked": marked, "negatives": {"n": len(negatives), "below_0.05": float(np.mean(neg_p < 0.05)), "below_0.01": float(np.mean(neg_p < 0.01)),
                                        "median_p": float(np.median(neg_p))},
        "seconds": {k: round(float(np.mean(v)), 1) for k, v in cost.items()},
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


def markdown(res: dict) -> str:
    c, s = res["config"], res["seconds"]
    lines = [f"Calibration on {c['calibration']}; {c['answers']} answers of {c['sentences']} sentences x {c['tries']} candidates from the "
             "bundled SmolLM2-135M; each step a fresh CLI process.", "",
             "| answer | sentences scored | green | p (cohort key) | p (unrelated key) |", "|---|---|---|---|---|"]
    for i, m in enumerate(res["marked"]):
        r, o = m["right_key"], m["other_key"]
        lines.append(f"| {i + 1} | {r['sentences_scored']} | {r['green']} | {r['p_value']:.3g} | {o['p_value']:.3g} |")
    n = res["negatives"]
    lines += ["", f"False positives on {c['negatives']} (never in the calibration): {100 * n['below_0.05']:.0f}% below 0.05, "
              f"{100 * n['below_0.01']:.0f}% below 0.01 (median p {n['median_p']:.2f}, {n['n']} texts).", "",
              f"Mean per CLI call: calibrate {s['calibrate']} s wall ({s['calibrate_cpu']:.0f} CPU-s), generate {s['generate']} s "
              f"({s['generate_cpu']:.0f} CPU-s), detect {s['detect']} s ({s['detect_cpu']:.0f} CPU-s; mostly loading MiniLM); "
              f"load average {res['load_average_1min']} at the end."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--answers", type=int, default=3)
    ap.add_argument("--sentences", type=int, default=12)
    ap.add_argument("--tries", type=int, default=8)
    args = ap.parse_args()
    if not (args.data_dir / "multimodel" / "alpaca_eval").is_dir():
        sys.exit(f"error: {args.data_dir}/multimodel/alpaca_eval not found (use --data-dir)")
    sys.path.insert(0, str(ROOT))
    record(args.data_dir, args.answers, args.sentences, args.tries)


def record(data_dir: pathlib.Path, answers: int, sentences: int, tries: int) -> dict:
    res = measure(data_dir, answers, sentences, tries, log=lambda m: print(m, file=sys.stderr, flush=True))
    from bench.provenance_results import write_section

    md = markdown(res)
    cmd = f".venv/bin/python -m bench.semantic_cli_smoke --answers {answers} --sentences {sentences} --tries {tries} --data-dir ../shared/data"
    write_section("semantic_cli_smoke", res, md, command=cmd)
    print(md)
    return res


def run(data_dir: pathlib.Path, quick: bool = False) -> dict:
    """`make bench`: 3 answers x 12 sentences x 8 candidates (quick: 1 answer x 4 sentences x 2, not recorded)."""
    if quick:
        res = measure(data_dir, 1, 4, 2, log=lambda m: print(m, flush=True))
        print(markdown(res))
        return res
    return record(data_dir, 3, 12, 8)


if __name__ == "__main__":
    main()
