"""Push bundles to the hub and poll it for peers' intelligence (taxii2-client).

Polling remembers the hub's X-TAXII-Date-Added-Last and asks only for what was
added after it, page by page. Objects are grouped by publisher, re-validated
(the hub is trusted to authenticate, not to be infallible) and handed back as
IntelPackages for the matcher. A provider's own objects are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from distillguard.intel.hub_store import parse_ts
from distillguard.intel.validate import BundleError, IntelPackage, check_objects, package_from_objects


class ClientError(RuntimeError):
    """The hub refused or could not be reached; the message says which and why."""


def _collection(base_url: str, api_root: str, collection_id: str, user: str, key: str):
    from taxii2client.v21 import Collection

    url = f"{base_url.rstrip('/')}/{api_root.strip('/')}/collections/{collection_id}/"
    return Collection(url, user=user, password=key)


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            detail = response.json()
            return f"HTTP {response.status_code}: {detail.get('title', '')}: {detail.get('description', '')}"
        except ValueError:
            return f"HTTP {response.status_code}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def push(bundle: dict, base_url: str, api_root: str, collection_id: str, user: str, key: str) -> dict:
    """Add a bundle's objects to a hub collection; returns the TAXII status."""
    coll = _collection(base_url, api_root, collection_id, user, key)
    try:
        status = coll.add_objects({"objects": bundle["objects"]}, wait_for_completion=False)
    except Exception as exc:  # requests/taxii2client raise many types; report one line
        raise ClientError(f"push to {base_url} collection {collection_id}: {_describe(exc)}") from None
    finally:
        coll.close()
    return {"id": status.id, "status": status.status, "success_count": status.success_count, "failure_count": status.failure_count}


@dataclass
class PollState:
    """Where the last poll stopped, per collection; saved as JSON between runs."""

    added_after: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> "PollState":
        if path and Path(path).exists():
            return cls(dict(json.loads(Path(path).read_text()).get("added_after", {})))
        return cls()

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps({"added_after": self.added_after}, indent=2) + "\n")


def poll(
    base_url: str,
    api_root: str,
    collection_id: str,
    user: str,
    key: str,
    state: PollState,
    own_identity: str | None = None,
    page_size: int = 500,
    max_pages: int = 100,
) -> tuple[list[IntelPackage], list[str]]:
    """New peer packages since the last poll, and one-line reasons for any group refused."""
    from taxii2client.v21 import as_pages

    coll = _collection(base_url, api_root, collection_id, user, key)
    try:
        last_header: list[str] = []
        coll._conn.session.hooks["response"].append(
            lambda r, *a, **k: last_header.append(r.headers["X-TAXII-Date-Added-Last"]) if "X-TAXII-Date-Added-Last" in r.headers else None
        )
        kwargs = {}
        if collection_id in state.added_after:
            kwargs["added_after"] = state.added_after[collection_id]
        objects: list = []
        for n, envelope in enumerate(as_pages(coll.get_objects, per_request=page_size, **kwargs)):
            objects += envelope.get("objects", [])
            if n + 1 >= max_pages:
                break
    except Exception as exc:
        coll.close()
        raise ClientError(f"poll {base_url} collection {collection_id}: {_describe(exc)}") from None
    if last_header:
        newest = max(last_header, key=parse_ts)
        state.added_after[collection_id] = newest
    groups: dict[str, list[dict]] = {}
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        owner = obj.get("id") if obj.get("type") == "identity" else obj.get("created_by_ref")
        if not isinstance(owner, str) or owner == own_identity:
            continue
        groups.setdefault(owner, []).append(obj)
    packages, problems = [], []
    for owner, objs in groups.items():
        if not any(o.get("type") == "indicator" for o in objs):
            continue
        if not any(o.get("type") == "identity" for o in objs):
            try:
                envelope = coll.get_object(owner)
                objs = envelope.get("objects", [])[:1] + objs
            except Exception as exc:
                problems.append(f"{owner}: identity not retrievable ({_describe(exc)})")
                continue
        try:
            packages.append(package_from_objects(check_objects(objs, f"hub objects from {owner}"), f"hub objects from {owner}"))
        except BundleError as exc:
            problems.append(str(exc))
    coll.close()
    return packages, problems


def hub_blind_client(base_url: str, api_root: str, collection_id: str, user: str, key: str, timeout_s: float = 30.0):
    """A BlindClient whose evaluator is the hub's blinded-hashing endpoint for one collection."""
    import base64

    import httpx

    from distillguard.intel.blind import BlindClient, BlindError
    from distillguard.intel.hub import TAXII, blind_kid

    url = f"{base_url.rstrip('/')}/{api_root.strip('/')}/collections/{collection_id}/blind/"

    def evaluate(points: list[bytes]) -> list[bytes]:
        body = json.dumps({"points": [base64.b64encode(p).decode() for p in points]})
        try:
            response = httpx.post(url, content=body, headers={"Accept": TAXII, "Content-Type": "application/json"},
                                  auth=(user, key), timeout=timeout_s)
        except httpx.HTTPError as exc:
            raise ClientError(f"blinded hashing at {url}: {exc}") from None
        if response.status_code != 200:
            raise ClientError(f"blinded hashing at {url}: {_describe(httpx.HTTPStatusError('', request=response.request, response=response))}")
        try:
            return [base64.b64decode(p, validate=True) for p in response.json()["points"]]
        except (ValueError, KeyError, TypeError):
            raise BlindError(f"blinded hashing at {url}: unusable reply") from None

    return BlindClient(blind_kid(collection_id), evaluate)
