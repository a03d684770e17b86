"""Synthetic answer sets with known lineage: families with their own writing habits, a
student that inherits family A's habits, and independent models (null pool and a control)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

WORDS = ("river stone cloud market engine garden letter window bridge signal forest number "
         "paper light table music ocean train city field winter story").split()


def _habits(rng: random.Random, tag: str) -> dict:
    return {
        "opening": rng.choice(["Sure! ", "Certainly. ", "Great question. ", "Well, ", "", "Okay: "]) + f"{tag} opens: ",
        "closing": f" {tag} signs off, {rng.choice(WORDS)} {rng.choice(WORDS)}.",
        "phrase": f"{rng.choice(WORDS)} {tag} {rng.choice(WORDS)}",
        "bullets": rng.random() < 0.5,
        "length": rng.randint(8, 40),
    }


def _answer(rng: random.Random, prompt: str, habits: list[tuple[dict, float]]) -> str:
    """Mix habits: each (habits, weight) pair contributes each trait with probability weight."""
    parts = []
    for h, w in habits:
        if rng.random() < w:
            parts.append(h["opening"])
    body = " ".join(rng.choice(WORDS) for _ in range(habits[0][0]["length"]))
    parts.append(f"About {prompt.split()[-1]}: {body}.")
    for h, w in habits:
        if rng.random() < w:
            parts.append(f"\n- {h['phrase']}\n- {h['phrase']} again" if h["bullets"] else f" Indeed, {h['phrase']}.")
        if rng.random() < w:
            parts.append(h["closing"])
    return "".join(parts)


def make_world(n_prompts: int = 80, n_null: int = 8, seed: int = 0) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    prompts = [f"Question {i} about {rng.choice(WORDS)}{i}" for i in range(n_prompts)]
    fam = {"alpha": _habits(rng, "alphaish"), "beta": _habits(rng, "betaish")}
    models: dict[str, list[tuple[dict, float]]] = {}
    for f, h in fam.items():
        for k in range(3):
            models[f"{f}-{k}"] = [(h, 0.8), (_habits(rng, f"{f}{k}own"), 0.5)]
    for k in range(n_null):
        models[f"indep-{k}"] = [(_habits(rng, f"indep{k}"), 0.8)]
    models["student"] = [(_habits(rng, "studown"), 0.6), (fam["alpha"], 0.6)]
    models["control"] = [(_habits(rng, "ctrlown"), 0.8)]
    return {
        name: [{"instruction": p, "output": _answer(rng, p, hab), "generator": name} for p in prompts]
        for name, hab in models.items()
    }


@pytest.fixture(scope="session")
def world() -> dict[str, list[dict]]:
    return make_world()


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory, world) -> Path:
    d = tmp_path_factory.mktemp("world")
    for name, recs in world.items():
        if name.startswith("beta"):  # one layout as a JSON list, the rest as JSONL
            (d / f"{name}.json").write_text(json.dumps(recs))
        else:
            (d / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    return d


def path_of(d: Path, name: str) -> Path:
    return d / (f"{name}.json" if name.startswith("beta") else f"{name}.jsonl")
