"""`distillguard watermark semantic-*`: the sentence-level watermark from the command line.

KGW's mark is lost when a distiller paraphrases the served answers; the sentence-level scheme
(watermark/semantic.py) marks the meaning of each sentence instead. It needs one extra artefact
beside the key: a calibration made from unmarked text (where the regions are centred and how often
each occurs), shared by generation and detection. The calibration file is tied to one cohort key
(it stores the key's public id, never the key) and is written with mode 0600.

    distillguard watermark semantic-calibrate --texts plain.jsonl --key-file wm.key --cohort acme --out acme.cal.json
    distillguard watermark semantic-generate "Tell me about bees" --calibration acme.cal.json --key-file wm.key --cohort acme
    distillguard watermark semantic-detect answer.txt --calibration acme.cal.json --key-file wm.key --cohort acme
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from distillguard.watermark.cli import Cohort, Json, KeyFile, _emit, _fail, _master, _verdict

CALIBRATION_FORMAT = "distillguard-semantic-calibration/1"
DIM = 384  # MiniLM sentence embeddings

Calibration = Annotated[Path, typer.Option("--calibration", help="Calibration file from `semantic-calibrate` (same key and cohort).")]


def _embedder():
    """Sentence embedder shared by every command (MiniLM; nothing is cached on disk: texts may be private)."""
    from distillguard.fingerprint import embed as minilm

    if not minilm.available():
        _fail("the sentence-level scheme needs the MiniLM embedder: pip install 'distillguard[fingerprint]'")
    return lambda texts: minilm.embed(texts, use_cache=False)


def _cohort_key(key_file, cohort) -> bytes:
    from distillguard.watermark.keys import derive_cohort_key

    return derive_cohort_key(_master(key_file), cohort)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def calibration_payload(scheme, key: bytes, sentences: int) -> dict:
    from distillguard.watermark.keys import key_id

    return {"format": CALIBRATION_FORMAT, "key_id": key_id(key), "dim": scheme.dim, "bits": scheme.bits, "gamma": scheme.gamma,
            "sentences": sentences, "center": [float(x) for x in scheme.center], "mass": [float(x) for x in scheme.mass]}


def load_scheme(path: Path, key: bytes):
    """The calibrated scheme of a calibration file, checked against the key it is used with."""
    import numpy as np

    from distillguard.watermark.keys import key_id
    from distillguard.watermark.semantic import SentenceScheme

    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        _fail(f"{path}: no such calibration file")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{path}: not a calibration file ({exc})")
    if not isinstance(data, dict) or data.get("format") != CALIBRATION_FORMAT:
        _fail(f"{path}: not a calibration file from `distillguard watermark semantic-calibrate`")
    if data.get("key_id") != key_id(key):
        _fail(f"{path}: made for another key or cohort (key id {data.get('key_id')!r}, this one {key_id(key)!r})")
    try:
        bits, gamma, dim = int(data["bits"]), float(data["gamma"]), int(data["dim"])
        center = np.asarray(data["center"], dtype=np.float64)
        mass = np.asarray(data["mass"], dtype=np.float64)
        scheme = SentenceScheme(key, dim=dim, bits=bits, gamma=gamma)
    except (KeyError, TypeError, ValueError) as exc:
        _fail(f"{path}: malformed calibration ({exc})")
    ok = (center.shape == (dim,) and mass.shape == (2**bits,) and np.all(np.isfinite(center)) and np.all(mass > 0)
          and math.isclose(float(mass.sum()), 1.0, rel_tol=1e-6))
    if not ok:
        _fail(f"{path}: malformed calibration (centre or region frequencies do not fit {bits} bits, {dim} dimensions)")
    scheme.center, scheme.mass = center, mass
    return scheme


def register(wm_app: typer.Typer) -> None:
    @wm_app.command("semantic-calibrate")
    def semantic_calibrate(
        texts: Annotated[str, typer.Option("--texts", help="Unmarked text like the answers you serve (JSONL with \"text\", or one per line).")],
        out: Annotated[Path, typer.Option("--out", help="Calibration file to write (mode 600).")],
        key_file: KeyFile = None, cohort: Cohort = None,
        bits: Annotated[int, typer.Option("--bits", help="Hyperplanes: 2^bits regions of the sentence space (1-8).")] = 4,
        gamma: Annotated[float, typer.Option("--gamma", help="Share of the regions that is green after each region.")] = 0.25,
    ):
        """Centre the sentence regions on unmarked text and measure how often each occurs (needed by generate and detect)."""
        from distillguard.watermark.semantic import SentenceScheme, sentences
        from distillguard.watermark.textio import read_texts

        key = _cohort_key(key_file, cohort)
        try:
            scheme = SentenceScheme(key, dim=DIM, bits=bits, gamma=gamma)
        except ValueError as exc:
            _fail(str(exc))
        try:
            parts = [s for t in read_texts(texts) for s in sentences(t)]
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))
        if len(parts) < 4 * scheme.regions:
            _fail(f"{texts}: {len(parts)} sentences; calibration needs at least {4 * scheme.regions} for {scheme.regions} regions")
        scheme.calibrate(_embedder()(parts))
        try:
            _write_private(out, json.dumps(calibration_payload(scheme, key, len(parts))) + "\n")
        except OSError as exc:
            _fail(f"{out}: {exc.strerror or exc}")
        rare = int((scheme.mass < 0.25 / scheme.regions).sum())
        typer.echo(f"calibrated {scheme.regions} regions on {len(parts)} sentences; wrote {out}"
                   + (f" ({rare} regions are rare in this text: calibrate on text like what you serve)" if rare else ""))

    @wm_app.command("semantic-detect")
    def semantic_detect(
        text_file: Annotated[str, typer.Argument(help="Text to test: a file, or - for standard input (the whole input is one text).")],
        calibration: Calibration, key_file: KeyFile = None, cohort: Cohort = None, as_json: Json = False,
    ):
        """Test a text for the sentence-level watermark: exact Poisson-binomial p-value over its sentences.

        Each sentence counts once per (previous region, region) pair; how often an unmarked sentence is
        green comes from the calibration. A handful of sentences cannot reach a small p-value: about
        ten green sentences are needed for p < 1e-6 at gamma 0.25.
        """
        from distillguard.watermark.textio import read_text

        try:
            text = read_text(text_file)
        except (FileNotFoundError, UnicodeDecodeError) as exc:
            _fail(str(exc))
        scheme = load_scheme(calibration, _cohort_key(key_file, cohort))
        d = scheme.detect(text, _embedder())
        _emit(as_json, {"p_value": d.p_value, "sentences_scored": d.tokens_scored, "green": d.hits, "score": d.score},
              f"{_verdict(d.p_value)}: p-value {d.p_value:.3g} over {d.tokens_scored} scored sentences "
              f"({d.hits} green; about {scheme.gamma:.2f} of them expected without the watermark)")

    @wm_app.command("semantic-generate")
    def semantic_generate(
        prompt: Annotated[str, typer.Argument(help="The user message to answer.")],
        calibration: Calibration, key_file: KeyFile = None, cohort: Cohort = None,
        n_sentences: Annotated[int, typer.Option("--sentences", help="Sentences to generate (1-64).")] = 10,
        tries: Annotated[int, typer.Option("--tries", help="Sampled candidates per sentence; the first green one is kept (1-64).")] = 8,
        seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    ):
        """Answer PROMPT with the bundled SmolLM2-135M model, sentence by sentence, under the sentence-level watermark.

        Costs about `--tries` times an unmarked answer; a step where no candidate is green keeps the
        first one (reported on stderr), which weakens the mark of that answer.
        """
        if not 1 <= n_sentences <= 64:
            _fail("--sentences must be between 1 and 64")
        if not 1 <= tries <= 64:
            _fail("--tries must be between 1 and 64")
        scheme = load_scheme(calibration, _cohort_key(key_file, cohort))
        embed = _embedder()
        from distillguard.watermark import semantic
        from distillguard.watermark.model import load_smollm2

        model, tok = load_smollm2()
        out = semantic.generate(model, tok, scheme, embed, [prompt], n_sentences, tries=tries, seed=seed)
        typer.echo(out["texts"][0])
        if out["no_green_candidate"]:
            typer.echo(f"note: {out['no_green_candidate']} of {out['steps']} sentences had no green candidate", err=True)
