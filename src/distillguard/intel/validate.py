"""Validate a peer's STIX bundle and turn it into matchable intelligence.

Everything from a peer is untrusted: size and object counts are capped before
parsing, each object is checked by the stix2 library, every object must be
created by the one identity the bundle carries, and our two indicator forms
(keyed identifier hashes, MinHash signatures) are parsed strictly. Errors name
the object and the reason in one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from distillguard.intel.keys import IDENTIFIER_KINDS
from distillguard.intel.signatures import Signature

MAX_BUNDLE_BYTES = 5 * 1024 * 1024
MAX_OBJECTS = 20_000
_IDENT = re.compile(
    r"^\[x-distillguard-identifier:kind = '([a-z_]+)' AND x-distillguard-identifier:kid = '([A-Za-z0-9_.-]{1,64})'"
    r" AND x-distillguard-identifier:hmac = '([0-9a-f]{64})'\]$"
)
# Standard TLP 2.1 marking definitions may be referenced (or included) without belonging to the publisher.
TLP_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # white
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",  # green
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",  # amber
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",  # red
}


def canonical_tlp(obj: dict) -> bool:
    """True when a TLP marking definition is exactly the standard one (they are immutable)."""
    import stix2

    for name in ("TLP_WHITE", "TLP_GREEN", "TLP_AMBER", "TLP_RED"):
        standard = json.loads(getattr(stix2.v21, name).serialize())
        if standard["id"] == obj.get("id"):
            return {k: v for k, v in obj.items() if k != "spec_version"} == {k: v for k, v in standard.items() if k != "spec_version"}
    return False


class BundleError(ValueError):
    """A bundle that is refused; the message says where and why."""


@dataclass(frozen=True)
class IdentifierIndicator:
    id: str
    kind: str
    kid: str
    hmac: str
    campaigns: tuple[str, ...]


@dataclass(frozen=True)
class SignatureIndicator:
    id: str
    signature: Signature
    campaigns: tuple[str, ...]


@dataclass
class IntelPackage:
    """A validated peer bundle: who sent it and what can be matched."""

    publisher: str  # identity id
    publisher_name: str
    campaigns: dict[str, str] = field(default_factory=dict)  # campaign id -> name
    identifiers: list[IdentifierIndicator] = field(default_factory=list)
    signatures: list[SignatureIndicator] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    objects: list[dict] = field(default_factory=list)  # the validated STIX objects, as received

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


# STIX objects nest a few levels; numbers in them are counts and timestamps' digits. Past these
# limits a document is an attack on the parser (deep recursion, quadratic big-integer parsing).
MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 40
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def _json_depth(data: bytes) -> int:
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b'""', data)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def _bounded_number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_CHARS:
            raise BundleError(f"a number of {len(text):,} characters exceeds the {MAX_NUMBER_CHARS}-character limit")
        return kind(text)
    return parse


def _no_constant(name: str):
    raise BundleError(f"{name} is not valid JSON")


def loads_limited(data: bytes | str, source: str) -> Any:
    """json.loads with depth and number-size limits; every failure is a one-line BundleError."""
    raw = data.encode() if isinstance(data, str) else data
    depth = _json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise BundleError(f"{source}: JSON nested {depth:,} levels deep exceeds the {MAX_JSON_DEPTH}-level limit")
    try:
        return json.loads(raw, parse_int=_bounded_number(int), parse_float=_bounded_number(float), parse_constant=_no_constant)
    except BundleError as exc:
        raise BundleError(f"{source}: {exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{source}: not JSON ({getattr(exc, 'msg', exc)})") from None
    except (RecursionError, ValueError) as exc:
        raise BundleError(f"{source}: unusable JSON ({type(exc).__name__})") from None


def load_bundle_bytes(data: bytes, source: str = "bundle", max_bytes: int = MAX_BUNDLE_BYTES) -> dict:
    if len(data) > max_bytes:
        raise BundleError(f"{source}: {len(data):,} bytes exceeds the {max_bytes:,}-byte limit")
    return loads_limited(data, source)


def load_bundle_file(path: Path, max_bytes: int = MAX_BUNDLE_BYTES) -> dict:
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file") from None
    if size > max_bytes:
        raise BundleError(f"{path}: {size:,} bytes exceeds the {max_bytes:,}-byte limit")
    return load_bundle_bytes(path.read_bytes(), str(path), max_bytes)


def check_objects(objects: Any, source: str, max_objects: int = MAX_OBJECTS) -> list[dict]:
    """STIX-validate a list of objects (bundle or TAXII envelope) and return them as dicts."""
    import stix2
    from stix2.exceptions import STIXError

    if not isinstance(objects, list) or not objects:
        raise BundleError(f"{source}: objects: expected a non-empty list")
    if len(objects) > max_objects:
        raise BundleError(f"{source}: objects: {len(objects):,} objects exceeds the {max_objects:,} limit")
    out = []
    for i, obj in enumerate(objects):
        where = f"{source}: objects[{i}]"
        if not isinstance(obj, dict):
            raise BundleError(f"{where}: expected an object")
        if isinstance(obj.get("id"), str):
            where += f" ({obj['id']})"
        if obj.get("spec_version") != "2.1":
            raise BundleError(f"{where}: spec_version: must be '2.1'")
        # stix2 would silently fill in missing timestamps; a peer's object must carry its own.
        for required in ("type", "id", "created") + (("modified",) if obj.get("type") != "marking-definition" else ()):
            if not isinstance(obj.get(required), str):
                raise BundleError(f"{where}: {required}: missing")
        try:
            stix2.parse(obj, allow_custom=True, version="2.1")
        except (STIXError, ValueError, TypeError, KeyError) as exc:
            raise BundleError(f"{where}: {str(exc).splitlines()[0][:300]}") from None
        out.append(obj)
    return out


def parse_bundle(bundle: Any, source: str = "bundle", now: datetime | None = None) -> IntelPackage:
    """Validate a decoded bundle and extract what the matcher uses."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise BundleError(f"{source}: type: expected a STIX bundle object")
    if not isinstance(bundle.get("id"), str) or not bundle["id"].startswith("bundle--"):
        raise BundleError(f"{source}: id: expected 'bundle--<uuid>'")
    objects = check_objects(bundle.get("objects"), source)
    return package_from_objects(objects, source, now)


def package_from_objects(objects: list[dict], source: str, now: datetime | None = None) -> IntelPackage:
    now = now or datetime.now(timezone.utc)
    identities = list({o["id"]: o for o in objects if o["type"] == "identity"}.values())
    if len(identities) != 1:
        raise BundleError(f"{source}: objects: expected exactly one identity (the publisher), found {len(identities)}")
    publisher = identities[0]
    for i, obj in enumerate(objects):
        if obj["type"] == "marking-definition" and obj["id"] in TLP_IDS:
            if not canonical_tlp(obj):
                raise BundleError(f"{source}: objects[{i}] ({obj['id']}): an altered TLP marking definition (they are immutable)")
            continue
        if obj.get("created_by_ref") != publisher["id"] and obj is not publisher:
            raise BundleError(f"{source}: objects[{i}] ({obj['id']}): created_by_ref: not the publisher {publisher['id']}")
    package = IntelPackage(publisher=publisher["id"], publisher_name=str(publisher.get("name", "")), objects=objects)
    package.campaigns = {o["id"]: str(o.get("name", "")) for o in objects if o["type"] == "campaign"}
    indicates: dict[str, list[str]] = {}
    for o in objects:
        if o["type"] == "relationship" and o.get("relationship_type") == "indicates" and o.get("target_ref") in package.campaigns:
            indicates.setdefault(o["source_ref"], []).append(o["target_ref"])
    for o in objects:
        if o["type"] != "indicator":
            continue
        if o.get("revoked"):
            package.skip("revoked")
            continue
        until = o.get("valid_until")
        if until and datetime.fromisoformat(until.replace("Z", "+00:00")) < now:
            package.skip("expired")
            continue
        campaigns = tuple(indicates.get(o["id"], ()))
        if o.get("pattern_type") == "stix":
            m = _IDENT.match(o.get("pattern", ""))
            if not m:
                package.skip("unsupported pattern")
                continue
            kind, kid, digest = m.groups()
            if kind not in IDENTIFIER_KINDS:
                raise BundleError(f"{source}: {o['id']}: pattern: unknown identifier kind {kind!r}")
            package.identifiers.append(IdentifierIndicator(o["id"], kind, kid, digest, campaigns))
        elif o.get("pattern_type") == "x-distillguard-minhash":
            try:
                sig = Signature.from_pattern(o.get("pattern", ""))
            except ValueError as exc:
                raise BundleError(f"{source}: {o['id']}: pattern: {exc}") from None
            package.signatures.append(SignatureIndicator(o["id"], sig, campaigns))
        else:
            package.skip("unsupported pattern type")
    return package


def load_package(path: Path) -> IntelPackage:
    return parse_bundle(load_bundle_file(path), str(path))
