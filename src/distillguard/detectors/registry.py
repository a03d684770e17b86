"""Which detectors exist, and how the YAML configuration turns them on and tunes them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from distillguard.config.validate import check_keys
from distillguard.detectors.accounts import NewAccountRampDetector, SybilStructureDetector
from distillguard.detectors.base import Detector
from distillguard.detectors.behaviour_model import BehaviourModelDetector
from distillguard.detectors.benchmark_harvest import BenchmarkHarvestDetector
from distillguard.detectors.coverage import CoverageSweepDetector
from distillguard.detectors.economics import ExtractionEconomicsDetector
from distillguard.detectors.instruction_harvest import (CeilingOutputsDetector, InstructionHarvestDetector, OutputMaximisingDetector,
                                                         TemplateSweepDetector)
from distillguard.detectors.logprob_extraction import LogprobExtractionDetector
from distillguard.detectors.probing import IdentityProbeDetector
from distillguard.detectors.reasoning import ReasoningCoercionDetector
from distillguard.detectors.swarm import ContentSwarmDetector
from distillguard.detectors.timing import TimingDetector
from distillguard.detectors.usage import UsageAnomalyDetector

REGISTRY: dict[str, type[Detector]] = {
    cls.name: cls
    for cls in (
        UsageAnomalyDetector, TimingDetector, LogprobExtractionDetector, ReasoningCoercionDetector, BenchmarkHarvestDetector,
        IdentityProbeDetector, InstructionHarvestDetector, TemplateSweepDetector, OutputMaximisingDetector, CeilingOutputsDetector,
        NewAccountRampDetector, SybilStructureDetector, ContentSwarmDetector, ExtractionEconomicsDetector,
        CoverageSweepDetector, BehaviourModelDetector,
    )
}


def register(cls: type[Detector]) -> type[Detector]:
    """Add a detector class (usable as a decorator by plugins)."""
    REGISTRY[cls.name] = cls
    return cls


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> dict[str, Any]:
    """The default configuration, overlaid with a user's YAML file and in-code overrides."""
    config = yaml.safe_load(resources.files("distillguard.config").joinpath("default.yaml").read_text())
    if path is not None:
        text = Path(path).read_text()
        user = yaml.safe_load(text) or {}
        if not isinstance(user, dict):
            raise ValueError(f"{path}: expected a YAML mapping at the top level")
        check_keys(user, config, str(path))
        unknown = set(user.get("detectors", {})) - set(REGISTRY)
        if unknown:
            raise ValueError(f"{path}: detectors: unknown detector(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(REGISTRY))}")
        config = _merge(config, user)
    if overrides:
        config = _merge(config, overrides)
    return config


def build_detectors(config: dict[str, Any], extra: list[Detector] | None = None) -> tuple[list[Detector], dict[str, float]]:
    """Instantiate enabled detectors; returns (detectors, weight per detector name)."""
    detectors: list[Detector] = []
    weights: dict[str, float] = {}
    for name, spec in config.get("detectors", {}).items():
        if not spec.get("enabled", True):
            continue
        detectors.append(REGISTRY[name](**(spec.get("params") or {})))
        weights[name] = float(spec.get("weight", 0.5))
    for detector in extra or ():
        detectors.append(detector)
        weights.setdefault(detector.name, float(getattr(detector, "weight", 0.9)))
    return detectors, weights
