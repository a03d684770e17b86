"""Why accounts were joined, every time, and which joins an analyst has forbidden.

The linker unions groups; each union is one edge of a spanning forest (n − 1 edges for a
campaign of n), so keeping every union shows all of a campaign's structure and no more.
Each edge keeps the attribute kinds that made the join, written for an analyst ("same
/24 and client, also created together").

An analyst who splits a campaign records *cannot-link* sides (store table
`campaign_splits`): two groups whose members carry different sides of one split are never
unioned again, on this scan or any rescan, however much else they share.

The linker calls `record` from its single union and `allowed` before it; everything else
lives here, so the linker stays small. State hangs off the linker as `linker.forest`
(pickled with it); linkers pickled before this existed simply start without one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

KIND_WORDS = {"ip": "IP", "net": "/24", "ua": "client", "payment": "card", "domain": "email domain",
              "created": "creation burst", "profile": "sampling profile", "band": "prompt templates",
              "content": "prompt content (one systematic sweep)"}
FAMILY_WORDS = {"network": "same network", "client": "same client", "payment": "same card", "domain": "same email domain",
                "created": "created together", "profile": "same sampling profile", "content": "same prompt templates"}
_KIND_FAMILY = {"ip": "network", "net": "network", "ua": "client", "payment": "payment", "domain": "domain",
                "created": "created", "profile": "profile", "band": "content", "content": "content"}


@dataclass
class LinkForest:
    edges: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))  # root -> [(a, b, reason, families)]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # account -> {split id: side}
    root_sides: dict[str, dict[str, str]] = field(default_factory=dict)  # root -> sides of all its members
    signature: str = ""  # which splits this linker was built under

    def sides(self, root: str) -> dict[str, str]:
        return self.root_sides.get(root) or self.labels.get(root) or {}


def forest(linker) -> LinkForest:
    found = getattr(linker, "forest", None)
    if found is None:
        found = LinkForest()
        linker.forest = found
    return found


def allowed(linker, ra: str, rb: str) -> bool:
    """False when the two groups hold opposite sides of an analyst's split."""
    found = getattr(linker, "forest", None)
    if found is None or not found.labels:
        return True
    sa, sb = found.sides(ra), found.sides(rb)
    return not any(split in sb and sb[split] != side for split, side in sa.items())


def record(linker, ra: str, rb: str, a: str, b: str, reason: str, families) -> None:
    """Called once per union, after `rb` was attached under `ra`."""
    found = forest(linker)
    merged = found.edges.pop(rb, [])
    found.edges[ra].extend(merged)
    found.edges[ra].append((a, b, reason, tuple(sorted(families or ()))))
    if found.labels:
        sides = {**found.sides(rb), **found.sides(ra)}
        found.root_sides.pop(rb, None)
        if sides:
            found.root_sides[ra] = sides


def in_words(reason: str, families) -> str:
    """'same /24 and client, also created together' for reason 'net+ua' with families {network, client, created}."""
    kinds = reason.split("+")
    words = "same " + " and ".join(KIND_WORDS.get(k, k) for k in kinds)
    covered = {_KIND_FAMILY.get(k, k) for k in kinds}
    extra = [FAMILY_WORDS.get(f, f) for f in sorted(families or ()) if f not in covered]
    return words + (", also " + ", ".join(extra) if extra else "")


def export(linker, root: str) -> dict[str, Any]:
    """The campaign's every union, for its `links` JSON."""
    found = getattr(linker, "forest", None)
    edges = found.edges.get(root, []) if found is not None else []
    return {"forest": [{"a": a, "b": b, "shared": reason, "families": list(families), "words": in_words(reason, families)}
                       for a, b, reason, families in edges]}


def apply_splits(linker, splits: dict[str, dict[str, str]], signature: str):
    """The linker to use under these splits: the same one when nothing changed, else a fresh one carrying them
    (the caller re-observes every account; linking is linear in accounts, so a rebuild is cheap next to a scan)."""
    current = getattr(linker, "forest", None)
    if (current.signature if current is not None else "") == signature:
        return linker
    fresh = type(linker)(bucket_minutes=linker.bucket_minutes, per_type=linker.per_type)
    fresh.forest = LinkForest(labels={a: dict(s) for a, s in splits.items()}, signature=signature)
    return fresh
