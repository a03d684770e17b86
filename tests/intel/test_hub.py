"""The TAXII 2.1 hub on loopback: protocol, paging, permissions, refusals."""

import json

import httpx
import pytest

from tests.intel._helpers import COLLECTION, KEYS, PRIVATE, oracle_detection, running_hub
from distillguard.intel import client
from distillguard.intel.export import build_bundle
from distillguard.intel.hub import TAXII

H = {"Accept": TAXII, "Content-Type": TAXII}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with running_hub(tmp_path_factory.mktemp("hub")) as server:
        yield server


@pytest.fixture(scope="module")
def bundle_a(traffic, keyring):
    campaigns, flagged, events = oracle_detection(traffic)
    return build_bundle(campaigns, flagged, events, keyring, "A")[0]


@pytest.fixture(scope="module")
def pushed(hub, bundle_a):
    return client.push(bundle_a, hub.url, "consortium", COLLECTION, "A", KEYS["A"])


def _url(hub, path):
    return f"{hub.url}/consortium/{path}"


def test_standard_taxii_client_discovers_and_reads(hub, pushed, bundle_a):
    from taxii2client.v21 import Server, as_pages

    server = Server(f"{hub.url}/taxii2/", user="B", password=KEYS["B"])
    assert server.title == "test hub"
    root = server.default
    assert root.max_content_length == 2_000_000
    titles = {c.title: c for c in root.collections}
    assert set(titles) == {"extraction-campaigns", "a-and-b-only"}
    coll = titles["extraction-campaigns"]
    assert coll.can_read and coll.can_write
    got = [o for page in as_pages(coll.get_objects, per_request=50) for o in page.get("objects", [])]
    assert len(got) == len(bundle_a["objects"]) == pushed["success_count"]  # paged 50 at a time, no gaps, no repeats
    assert len({o["id"] for o in got}) == len(got)


def test_added_after_paging_headers_and_manifest(hub, pushed):
    auth = ("C", KEYS["C"])
    first = httpx.get(_url(hub, f"collections/{COLLECTION}/objects/"), params={"limit": 10}, headers=H, auth=auth)
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/taxii+json")
    body = first.json()
    assert body["more"] is True and len(body["objects"]) == 10 and body["next"]
    last = first.headers["X-TAXII-Date-Added-Last"]
    assert first.headers["X-TAXII-Date-Added-First"] <= last
    rest, params = [], {"added_after": last, "limit": 1000}  # the hub caps pages at 50
    for _ in range(100):
        page = httpx.get(_url(hub, f"collections/{COLLECTION}/objects/"), params=params, headers=H, auth=auth).json()
        assert len(page["objects"]) <= 50
        rest += page["objects"]
        if not page["more"]:
            break
        params["next"] = page["next"]
    assert len(rest) == pushed["success_count"] - 10
    assert not {o["id"] for o in rest} & {o["id"] for o in body["objects"]}
    empty = httpx.get(_url(hub, f"collections/{COLLECTION}/objects/"), params={"added_after": "2999-01-01T00:00:00Z"}, headers=H, auth=auth).json()
    assert empty == {"more": False}
    manifest = httpx.get(_url(hub, f"collections/{COLLECTION}/manifest/"), params={"limit": 5, "match[type]": "campaign"}, headers=H, auth=auth).json()
    assert [m["id"].split("--")[0] for m in manifest["objects"]] == ["campaign"]
    oid = manifest["objects"][0]["id"]
    one = httpx.get(_url(hub, f"collections/{COLLECTION}/objects/{oid}/"), headers=H, auth=auth).json()
    assert one["objects"][0]["id"] == oid
    versions = httpx.get(_url(hub, f"collections/{COLLECTION}/objects/{oid}/versions/"), headers=H, auth=auth).json()
    assert len(versions["versions"]) == 1


def test_poll_state_only_fetches_new_objects(hub, pushed):
    state = client.PollState()
    packages, problems = client.poll(hub.url, "consortium", COLLECTION, "B", KEYS["B"], state, own_identity=None, page_size=50)
    assert len(packages) == 1 and not problems and packages[0].publisher_name == "A"
    again, _ = client.poll(hub.url, "consortium", COLLECTION, "B", KEYS["B"], state, page_size=50)
    assert again == []
    mine, _ = client.poll(hub.url, "consortium", COLLECTION, "A", KEYS["A"], client.PollState(), own_identity=packages[0].publisher)
    assert mine == []  # a provider's own objects are not fed back to it


def test_status_belongs_to_its_publisher(hub, pushed):
    assert httpx.get(_url(hub, f"status/{pushed['id']}/"), headers=H, auth=("A", KEYS["A"])).json()["success_count"] > 0
    assert httpx.get(_url(hub, f"status/{pushed['id']}/"), headers=H, auth=("B", KEYS["B"])).status_code == 404


def test_authentication_and_collection_permissions(hub, pushed, bundle_a):
    objects = f"collections/{COLLECTION}/objects/"
    assert httpx.get(_url(hub, objects), headers=H).status_code == 401
    assert httpx.get(_url(hub, objects), headers=H, auth=("B", KEYS["C"])).status_code == 401  # C's key is not B's
    assert httpx.get(_url(hub, objects), headers=dict(H, Authorization=f"Bearer {KEYS['B']}")).status_code == 200
    # D was granted nothing: it sees no collection and cannot read this one.
    assert httpx.get(_url(hub, "collections/"), headers=H, auth=("D", KEYS["D"])).json() == {}
    assert httpx.get(_url(hub, objects), headers=H, auth=("D", KEYS["D"])).status_code == 404
    # C is not granted the private collection; B may read it but not write.
    assert httpx.get(_url(hub, f"collections/{PRIVATE}/objects/"), headers=H, auth=("C", KEYS["C"])).status_code == 404
    assert httpx.get(_url(hub, f"collections/{PRIVATE}/objects/"), headers=H, auth=("B", KEYS["B"])).status_code == 200
    envelope = json.dumps({"objects": bundle_a["objects"][:3]})
    r = httpx.post(_url(hub, f"collections/{PRIVATE}/objects/"), content=envelope, headers=H, auth=("B", KEYS["B"]))
    assert r.status_code == 403


def test_cannot_publish_as_another_provider(hub, bundle_a):
    envelope = json.dumps({"objects": bundle_a["objects"][:5]})  # A's objects, posted with B's key
    r = httpx.post(_url(hub, f"collections/{COLLECTION}/objects/"), content=envelope, headers=H, auth=("B", KEYS["B"]))
    assert r.status_code == 403 and "created_by_ref" in r.json()["description"]


def test_malformed_oversized_and_wrong_media_type_posts_are_refused(hub, bundle_a):
    url, auth = _url(hub, f"collections/{COLLECTION}/objects/"), ("A", KEYS["A"])
    assert httpx.post(url, content=b"{not json", headers=H, auth=auth).status_code == 400
    bad = dict(bundle_a["objects"][1], spec_version="2.0")
    r = httpx.post(url, content=json.dumps({"objects": [bad]}), headers=H, auth=auth)
    assert r.status_code == 422 and "spec_version" in r.json()["description"]
    big = json.dumps({"objects": [bundle_a["objects"][0]] * 8000})
    assert len(big) > 2_000_000
    assert httpx.post(url, content=big, headers=H, auth=auth).status_code == 413
    assert httpx.post(url, content=b"{}", headers=dict(H, **{"Content-Type": "application/json"}), auth=auth).status_code == 415
    assert httpx.get(url, headers={"Accept": "text/html"}, auth=auth).status_code == 406
