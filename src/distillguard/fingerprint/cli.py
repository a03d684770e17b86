"""`distillguard fingerprint`: was a suspect model distilled from one of ours?

Registered by `distillguard.cli`; heavy imports stay inside the command so `--help` is instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

HELP = """Fingerprint a suspect model: which reference model family did it learn from?

Compares how the suspect writes (pet phrases, formatting habits, identity claims such as "As an AI language model developed by ...", refusal style, wording and embeddings of its answers to the same prompts) with each reference family, and asks whether it is closer to the closest family than an independent model would be.

Null: for each family, every other --reference and --null model (never the suspect). So give at least two families, and ideally a few --null models known to be unrelated. P-values are Holm-adjusted across families; below --alpha the suspect is attributed, otherwise the answer is "no family".

Answer files: JSONL or JSON lists of {"instruction": ..., "output": ...} (the AlpacaEval layout works as is; .gz too). Only prompts answered by every model are compared.

Examples:

distillguard fingerprint --suspect s.jsonl -r ours=ours.jsonl -r other=a.jsonl -r other=b.jsonl --null indep=c.jsonl --json

distillguard fingerprint --suspect-endpoint http://host:8000/v1#their-model --reference-endpoint ours=https://api.ours/v1#our-model -r other=other.jsonl --probes probes.jsonl

distillguard fingerprint -r ours=ours.jsonl -r other=o1.jsonl -r other=o2.jsonl --choose-probes best.jsonl --max-probes 50
"""


def _fail(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(2)


def fingerprint_command(
    suspect: Optional[str] = typer.Option(None, "--suspect", help="Suspect's answers: FILE or NAME=FILE.", show_default=False),
    reference: list[str] = typer.Option([], "--reference", "-r", help="Reference answers NAME=FILE; repeat the NAME for several models of one family."),
    null: list[str] = typer.Option([], "--null", help="Extra independent models NAME=FILE for the null (never attributed)."),
    provider: list[str] = typer.Option([], "--provider", help="NAME=PROVIDER for a --reference family or --null model (e.g. chatgpt=openai, gpt4=openai): models of the same provider are siblings, not independent, and stay out of each other's null."),
    suspect_endpoint: Optional[str] = typer.Option(None, "--suspect-endpoint", help="Query the suspect live: URL of an OpenAI-compatible API (/v1 base), optionally NAME=URL and URL#MODEL.", show_default=False),
    reference_endpoint: list[str] = typer.Option([], "--reference-endpoint", help="Query a reference live: NAME=URL or NAME=URL#MODEL; repeatable."),
    null_endpoint: list[str] = typer.Option([], "--null-endpoint", help="Query an independent model live: NAME=URL or NAME=URL#MODEL."),
    probes: Optional[Path] = typer.Option(None, "--probes", help="Prompts to compare on (JSONL of {instruction} or strings); required with endpoints.", show_default=False),
    max_probes: Optional[int] = typer.Option(None, "--max-probes", min=5, help="Use at most this many prompts (the first ones of --probes, or of the shared prompts).", show_default=False),
    choose_probes: Optional[Path] = typer.Option(None, "--choose-probes", help="Instead of attributing, rank the prompts that best separate the references, write the best --max-probes (default 50) to this JSONL and report how many queries suffice.", show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the JSON result to this file.", show_default=False),
    handover: Optional[Path] = typer.Option(None, "--handover", help="Also write a Markdown report to hand over (finding, p-values, method, this run's controls, evidence); mode 0600.", show_default=False),
    alpha: float = typer.Option(0.05, "--alpha", min=1e-6, max=0.5, help="Significance level for attributing the suspect."),
    paired: bool = typer.Option(False, "--paired-signals", help="Add prompt-by-prompt answer length, formatting and opening signals (off by default: on the project's benchmark they pull older open models toward a single-model reference family)."),
    no_embeddings: bool = typer.Option(False, "--no-embeddings", help="Skip the sentence-embedding signal (faster)."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="SQLite cache of endpoint answers [default: ~/.cache/distillguard/fingerprint/endpoint-answers.sqlite].", show_default=False),
    concurrency: int = typer.Option(8, "--concurrency", min=1, max=256, help="Concurrent requests per endpoint."),
    watermark_key: list[str] = typer.Option([], "--watermark-key", help="NAME=KEYFILE: reference family NAME watermarks its outputs with this distillguard watermark key; adds a radioactivity signal (needs the watermark extra)."),
    watermark_scheme: str = typer.Option("kgw", "--watermark-scheme", help="Watermark scheme of --watermark-key (as in `distillguard watermark`)."),
    watermark_tokenizer: str = typer.Option("smollm2", "--watermark-tokenizer", help="Tokenizer the watermark was applied with."),
    api_key_env: str = typer.Option("OPENAI_API_KEY", "--api-key-env", help="Environment variable holding the API key for endpoints (DISTILLGUARD_KEY_<NAME> overrides it per endpoint); the key is never printed."),
) -> None:
    import json
    import os

    from rich.console import Console
    from rich.progress import Progress

    from distillguard.fingerprint.inputs import Family, InputError, load_answers, load_families, load_prompts, parse_named

    console = Console(stderr=True)
    try:
        families = load_families(reference)
        bad = next((p for p in provider if "=" not in p), None)
        if bad is not None:
            _fail(f"--provider {bad!r}: expected NAME=PROVIDER")
        providers = dict(parse_named(p, "--provider") for p in provider)
        null_models = [load_answers(f, name) for name, f in (parse_named(s, "--null") for s in null)]
        prompt_list = load_prompts(probes) if probes else None
        if prompt_list and max_probes:
            prompt_list = prompt_list[:max_probes]
        endpoints_used = suspect_endpoint or reference_endpoint or null_endpoint
        if endpoints_used and not prompt_list:
            _fail("--probes FILE is required to query endpoints")
        suspect_answers = None
        if suspect:
            name, f = parse_named(suspect, "--suspect")
            suspect_answers = load_answers(f, name)
        if endpoints_used:
            from distillguard.fingerprint.client import Endpoint, EndpointError, collect_answers, default_cache_path

            specs = ([("suspect", suspect_endpoint)] if suspect_endpoint else []) + [("reference", s) for s in reference_endpoint] + [("null", s) for s in null_endpoint]
            with Progress(console=console, transient=True) as bar:
                for role, spec in specs:
                    ep = Endpoint.parse(spec, f"--{role}-endpoint")
                    per = f"DISTILLGUARD_KEY_{''.join(c if c.isalnum() else '_' for c in ep.name).upper()}"
                    ep.api_key_env = per if per in os.environ else (api_key_env if api_key_env in os.environ else None)
                    task = bar.add_task(f"querying {ep.name}", total=len(prompt_list))
                    try:
                        answers = collect_answers(ep, prompt_list, cache or default_cache_path(), concurrency=concurrency, on_done=lambda t=task: bar.advance(t))
                    except EndpointError as exc:
                        _fail(str(exc))
                    if role == "suspect":
                        suspect_answers = answers
                    elif role == "null":
                        null_models.append(answers)
                    else:
                        fam = next((f for f in families if f.name == ep.name), None)
                        if fam is None:
                            fam = Family(ep.name)
                            families.append(fam)
                        answers.name = f"{ep.name}@endpoint" if fam.members else ep.name
                        fam.members.append(answers)
        if choose_probes:
            _choose(families, null_models, prompt_list, choose_probes, max_probes or 50, no_embeddings, json_out, console)
            return
        if suspect_answers is None:
            _fail("give --suspect FILE or --suspect-endpoint URL (or --choose-probes OUT)")
        if not families:
            _fail("give at least one --reference NAME=FILE (or --reference-endpoint)")

        from distillguard.fingerprint.engine import fingerprint
        from distillguard.fingerprint.signals import default_signals

        signals = default_signals(embeddings=not no_embeddings, paired=paired)
        if watermark_key:
            from distillguard.fingerprint.signals.watermark import RadioactivitySignal, watermark_detector

            detectors = {}
            for spec in watermark_key:
                fam_name, key_file = parse_named(spec, "--watermark-key")
                if fam_name not in {f.name for f in families}:
                    _fail(f"--watermark-key {spec!r}: no --reference family named {fam_name!r}")
                try:
                    detectors[fam_name] = watermark_detector(key_file, scheme=watermark_scheme, tokenizer=watermark_tokenizer)
                except ImportError as exc:
                    _fail(f"--watermark-key needs the watermark extra ({exc.name} missing)")
                except (OSError, ValueError) as exc:
                    _fail(f"--watermark-key {spec!r}: {exc}")
            member_family = {m.name: f.name for f in families for m in f.members}
            signals.append(RadioactivitySignal(detectors, member_family))
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("computing signals", total=len(signals))
            result = fingerprint(
                suspect_answers, families, null_models, signals=signals, alpha=alpha, prompts=prompt_list, max_prompts=max_probes,
                progress=lambda name: (bar.update(task, description=f"signal: {name}"), bar.advance(task)),
                providers=providers,
            )
    except InputError as exc:
        _fail(str(exc))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    from distillguard.fingerprint import handover as handover_report

    try:
        if out:
            handover_report.write(out, text + "\n")
        if handover:
            handover_report.write(handover, handover_report.markdown(result, {"reference": reference, "null": null, "suspect": [suspect] if suspect else []}))
    except OSError as exc:
        _fail(f"{exc.filename}: cannot write ({exc.strerror})")
    if json_out:
        typer.echo(text)
    else:
        from distillguard.fingerprint.report import render

        render(result, Console())


def _choose(families, null_models, prompts, out_path, k, no_embeddings, json_out, console) -> None:
    import json

    from distillguard.fingerprint.engine import prepare
    from distillguard.fingerprint.inputs import InputError
    from distillguard.fingerprint.probes import queries_needed, select_probes
    from distillguard.fingerprint.signals import default_signals

    models = [m for f in families for m in f.members] + list(null_models)
    fam_idx, i = {}, 0
    for f in families:
        fam_idx[f.name] = list(range(i, i + len(f.members)))
        i += len(f.members)
    if len(fam_idx) < 2 or not any(len(v) >= 2 for v in fam_idx.values()):
        raise InputError("--choose-probes needs two reference families, one of them with two or more models")
    ws = prepare(models, fam_idx, list(range(len(models))), signals=default_signals(embeddings=not no_embeddings), prompts=prompts)
    if ws.corpus.n_prompts < 10:
        raise InputError(f"only {ws.corpus.n_prompts} prompts are shared by all references; need at least 10 to rank")
    chosen = select_probes(ws, k)
    with open(out_path, "w") as fh:
        for p in chosen:
            fh.write(json.dumps({"instruction": ws.corpus.prompts[p]}, ensure_ascii=False) + "\n")
    report = {"written": str(out_path), "probes": len(chosen), "queries_needed": queries_needed(ws)}
    if json_out:
        typer.echo(json.dumps(report, indent=2))
    else:
        q = report["queries_needed"]
        typer.echo(f"wrote {len(chosen)} probes to {out_path}")
        for row in q["curve"]:
            typer.echo(f"  top {row['probes']:>4} probes: leave-one-reference-out accuracy {row['accuracy']:.2f}")
        typer.echo(f"enough: {q['enough']} probes (within 0.05 of all {ws.corpus.n_prompts})")


def register(app: typer.Typer) -> None:
    app.command("fingerprint", help=HELP, no_args_is_help=True)(fingerprint_command)
