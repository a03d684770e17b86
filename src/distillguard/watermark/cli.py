"""`distillguard watermark ...`: keys, watermarked generation, detection, radioactivity, tracing.

Keys come from --key-file, $DISTILLGUARD_WM_KEY_FILE or $DISTILLGUARD_WM_KEY (hex),
never from the command line. Torch and transformers are imported inside commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

wm_app = typer.Typer(
    help=(
        "Watermark responses with a secret key, detect the watermark in text, and test whether a suspect "
        "model learned from watermarked responses.\n\n"
        "Start with `distillguard watermark keygen --out wm.key`, then "
        "`distillguard watermark generate \"Tell me about bees\" --key-file wm.key --cohort acme > out.txt` "
        "and `distillguard watermark detect out.txt --key-file wm.key --cohort acme`. "
        "The semantic-* commands run the sentence-level scheme, which survives paraphrase better."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

KeyFile = Annotated[Optional[Path], typer.Option("--key-file", help="File holding the provider master key (hex). Default: $DISTILLGUARD_WM_KEY_FILE, then $DISTILLGUARD_WM_KEY.")]
Cohort = Annotated[Optional[str], typer.Option("--cohort", help="Account cohort whose derived key to use; omit for the provider-wide key.")]
Scheme = Annotated[str, typer.Option("--scheme", help="kgw (green list) or tournament (SynthID-style).")]
Gamma = Annotated[float, typer.Option("--gamma", help="KGW: fraction of the vocabulary that is green.")]
Delta = Annotated[float, typer.Option("--delta", help="KGW: logit bonus added to green tokens at generation.")]
Width = Annotated[int, typer.Option("--context-width", help="Previous tokens that seed the keyed hash.")]
Layers = Annotated[int, typer.Option("--layers", help="Tournament: number of g-function layers.")]
Tokenizer = Annotated[str, typer.Option("--tokenizer", help="'smollm2' (bundled model) or a local tokenizer folder.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a sentence.")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _master(key_file: Optional[Path]) -> bytes:
    from distillguard.watermark.keys import KeyError_, load_master_key

    try:
        return load_master_key(key_file)
    except KeyError_ as exc:
        _fail(str(exc))


def _check_scheme(scheme, gamma, delta, width, layers):
    """Reject bad scheme options before anything slow (tokenizer, model) is loaded."""
    _scheme(b"\0" * 32, None, scheme, 1, gamma, delta, width, layers)


def _scheme(master: bytes, cohort, scheme, vocab, gamma, delta, width, layers):
    from distillguard.watermark.keys import derive_cohort_key
    from distillguard.watermark.schemes import make_scheme

    try:
        return make_scheme(scheme, derive_cohort_key(master, cohort), vocab,
                           gamma=gamma, delta=delta, context_width=width, layers=layers)
    except ValueError as exc:
        _fail(str(exc))


def _tokenizer(name: str):
    from distillguard.watermark.textio import load_tokenizer

    try:
        return load_tokenizer(name)
    except FileNotFoundError as exc:
        _fail(str(exc))


def _emit(as_json: bool, payload: dict, sentence: str) -> None:
    import orjson

    typer.echo(orjson.dumps(payload).decode() if as_json else sentence)


def _verdict(p: float) -> str:
    return "watermarked" if p < 1e-6 else ("likely watermarked" if p < 1e-3 else "no evidence of the watermark")


@wm_app.command()
def keygen(out: Annotated[Path, typer.Option("--out", help="Where to write the new master key (created with mode 600; never overwritten).")]):
    """Create a new random provider master key. Cohort keys are derived from it, so keep only this one secret."""
    from distillguard.watermark.keys import key_id, write_master_key, load_master_key

    try:
        write_master_key(out)
    except FileExistsError:
        _fail(f"{out} already exists; refusing to overwrite a key")
    typer.echo(f"wrote a new master key to {out} (key id {key_id(load_master_key(out))})")


@wm_app.command()
def generate(
    prompt: Annotated[str, typer.Argument(help="The user message to answer.")],
    key_file: KeyFile = None, cohort: Cohort = None, scheme: Scheme = "kgw",
    gamma: Gamma = 0.25, delta: Delta = 2.0, context_width: Width = 1, layers: Layers = 16,
    max_new_tokens: Annotated[int, typer.Option(help="Tokens to generate.")] = 200,
    no_watermark: Annotated[bool, typer.Option("--no-watermark", help="Generate without the watermark (for comparison).")] = False,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
):
    """Answer PROMPT with the bundled SmolLM2-135M model (CPU, offline), watermarked with the cohort's key."""
    if max_new_tokens < 1:
        _fail("--max-new-tokens must be at least 1")
    master = None if no_watermark else _master(key_file)
    _check_scheme(scheme, gamma, delta, context_width, layers)
    from distillguard.watermark.model import generate as run, load_smollm2
    from distillguard.watermark.processors import make_processor

    model, tok = load_smollm2()
    proc = None if no_watermark else make_processor(_scheme(master, cohort, scheme, len(tok), gamma, delta, context_width, layers))
    out = run(model, tok, [prompt], max_new_tokens, processor=proc, seed=seed)
    typer.echo(tok.decode(out.token_ids[0], skip_special_tokens=True))


@wm_app.command()
def detect(
    text_file: Annotated[str, typer.Argument(help="Text to test: a file, or - for standard input (the whole input is one text).")],
    key_file: KeyFile = None, cohort: Cohort = None, scheme: Scheme = "kgw",
    gamma: Gamma = 0.25, context_width: Width = 1, layers: Layers = 16,
    tokenizer: Tokenizer = "smollm2", as_json: Json = False,
):
    """Test a text for the watermark: exact binomial p-value over de-duplicated (context, token) pairs.

    A small p-value means the text is very unlikely to score this high without the key
    (p < 1e-6 is strong evidence). Scheme options must match those used at generation.
    """
    from distillguard.watermark.textio import encode, read_text
    from distillguard.watermark.detect import score_tokens

    try:
        text = read_text(text_file)
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        _fail(str(exc))
    master = _master(key_file)
    _check_scheme(scheme, gamma, 0.0, context_width, layers)
    tok = _tokenizer(tokenizer)
    sch = _scheme(master, cohort, scheme, len(tok), gamma, 0.0, context_width, layers)
    d = score_tokens(sch, encode(tok, text))
    _emit(as_json, {"p_value": d.p_value, "tokens_scored": d.tokens_scored, "score": d.score},
          f"{_verdict(d.p_value)}: p-value {d.p_value:.3g} over {d.tokens_scored} scored tokens "
          f"(score {d.score:.3f}, expected {sch.p_null:.3f} without the watermark)")


def _check_suspect_args(suspect_texts, suspect_model, reference):
    if (suspect_texts is None) == (suspect_model is None):
        _fail("give exactly one of --suspect-texts (black-box) or --suspect-model (white-box)")
    if suspect_model is not None and reference is None:
        _fail("--suspect-model needs --reference: watermarked texts the suspect may have trained on")


def _suspect_test(sch, tok, suspect_texts, suspect_model, reference):
    """Build the radioactivity test function for one scheme (black-box or reading mode)."""
    from distillguard.watermark import radioactivity
    from distillguard.watermark.textio import encode, read_texts

    if (suspect_texts is None) == (suspect_model is None):
        _fail("give exactly one of --suspect-texts (black-box) or --suspect-model (white-box)")
    if suspect_texts is not None:
        try:
            seqs = [encode(tok, t) for t in read_texts(suspect_texts)]
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))
        return "black-box", lambda s: radioactivity.black_box(s, seqs)
    if reference is None:
        _fail("--suspect-model needs --reference: watermarked texts the suspect may have trained on")
    try:
        refs = [encode(tok, t) for t in read_texts(reference)]
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    predictor = _load_predictor(suspect_model)
    cache = {}

    def test(s):
        if "preds" not in cache:
            cache["preds"] = predictor(refs)
        return radioactivity.reading_mode(s, refs, lambda _: cache["preds"])

    return "white-box reading mode", test


def _load_predictor(path: str):
    import os

    import numpy as np

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    from distillguard.watermark.radioactivity import hf_top1_predictor

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    p = Path(path)
    if path == "smollm2":
        from distillguard.watermark.model import load_smollm2

        return hf_top1_predictor(load_smollm2()[0])
    if p.is_file() and p.suffix == ".gguf":
        model = AutoModelForCausalLM.from_pretrained(p.parent, gguf_file=p.name)
    elif p.is_dir():
        model = AutoModelForCausalLM.from_pretrained(p)
    else:
        _fail(f"suspect model {path!r}: use a local model folder, a .gguf file, or 'smollm2'")
    model.eval()
    id_map = np.load(p / "id_map.npy") if p.is_dir() and (p / "id_map.npy").exists() else None
    if id_map is None:
        return hf_top1_predictor(model)
    lookup = {int(t): i for i, t in enumerate(id_map[:-1])}
    inner = hf_top1_predictor(model, id_map=id_map)
    return lambda texts: inner([[lookup.get(int(t), len(id_map) - 1) for t in seq] for seq in texts])


SuspectTexts = Annotated[Optional[str], typer.Option("--suspect-texts", help="Black-box: the suspect's generations (JSONL with \"text\", or one per line).")]
SuspectModel = Annotated[Optional[str], typer.Option("--suspect-model", help="White-box: a local model folder, a .gguf file, or 'smollm2'.")]
Reference = Annotated[Optional[str], typer.Option("--reference", help="White-box: watermarked responses you served (JSONL or one per line) to read through the suspect.")]


@wm_app.command()
def radioactivity(
    suspect_texts: SuspectTexts = None, suspect_model: SuspectModel = None, reference: Reference = None,
    key_file: KeyFile = None, cohort: Cohort = None, scheme: Scheme = "kgw",
    gamma: Gamma = 0.25, context_width: Width = 1, layers: Layers = 16,
    tokenizer: Tokenizer = "smollm2", as_json: Json = False,
):
    """Test whether a suspect model learned from your watermarked responses.

    Black-box: score the suspect's generations, counting only the first token after each
    context (so copying from its own context cannot inflate the score). White-box (open
    weights): feed your watermarked responses to the suspect and score its top-1 next-token
    predictions, each (context, prediction) pair once. Both give an exact p-value.
    """
    master = _master(key_file)
    _check_suspect_args(suspect_texts, suspect_model, reference)
    _check_scheme(scheme, gamma, 0.0, context_width, layers)
    tok = _tokenizer(tokenizer)
    sch = _scheme(master, cohort, scheme, len(tok), gamma, 0.0, context_width, layers)
    mode, test = _suspect_test(sch, tok, suspect_texts, suspect_model, reference)
    d = test(sch)
    _emit(as_json, {"mode": mode, "p_value": d.p_value, "tokens_scored": d.tokens_scored, "score": d.score},
          f"{mode}: p-value {d.p_value:.3g} over {d.tokens_scored} scored pairs (score {d.score:.3f}, "
          f"expected {sch.p_null:.3f} if the suspect never learned from watermarked text)")


@wm_app.command()
def trace(
    cohorts: Annotated[str, typer.Option("--cohorts", help="Comma-separated cohort names to test, e.g. acme,globex,initech.")],
    suspect_texts: SuspectTexts = None, suspect_model: SuspectModel = None, reference: Reference = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Bound on the probability of accusing an innocent cohort.")] = 0.01,
    key_file: KeyFile = None, scheme: Scheme = "kgw",
    gamma: Gamma = 0.25, context_width: Width = 1, layers: Layers = 16,
    tokenizer: Tokenizer = "smollm2", as_json: Json = False,
    control_texts: Annotated[Optional[str], typer.Option("--control-texts", help="Black-box control: generations of a model known NOT to have learned from your responses (e.g. the public base model), tested the same way.")] = None,
    control_model: Annotated[Optional[str], typer.Option("--control-model", help="White-box control: a model known NOT to have learned from your responses, read through the same --reference.")] = None,
    handover: Annotated[Optional[Path], typer.Option("--handover", help="Also write a Markdown report to hand over (finding, p-values per cohort, method, controls); mode 0600.")] = None,
):
    """Name the account cohort whose watermarked outputs a suspect learned from (or nobody).

    Runs the radioactivity test under every cohort key and accuses the smallest
    p-value only if it is below alpha / number of cohorts, so an innocent cohort is
    accused with probability at most alpha. For white-box, --reference should hold
    responses served to all the cohorts tested.
    """
    from distillguard.watermark.tracing import trace as run_trace

    names = [c.strip() for c in cohorts.split(",") if c.strip()]
    if not names or len(set(names)) != len(names):
        _fail("--cohorts needs distinct, comma-separated names")
    if not 0 < alpha < 1:
        _fail("--alpha must be between 0 and 1")
    master = _master(key_file)
    _check_suspect_args(suspect_texts, suspect_model, reference)
    _check_scheme(scheme, gamma, 0.0, context_width, layers)
    tok = _tokenizer(tokenizer)
    schemes = {n: _scheme(master, n, scheme, len(tok), gamma, 0.0, context_width, layers) for n in names}
    if control_texts is not None and control_model is not None:
        _fail("give at most one of --control-texts and --control-model")
    if (control_texts is not None and suspect_texts is None) or (control_model is not None and suspect_model is None):
        _fail("the control must be tested like the suspect: --control-texts with --suspect-texts, --control-model with --suspect-model")
    mode, test = _suspect_test(next(iter(schemes.values())), tok, suspect_texts, suspect_model, reference)
    result = run_trace(schemes, test, alpha=alpha)
    control = None
    if control_texts is not None or control_model is not None:
        _, ctest = _suspect_test(next(iter(schemes.values())), tok, control_texts, control_model, reference)
        control = run_trace(schemes, ctest, alpha=alpha)
    payload = {"mode": mode, **result.as_dict()}
    if control is not None:
        payload["control"] = control.as_dict()
    if handover is not None:
        from distillguard.fingerprint.handover import write
        from distillguard.watermark import handover as report
        from distillguard.watermark.keys import derive_cohort_key, key_id

        first = next(iter(schemes.values()))
        text = report.markdown(result, mode, first.describe(), first.p_null, {n: key_id(derive_cohort_key(master, n)) for n in names},
                               {"suspect": suspect_texts or suspect_model, "reference": reference, "control": control_texts or control_model},
                               control=control)
        try:
            write(handover, text)
        except OSError as exc:
            _fail(f"{handover}: {exc.strerror or exc}")
    lines = [f"{mode}: " + (f"accuse cohort {result.accused!r}" if result.accused else "accuse nobody")
             + f" (threshold {result.threshold:.3g}; chance of accusing an innocent cohort <= {alpha:g})"]
    lines += [f"  {n}: p-value {d.p_value:.3g} over {d.tokens_scored} pairs" for n, d in result.results.items()]
    if control is not None:
        lines.append("control: " + (f"would be accused ({control.accused!r}): do not trust this test on this data" if control.accused
                                    else f"accused nobody (smallest p {min(d.p_value for d in control.results.values()):.3g})"))
    if handover is not None:
        lines.append(f"hand-over report written to {handover}")
    _emit(as_json, payload, "\n".join(lines))


def register(app: typer.Typer) -> None:
    from distillguard.watermark import semantic_cli

    if not any(c.name == "semantic-detect" for c in wm_app.registered_commands):
        semantic_cli.register(wm_app)
    app.add_typer(wm_app, name="watermark", help=wm_app.info.help)
