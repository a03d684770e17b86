"""`distillguard hub`: a TAXII 2.1 server for the consortium.

Implements discovery, the API root, collections, objects (get/add, by id,
versions), manifest and status, with `added_after`, `limit`/`next` paging, the
`match[...]` filters and the X-TAXII-Date-Added-First/Last headers, so any TAXII
2.1 client can read from it. On top of the spec:
- each provider authenticates with its own API key (HTTP Basic user=provider
  name, or Bearer), stored hashed in the config;
- collections grant read and write per provider; a provider sees only the
  collections it can read or write;
- every object a provider adds must be created by its own identity
  (`created_by_ref`), so nobody can publish as another, and an object id belongs
  to the provider that first published it: a later version (or a revocation)
  from anyone else is refused with 403;
- TLP marking definitions must be the standard ones and no marking definition
  changes once stored;
- only TAXII 2.1 media types are accepted, and JSON is parsed with depth and
  number-size limits; every error, even an unexpected one, is a TAXII error body;
- posted envelopes are size-capped and validated with stix2 before storage;
- readers of a collection get a signed webhook when objects are added;
- with `blind_secret_file` set, the hub is the key holder of blinded identifier
  hashing (intel/blind.py): POST /{root}/collections/{id}/blind/ evaluates blinded
  points for the collection's members, within a daily budget per member.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import datetime, timezone
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from distillguard.intel.hub_config import HubConfig, Provider
from distillguard.intel.hub_store import HubStore, ObjectOwned, fmt_ts, parse_ts
from distillguard.intel.validate import TLP_IDS, BundleError, canonical_tlp, check_objects, loads_limited
from distillguard.intel import webhooks

TAXII = "application/taxii+json;version=2.1"


class TaxiiError(Exception):
    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description


def _page(rows: list, more: bool, objects: list) -> dict[str, Any]:
    """A TAXII page envelope: `more`, the `next` cursor when there is more, and the objects if any."""
    body: dict[str, Any] = {"more": more}
    if more:
        body["next"] = str(rows[-1][0])
    if objects:
        body["objects"] = objects
    return body


def _taxii(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status_code=status, media_type=TAXII, headers=headers)


def blind_kid(collection_id: str) -> str:
    """The key id indicators carry when hashed with a collection's blinded key."""
    return f"oprf.{collection_id}"


def _is_taxii21(media_type: str) -> bool:
    """`application/taxii+json;version=2.1` (parameters in any order, any spacing); 2.0 and bare types are refused."""
    parts = [p.strip().lower() for p in media_type.split(";")]
    return parts[0] == "application/taxii+json" and "version=2.1" in [p.replace(" ", "") for p in parts[1:]]


def _accepts_taxii(request: Request) -> bool:
    accept = request.headers.get("accept", "").replace(" ", "").lower()
    return any(part.startswith("application/taxii+json") and ("version=2.1" in part or ";" not in part) for part in accept.split(",")) or "*/*" in accept


def create_app(config: HubConfig, store: HubStore) -> FastAPI:
    app = FastAPI(title=config.title, docs_url=None, redoc_url=None, openapi_url=None)
    root = config.api_root
    app.state.config, app.state.store = config, store
    app.state.deliveries = []  # background webhook threads (tests join them)

    @app.exception_handler(TaxiiError)
    async def _taxii_error(request: Request, exc: TaxiiError):
        headers = {"WWW-Authenticate": 'Basic realm="distillguard-hub"'} if exc.status == 401 else None
        return _taxii({"title": exc.title, "description": exc.description, "http_status": str(exc.status)}, exc.status, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # Never a plain-text 500 with internals: a TAXII error body naming only the kind of failure.
        return _taxii({"title": "Internal Server Error", "description": f"the hub could not process this request ({type(exc).__name__})",
                       "http_status": "500"}, 500)

    def auth(request: Request) -> Provider:
        if not _accepts_taxii(request):
            raise TaxiiError(406, "Not Acceptable", f"Accept must include {TAXII}")
        header = request.headers.get("authorization", "")
        user = key = None
        if header.lower().startswith("basic "):
            try:
                user, _, key = base64.b64decode(header[6:]).decode().partition(":")
            except Exception:
                raise TaxiiError(401, "Unauthorized", "malformed Basic credentials") from None
        elif header.lower().startswith("bearer "):
            key = header[7:].strip()
        provider = config.authenticate(user, key)
        if provider is None:
            raise TaxiiError(401, "Unauthorized", "a valid provider API key is required")
        return provider

    def collection(provider: Provider, cid: str, write: bool = False):
        conf = config.collections.get(cid)
        if conf is None or not (conf.can_read(provider.name) or conf.can_write(provider.name)):
            raise TaxiiError(404, "Not Found", f"no collection {cid} visible to {provider.name}")
        if write and not conf.can_write(provider.name):
            raise TaxiiError(403, "Forbidden", f"{provider.name} may not write to collection {cid}")
        if not write and not conf.can_read(provider.name):
            raise TaxiiError(403, "Forbidden", f"{provider.name} may not read collection {cid}")
        return conf

    def check_root(api_root: str) -> None:
        if api_root != root:
            raise TaxiiError(404, "Not Found", f"no API root {api_root!r}")

    def coll_info(conf, provider: Provider) -> dict:
        return {
            "id": conf.id,
            "title": conf.title,
            "description": conf.description,
            "can_read": conf.can_read(provider.name),
            "can_write": conf.can_write(provider.name),
            "media_types": ["application/stix+json;version=2.1"],
        }

    def filters(request: Request) -> dict:
        q = request.query_params
        out: dict[str, Any] = {"versions": q.get("match[version]", "last")}
        if "added_after" in q:
            try:
                out["added_after"] = parse_ts(q["added_after"])
            except ValueError:
                raise TaxiiError(400, "Bad Request", "added_after: not an RFC 3339 timestamp") from None
        try:
            limit = int(q.get("limit", config.max_page))
        except ValueError:
            raise TaxiiError(400, "Bad Request", "limit: not an integer") from None
        out["limit"] = max(1, min(limit, config.max_page))
        nxt = q.get("next")
        if nxt:
            try:
                out["after_seq"] = int(nxt)
            except ValueError:
                raise TaxiiError(400, "Bad Request", "next: not a token this server issued") from None
        if q.get("match[id]"):
            out["ids"] = q["match[id]"].split(",")
        if q.get("match[type]"):
            out["types"] = q["match[type]"].split(",")
        if q.get("match[spec_version]", "2.1") not in ("2.1",):
            out["ids"] = ["-none-"]
        return out

    def page_headers(rows) -> dict:
        if not rows:
            return {}
        return {"X-TAXII-Date-Added-First": rows[0][1], "X-TAXII-Date-Added-Last": rows[-1][1]}

    @app.get("/taxii2/")
    def discovery(request: Request):
        auth(request)
        return _taxii({"title": config.title, "description": "distillguard consortium hub for model-extraction intelligence",
                       "default": f"/{root}/", "api_roots": [f"/{root}/"]})

    @app.get("/{api_root}/")
    def api_root_info(api_root: str, request: Request):
        auth(request)
        check_root(api_root)
        return _taxii({"title": config.title, "versions": [TAXII], "max_content_length": config.max_content_length})

    @app.get("/{api_root}/collections/")
    def collections(api_root: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        visible = [coll_info(c, provider) for c in config.collections.values() if c.can_read(provider.name) or c.can_write(provider.name)]
        return _taxii({"collections": visible} if visible else {})

    @app.get("/{api_root}/collections/{cid}/")
    def collection_info(api_root: str, cid: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        conf = config.collections.get(cid)
        if conf is None or not (conf.can_read(provider.name) or conf.can_write(provider.name)):
            raise TaxiiError(404, "Not Found", f"no collection {cid} visible to {provider.name}")
        return _taxii(coll_info(conf, provider))

    @app.get("/{api_root}/collections/{cid}/objects/")
    def get_objects(api_root: str, cid: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        collection(provider, cid)
        rows, more = store.query(cid, **filters(request))
        return _taxii(_page(rows, more, [json.loads(r[3]) for r in rows]), headers=page_headers(rows))

    @app.get("/{api_root}/collections/{cid}/objects/{obj_id}/")
    def get_object(api_root: str, cid: str, obj_id: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        collection(provider, cid)
        f = filters(request)
        f["ids"] = [obj_id]
        rows, more = store.query(cid, **f)
        if not rows and not f.get("after_seq"):
            raise TaxiiError(404, "Not Found", f"no object {obj_id} in collection {cid}")
        body = _page(rows, more, [json.loads(r[3]) for r in rows])
        body.setdefault("objects", [])
        return _taxii(body, headers=page_headers(rows))

    @app.get("/{api_root}/collections/{cid}/objects/{obj_id}/versions/")
    def get_versions(api_root: str, cid: str, obj_id: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        collection(provider, cid)
        rows = store.versions(cid, obj_id)
        if not rows:
            raise TaxiiError(404, "Not Found", f"no object {obj_id} in collection {cid}")
        return _taxii({"more": False, "versions": [r[0] for r in rows]},
                      headers={"X-TAXII-Date-Added-First": min(r[1] for r in rows), "X-TAXII-Date-Added-Last": max(r[1] for r in rows)})

    @app.get("/{api_root}/collections/{cid}/manifest/")
    def manifest(api_root: str, cid: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        collection(provider, cid)
        rows, more = store.query(cid, **filters(request))
        entries = [{"id": json.loads(r[3])["id"], "date_added": r[1], "version": r[2], "media_type": "application/stix+json;version=2.1"}
                   for r in rows]
        return _taxii(_page(rows, more, entries), headers=page_headers(rows))

    @app.post("/{api_root}/collections/{cid}/objects/")
    async def add_objects(api_root: str, cid: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        conf = collection(provider, cid, write=True)
        if not _is_taxii21(request.headers.get("content-type", "")):
            raise TaxiiError(415, "Unsupported Media Type", f"Content-Type must be {TAXII}")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > config.max_content_length:
            raise TaxiiError(413, "Payload Too Large", f"{declared} bytes exceeds max_content_length {config.max_content_length}")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > config.max_content_length:
                raise TaxiiError(413, "Payload Too Large", f"body exceeds max_content_length {config.max_content_length}")
        try:
            envelope = loads_limited(body, "envelope")
        except BundleError as exc:
            raise TaxiiError(400, "Bad Request", str(exc)) from None
        if not isinstance(envelope, dict):
            raise TaxiiError(400, "Bad Request", "envelope: expected a JSON object with 'objects'")
        try:
            objects = check_objects(envelope.get("objects"), "envelope")
        except BundleError as exc:
            raise TaxiiError(422, "Unprocessable Entity", str(exc)) from None
        for i, obj in enumerate(objects):
            if obj["type"] == "marking-definition" and obj["id"] in TLP_IDS:
                if not canonical_tlp(obj):
                    raise TaxiiError(422, "Unprocessable Entity", f"objects[{i}] ({obj['id']}): an altered TLP marking definition; they are immutable")
                continue
            owner = obj["id"] if obj["type"] == "identity" else obj.get("created_by_ref")
            if owner != provider.identity:
                raise TaxiiError(403, "Forbidden", f"objects[{i}] ({obj['id']}): created_by_ref must be {provider.identity} ({provider.name}); publishing as another provider is refused")
        try:
            ok, failed = store.add(cid, objects, provider.name, shared_ids=frozenset(TLP_IDS))
        except ObjectOwned as exc:
            raise TaxiiError(403, "Forbidden", str(exc)) from None
        now = fmt_ts(datetime.now(timezone.utc))
        status = {
            "id": str(uuid.uuid4()), "status": "complete", "request_timestamp": now,
            "total_count": len(objects), "success_count": len(ok), "successes": ok,
            "failure_count": len(failed), "failures": failed, "pending_count": 0,
        }
        store.save_status(dict(status, _owner=provider.name))
        if ok:
            notify(conf, provider, len(ok))
        return _taxii(status, 202)

    @app.get("/{api_root}/status/{status_id}/")
    def get_status(api_root: str, status_id: str, request: Request):
        provider = auth(request)
        check_root(api_root)
        status = store.status(status_id)
        if status is None or status.pop("_owner", None) != provider.name:
            raise TaxiiError(404, "Not Found", f"no status {status_id}")
        return _taxii(status)

    evaluators: dict[str, Any] = {}
    master = None
    if config.blind_secret_file:
        from distillguard.intel.hub_config import load_blind_secret

        master = load_blind_secret(config.blind_secret_file)

    @app.post("/{api_root}/collections/{cid}/blind/")
    async def blind_evaluate(api_root: str, cid: str, request: Request):
        """Blinded identifier hashing for members of this collection (its sharing group)."""
        from distillguard.intel.blind import BlindError, Evaluator, group_key

        provider = auth(request)
        check_root(api_root)
        conf = config.collections.get(cid)
        if conf is None or not (conf.can_read(provider.name) or conf.can_write(provider.name)):
            raise TaxiiError(404, "Not Found", f"no collection {cid} visible to {provider.name}")
        if master is None:
            raise TaxiiError(404, "Not Found", "blinded hashing is not enabled on this hub (blind_secret_file)")
        body = await request.body()
        if len(body) > config.max_content_length:
            raise TaxiiError(413, "Payload Too Large", f"body exceeds max_content_length {config.max_content_length}")
        try:
            points = loads_limited(body, "request").get("points")
            if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
                raise BundleError("points: expected a list of base64 strings")
            decoded = [base64.b64decode(p, validate=True) for p in points]
        except (BundleError, AttributeError, ValueError) as exc:
            raise TaxiiError(400, "Bad Request", str(exc)) from None
        evaluator = evaluators.get(cid)
        if evaluator is None:
            evaluator = evaluators[cid] = Evaluator(group_key(master, cid), config.blind_budget_per_day)
        try:
            replies = evaluator.evaluate(provider.name, decoded)
        except BlindError as exc:
            status = 429 if "budget" in str(exc) else 400
            raise TaxiiError(status, "Too Many Requests" if status == 429 else "Bad Request", str(exc)) from None
        return _taxii({"kid": blind_kid(cid), "points": [base64.b64encode(r).decode() for r in replies],
                       "remaining": evaluator.remaining(provider.name)})

    def notify(conf, publisher: Provider, count: int) -> None:
        payload = {
            "event": "objects-added", "api_root": f"/{root}/", "collection_id": conf.id,
            "publisher": publisher.name, "count": count, "sent": fmt_ts(datetime.now(timezone.utc)),
        }
        for p in config.providers.values():
            if p.name == publisher.name or not p.webhook_url or not conf.can_read(p.name):
                continue
            thread = threading.Thread(
                target=webhooks.deliver, args=(p.webhook_url, p.webhook_secret, payload, config.webhook_timeout_s), daemon=True
            )
            thread.start()
            app.state.deliveries = [t for t in app.state.deliveries if t.is_alive()] + [thread]

    return app
