"""A tracing report an analyst can hand over: finding, p-values per cohort key, method, controls.

Written from the same numbers `distillguard watermark trace` prints, so what a reviewer reads
is exactly what was computed. Keys appear only as public key ids. The file names the inputs
and may be kept with case notes, so it is created readable by its owner only (0600).
"""

from __future__ import annotations

from datetime import datetime, timezone

from distillguard.watermark.detect import Detection
from distillguard.watermark.tracing import TraceResult


def _p(x: float) -> str:
    return f"{x:.2e}" if x < 1e-3 else f"{x:.3f}"


def _rows(results: dict[str, Detection], key_ids: dict[str, str], p_null: float) -> list[str]:
    out = ["| cohort | key id | p-value | scored | successes / trials | expected rate |", "|---|---|---|---|---|---|"]
    for name, d in sorted(results.items(), key=lambda kv: kv[1].p_value):
        out.append(f"| {name} | {key_ids.get(name, '?')} | {_p(d.p_value)} | {d.tokens_scored} | {d.hits} / {d.trials} | {p_null:.3f} |")
    return out


def markdown(result: TraceResult, mode: str, scheme: dict, p_null: float, key_ids: dict[str, str],
             inputs: dict[str, str], control: TraceResult | None = None) -> str:
    accused = result.accused
    innocent = {n: d for n, d in result.results.items() if n != accused}
    below = sum(d.p_value < 0.05 for d in innocent.values())
    scoring = ("the suspect's own generations; only the first token after each distinct context counts, so a model "
               "copying text from its own context cannot inflate the count" if mode.startswith("black")
               else "the suspect's top-1 next-token prediction at every position of the watermarked responses you "
                    "served; each distinct (context, prediction) pair counts once")
    lines = [
        "# Watermark tracing report", "",
        f"Generated {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by distillguard watermark trace.", "",
        "## Finding", "",
        (f"**The suspect learned from responses served to cohort {accused!r}** (p = {_p(result.results[accused].p_value)} "
         f"< threshold {result.threshold:.3g})." if accused else
         f"**No cohort is accused**: the smallest p-value is {_p(min(d.p_value for d in result.results.values()))}, "
         f"not below the threshold {result.threshold:.3g}."),
        "", *_rows(result.results, key_ids, p_null), "",
        "## Method", "",
        f"Scheme: {scheme.get('scheme')} ({', '.join(f'{k} {v}' for k, v in scheme.items() if k != 'scheme')}); one key per "
        f"cohort, derived from the provider's master key with HMAC. Test ({mode}): {scoring}. Under a key the suspect never "
        f"learned from, each scored unit succeeds with probability {p_null:.3f} independently, so the count is binomial and "
        "the p-value is its exact upper tail, valid for any length. Cohort named only if its p-value is below "
        f"alpha / cohorts = {result.threshold:.3g}: the chance of accusing any innocent cohort is at most "
        f"{result.false_accusation_bound:g}.", "",
        "## Controls in this run", "",
        f"The other cohorts' keys are controls: the suspect never saw text marked with them, so their p-values should "
        f"look uniform. Here {below} of {len(innocent)} are below 0.05 (about {0.05 * len(innocent):.1f} expected by chance)"
        + (" — more than chance would give: treat the finding with caution." if below > max(1, 0.05 * len(innocent) * 3) else "."),
    ]
    if control is not None:
        lines += ["", "A control model known not to have learned from these responses, tested the same way under every key: "
                  + (f"**it would be accused ({control.accused!r})** — the test is not trustworthy on this data."
                     if control.accused else "accused nobody, as it should.") + f" Smallest p-value "
                  f"{_p(min(d.p_value for d in control.results.values()))}.", "", *_rows(control.results, key_ids, p_null)]
    else:
        lines += ["", "No control model was tested (`--control-texts` or `--control-model`); adding one, such as the "
                  "public base model the suspect was likely fine-tuned from, shows the test stays quiet on an innocent model."]
    lines += ["", "## Inputs", ""] + [f"- {role}: {path}" for role, path in inputs.items() if path]
    return "\n".join(lines) + "\n"
